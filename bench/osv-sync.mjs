#!/usr/bin/env node
// Benchmark (issue: sync with the sources that publish OSV): a first `nswg db sync` of an OSV
// folder whose all.zip holds N records shaped as osv.dev's npm folder's (mostly malicious-package
// records, from the real MAL-2025-46969), served from 127.0.0.1, into a fresh SQLite database; then
// an incremental sync after 100 records changed. Prints medians, the peak RSS and the heap used.
// Usage: node bench/osv-sync.mjs [count]   (needs `npm run build`)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipStream } from '../dist/server/routes/zip-stream.js';
import { openStore } from '../dist/store/index.js';
import { syncAdvisories } from '../dist/sync/index.js';
import { median } from './lib/generate.mjs';

const count = Number(process.argv[2] ?? 200_000);
const runs = Number(process.env.RUNS ?? 3);
const template = JSON.parse(
  readFileSync(new URL('../test/fixtures/osv-sample/MAL-2025-46969.json', import.meta.url)),
);

const record = (i, modified) => ({
  ...template,
  id: `MAL-2099-${i}`,
  aliases: [],
  modified,
  summary: `Malicious code in bench-pkg-${i} (npm)`,
  affected: [
    { ...template.affected[0], package: { ecosystem: 'npm', name: `bench-pkg-${i}` }, versions: ['1.0.0'] },
  ],
});
const at = (i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');

const files = new Map();
async function zipOf(list) {
  const chunks = [];
  async function* entries() {
    for (const r of list) yield { name: `${r.id}.json`, data: Buffer.from(JSON.stringify(r, null, 2)) };
  }
  for await (const c of zipStream(entries(), 1)) chunks.push(c);
  return Buffer.concat(chunks);
}
const csvOf = (list) =>
  [...list]
    .reverse()
    .map((r) => `${r.modified},${r.id}\n`)
    .join('');
let t = performance.now();
const records = Array.from({ length: count }, (_, i) => record(i, at(i)));
files.set('all.zip', await zipOf(records));
files.set('modified_id.csv', Buffer.from(csvOf(records)));
console.log(
  `all.zip of ${count} records: ${(files.get('all.zip').length / 2 ** 20).toFixed(0)} MiB, made in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);
records.length = 0;

let requests = 0;
const server = createServer((req, res) => {
  requests++;
  const data = files.get(decodeURIComponent(req.url.slice('/npm/'.length)));
  if (!data) return res.writeHead(404).end();
  res.writeHead(200, { 'content-length': data.length }).end(data);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/npm/`;

const first = [];
const again = [];
let heap = 0;
for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'nswg-bench-'));
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'nswg.db') }, { mode: 'create' });
  const sampler = setInterval(() => (heap = Math.max(heap, process.memoryUsage().heapUsed)), 50);
  t = performance.now();
  const r = await syncAdvisories(store, url);
  first.push((performance.now() - t) / 1000);
  clearInterval(sampler);
  if (r.imported.added !== count) throw new Error(`added ${r.imported.added}, not ${count}`);
  // 100 records change upstream: the csv's head lists them
  const changed = Array.from({ length: 100 }, (_, k) => record(k * 7, at(count + k)));
  for (const c of changed) files.set(`${c.id}.json`, Buffer.from(JSON.stringify(c)));
  const csv = files.get('modified_id.csv');
  files.set('modified_id.csv', Buffer.concat([Buffer.from(csvOf(changed)), csv]));
  requests = 0;
  t = performance.now();
  const r2 = await syncAdvisories(store, url);
  again.push((performance.now() - t) / 1000);
  if (r2.imported.updated !== 100 || requests !== 101)
    throw new Error(`incremental: ${JSON.stringify(r2.imported)}, ${requests} requests`);
  files.set('modified_id.csv', csv);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
server.close();
console.log(
  `first sync (all.zip, one transaction): median ${median(first).toFixed(1)} s over ${runs} runs (${first.map((x) => x.toFixed(1)).join(', ')})`,
);
console.log(`incremental sync, 100 changed (101 requests): median ${median(again).toFixed(2)} s`);
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (all.zip served from this process too), JavaScript heap at most ${(heap / 2 ** 20).toFixed(0)} MiB`,
);
