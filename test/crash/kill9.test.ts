// kill -9 at random points of an import, a sync and a stream of report submissions with
// attachments, on both engines: the state after is the one before or after each acknowledged
// write, and everything starts again without a hand repair. The seed is printed; NSWG_CRASH_SEED
// replays a run. bench/crash-loop.mjs runs the same scenarios for longer.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  advisoryFolder,
  advisoryWriteLoop,
  osvFolderServer,
  randomSource,
  scratch,
  serveLoops,
} from '../../bench/lib/crash.mjs';
import { testEngines } from '../helpers/db.js';

const SEED = Number(process.env.NSWG_CRASH_SEED ?? Math.floor(Math.random() * 1e9));
console.log(`kill -9 loops: seed ${SEED} (NSWG_CRASH_SEED=${SEED} replays them)`);
const dir = scratch();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Small enough for a test, big enough that a kill lands inside the import's transaction. */
const IMPORTED = 2000;
const SYNCED = 1000;
/** Loops per scenario and engine (NSWG_CRASH_LOOPS for more; bench/crash-loop.mjs runs many). */
const LOOPS = Number(process.env.NSWG_CRASH_LOOPS ?? 2);
const SYNC_LOOPS = Number(process.env.NSWG_CRASH_LOOPS ?? 1);

describe.each(await testEngines())('kill -9 on %s', (engine) => {
  const rnd = randomSource(SEED + (engine === 'sqlite' ? 0 : 1));

  it('during `nswg db import`: all of it or none, and the next import completes', {
    timeout: 180_000,
  }, async () => {
    const folder = advisoryFolder(dir, IMPORTED, 1);
    const estimateMs = { total: 3000, writing: 1500 };
    for (let loop = 0; loop < LOOPS; loop++) {
      const r = await advisoryWriteLoop({
        engine,
        dir,
        args: ['db', 'import', folder.dir],
        expectIds: folder.ids,
        rnd,
        estimateMs,
      });
      console.log(`${engine} import loop ${loop}: ${JSON.stringify(r)}`);
      expect(r.failures).toEqual([]);
      expect(['before', 'after']).toContain(r.outcome);
      estimateMs.total = r.againMs;
      estimateMs.writing = r.againMs / 2;
    }
  });

  it('during `nswg db sync` from an OSV folder: before or after, and a re-run converges', {
    timeout: 180_000,
  }, async () => {
    const source = await osvFolderServer(SYNCED, 2);
    try {
      const estimateMs = { total: 3000, writing: 1000 };
      for (let loop = 0; loop < SYNC_LOOPS; loop++) {
        const r = await advisoryWriteLoop({
          engine,
          dir,
          args: ['db', 'sync', source.url],
          expectIds: source.ids,
          rnd,
          estimateMs,
        });
        console.log(`${engine} sync loop ${loop}: ${JSON.stringify(r)}`);
        expect(r.failures).toEqual([]);
        expect(['before', 'after']).toContain(r.outcome);
        estimateMs.total = r.againMs;
        estimateMs.writing = r.againMs / 2;
      }
    } finally {
      await source.close();
    }
  });

  it('during a stream of report submissions with attachments: every acknowledged one is there whole, the audit log verifies', {
    timeout: 180_000,
  }, async () => {
    const results = await serveLoops({
      engine,
      dir,
      loops: LOOPS,
      rnd,
      killWithinMs: [0, 1500],
      log: (r: unknown) => console.log(`${engine} serve loop: ${JSON.stringify(r)}`),
    });
    expect(results).toHaveLength(LOOPS);
    for (const r of results) expect(r.failures).toEqual([]);
    // the loops checked something: writes were acknowledged before the kills
    expect(results.reduce((n, r) => n + (r.acknowledged?.attachments ?? 0), 0)).toBeGreaterThan(0);
  });
});
