import { basename, dirname } from 'node:path';
import { NswgError } from '../../errors.js';
import type { InstalledTree, LockfileContents } from '../types.js';
import { Project, type ProjectFolder } from './project.js';

export { Project, type ProjectFolder } from './project.js';

type Kind = 'npm' | 'yarn-v1' | 'yarn-berry' | 'pnpm' | 'bun' | 'cyclonedx';

/** The lockfiles a project directory may hold, in the order they are read; npm-shrinkwrap.json wins over package-lock.json. */
const PROJECT_LOCKFILES = [
  'npm-shrinkwrap.json',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
];

/**
 * CycloneDX's own names for an SBOM (as osv-scanner reads them). A folder's SBOM is read only when it
 * has no lockfile: the SBOM is usually made from that lockfile, and reading both would report each
 * finding twice.
 */
const isSbomName = (name: string) => name === 'bom.json' || name.endsWith('.cdx.json');

/** How to make the lockfile a project lacks, with each package manager. */
const MAKE_A_LOCKFILE =
  'make one with `npm install --package-lock-only`, `pnpm install --lockfile-only` or `yarn install --mode update-lockfile`';

/** One entry of a project directory, as far as choosing its lockfiles goes. */
export interface FolderEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}

/**
 * Which entries of a project directory to read: npm-shrinkwrap.json (else package-lock.json),
 * yarn.lock, pnpm-lock.yaml and bun.lock, whichever are there; else its CycloneDX SBOMs (bom.json,
 * *.cdx.json); else node_modules.
 * E_LOCKFILE_MISSING when there is nothing to read.
 */
export function chooseLockfiles(dir: string, entries: readonly FolderEntry[]): string[] {
  const files = new Set(entries.filter((e) => e.isFile).map((e) => e.name));
  const shrinkwrap = files.has('npm-shrinkwrap.json');
  const chosen = PROJECT_LOCKFILES.filter((n) => files.has(n) && !(shrinkwrap && n === 'package-lock.json'));
  if (chosen.length === 0 && files.has('bun.lockb')) chosen.push('bun.lockb');
  if (chosen.length > 0) return chosen;
  const sboms = [...files].filter(isSbomName).sort();
  if (sboms.length > 0) return sboms;
  if (entries.some((e) => e.name === 'node_modules' && e.isDirectory)) return ['node_modules'];
  throw new NswgError(
    'E_LOCKFILE_MISSING',
    `no lockfile here (looked for ${PROJECT_LOCKFILES.join(', ')}, bom.json, *.cdx.json and node_modules): ${MAKE_A_LOCKFILE}`,
    { file: dir },
  );
}

/**
 * The packages a lockfile (or SBOM) installs, from its text. The format is told by the file's
 * name and content; the package.json files of its folder supply what the lockfile omits. Each
 * format's reader is loaded only when a lockfile of that format comes.
 */
export async function extractLockfileText(
  file: string,
  text: string,
  folder: ProjectFolder,
): Promise<LockfileContents> {
  const kind = detect(file, text);
  const project = await Project.open(dirname(file), folder);
  switch (kind) {
    case 'npm':
      return (await import('./npm.js')).extractNpm(file, text, project);
    case 'yarn-v1':
      return (await import('./yarn-v1.js')).extractYarnV1(file, text, project);
    case 'yarn-berry':
      return (await import('./yarn-berry.js')).extractYarnBerry(file, text, project);
    case 'pnpm':
      return (await import('./pnpm.js')).extractPnpm(file, text, project);
    case 'bun':
      return (await import('./bun.js')).extractBun(file, text, project);
    case 'cyclonedx':
      return (await import('./cyclonedx.js')).extractCycloneDx(file, text, project);
  }
}

/** The packages of an installed node_modules tree `dir`, from what was read of it (`tree`). */
export async function extractInstalledTree(
  dir: string,
  tree: InstalledTree,
  project: Project,
): Promise<LockfileContents> {
  return (await import('./node-modules.js')).extractNodeModules(dir, tree, project);
}

/** The format of a lockfile, from its name and its first bytes. */
function detect(file: string, text: string): Kind {
  const name = basename(file);
  const head = text.slice(0, 4096);
  if (name === 'bun.lockb' || head.startsWith('#!/usr/bin/env bun'))
    throw new NswgError(
      'E_FORMAT_UNKNOWN',
      "bun's binary lockfile is not read: write the text bun.lock with `bun install --save-text-lockfile`",
      { file },
    );
  if (name === 'yarn.lock' || (name.endsWith('.lock') && /^(# yarn lockfile v1|__metadata:)/m.test(head)))
    return /^__metadata:/m.test(head) ? 'yarn-berry' : 'yarn-v1';
  if (name === 'pnpm-lock.yaml') return 'pnpm';
  if (name === 'bun.lock') return 'bun';
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json' || name === '.package-lock.json')
    return 'npm';
  if (/\.ya?ml$/.test(name) && /^lockfileVersion:/m.test(head)) return 'pnpm';
  if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return 'cyclonedx';
  if (name.endsWith('.json') && /"lockfileVersion"\s*:/.test(head)) return 'npm';
  if (name.endsWith('.lock') && /"lockfileVersion"\s*:/.test(head)) return 'bun';
  throw new NswgError(
    'E_FORMAT_UNKNOWN',
    'not a lockfile this scanner knows (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock, a CycloneDX JSON SBOM, node_modules)',
    { file },
  );
}
