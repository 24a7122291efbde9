import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryLookup } from '../../../src/server/routes/lookup.js';
import { type AdvisoryReads, openAdvisoryReads } from '../../../src/store/advisories/reads.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { freshDb, type TestDb } from '../../helpers/db.js';

/** The server's per-package cache: bounded, least recently used out first, and still right after evicting. */
describe('the advisory look-up cache', () => {
  let tdb: TestDb;
  let store: Store;
  let reads: AdvisoryReads;
  let names: string[];

  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
    reads = await openAdvisoryReads(store);
    const all = new Set<string>();
    for await (const a of store.advisories.all('npm')) for (const x of a.affected) all.add(x.name);
    names = [...all].sort();
  });
  afterAll(async () => {
    reads?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('holds at most its capacity, drops the least recently used first, and reads a dropped package again', async () => {
    const lookup = new AdvisoryLookup(reads, 60);
    await lookup.refresh();
    const first = names.slice(0, 20);
    await lookup.prefetch('npm', first);
    expect(lookup.cachedCount).toBeLessThanOrEqual(60);
    // used again: the most recent, so it stays when others go
    const kept = first.find((n) => lookup.isCached('npm', n))!;
    const expected = (await lookup.forPackage('npm', kept)).map((a) => a.id);
    await lookup.prefetch('npm', [...names.slice(20, 40), 'no-such-package']);
    expect(lookup.cachedCount).toBeLessThanOrEqual(60);
    expect(lookup.isCached('npm', kept)).toBe(true);
    expect(lookup.isCached('npm', first[0] === kept ? first[1]! : first[0]!)).toBe(false);
    // a package without advisories is cached as such
    expect(lookup.isCached('npm', 'no-such-package')).toBe(true);
    expect(await lookup.forPackage('npm', 'no-such-package')).toEqual([]);
    // evicted packages are read again, with the same answer as from the store
    for (const name of first) {
      const ids = (await lookup.forPackage('npm', name)).map((a) => a.id);
      expect(ids, name).toEqual((await store.advisories.forPackage(name)).map((a) => a.id).sort());
      expect(lookup.cachedCount).toBeLessThanOrEqual(60);
    }
    expect((await lookup.forPackage('npm', kept)).map((a) => a.id)).toEqual(expected);
  });
});
