#!/usr/bin/env node
// Benchmark (issue 16: search that finds what people mean): the one advisory search (the pages',
// the CLI's) on the bundled advisories plus 200,000 generated ones over 50,000 package names, on
// SQLite and on PostgreSQL. Prints the median and p95 of each kind of query, in milliseconds.
// Usage: node bench/search.mjs [sqlite|postgres|both]   (needs `npm run build`; PostgreSQL from
// NSWG_BENCH_PG, else the local server's socket as the current user; its database is kept for
// the next run). Set RUNS for more repetitions of each query (default 30).
import { userInfo } from 'node:os';
import pg from 'pg';
import { openStore, seedBundled } from '../dist/store/index.js';
import { largeDb } from './lib/databases.mjs';
import { generateAdvisories, median, percentile } from './lib/generate.mjs';

const which = process.argv[2] ?? 'both';
const runs = Number(process.env.RUNS ?? 30);
const COUNT = 200_000;
const PACKAGES = 50_000;

/** What people type: a package, an id in three spellings, a CVE, title words, common words. */
const QUERIES = [
  ['package "express"', 'express'],
  ['package "lodash"', 'lodash'],
  ['generated package', 'bench-pkg-4321'],
  ['id NSWG-ECO-368', 'NSWG-ECO-368'],
  ['id x_nswg-eco-150000', 'x_nswg-eco-150000'],
  ['CVE (bundled), lower case', 'cve-2018-3714'],
  ['CVE (generated)', 'CVE-2099-250000'],
  ['title words', 'prototype pollution'],
  ['phrase, rare', 'regular expression denial'],
  ['word in every generated text', 'attacker'],
  ['word in every generated title', 'vulnerability'],
  ['title of one, words in all', 'generated vulnerability 123456'],
  ['no match', 'zzyzx-nothing'],
];

async function postgresStore() {
  const admin =
    process.env.NSWG_BENCH_PG ??
    `postgres://${userInfo().username}@localhost/postgres?host=/var/run/postgresql`;
  const name = `nswg_bench_search_${COUNT}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const exists = (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount;
  if (!exists) await c.query(`create database ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const target = { kind: 'postgres', url: url.toString() };
  let store = await openStore(target, { mode: exists ? 'existing' : 'create' });
  if ((await store.advisories.summary()).total < COUNT) {
    const t0 = performance.now();
    await seedBundled(store);
    const { readFileSync } = await import('node:fs');
    const realNames = [
      ...new Set(
        JSON.parse(readFileSync(new URL('../data/nswg-npm.json', import.meta.url), 'utf8')).map(
          (a) => a.module_name,
        ),
      ),
    ].sort();
    await store.advisories.import(generateAdvisories({ count: COUNT, packages: PACKAGES, realNames }));
    await store.db.executeQuery({ sql: 'vacuum analyze', parameters: [], query: { kind: 'RawNode' } });
    console.log(`postgres: built ${name} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await store.close();
    store = await openStore(target, { mode: 'existing' });
  }
  return store;
}

async function measure(label, store) {
  console.log(
    `${label}: ${(await store.advisories.summary()).total} advisories, ${runs} runs per query, first page (50)`,
  );
  const all = [];
  for (const [what, q] of QUERIES) {
    for (let i = 0; i < 3; i++) await store.advisories.search(q, { limit: 50 }); // warm up
    const times = [];
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const s = process.hrtime.bigint();
      n = (await store.advisories.search(q, { limit: 50 })).length;
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    all.push(...times);
    console.log(
      `  ${what.padEnd(30)} ${JSON.stringify(q).padEnd(28)} ${String(n).padStart(3)} hits  median ${median(times).toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms`,
    );
  }
  console.log(`  all queries: median ${median(all).toFixed(2)} ms, p95 ${percentile(all, 95).toFixed(2)} ms`);
}

console.log(
  `load average: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
if (which !== 'postgres') {
  const file = await largeDb({ count: COUNT, packages: PACKAGES });
  const store = await openStore({ kind: 'sqlite', file }, { mode: 'existing' });
  await measure('sqlite', store);
  await store.close();
}
if (which !== 'sqlite') {
  const store = await postgresStore();
  await measure('postgres', store);
  await store.close();
}
