import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anchorLine,
  auditEntry,
  auditMacMatches,
  deriveKeys,
  parseAnchors,
} from '../../../src/disclosure/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { DatabaseWriter } from '../../helpers/audit-attack.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';

const engines = await testEngines();
const SECRET = 'the server secret, kept in its file'.padEnd(40, '.');
const KEY = deriveKeys(SECRET).audit;
const NOW = new Date('2026-03-01T12:00:00Z');

describe.each(engines)('MACs on the audit log, on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  beforeEach(async () => {
    tdb = await freshDb(engine);
  });
  afterEach(async () => {
    await store?.close();
    await tdb?.drop();
  });

  const open = async (secret?: string) => {
    await store?.close();
    store = await openStore(tdb.target, { mode: 'create', ...(secret ? { secret } : {}) });
    return store;
  };
  const append = async (n: number) => {
    for (let i = 0; i < n; i++)
      await store.auditLog.append(
        auditEntry({ kind: 'system' }, 'scheduler.action', { ip: null }, NOW, null, { i }),
      );
  };
  const macs = async () =>
    (
      await sql<{ hash: string; mac: string | null }>`select hash, mac from audit_log order by seq`.execute(
        store.db,
      )
    ).rows;

  it('authenticates each entry appended with the key', async () => {
    await open(SECRET);
    await append(2);
    const rows = await macs();
    expect(rows.every((r) => r.mac !== null && auditMacMatches(KEY, r.hash, r.mac))).toBe(true);
    expect(await store.auditLog.verify()).toEqual({ ok: true, entries: 2, macs: 'checked', anchors: null });
  });

  it('seals the entries written before the key, once, when a store with the key opens the log', async () => {
    await open();
    await append(3);
    expect(store.auditSealing).toBeNull();
    expect((await macs()).every((r) => r.mac === null)).toBe(true);
    expect(await store.auditLog.verify({ key: KEY })).toMatchObject({ ok: true, macs: 'unsealed' });
    await open(SECRET);
    expect(store.auditSealing).toEqual({ ok: true, sealed: 3 });
    expect((await macs()).every((r) => r.mac && auditMacMatches(KEY, r.hash, r.mac))).toBe(true);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true, entries: 3, macs: 'checked' });
    await open(SECRET);
    expect(store.auditSealing).toEqual({ ok: true, sealed: 0 });
  });

  it('seals when a store opened without the secret is given it', async () => {
    await open();
    await append(2);
    await store.useSecret(SECRET);
    expect(store.auditSealing).toEqual({ ok: true, sealed: 2 });
    await append(1);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true, entries: 3, macs: 'checked' });
  });

  it('never seals over a broken chain: it says which entry is bad instead', async () => {
    await open();
    await append(3);
    await sql`update audit_log set ip = '198.51.100.1' where seq = 2`.execute(store.db);
    await open(SECRET);
    expect(store.auditSealing).toMatchObject({ ok: false, seq: 2, problem: expect.stringMatching(/edited/) });
    expect((await macs()).every((r) => r.mac === null)).toBe(true);
  });

  it('does not seal a log whose MACs were stripped to have a rewrite sealed', async () => {
    await open(SECRET);
    await append(4);
    await new DatabaseWriter(store.db).edit(2, { ip: '198.51.100.1' }, { stripMacs: true });
    await open(SECRET);
    expect(store.auditSealing).toMatchObject({ ok: false, seq: 2, problem: expect.stringMatching(/no MAC/) });
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, seq: 2 });
  });

  it('with every MAC and the mark of sealing stripped the rewrite gets sealed, but the anchor file shows it', async () => {
    await open(SECRET);
    await append(4);
    const anchors = parseAnchors(anchorLine(KEY, await store.auditLog.head(), NOW, store.name));
    await new DatabaseWriter(store.db).edit(2, { ip: '198.51.100.1' }, { stripMacs: 'all' });
    await open(SECRET);
    expect(store.auditSealing).toEqual({ ok: true, sealed: 4 });
    expect(await store.auditLog.verify({ anchors })).toMatchObject({ ok: false, seq: 4, line: 1 });
  });

  it('refuses an entry from a store without the key once the log is sealed', async () => {
    await open(SECRET);
    await append(1);
    await open();
    await expect(append(1)).rejects.toMatchObject({ code: 'E_USAGE', field: '--secret-file' });
    expect((await store.auditLog.head()).seq).toBe(1);
  });
});
