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
