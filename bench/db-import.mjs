#!/usr/bin/env node
// Benchmark (issue: the advisory database): import 200,000 generated advisories spread over
// 50,000 package names into a fresh SQLite database, then time "all advisories for one package".
// Prints medians. Usage: node bench/db-import.mjs [count] [packages]   (needs `npm run build`)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, seedBundled } from '../dist/store/index.js';
import { generateAdvisories, median, percentile, rng } from './lib/generate.mjs';

const count = Number(process.argv[2] ?? 200_000);
const packages = Number(process.argv[3] ?? 50_000);
const runs = Number(process.env.RUNS ?? 3);

const t0 = performance.now();
const advisories = generateAdvisories({ count, packages });
console.log(
  `generated ${count} advisories over ${packages} packages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const importTimes = [];
let lastDir = null;
for (let run = 0; run < runs; run++) {
  if (lastDir) rmSync(lastDir, { recursive: true, force: true });
  const dir = mkdtempSync(join(tmpdir(), 'nswg-bench-'));
  lastDir = dir;
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'nswg.db') }, { mode: 'create' });
  await seedBundled(store);
  const start = performance.now();
  await store.advisories.import(advisories);
  importTimes.push((performance.now() - start) / 1000);
  await store.close();
}
console.log(
  `import of ${count} advisories (one transaction): median ${median(importTimes).toFixed(1)} s over ${runs} runs (${importTimes.map((t) => t.toFixed(1)).join(', ')})`,
);

const file = join(lastDir, 'nswg.db');
console.log(`database size: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
const store = await openStore({ kind: 'sqlite', file }, { mode: 'existing' });
const r = rng(42);
const names = Array.from({ length: 5000 }, () =>
  r() < 0.5 ? `bench-pkg-${1 + Math.floor(r() * (packages - 1))}` : 'lodash',
);
for (const n of names.slice(0, 500)) await store.advisories.forPackage(n); // warm up
const times = [];
let found = 0;
for (const n of names) {
  const s = process.hrtime.bigint();
  const list = await store.advisories.forPackage(n);
  times.push(Number(process.hrtime.bigint() - s) / 1e6);
  found += list.length;
}
console.log(
  `all advisories for one package (${names.length} look-ups, ${(found / names.length).toFixed(1)} advisories each): median ${median(times).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms`,
);
await store.close();
rmSync(lastDir, { recursive: true, force: true });
