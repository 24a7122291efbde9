#!/usr/bin/env node
// Crash loops (issue: crash safety under kill -9): the scenarios of test/crash/kill9.test.ts, for
// longer. Kills `nswg db import` of COUNT generated advisories (200,000 by default), `nswg db sync`
// from a local OSV folder, and `nswg serve` under a stream of reports with attachments, at seeded
// random points, and prints per scenario and engine: loops run, kills that landed inside the
// operation's writes, outcomes (before/after), failures (should be 0).
// Usage: npx node bench/crash-loop.mjs [--loops N] [--count N] [--sync-count N]
//        [--engines sqlite,postgres] [--scenarios import,sync,serve] [--seed N]   (needs `npm run build`)
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  advisoryFolder,
  advisoryWriteLoop,
  osvFolderServer,
  randomSource,
  scratch,
  serveLoops,
} from './lib/crash.mjs';

const { values } = parseArgs({
  options: {
    loops: { type: 'string', default: '10' },
    count: { type: 'string', default: '200000' },
    'sync-count': { type: 'string', default: '20000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    scenarios: { type: 'string', default: 'import,sync,serve' },
    seed: { type: 'string', default: String(Math.floor(Math.random() * 1e9)) },
  },
});
const loops = Number(values.loops);
const seed = Number(values.seed);
const engines = values.engines.split(',');
const scenarios = values.scenarios.split(',');
console.log(`seed ${seed}, ${loops} loops per scenario and engine, engines ${engines.join(', ')}`);
const dir = scratch();

function summary(name, engine, results) {
  const count = (f) => results.filter(f).length;
  const failures = results.flatMap((r) => r.failures);
  const parts =
    name === 'serve'
      ? [
          `acknowledged ${results.reduce((n, r) => n + (r.acknowledged?.reports ?? 0), 0)} reports and ${results.reduce((n, r) => n + (r.acknowledged?.attachments ?? 0), 0)} attachments, all found whole`,
          `requests in flight at the kill ${results.reduce((n, r) => n + (r.inFlight ?? 0), 0)}`,
        ]
      : [
          `kills inside the writes ${count((r) => r.inside)}`,
          `kills before the writes ${count((r) => r.killed && !r.inside)}`,
          `finished before the kill ${count((r) => !r.killed)}`,
          `outcomes: before ${count((r) => r.outcome === 'before')}, after ${count((r) => r.outcome === 'after')}, half ${count((r) => r.outcome === 'half')}`,
        ];
  console.log(
    `${name} on ${engine}: loops ${results.length}, ${parts.join(', ')}, failures ${failures.length}`,
  );
  for (const f of failures) console.log(`  FAILURE: ${f}`);
  return failures.length;
}

let failed = 0;
try {
  for (const engine of engines) {
    const rnd = randomSource(seed + engines.indexOf(engine));
    if (scenarios.includes('import')) {
      const t0 = performance.now();
      const folder = advisoryFolder(dir, Number(values.count), 1);
      console.log(`wrote ${values.count} advisories in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      const estimateMs = { total: 60_000, writing: 30_000 };
      const results = [];
      for (let i = 0; i < loops; i++) {
        const r = await advisoryWriteLoop({
          engine,
          dir,
          args: ['db', 'import', folder.dir],
          expectIds: folder.ids,
          rnd,
          estimateMs,
        });
        console.log(`  import ${engine} ${i}: ${JSON.stringify(r)}`);
        results.push(r);
        estimateMs.total = r.againMs;
        estimateMs.writing = r.againMs / 2;
      }
      failed += summary('import', engine, results);
      rmSync(folder.dir, { recursive: true, force: true });
    }
    if (scenarios.includes('sync')) {
      const source = await osvFolderServer(Number(values['sync-count']), 2);
      const estimateMs = { total: 10_000, writing: 5000 };
      const results = [];
      for (let i = 0; i < loops; i++) {
        const r = await advisoryWriteLoop({
          engine,
          dir,
          args: ['db', 'sync', source.url],
          expectIds: source.ids,
          rnd,
          estimateMs,
        });
        console.log(`  sync ${engine} ${i}: ${JSON.stringify(r)}`);
        results.push(r);
        estimateMs.total = r.againMs;
        estimateMs.writing = r.againMs / 2;
      }
      await source.close();
      failed += summary('sync', engine, results);
    }
    if (scenarios.includes('serve')) {
      const results = await serveLoops({
        engine,
        dir,
        loops,
        rnd,
        reporters: 100,
        killWithinMs: [0, 4000],
        log: (r) => console.log(`  serve ${engine}: ${JSON.stringify(r)}`),
      });
      failed += summary('serve', engine, results);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
