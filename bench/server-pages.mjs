#!/usr/bin/env node
// Benchmark (issue: web pages): the server-rendered pages against 200,000 generated advisories in
// SQLite, measured with autocannon against a real server process (`nswg serve`). The advisory page
// must answer in under 10 ms (median). Prints medians.
// Usage: npm run build && node bench/server-pages.mjs [count] [packages]
// The generated database is cached under .bench/ (delete it to rebuild).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openStore, seedBundled } from '../dist/store/index.js';
import { generateAdvisories, median, packageName, rng } from './lib/generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 200_000);
const packages = Number(process.argv[3] ?? 50_000);
const duration = Number(process.env.DURATION ?? 5);
const runs = Number(process.env.RUNS ?? 3);
const FIRST_ID = 100000;

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}

/** The cached database: keyed on the size and on the generator, so a changed generator rebuilds it. */
async function database() {
  const generator = createHash('sha256')
    .update(readFileSync(join(ROOT, 'bench', 'lib', 'generate.mjs')))
    .digest('hex')
    .slice(0, 8);
  const dir = join(ROOT, '.bench');
  const file = join(dir, `pages-${count}-${packages}-${generator}.db`);
  if (existsSync(file)) {
    console.log(`reusing ${file}`);
    return file;
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  const t0 = performance.now();
  const advisories = generateAdvisories({ count, packages, firstId: FIRST_ID });
  const store = await openStore({ kind: 'sqlite', file: partial }, { mode: 'create' });
  await seedBundled(store);
  await store.advisories.import(advisories);
  await store.close();
  renameSync(partial, file);
  console.log(
    `generated ${count} advisories over ${packages} packages into ${file} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  return file;
}

/** Starts `nswg serve` on a free port and resolves with its URL once it listens. */
function startServer(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'cli', 'main.js'), 'serve', '--db', db, '--port', '0', '--log-level', 'silent'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = /serving .* at (http:\/\/\S+?)\/?\n/.exec(err);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`nswg serve exited with ${code}: ${err}`)));
  });
}

const r = rng(7);
const pick = (n) => Math.floor(r() * n);
const PATHS = {
  'advisory page': () => `/advisories/NSWG-ECO-${FIRST_ID + pick(count)}`,
  'advisory page, by CVE (redirect)': () => `/advisories/CVE-2099-${FIRST_ID + pick(count)}`,
  'package page': () => `/packages/${packageName(pick(packages))}`,
  'package page, version check': () =>
    `/packages/${packageName(pick(packages))}?version=${pick(6)}.${pick(20)}.${pick(10)}`,
  'home page': () => '/',
  'Node.js page': () => '/node?version=20.1.0',
  'search (free text, full scan)': () => `/search?q=vulnerability+${FIRST_ID + pick(count)}`,
};

async function measure(url, name, makePath, connections) {
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: makePath() }) }],
  });
  const bad = result.non2xx - (name.includes('redirect') ? (result['3xx'] ?? 0) : 0);
  if (bad > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

/**
 * Sequential requests timed one by one (microsecond resolution), for the median of a single client:
 * `n` of them, or as many as fit in `duration` seconds for slow pages (at least 20).
 */
async function sequential(url, makePath, n = 1000) {
  const times = [];
  const until = performance.now() + duration * 1000;
  for (let i = 0; i < n && (i < 20 || performance.now() < until); i++) {
    const s = process.hrtime.bigint();
    const res = await fetch(url + makePath(), { redirect: 'manual' });
    await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
    if (res.status >= 400) throw new Error(`${res.status} for ${res.url}`);
  }
  return median(times);
}

const db = await database();
const { child, url } = await startServer(db);
try {
  console.log(
    `server: ${url} (${db}); autocannon ${duration} s per run, ${runs} runs; median of the runs' medians`,
  );
  for (const [name, makePath] of Object.entries(PATHS)) {
    await sequential(url, makePath, 200); // warm up
    const seq = [];
    const p50 = { 1: [], 10: [] };
    const mean = { 1: [], 10: [] };
    const rps = { 1: [], 10: [] };
    for (let run = 0; run < runs; run++) {
      seq.push(await sequential(url, makePath));
      for (const c of [1, 10]) {
        const res = await measure(url, name, makePath, c);
        p50[c].push(res.latency.p50);
        mean[c].push(res.latency.average);
        rps[c].push(res.requests.average);
      }
    }
    console.log(
      `${name}: median ${median(seq).toFixed(2)} ms (one client, fetch) · autocannon (whole ms) p50 ${median(p50[1])} ms, mean ${median(mean[1]).toFixed(2)} ms, ${median(rps[1]).toFixed(0)} req/s at 1 connection; p50 ${median(p50[10])} ms, mean ${median(mean[10]).toFixed(2)} ms, ${median(rps[10]).toFixed(0)} req/s at 10 connections`,
    );
  }
} finally {
  child.kill('SIGTERM');
}
