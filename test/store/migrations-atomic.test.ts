import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { sqliteTestDb } from '../helpers/db.js';

const tables = (file: string): string[] => {
  const db = new DatabaseSync(file);
  try {
    return (
      db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('SQLite migrations', () => {
  it('fail as a whole: a migration stopped half-way leaves nothing behind, and the next open completes', async () => {
    const tdb = sqliteTestDb();
    if (tdb.target.kind !== 'sqlite') throw new Error('unreachable');
    const file = tdb.target.file;
    try {
      // a table that migration 0009 makes after its first ones: it stops there, as a process killed
      // in the middle of it would
      const raw = new DatabaseSync(file);
      raw.exec('create table cve_ids_new (x integer)');
      raw.close();
      await expect(openStore(tdb.target, { mode: 'create' })).rejects.toMatchObject({
        code: 'E_DB',
        message: expect.stringMatching(/migration 0009_cve_requests failed/),
      });
      // nothing of any migration is left: not 0001's tables, not 0009's first one
      const left = tables(file).filter((t) => !t.startsWith('nswg_migrations'));
      expect(left).toEqual(['cve_ids_new']);

      const fix = new DatabaseSync(file);
      fix.exec('drop table cve_ids_new');
      fix.close();
      const store = await openStore(tdb.target, { mode: 'create' });
      expect(await store.advisories.summary()).toMatchObject({ total: 0 });
      await store.close();
      expect(tables(file)).toEqual(expect.arrayContaining(['advisories', 'cve_requests', 'cve_ids']));
    } finally {
      await tdb.drop();
    }
  });
});
