#!/usr/bin/env node
// Benchmark: one big request at a time against `nswg serve` on the generated 200,000-advisory
// SQLite database (50,000 package names): POST /v1/querybatch with 1,000 queries, and npm's bulk
// endpoint with 1,600 package names (gzip, as npm sends it). Prints medians of REPS requests,
// cold (a new set of packages each time, nothing cached) and warm (the same request again, as a
// CI re-auditing one lockfile does), and the server's RSS.
// Usage: npm run build && node bench/server-batch.mjs   (env: REPS=30)
import { gzipSync } from 'node:zlib';
import { median, percentile, rng } from './lib/generate.mjs';
import { benchDb, randomNames, randomVersion, rssMiB, startServer, timePost } from './server-setup.mjs';

const reps = Number(process.env.REPS ?? 30);
const db = await benchDb();
const server = await startServer(db);
const report = (label, times) =>
  console.log(
    `${label}: median ${median(times).toFixed(1)} ms, p90 ${percentile(times, 90).toFixed(1)} ms (${times.length} requests)`,
  );

try {
  const r = rng(5);
  const batchBody = (seed) =>
    JSON.stringify({
      queries: randomNames(1000, seed).map((name) => ({
        package: { name, ecosystem: 'npm' },
        version: randomVersion(r),
      })),
    });
  // a real project's queries: most installed packages have no advisory at all (here 5% have some)
  const typicalBatch = (seed) =>
    JSON.stringify({
      queries: [
        ...randomNames(50, seed).map((name) => ({
          package: { name, ecosystem: 'npm' },
          version: randomVersion(r),
        })),
        ...Array.from({ length: 950 }, (_, i) => ({
          package: { name: `no-advisory-pkg-${seed}-${i}`, ecosystem: 'npm' },
          version: randomVersion(r),
        })),
      ],
    });
  // npm sends every installed name with its versions; a few names have two versions installed
  const bulkBody = (seed) =>
    gzipSync(
      JSON.stringify(
        Object.fromEntries(
          randomNames(1600, seed).map((n, i) => [
            n,
            i % 10 ? [randomVersion(r)] : [randomVersion(r), randomVersion(r)],
          ]),
        ),
      ),
    );
  // a real project: most installed packages have no advisory at all (here 5% have some)
  const typicalBody = (seed) =>
    gzipSync(
      JSON.stringify(
        Object.fromEntries([
          ...randomNames(80, seed).map((n) => [n, [randomVersion(r)]]),
          ...Array.from({ length: 1520 }, (_, i) => [`no-advisory-pkg-${seed}-${i}`, [randomVersion(r)]]),
        ]),
      ),
    );
  const gz = { 'content-type': 'application/json', 'content-encoding': 'gzip' };

  console.log(`server RSS after start-up: ${rssMiB(server.child.pid).toFixed(0)} MiB`);
  const first = JSON.parse((await timePost(`${server.url}/v1/querybatch`, batchBody(1000))).text);
  console.log(
    `sample: querybatch of 1000 gave ${first.results.reduce((n, x) => n + x.vulns.length, 0)} matches`,
  );
  const sampleBulk = JSON.parse(
    (await timePost(`${server.url}/-/npm/v1/security/advisories/bulk`, bulkBody(2000), gz)).text,
  );
  console.log(
    `sample: bulk of 1600 names gave ${Object.values(sampleBulk).flat().length} advisories for ${Object.keys(sampleBulk).length} names`,
  );

  for (const [label, url, make, headers] of [
    ['/v1/querybatch, 1,000 queries all with advisories', '/v1/querybatch', batchBody, undefined],
    ['/v1/querybatch, 1,000 queries, 5% with advisories', '/v1/querybatch', typicalBatch, undefined],
    ['bulk advisories, 1,600 names all with advisories', '/-/npm/v1/security/advisories/bulk', bulkBody, gz],
    [
      'bulk advisories, 1,600 names, 5% with advisories',
      '/-/npm/v1/security/advisories/bulk',
      typicalBody,
      gz,
    ],
  ]) {
    const cold = [];
    for (let i = 0; i < reps; i++)
      cold.push((await timePost(`${server.url}${url}`, make(100 + i), headers)).ms);
    report(`${label}, cold (new packages each time)`, cold);
    const body = make(7);
    await timePost(`${server.url}${url}`, body, headers);
    const warm = [];
    for (let i = 0; i < reps; i++) warm.push((await timePost(`${server.url}${url}`, body, headers)).ms);
    report(`${label}, warm (the same request again)`, warm);
  }
  console.log(`server RSS ${rssMiB(server.child.pid).toFixed(0)} MiB`);
} finally {
  await server.stop();
}
