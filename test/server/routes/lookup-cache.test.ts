import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromOsv, type OsvRecord } from '../../../src/advisories/index.js';
import { AdvisoryLookup } from '../../../src/server/routes/lookup.js';
import { type AdvisoryReads, openAdvisoryReads } from '../../../src/store/advisories/reads.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { freshDb, type TestDb } from '../../helpers/db.js';
import { OSV_SAMPLE } from '../../helpers/osv-folder.js';
import { npmAdvisory } from '../../helpers/server.js';

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
    await store.advisories.import([
      fromOsv(JSON.parse(readFileSync(join(OSV_SAMPLE, 'GHSA-9c47-m6qq-7p4h.json'), 'utf8')) as OsvRecord),
      npmAdvisory('NSWG-ECO-9001', 'json5', '>=2.0.0 <2.2.2', { aliases: ['CVE-2022-46175'] }),
      fromOsv(JSON.parse(readFileSync(join(OSV_SAMPLE, 'MAL-2022-9.json'), 'utf8')) as OsvRecord),
    ]);
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

  it('groups the loaded records of a package that alias each other, whichever way the package is read', async () => {
    const shape = (list: Awaited<ReturnType<AdvisoryLookup['forPackage']>>) =>
      list.map((c) => [c.id, c.aliasGroup?.members.map((m) => m.c.id) ?? null, c.loaded && c.malicious]);
    const want = [
      ['GHSA-9c47-m6qq-7p4h', ['NSWG-ECO-9001', 'GHSA-9c47-m6qq-7p4h'], false],
      ['NSWG-ECO-9001', ['NSWG-ECO-9001', 'GHSA-9c47-m6qq-7p4h'], false],
    ];
    const one = new AdvisoryLookup(reads);
    await one.refresh();
    expect(shape((await one.packagesFor('npm', new Map([['json5', null]]))).get('json5')!)).toEqual(want);
    const many = new AdvisoryLookup(reads);
    await many.refresh();
    await many.prefetch('npm', ['json5', '0-dns']);
    const lists = await many.packagesFor(
      'npm',
      new Map([
        ['json5', ['2.2.1']],
        ['0-dns', ['1.0.0']],
      ]),
    );
    expect(shape(lists.get('json5')!)).toEqual(want);
    expect(shape(lists.get('0-dns')!)).toEqual([['MAL-2022-9', null, true]]);
  });

  it('loads only the advisories whose spans may hold a version asked about', async () => {
    const lookup = new AdvisoryLookup(reads);
    await lookup.refresh();
    // json5 3.0.0: held by neither record, so neither brief is read
    const list = (await lookup.packagesFor('npm', new Map([['json5', ['3.0.0']]]))).get('json5')!;
    expect(list.map((c) => [c.id, c.loaded])).toEqual([
      ['GHSA-9c47-m6qq-7p4h', false],
      ['NSWG-ECO-9001', false],
    ]);
    expect(() => list[0]!.matchers).toThrow(/before it is loaded/);
    // 1.0.1 is held by the GHSA record only (its `<1.0.2` range): it alone is loaded
    await lookup.packagesFor('npm', new Map([['json5', ['1.0.1']]]));
    expect(list.map((c) => [c.id, c.loaded])).toEqual([
      ['GHSA-9c47-m6qq-7p4h', true],
      ['NSWG-ECO-9001', false],
    ]);
    expect(list[0]!.aliasGroup).toBeNull();
    // any version: every one
    await lookup.packagesFor('npm', new Map([['json5', null]]));
    expect(list.every((c) => c.loaded)).toBe(true);
  });

  it('reads a package, and loads an advisory, once for requests that ask at the same time', async () => {
    // reads that take a round trip, as PostgreSQL's do, counted
    const calls = { spans: 0, briefs: 0 };
    const slow: AdvisoryReads = Object.create(reads);
    slow.spanRowsMany = async (eco, names) => {
      calls.spans++;
      await new Promise((r) => setTimeout(r, 20));
      return reads.spanRowsMany(eco, names);
    };
    slow.matchRowsOf = async (ids) => {
      calls.briefs++;
      await new Promise((r) => setTimeout(r, 20));
      return reads.matchRowsOf(ids);
    };
    const lookup = new AdvisoryLookup(slow);
    await lookup.refresh();
    const asked = await Promise.all(
      Array.from({ length: 32 }, () => lookup.packagesFor('npm', new Map([['json5', ['1.0.1']]]))),
    );
    expect(calls).toEqual({ spans: 1, briefs: 1 });
    // every request has the list whole: the record that holds 1.0.1 loaded
    for (const got of asked)
      expect(got.get('json5')!.map((c) => [c.id, c.loaded])).toEqual([
        ['GHSA-9c47-m6qq-7p4h', true],
        ['NSWG-ECO-9001', false],
      ]);
    // a read that fails fails the requests that waited for it, and the next request reads again
    const failing: AdvisoryReads = Object.create(slow);
    let fail = true;
    failing.spanRowsMany = async (eco, names) => {
      calls.spans++;
      await new Promise((r) => setTimeout(r, 20));
      if (fail) throw new Error('the database went away');
      return reads.spanRowsMany(eco, names);
    };
    const again = new AdvisoryLookup(failing);
    await again.refresh();
    const both = await Promise.allSettled([
      again.forPackage('npm', 'json5'),
      again.forPackage('npm', 'json5'),
    ]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await again.forPackage('npm', 'json5')).map((c) => c.id)).toEqual([
      'GHSA-9c47-m6qq-7p4h',
      'NSWG-ECO-9001',
    ]);
    expect(calls.spans).toBe(3);
  });

  it('empties itself when advisories change, from any process, and not when other data does', async () => {
    const lookup = new AdvisoryLookup(reads);
    await lookup.refresh();
    await lookup.prefetch('npm', ['json5']);
    // past the interval at which the advisories' version is asked again
    const later = () => new Promise((r) => setTimeout(r, reads.recheckMs + 5));
    // another table written (as sessions and reports are, all the time): the cache holds
    await sql`insert into meta (key, value) values ('unrelated.fact', 'x')`.execute(store.db);
    await later();
    await lookup.refresh();
    expect(lookup.isCached('npm', 'json5')).toBe(true);
    // another process's import, as it looks from here: only the advisories' version moves
    await sql`update meta set value = 'another-import' where key = 'advisories.version'`.execute(store.db);
    await later();
    await lookup.refresh();
    expect(lookup.isCached('npm', 'json5')).toBe(false);
  });

  it('keeps whole answers within its capacity, keys counted, and none computed before the data changed', async () => {
    const lookup = new AdvisoryLookup(reads, undefined, 10_000);
    await lookup.refresh();
    const since = lookup.generationNow;
    lookup.keepAnswer('npm', 'lodash', '=4.17.4', since, Buffer.from('{"vulns":[]}'));
    expect(lookup.answer('npm', 'lodash', '=4.17.4')?.toString()).toBe('{"vulns":[]}');
    // apart by ecosystem, package and the rest of the query
    expect(lookup.answer('node', 'lodash', '=4.17.4')).toBeUndefined();
    expect(lookup.answer('npm', 'lodash', '=4.17.5')).toBeUndefined();
    // long queries with small answers: their keys take the room
    const name = (i: number) => `${i}-${'x'.repeat(400)}`;
    for (let i = 0; i < 100; i++) {
      lookup.keepAnswer('npm', name(i), '*', since, Buffer.from('{}'));
      expect(lookup.answerBytesKept).toBeLessThanOrEqual(10_000);
    }
    const kept = Array.from({ length: 100 }, (_, i) => i).filter((i) => lookup.answer('npm', name(i), '*'));
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept).toContain(99);
    // larger than a tenth of the capacity: not kept
    lookup.keepAnswer('npm', 'large', '*', since, Buffer.alloc(2000));
    expect(lookup.answer('npm', 'large', '*')).toBeUndefined();
    // the data changes: the answers go, and one computed before is not kept
    await sql`update meta set value = 'another-import-2' where key = 'advisories.version'`.execute(store.db);
    await new Promise((r) => setTimeout(r, reads.recheckMs + 5));
    await lookup.refresh();
    expect(lookup.answerBytesKept).toBe(0);
    expect(lookup.answer('npm', name(99), '*')).toBeUndefined();
    lookup.keepAnswer('npm', 'late', '*', since, Buffer.from('{}'));
    expect(lookup.answer('npm', 'late', '*')).toBeUndefined();
    lookup.keepAnswer('npm', 'late', '*', lookup.generationNow, Buffer.from('{}'));
    expect(lookup.answer('npm', 'late', '*')?.toString()).toBe('{}');
  });
});
