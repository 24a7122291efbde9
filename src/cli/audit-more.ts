// What `nswg audit` needs only sometimes: the readers of yarn, pnpm and bun lockfiles, CycloneDX
// SBOMs and node_modules folders; the SARIF, Markdown, CycloneDX and npm reports; and commander, for
// a command line the command does not read itself (help, `--`, short options: see readPlainArgs).
// Each is loaded by its own import() where it is used; this module names them for
// scripts/bundle.mjs, which builds them into a bundle of their own beside the audit's
// (dist/bin/audit-more.cjs) and makes those imports load it. The audit of an npm lockfile, the case
// its start-up is measured on, then does not read their code (130 KB, 7 ms of its start).
export { Command } from 'commander';
export { readInstalledTree } from '../files/node-modules.js';
export { extractBun } from '../scan/extractors/bun.js';
export { extractCycloneDx } from '../scan/extractors/cyclonedx.js';
export { extractNodeModules } from '../scan/extractors/node-modules.js';
export { extractPnpm } from '../scan/extractors/pnpm.js';
export { extractYarnBerry } from '../scan/extractors/yarn-berry.js';
export { extractYarnV1 } from '../scan/extractors/yarn-v1.js';
export { renderCycloneDx } from '../scan/reporters/cyclonedx.js';
export { renderMarkdown } from '../scan/reporters/markdown.js';
export { renderNpm } from '../scan/reporters/npm.js';
export { renderSarif } from '../scan/reporters/sarif.js';
