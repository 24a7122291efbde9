import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../../src/advisories/index.js';
import { releaseSchedule } from '../../../src/files/release-schedule.js';
import { checkNode } from '../../../src/scan/index.js';
import { type AdvisoryReader, openSqliteReader } from '../../../src/store/advisories/sqlite-reader.js';
import { openStore, type Store, seedBundled } from '../../../src/store/index.js';
import { freshDb, type TestDb } from '../../helpers/db.js';

/** The read-only SQLite path of `nswg audit`: advisories from their briefs, the rest of each record on first use. */
describe('the read-only SQLite reader', () => {
  let tdb: TestDb;
  let store: Store;
  let reader: AdvisoryReader;
  const file = (t: TestDb): string => (t.target.kind === 'sqlite' ? t.target.file : '');

  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    await seedBundled(store);
    reader = (await openSqliteReader(file(tdb)))!;
  });
  afterAll(async () => {
    reader?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('gives the same advisories as the store, field for field, by package and for Node.js core', async () => {
    const names = ['lodash', 'bassmaster', 'qs', 'no-such-package'];
    const fromStore = await store.advisories.forPackages(names);
    const fromReader = reader.forPackages(names);
    expect([...fromReader.keys()].sort()).toEqual([...fromStore.keys()].sort());
    for (const [name, list] of fromStore) {
      const got = fromReader.get(name)!;
      expect(got.map((a) => a.id)).toEqual(list.map((a) => a.id));
      // every field through the object's own reads (the brief's and the loaded rest alike), against
      // the stored record (the store's SQLite reads are the reader's: the record is the reference)
      for (const [i, listed] of list.entries()) {
        const a = (await store.advisories.get(listed.id))!;
        const b = got[i]!;
        for (const key of Object.keys(a) as (keyof Advisory)[])
          expect(b[key], `${a.id} ${key}`).toEqual(a[key]);
        expect(JSON.parse(JSON.stringify(b))).toEqual(JSON.parse(JSON.stringify(a)));
      }
    }
    const core: Advisory[] = [];
    for await (const a of store.advisories.all('core')) core.push(a);
    const readerCore = reader.core();
    expect(readerCore.map((a) => a.id).sort()).toEqual(core.map((a) => a.id).sort());
    const byId = new Map(core.map((a) => [a.id, a]));
    for (const a of readerCore) expect(a.aliases, a.id).toEqual(byId.get(a.id)!.aliases);
  });

  it('makes, for one Node.js version, only the core advisories whose spans may hold it: the same findings', () => {
    const all = reader.core();
    const schedule = releaseSchedule();
    const today = new Date('2026-06-01');
    let fewest = all.length;
    let affected = 0;
    for (const version of [
      '0.10.48',
      '4.0.0',
      '8.1.0',
      '12.22.12',
      '14.15.0',
      '16.20.2',
      '18.0.0',
      '20.5.0',
      '22.3.0',
      '24.0.0',
      '99.0.0',
    ]) {
      const some = reader.core(version);
      fewest = Math.min(fewest, some.length);
      const whole = checkNode(version, 'linux', all, today, schedule);
      if (whole.findings.length) affected++;
      expect(checkNode(version, 'linux', some, today, schedule), version).toEqual(whole);
      // every platform's findings too: the spans do not depend on the platform
      for (const platform of ['win32', 'darwin', 'all'])
        expect(checkNode(version, platform, some, today, schedule)).toEqual(
          checkNode(version, platform, all, today, schedule),
        );
    }
    expect(affected).toBeGreaterThanOrEqual(6);
    expect(fewest).toBeLessThan(all.length / 4);
  });

  it('matches from the briefs, and reads a record only when a field outside the brief is asked for', async () => {
    const fresh = (await openSqliteReader(file(tdb)))!;
    const [a] = fresh.forPackages(['bassmaster']).get('bassmaster')!;
    const before = (await store.advisories.get(a!.id))!;
    // the record changes under the open reader: fields of the brief were read already, the rest is read now
    await store.db
      .updateTable('advisories')
      .set({ record: JSON.stringify({ ...before, details: 'read on first use' }) })
      .where('id', '=', a!.id)
      .execute();
    await store.db
      .updateTable('advisories')
      .set({
        record: JSON.stringify({ ...before, aliases: ['CVE-0000-0000'], details: 'read on first use' }),
      })
      .where('id', '=', a!.id)
      .execute();
    expect(a!.affected).toEqual(before.affected);
    // the aliases are in the brief: the record is not read for them
    expect(a!.aliases).toEqual(before.aliases);
    expect(a!.details).toBe('read on first use');
    await store.db
      .updateTable('advisories')
      .set({ record: JSON.stringify(before) })
      .where('id', '=', a!.id)
      .execute();
    fresh.close();
  });

  it('reads an advisory whose brief is missing from its record', async () => {
    const other = await openSqliteReader(file(tdb));
    const id = (await store.advisories.forPackage('lodash'))[0]!.id;
    await store.db.updateTable('affected').set({ brief: null }).where('advisory_id', '=', id).execute();
    try {
      const got = other!
        .forPackages(['lodash'])
        .get('lodash')!
        .find((x) => x.id === id)!;
      expect(JSON.parse(JSON.stringify(got))).toEqual(
        JSON.parse(JSON.stringify(await store.advisories.get(id))),
      );
    } finally {
      other!.close();
      const { backfillBriefs } = await import('../../../src/store/advisories/brief.js');
      await backfillBriefs(store.db);
    }
  });

  it('names the file of a database whose schema is damaged', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqlite } = await import('../../../src/store/sqlite-open.js');
    const { SCHEMA_VERSION } = await import('../../../src/store/schema-version.js');
    const broken = join(mkdtempSync(join(tmpdir(), 'nswg-broken-')), 'broken.db');
    const db = await openSqlite(broken);
    db.exec('CREATE TABLE nswg_migrations (name TEXT)');
    db.prepare('INSERT INTO nswg_migrations VALUES (?)').run(SCHEMA_VERSION);
    db.close();
    await expect(openSqliteReader(broken)).rejects.toMatchObject({
      code: 'E_DB',
      file: broken,
      message: expect.stringMatching(/damaged: no such table: advisories/),
    });
  });
});
