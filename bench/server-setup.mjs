// Shared set-up of the server benchmarks: the generated 200,000-advisory SQLite database (cached
// under .bench/ so that runs reuse it), a `nswg serve` child process on it, and autocannon helpers.
// Needs `npm run build` first (it runs dist/cli/main.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openStore, seedBundled } from '../dist/store/index.js';
import { generateAdvisories, packageName, rng } from './lib/generate.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const COUNT = Number(process.env.BENCH_COUNT ?? 200_000);
export const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 50_000);

/** The benchmark database (the bundled data plus COUNT generated advisories), built once and reused. */
export async function benchDb() {
  const file = join(ROOT, '.bench', `server-${COUNT}-${PACKAGES}.db`);
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.building`;
  rmSync(tmp, { force: true });
  console.log(`building ${file} (${COUNT} advisories over ${PACKAGES} packages; once)`);
  const t0 = performance.now();
  const store = await openStore({ kind: 'sqlite', file: tmp }, { mode: 'create' });
  await seedBundled(store);
  await store.advisories.import(generateAdvisories({ count: COUNT, packages: PACKAGES }));
  await store.close();
  for (const ext of ['-wal', '-shm']) rmSync(`${tmp}${ext}`, { force: true });
  renameSync(tmp, file);
  console.log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return file;
}

/** `n` package names of the generated data, chosen at random (deterministic for a seed). */
export function randomNames(n, seed = 7) {
  const r = rng(seed);
  return Array.from({ length: n }, () => packageName(Math.floor(r() * PACKAGES)));
}

/** A random version in the range the generator writes (majors 0-6). */
export function randomVersion(r) {
  return `${Math.floor(r() * 7)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`;
}

/**
 * Starts `nswg serve` (the built command, as `npm start` runs it) on the database with the rate
 * limit off; SERVER_ARGS adds arguments (e.g. --max-heap 0), SERVER_NODE_OPTIONS Node.js flags.
 * Resolves with its URL and process.
 */
export async function startServer(db, extraArgs = []) {
  const nodeFlags = process.env.SERVER_NODE_OPTIONS ? process.env.SERVER_NODE_OPTIONS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      join(ROOT, 'dist', 'bin', 'nswg.js'),
      'serve',
      '--port',
      '0',
      '--db',
      db,
      '--log-level',
      'warn',
      '--rate-limit',
      '0',
      ...(process.env.SERVER_ARGS ? process.env.SERVER_ARGS.split(' ') : []),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise((resolve, reject) => {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = /serving .* at (http:\/\/\S+?)\/?\n/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`nswg serve exited with ${code}: ${err}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', res);
        child.kill('SIGTERM');
      }),
  };
}

/** The resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Runs autocannon and resolves with its result. */
export function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** Times one request (ms) with fetch. */
export async function timePost(url, body, headers = { 'content-type': 'application/json' }) {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, text };
}
