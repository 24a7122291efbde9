// The rate limits' shared counters on PostgreSQL: one atomic count per request, from any number of
// connections (server instances) at once; a new window once the key's has ended.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { freshDb, postgresAvailable, type TestDb } from '../helpers/db.js';

const pg = await postgresAvailable();

describe('the rate limits’ counters', () => {
  it('are none on SQLite, whose single server process counts in memory', async () => {
    const db = await freshDb('sqlite');
    const store = await openStore(db.target, { mode: 'create' });
    expect(store.rateCounters).toBeNull();
    await store.close();
    await db.drop();
  });

  describe.skipIf(!pg)('on PostgreSQL', () => {
    let db: TestDb;
    let a: Store;
    let b: Store;
    beforeAll(async () => {
      db = await freshDb('postgres');
      a = await openStore(db.target, { mode: 'create' });
      b = await openStore(db.target, { mode: 'existing' });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it('count every request once, from two stores at once: no count lost, none twice', async () => {
      const counts = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 ? a : b).rateCounters!.increment('login:192.0.2.1', 60_000),
        ),
      );
      expect(counts.map((c) => c.current).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
      for (const c of counts) expect(c.ttl).toBeGreaterThan(0);
      expect((await a.rateCounters!.read('login:192.0.2.1')).current).toBe(60);
      // another key counts apart
      expect((await b.rateCounters!.increment('login:192.0.2.2', 60_000)).current).toBe(1);
    });

    it('start a new window once the key’s has ended', async () => {
      await sql`update rate_limits set window_ends = window_ends - 120000 where key = 'login:192.0.2.1'`.execute(
        a.db,
      );
      expect(await a.rateCounters!.read('login:192.0.2.1')).toEqual({ current: 0, ttl: 0 });
      const fresh = await b.rateCounters!.increment('login:192.0.2.1', 60_000);
      expect(fresh.current).toBe(1);
      expect(fresh.ttl).toBeGreaterThan(50_000);
      expect(fresh.ttl).toBeLessThanOrEqual(60_000);
      expect(await a.rateCounters!.read('nobody')).toEqual({ current: 0, ttl: 0 });
    });
  });
});
