#!/usr/bin/env node
// Bundles the `nswg` command into dist/bin/ so that it starts fast:
// - cli.cjs: the whole command line in one CommonJS file instead of hundreds of small modules
//   (Kysely alone is 280). A command's modules run only when that command runs. Packages with
//   native code, optional parts or large dependency trees (pg, fastify, …) stay in node_modules
//   and load from there when needed; SQLite is Node.js's own node:sqlite.
// - audit.cjs: the same for `nswg audit` alone, the command run most and where start-up counts
//   (in CI, on every change): the other commands' modules are left out, and with them the server,
//   the disclosure program and the pages. Half the code to read and load: 15 ms of every audit.
// - audit-sources.cjs: what an audit of anything but a current SQLite file needs (the whole store
//   with its query builder and migrations, an nswg server's API), which audit.cjs loads from there
//   only then (src/cli/audit-sources.ts): the usual audit does not read that code (7 ms of it).
// - audit-more.cjs: the lockfile readers other than npm's, the reports other than JSON and text,
//   and commander, which a plain `nswg audit` command line does without (src/cli/audit-more.ts):
//   likewise loaded from there only when used (7 ms).
// - nswg.js: the executable, which loads the bundle for the command with Node.js's compile cache
//   (src/cli/launch.ts). The cache skips parsing and compiling, but the file is still read and its
//   cache loaded, so a command pays for the code it carries.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { build } from 'esbuild';

/** Bundled into the command: small, pure JavaScript, used on the hot paths. */
const BUNDLED = new Set([
  'kysely',
  'semver',
  'commander',
  'picocolors',
  'yaml',
  '@yarnpkg/parsers',
  'fflate',
]);

/**
 * The domain folders are pure: importing one of their modules runs nothing but definitions. Saying
 * so lets esbuild leave out the modules whose exports a command does not use, even when they come
 * through a folder's index (an audit needs severityOf, not the OSV schema or the file reader).
 */
const PURE = ['advisories', 'versions', 'scan'].map((d) => resolve('src', d) + sep);

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** What both files are built with: CommonJS for the supported Node.js versions, ASCII (see below). */
const common = {
  outdir: 'dist/bin',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  charset: 'ascii',
  logLevel: 'warning',
};

/** The command modules main.ts loads (src/cli/<name>.ts), but the one a single-command bundle keeps. */
const COMMAND_MODULE = /^\.\/[a-z-]+-commands?\.js$/;

/**
 * The bundles beside audit.cjs, of what an audit needs only sometimes (src/cli/<name>.ts): in
 * audit.cjs, every import of such a module, or of a module or package it re-exports, loads its
 * bundle instead.
 */
const AUDIT_SPLITS = ['audit-sources', 'audit-more'].map((name) => {
  const entry = `src/cli/${name}.ts`;
  const reexported = [...readFileSync(entry, 'utf8').matchAll(/^export \{[^}]*\} from '([^']+)';$/gm)].map(
    (m) => m[1],
  );
  const modules = reexported.filter((s) => s.startsWith('.'));
  return {
    name,
    entry,
    files: new Set([resolve(entry), ...modules.map((s) => resolve('src/cli', s.replace(/\.js$/, '.ts')))]),
    packages: new Set(reexported.filter((s) => !s.startsWith('.'))),
  };
});

/** The bundle beside audit.cjs that an import resolves to, if any (see AUDIT_SPLITS). */
const auditSplitOf = (args) =>
  AUDIT_SPLITS.find(
    (s) =>
      s.packages.has(args.path) ||
      (/^\.\.?\//.test(args.path) && s.files.has(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')))),
  );

/**
 * Bundles the command line into dist/bin/<name>.cjs; with `only` (a command module, e.g.
 * './audit-command.js'), every other command's module is a stand-in that is never loaded: the
 * executable runs this bundle for that command alone. `entry`: another module than the command
 * line's (a bundle that one of those loads).
 */
const bundleCli = (name, only, entry = 'src/cli/main.ts') => build({
  ...common,
  entryPoints: { [name]: entry },
  outExtension: { '.js': '.cjs' },
  // Minified: the compile cache of a bundle holds every function's name and scope, so short names make
  // it smaller and faster to load (an audit's cache: 487 KB → 390 KB, ~10 ms less). No code here
  // depends on a function's or class's own name (errors set theirs; commander's error name is only
  // shown in its own messages): keepNames, which renames every closure as it is made, would cost
  // the audit back what minifying gains. The source map (cli.cjs.map) gives stack traces their
  // source lines, with NSWG_DEBUG set (src/cli/launch.ts). NSWG_BUNDLE_MINIFY=0 builds it readable,
  // for profiles that name the functions.
  minify: process.env.NSWG_BUNDLE_MINIFY !== '0',
  sourcemap: 'linked',
  legalComments: 'linked',
  // import() of a package left in node_modules becomes require(): every such package is CommonJS, and
  // require() loads it at once, without a promise
  supported: { 'dynamic-import': false },
  // the modules' own location, for createRequire and the data folder: the bundle's
  define: { 'import.meta.url': '__nswgModuleUrl' },
  // after "use strict", which must come first to make the bundle strict (the modules are ES modules)
  banner: { js: `"use strict";var __nswgModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
  plugins: [
    {
      name: 'keep-most-packages-external',
      setup(b) {
        // commander loads node:child_process (and with it net, dgram, streams: ~5 ms) for executable
        // subcommands, which nswg has none of: it gets the module on first use instead
        b.onResolve({ filter: /^node:child_process$/ }, (args) =>
          /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
            ? { path: 'child_process', namespace: 'lazy-builtin' }
            : { external: true },
        );
        b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
          contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:${args.path}'))[k] });`,
          loader: 'js',
        }));
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { external: true };
          return BUNDLED.has(packageName(args.path)) ? null : { external: true };
        });
        // the tagged templates' text (html`…`) keeps its raw form, which esbuild cannot escape
        // for charset ascii: their characters become \u escapes, the same text for the tags,
        // which read the cooked strings (checked below: none reads String.raw)
        b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => ({
          contents: readFileSync(args.path, 'utf8').replace(
            /[^\x00-\x7f]/g,
            (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
          ),
          loader: 'ts',
        }));
        if (only === './audit-command.js')
          b.onResolve({ filter: /.*/ }, (args) => {
            const split = auditSplitOf(args);
            return split ? { path: `./${split.name}.cjs`, external: true } : null;
          });
        if (only) {
          b.onResolve({ filter: COMMAND_MODULE }, (args) =>
            args.importer.endsWith(`${sep}cli${sep}main.ts`) && args.path !== only
              ? { path: args.path, namespace: 'other-command' }
              : null,
          );
          b.onLoad({ filter: /.*/, namespace: 'other-command' }, (args) => ({
            contents: `export function define() { throw new Error('${name}.cjs holds only ${only}, not ${args.path}'); }`,
            loader: 'js',
          }));
        }
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const file = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
          if (!PURE.some((d) => file.startsWith(d)) || !existsSync(file)) return null;
          return { path: file, sideEffects: false };
        });
      },
    },
  ],
});

rmSync('dist/bin', { recursive: true, force: true });
await Promise.all([
  bundleCli('cli'),
  bundleCli('audit', './audit-command.js'),
  ...AUDIT_SPLITS.map((s) => bundleCli(s.name, null, s.entry)),
]);

// The bundles are ASCII (esbuild escapes the rest), which this checks, and are loaded as modules:
// no #! line.
for (const name of ['cli', 'audit', ...AUDIT_SPLITS.map((s) => s.name)]) {
  const file = `dist/bin/${name}.cjs`;
  let text = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  // the readable build keeps the packages' comments, some not ASCII: the minified build's check (the
  // same code, without comments) shows that only comments have such characters
  if (process.env.NSWG_BUNDLE_MINIFY === '0') text = text.replace(/[^\x00-\x7f]/g, '?');
  const nonAscii = /[^\x00-\x7f]/.exec(text);
  if (nonAscii) throw new Error(`${file} is not ASCII at offset ${nonAscii.index}`);
  if (/\bString\.raw\b/.test(text)) throw new Error(`${file} reads String.raw: its templates were escaped`);
  writeFileSync(file, text);
}

await build({
  ...common,
  entryPoints: { nswg: 'src/cli/launch.ts' },
  banner: { js: '#!/usr/bin/env node' },
});
// package.json says "type": "module"; these two files are CommonJS
writeFileSync('dist/bin/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
chmodSync('dist/bin/nswg.js', 0o755);
