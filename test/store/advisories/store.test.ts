import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Advisory,
  fromNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toNswgCore,
  toNswgNpm,
} from '../../../src/advisories/index.js';
import { backfillBriefs, briefOf } from '../../../src/store/advisories/brief.js';
import { openAdvisoryReads } from '../../../src/store/advisories/reads.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { briefAliasesMigration } from '../../../src/store/migrations/0005-brief-aliases.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { wgCore, wgNpm } from '../../helpers/shared.js';

const engines = await testEngines();

describe.each(engines)('the advisory store on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('holds the 638 seeded advisories', async () => {
    const s = await store.advisories.stats();
    expect(s.byKind).toEqual({ npm: 467, core: 171 });
    expect(s.total).toBe(638);
    expect(s.packages).toBe(408);
    // the newest advisory per source and ecosystem: the Working Group's npm data ends in 2020
    const freshness = [
      { source: 'Working Group', ecosystem: 'npm', newest: '2020-07-13T00:00:00Z', advisories: 467 },
      { source: 'Working Group', ecosystem: 'core', newest: '2026-04-08T21:26:49Z', advisories: 171 },
    ];
    expect(s.freshness).toEqual(freshness);
    expect(await store.advisories.summary()).toEqual({ total: 638, newest: s.newestModified, freshness });
  });

  it('keeps the freshness of each source as advisories of another source come in', async () => {
    const tdb2 = await freshDb(engine);
    const other = await openStore(tdb2.target, { mode: 'create' });
    try {
      await seedBundled(other);
      const ghsa = {
        ...((await other.advisories.get('NSWG-ECO-1')) as Advisory),
        id: 'GHSA-aaaa-bbbb-cccc',
        aliases: [],
        modified: '2026-11-30T00:00:00Z',
      };
      await other.advisories.import([ghsa]);
      const { freshness } = await other.advisories.summary();
      expect(freshness.map((f) => [f.source, f.ecosystem, f.newest.slice(0, 10), f.advisories])).toEqual([
        ['Working Group', 'npm', '2020-07-13', 467],
        ['Working Group', 'core', '2026-04-08', 171],
        ['GHSA', 'npm', '2026-11-30', 1],
      ]);
    } finally {
      await other.close();
      await tdb2.drop();
    }
  });

  it('gives back the Working Group JSON of all 638, field for field', async () => {
    const npm = new Map((wgNpm() as unknown as NswgNpmJson[]).map((a) => [a.id, a]));
    const core = new Map((wgCore() as unknown as NswgCoreJson[]).map((a) => [a.id, a]));
    let n = 0;
    for await (const a of store.advisories.all()) {
      n++;
      const num = Number(a.id.replace(/^.*-/, ''));
      if (a.kind === 'npm') expect(toNswgNpm(a), a.id).toStrictEqual(npm.get(num));
      else expect(toNswgCore(a, { withId: true }), a.id).toStrictEqual(core.get(num));
    }
    expect(n).toBe(638);
  });

  it('finds advisories by package, by id and by CVE', async () => {
    const lodash = await store.advisories.forPackage('lodash');
    expect(lodash.map((a) => a.id).length).toBeGreaterThan(0);
    for (const a of lodash) expect(a.affected.some((x) => x.name === 'lodash')).toBe(true);
    expect((await store.advisories.get('NSWG-ECO-1'))?.affected[0]?.name).toBe('bassmaster');
    expect((await store.advisories.get('CVE-2014-7205'))?.id).toBe('NSWG-ECO-1');
    expect(await store.advisories.get('NSWG-ECO-999999')).toBeNull();
    const many = await store.advisories.forPackages(['lodash', 'bassmaster', 'no-such-package']);
    expect([...many.keys()].sort()).toEqual(['bassmaster', 'lodash']);
  });

  it('searches text, case-insensitively, and by package', async () => {
    const hits = await store.advisories.search('PROTOTYPE POLLUTION', { limit: 500 });
    expect(hits.length).toBeGreaterThan(3);
    for (const a of hits) expect(`${a.title}\n${a.details}`.toLowerCase()).toContain('prototype pollution');
    const lodash = await store.advisories.search('pollution', { package: 'lodash' });
    expect(lodash.length).toBeGreaterThan(0);
    for (const a of lodash) expect(a.affected[0]?.name).toBe('lodash');
    expect(await store.advisories.search('100%_surely_absent')).toEqual([]);
  });

  it('re-import updates by id and modified: newer replaces, older is kept out, same is unchanged', async () => {
    const raw = (wgNpm() as unknown as NswgNpmJson[]).find((a) => a.id === 1)!;
    const same = fromNswgNpm(raw);
    expect(await store.advisories.import([same])).toEqual({ added: 0, updated: 0, unchanged: 1, older: 0 });
    const newer: Advisory = { ...same, modified: '2030-01-01T00:00:00Z', title: 'Newer title' };
    expect(await store.advisories.import([newer])).toEqual({ added: 0, updated: 1, unchanged: 0, older: 0 });
    const older: Advisory = { ...same, modified: '2001-01-01T00:00:00Z', title: 'Older title' };
    expect(await store.advisories.import([older])).toEqual({ added: 0, updated: 0, unchanged: 0, older: 1 });
    expect((await store.advisories.get('NSWG-ECO-1'))?.title).toBe('Newer title');
    await store.advisories.import([{ ...same, modified: '2030-01-02T00:00:00Z' }]);
  });

  it('keeps a brief of every record (the record without its prose) with its affected rows, and the migration fills missing ones', async () => {
    const rows = await store.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.id as id', 'advisories.record as record', 'affected.brief as brief'])
      .execute();
    expect(rows.length).toBeGreaterThan(600);
    for (const r of rows) expect(r.brief, r.id).toBe(briefOf(JSON.parse(r.record) as Advisory));
    expect(Object.keys(JSON.parse(rows[0]!.brief!)).sort()).toEqual([
      'affected',
      'aliases',
      'cvss',
      'declaredSeverity',
      'id',
      'modified',
      'title',
      'weaknesses',
      'withdrawn',
    ]);
    const npm = rows.filter((r) => r.id.startsWith('NSWG-ECO-'));
    const ids = [npm[0]!.id, npm[1]!.id];
    await store.db.updateTable('affected').set({ brief: null }).where('advisory_id', 'in', ids).execute();
    // the server's reads still find an advisory whose brief is missing
    const reads = await openAdvisoryReads(store);
    const first = (await store.advisories.get(ids[0]!))!.affected[0]!.name;
    expect(((await reads.spanRowsMany('npm', [first])).get(first) ?? []).map((r) => r.id)).toContain(ids[0]);
    const [row] = await reads.matchRowsOf([ids[0]!]);
    expect(JSON.parse(row!.partial).id).toBe(ids[0]);
    reads.close();
    expect(await backfillBriefs(store.db)).toBe(2);
    const again = await store.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.record as record', 'affected.brief as brief'])
      .where('affected.advisory_id', 'in', ids)
      .execute();
    for (const r of again) expect(r.brief).toBe(briefOf(JSON.parse(r.record) as Advisory));
  });

  it('migration 0005 makes every brief again, with the aliases', async () => {
    const rows = await store.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.id as id', 'advisories.record as record'])
      .execute();
    // the briefs as migration 0004 wrote them: no aliases
    for (const r of rows.slice(0, 30)) {
      const { aliases: _, ...old } = JSON.parse(briefOf(JSON.parse(r.record) as Advisory)) as Record<
        string,
        unknown
      >;
      await store.db
        .updateTable('affected')
        .set({ brief: JSON.stringify(old) })
        .where('advisory_id', '=', r.id)
        .execute();
    }
    await briefAliasesMigration.up(store.db);
    const after = await store.db
      .selectFrom('affected')
      .innerJoin('advisories', 'advisories.id', 'affected.advisory_id')
      .select(['advisories.id as id', 'advisories.record as record', 'affected.brief as brief'])
      .execute();
    for (const r of after) expect(r.brief, r.id).toBe(briefOf(JSON.parse(r.record) as Advisory));
  });

  it('an import that fails part-way leaves the database as it was', async () => {
    const before = await store.advisories.stats();
    const base = fromNswgNpm((wgNpm() as unknown as NswgNpmJson[])[0]!);
    const list: Advisory[] = [];
    for (let i = 0; i < 900; i++) list.push({ ...base, id: `NSWG-ECO-${100000 + i}` });
    // the last batch breaks a NOT NULL constraint: its insert fails after 800 were written
    list.push({ ...base, id: 'NSWG-ECO-200000', modified: null as unknown as string });
    await expect(store.advisories.import(list)).rejects.toThrow();
    await expect(store.advisories.import([base, base])).rejects.toThrow(/appears twice/);
    expect(await store.advisories.stats()).toEqual(before);
    expect((await store.advisories.summary()).total).toBe(before.total);
    expect(await store.advisories.get('NSWG-ECO-100000')).toBeNull();
  });
});
