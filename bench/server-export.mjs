#!/usr/bin/env node
// Benchmark: the bulk exports of the generated 200,000-advisory SQLite database (50,000 package
// names) from `nswg serve`: all.zip (built while it is sent) and modified_id.csv, with the time
// to download each, its size, and the server's RSS while the archive streams.
// Usage: npm run build && node bench/server-export.mjs
import { benchDb, rssMiB, startServer } from './server-setup.mjs';

const db = await benchDb();
const server = await startServer(db);
try {
  console.log(`server RSS after start-up: ${rssMiB(server.child.pid).toFixed(0)} MiB`);
  for (const path of [
    '/v1/export/npm/modified_id.csv',
    '/v1/export/npm/modified_id.csv',
    '/v1/export/npm/all.zip',
  ]) {
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, rssMiB(server.child.pid))), 100);
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`);
    let bytes = 0;
    for await (const chunk of res.body) bytes += chunk.length;
    clearInterval(timer);
    console.log(
      `${path}: ${res.status}, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t) / 1000).toFixed(2)} s; server RSS peak ${peak.toFixed(0)} MiB`,
    );
  }
} finally {
  await server.stop();
}
