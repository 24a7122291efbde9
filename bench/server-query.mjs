#!/usr/bin/env node
// Benchmark: POST /v1/query (one package version, full OSV records) with autocannon against
// `nswg serve` on the generated 200,000-advisory SQLite database (50,000 package names).
// Prints the median requests/s and latency percentiles over RUNS runs, and the server's RSS.
// Usage: npm run build && node bench/server-query.mjs   (env: RUNS=3 DURATION=10 CONNECTIONS=16;
// RSS_DETAIL=1 also prints the resident memory split into anonymous and file-backed)
import { readFileSync } from 'node:fs';
import { median, rng } from './lib/generate.mjs';
import { benchDb, cannon, randomNames, randomVersion, rssMiB, startServer } from './server-setup.mjs';

const runs = Number(process.env.RUNS ?? 3);
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 16);

const db = await benchDb();
const server = await startServer(db);
try {
  const r = rng(11);
  // 5,000 different queries over random packages (most not cached at first), cycled by autocannon
  const requests = randomNames(5000, 3).map((name) => ({
    method: 'POST',
    path: '/v1/query',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ package: { name, ecosystem: 'npm' }, version: randomVersion(r) }),
  }));
  const check = await fetch(`${server.url}/v1/query`, {
    method: 'POST',
    headers: requests[0].headers,
    body: requests[0].body,
  });
  const sample = await check.json();
  console.log(`sample answer: ${check.status}, ${sample.vulns?.length} vulns for ${requests[0].body}`);
  console.log(`server RSS after start-up: ${rssMiB(server.child.pid).toFixed(0)} MiB`);
  const opts = { url: server.url, connections, duration, requests };
  await cannon({ ...opts, duration: 3 }); // warm-up
  const rps = [];
  const p50 = [];
  const p99 = [];
  const rss = [];
  let errors = 0;
  for (let i = 0; i < runs; i++) {
    const res = await cannon(opts);
    rps.push(res.requests.average);
    p50.push(res.latency.p50);
    p99.push(res.latency.p99);
    rss.push(rssMiB(server.child.pid));
    if (process.env.RSS_DETAIL)
      console.log(
        readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
          .split('\n')
          .filter((l) => /^Rss/.test(l))
          .join(' '),
      );
    errors += res.errors + res.non2xx;
    console.log(
      `run ${i + 1}: ${res.requests.average.toFixed(0)} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, non-2xx ${res.non2xx}, RSS ${rss.at(-1).toFixed(0)} MiB`,
    );
  }
  console.log(
    `/v1/query (${connections} connections, ${duration} s x ${runs}): median ${median(rps).toFixed(0)} req/s, ` +
      `p50 ${median(p50)} ms, p99 ${median(p99)} ms; server RSS ${Math.max(...rss).toFixed(0)} MiB; errors ${errors}`,
  );
} finally {
  await server.stop();
}
