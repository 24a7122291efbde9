import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestQuery } from '../../../src/store/advisories/store.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { advisory } from '../../server/pages/fixtures.js';

const engines = await testEngines();

describe.each(engines)('the latest list on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    // many on one date, as a source's bulk publication makes them, and a few on others
    const day = (d: string, n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) =>
        advisory({
          id: `GHSA-${prefix}${String(i).padStart(3, '0')}-xxxx-xxxx`,
          published: d,
          title: `${prefix} ${i}`,
        }),
      );
    await store.advisories.import([
      ...day('2024-03-01T00:00:00Z', 300, 'aaa'),
      ...day('2025-01-01T00:00:00Z', 3, 'bbb'),
      advisory({
        id: 'GHSA-wdrn-xxxx-xxxx',
        published: '2026-01-01T00:00:00Z',
        withdrawn: '2026-01-02T00:00:00Z',
      }),
    ]);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('is newest first, ties by id, withdrawn left out, and pages without repeats', async () => {
    const first = (await store.advisories.latest(5)).map((a) => a.id);
    expect(first).toEqual([
      'GHSA-bbb002-xxxx-xxxx',
      'GHSA-bbb001-xxxx-xxxx',
      'GHSA-bbb000-xxxx-xxxx',
      'GHSA-aaa299-xxxx-xxxx',
      'GHSA-aaa298-xxxx-xxxx',
    ]);
    const seen = new Set<string>();
    for (let offset = 0; offset < 303; offset += 25)
      for (const a of await store.advisories.latest(25, offset)) seen.add(a.id);
    expect(seen.size).toBe(303);
  });

  it('reads its page from the index in order: no sort of every advisory of a date', async () => {
    const q = latestQuery(store.db, 26, 0).compile();
    if (engine === 'sqlite') {
      const plan = await sql
        .raw(`EXPLAIN QUERY PLAN ${q.sql}`)
        .execute(store.db)
        .then((r) => JSON.stringify(r.rows));
      expect(plan).toContain('advisories_published');
      expect(plan).not.toMatch(/TEMP B-TREE/);
    } else {
      // a small table would be read whole and sorted whatever the indexes: forbid sorting, and the
      // plan shows whether the order can come from an index alone
      const plan = await store.db.connection().execute(async (c) => {
        await sql`SET enable_sort = off`.execute(c);
        await sql`SET enable_incremental_sort = off`.execute(c);
        await sql`SET enable_seqscan = off`.execute(c);
        const explained = await c.executeQuery({ ...q, sql: `EXPLAIN ${q.sql}` });
        await sql`RESET ALL`.execute(c);
        return JSON.stringify(explained.rows);
      });
      expect(plan).toContain('advisories_published');
      expect(plan).not.toMatch(/Sort/);
    }
  });
});
