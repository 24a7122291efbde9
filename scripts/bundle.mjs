#!/usr/bin/env node
// Bundles the `nswg` command into dist/bin/ so that it starts fast: one file instead of hundreds of
// small modules (Kysely alone is 280). Each command's code stays in its own chunk, loaded only
// when that command runs. Packages with native code, optional parts or large dependency trees
// (pg, fastify, …; better-sqlite3's addon) stay in node_modules and load from there when needed.
import { existsSync, rmSync } from 'node:fs';
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
  // its JavaScript only: the compiled addon is loaded from its package (store/sqlite-open.ts)
  'better-sqlite3',
]);

/**
 * The domain folders are pure: importing one of their modules runs nothing but definitions. Saying
 * so lets esbuild leave out the modules whose exports a command does not use, even when they come
 * through a folder's index (an audit needs severityOf, not the OSV schema or the file reader).
 */
const PURE = ['advisories', 'versions', 'scan'].map((d) => resolve('src', d) + sep);

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

rmSync('dist/bin', { recursive: true, force: true });
await build({
  entryPoints: { nswg: 'src/cli/main.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.js' },
  legalComments: 'linked',
  logLevel: 'warning',
  // bundled CommonJS (commander, semver) calls require() for Node's own modules: one shared require
  banner: {
    js: "import { createRequire as __nswgCreateRequire } from 'node:module'; const require = (globalThis.__nswgRequire ??= __nswgCreateRequire(import.meta.url));",
  },
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
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const file = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
          if (!PURE.some((d) => file.startsWith(d)) || !existsSync(file)) return null;
          return { path: file, sideEffects: false };
        });
      },
    },
  ],
});
