import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteReader } from '../../../src/store/advisories/sqlite-reader.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { affectedSpansMigration } from '../../../src/store/migrations/0015-affected-spans.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';
import { npmAffected } from '../../helpers/ranges.js';
import { advisory } from '../../server/pages/fixtures.js';

const engines = await testEngines();

/**
 * The package look-up with the versions asked about passes over, from the package index alone, the
 * advisories that cannot hold them (their stored spans), and still gives every one that can.
 */
const ADVISORIES = [
  advisory({ id: 'GHSA-span-low0-0001', affected: [npmAffected('span-a', '<1.0.0', null)] }),
  advisory({ id: 'GHSA-span-high-0002', affected: [npmAffected('span-a', '>=2.0.0', null)] }),
  advisory({
    id: 'GHSA-span-gone-0003',
    withdrawn: '2026-02-01T00:00:00Z',
    affected: [npmAffected('span-a', '*', null)],
  }),
  // a version listed that npm cannot parse: only its text can match, so the row has no spans
  advisory({
    id: 'GHSA-span-list-0004',
    affected: [{ ...npmAffected('span-b', '<0.1.0', null), versions: ['nightly'] }],
  }),
  // two entries for one package: rows alike, each with the spans of both
  advisory({
    id: 'GHSA-span-twice-005',
    affected: [npmAffected('span-c', '<1.0.0', null), npmAffected('span-c', '>=3.0.0 <3.1.0', null)],
  }),
];

const ids = (m: Map<string, { id: string }[]>, name: string) => (m.get(name) ?? []).map((a) => a.id);

describe.each(engines)('advisory spans on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    await store.advisories.import(ADVISORIES);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  const spans = async () =>
    Object.fromEntries(
      (
        (
          await sql`select advisory_id, name, spans from affected where name like 'span-%' order by advisory_id`.execute(
            store.db,
          )
        ).rows as { advisory_id: string; spans: string | null }[]
      ).map((r) => [r.advisory_id, r.spans]),
    );

  it('are stored with each package row: none for a withdrawn advisory, null where keys cannot say', async () => {
    const s = await spans();
    expect(s['GHSA-span-low0-0001']).toMatch(/^\[,.+\)$/);
    expect(s['GHSA-span-high-0002']).toMatch(/^\[.+,\)$/);
    expect(s['GHSA-span-gone-0003']).toBe('');
    expect(s['GHSA-span-list-0004']).toBeNull();
    expect(s['GHSA-span-twice-005']).toMatch(/^\[,.+\) \[.+,.+\)$/);
  });

  it('leave out the advisories that hold none of the versions, and keep the rest', async () => {
    const versions = new Map([
      ['span-a', ['0.5.0']],
      ['span-b', ['9.9.9']],
      ['span-c', ['2.0.0']],
    ]);
    const got = await store.advisories.forPackages(['span-a', 'span-b', 'span-c'], 'npm', versions);
    expect(ids(got, 'span-a')).toEqual(['GHSA-span-low0-0001']);
    // no spans: read, and matching decides
    expect(ids(got, 'span-b')).toEqual(['GHSA-span-list-0004']);
    // between its two entries' ranges: left out; in either: kept
    expect(ids(got, 'span-c')).toEqual([]);
    for (const v of ['0.5.0', '3.0.5'])
      expect(
        ids(await store.advisories.forPackages(['span-c'], 'npm', new Map([['span-c', [v]]])), 'span-c'),
      ).toEqual(['GHSA-span-twice-005']);
    const both = await store.advisories.forPackages(
      ['span-a'],
      'npm',
      new Map([['span-a', ['0.5.0', '2.1.0']]]),
    );
    expect(ids(both, 'span-a')).toEqual(['GHSA-span-high-0002', 'GHSA-span-low0-0001'].sort());
    // a version npm cannot parse is in no range
    expect(
      ids(await store.advisories.forPackages(['span-a'], 'npm', new Map([['span-a', ['latest']]])), 'span-a'),
    ).toEqual([]);
    // without versions, every advisory naming the packages, withdrawn ones too
    expect(ids(await store.advisories.forPackages(['span-a']), 'span-a')).toHaveLength(3);
  });

  it.runIf(engine === 'sqlite')("the audit's read-only reader leaves out the same", async () => {
    const reader = await openSqliteReader((tdb.target as { file: string }).file);
    try {
      const got = reader!.forPackages(
        ['span-a', 'span-c'],
        new Map([
          ['span-a', ['3.0.0']],
          ['span-c', ['3.0.5']],
        ]),
      );
      expect(ids(got, 'span-a')).toEqual(['GHSA-span-high-0002']);
      expect(ids(got, 'span-c')).toEqual(['GHSA-span-twice-005']);
    } finally {
      reader?.close();
    }
  });

  it('migration 0015 works the spans out for the rows stored before it', async () => {
    const before = await spans();
    await affectedSpansMigration.down!(store.db);
    await affectedSpansMigration.up(store.db);
    expect(await spans()).toEqual(before);
    const got = await store.advisories.forPackages(['span-a'], 'npm', new Map([['span-a', ['2.0.0']]]));
    expect(ids(got, 'span-a')).toEqual(['GHSA-span-high-0002']);
  });
});

// The SQLite read of the index leaves out, in SQL, the rows whose spans start above the highest key
// asked about or (one interval) end below the lowest: it must keep every row the exact check keeps.
describe('the SQLite index read bounded by the keys asked about', () => {
  let tdb: TestDb;
  let store: Store;
  const rand = (() => {
    let s = 42;
    return (n: number) => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
  })();
  // few versions, so that installed ones often fall on a range's very bounds (`<=1.2.0`, `1.2.0`)
  const version = () =>
    `${rand(3)}.${rand(3)}.${rand(2)}${rand(5) === 0 ? `-${['alpha', 'beta.1', '0', 'rc.2'][rand(4)]}` : ''}`;
  const range = (): string => {
    switch (rand(8)) {
      case 0:
        return `<${version()}`;
      case 1:
        return `>=${version()}`;
      case 2:
        return `>=${version()} <${version()}`;
      case 3:
        return `<=${version()} || >${version()}`;
      case 4:
        return rand(2) ? version() : `<=${version()}`;
      case 5:
        return `${range()} || ${range()}`;
      case 6:
        return '*';
      default:
        return `>${version()} <=${version()}`;
    }
  };
  const names = Array.from({ length: 12 }, (_, i) => `bounded-${i}`);

  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    const list = [];
    for (let i = 0; i < 400; i++)
      list.push(
        advisory({
          id: `GHSA-bnd${String(i).padStart(4, '0')}-aaaa`,
          affected: [npmAffected(names[rand(names.length)]!, range(), null)],
        }),
      );
    // installed versions on the very bounds of one interval, inclusive: kept
    list.push(
      advisory({ id: 'GHSA-bnd-edge-hi01-aaaa', affected: [npmAffected('bounded-edge', '<=1.1.0', null)] }),
      advisory({ id: 'GHSA-bnd-edge-eq02-aaaa', affected: [npmAffected('bounded-edge', '1.1.0', null)] }),
      advisory({
        id: 'GHSA-bnd-edge-lo03-aaaa',
        affected: [npmAffected('bounded-edge', '>=1.1.0 <1.2.0', null)],
      }),
      advisory({ id: 'GHSA-bnd-edge-no04-aaaa', affected: [npmAffected('bounded-edge', '<1.1.0', null)] }),
    );
    await store.advisories.import(list);
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('keeps every row whose spans may hold one of the versions, over random ranges and versions', async () => {
    const { SqlitePackageReads, rowsMayHold } = await import(
      '../../../src/store/advisories/package-reads.js'
    );
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync((tdb.target as { file: string }).file, { readOnly: true });
    try {
      const reads = new SqlitePackageReads(db as never);
      let kept = 0;
      let rows = 0;
      for (let round = 0; round < 200; round++) {
        const versions = new Map(
          names.map((n) => [
            n,
            Array.from({ length: 1 + rand(3) }, () => (rand(10) === 0 ? 'latest' : version())),
          ]),
        );
        const exact = rowsMayHold(reads.spanRows('npm', names), versions)
          .map(([n, id]) => `${n} ${id}`)
          .sort();
        const got = reads
          .briefRowsHolding('npm', names, versions)
          .map((r) => `${r.name} ${r.id}`)
          .sort();
        expect(got).toEqual([...new Set(exact)]);
        kept += exact.length;
        rows += reads.spanRows('npm', names).length;
      }
      const edge = reads
        .briefRowsHolding('npm', ['bounded-edge'], new Map([['bounded-edge', ['1.1.0']]]))
        .map((r) => r.id)
        .sort();
      expect(edge).toEqual(['GHSA-bnd-edge-eq02-aaaa', 'GHSA-bnd-edge-hi01-aaaa', 'GHSA-bnd-edge-lo03-aaaa']);
      // the case is neither trivial (nothing kept) nor one where every row is kept
      expect(kept).toBeGreaterThan(rows / 10);
      expect(kept).toBeLessThan(rows * 0.9);
    } finally {
      db.close();
    }
  });
});
