import { copyFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorLine, auditEntry, deriveKeys, parseAnchors } from '../../../src/disclosure/index.js';
import { type DbTarget, openStore, type Store } from '../../../src/store/index.js';
import { DatabaseWriter } from '../../helpers/audit-attack.js';
import { freshDb, PG_ADMIN_URL, type TestDb, testEngines } from '../../helpers/db.js';

const engines = await testEngines();
const SECRET = 'the server secret, kept in its file'.padEnd(40, '.');
const KEY = deriveKeys(SECRET).audit;
const NOW = new Date('2026-03-01T12:00:00Z');

// Someone who can write the database but has neither the secret file nor write access to the anchor
// file rewrites the audit log so that its hash chain links again. The chain alone (what verify checked
// before MACs and anchors) is fooled every time; the MACs and the anchor file are not.
describe.each(engines)('an audit log rewritten by a database writer, on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  let anchors: string;
  let writer: DatabaseWriter;
  let extra: (() => Promise<void>)[] = [];

  const append = async (n: number) => {
    for (let i = 0; i < n; i++)
      await store.auditLog.append(
        auditEntry({ kind: 'user', id: 'u1', roles: [] }, 'report.read', { ip: '192.0.2.1' }, NOW, 'r-1', {
          i,
        }),
      );
  };
  // what the server does every minute and at shutdown
  const anchor = async () => {
    anchors += anchorLine(KEY, await store.auditLog.head(), NOW, store.name);
  };
  const chainOnly = () => store.auditLog.verify({ key: null });
  const verify = (key: Buffer | null = KEY) =>
    store.auditLog.verify({ key, anchors: parseAnchors(anchors), db: store.name });

  beforeEach(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create', secret: SECRET });
    anchors = '';
    extra = [];
    await append(4);
    await anchor();
    await append(4);
    await anchor();
    writer = new DatabaseWriter(store.db);
  });
  afterEach(async () => {
    await store?.close();
    for (const f of extra) await f();
    await tdb?.drop();
  });

  it('is intact before anyone touches it: chain, every MAC and both anchors checked', async () => {
    expect(await verify()).toEqual({ ok: true, entries: 8, macs: 'checked', anchors: 2 });
  });

  it('(a) an edited entry with every later hash and the head recomputed: its MAC is wrong', async () => {
    await writer.edit(3, { ip: '198.51.100.7', details: { i: 99 } });
    expect(await chainOnly()).toMatchObject({ ok: true, entries: 8 });
    expect(await verify()).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/MAC is wrong/),
    });
    // without the secret, the anchor file still shows the first anchored entry after the edit
    expect(await verify(null)).toMatchObject({
      ok: false,
      seq: 4,
      line: 1,
      problem: expect.stringMatching(/not the entry anchored on line 1/),
    });
  });

  it('(a) the same with the MACs of the rewritten entries removed: a sealed log has none missing', async () => {
    await writer.edit(3, { ip: '198.51.100.7' }, { stripMacs: true });
    expect(await chainOnly()).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/no MAC/) });
  });

  it('(a) the same with every MAC and the mark of sealing removed: the anchor lines still vouch', async () => {
    await writer.edit(3, { ip: '198.51.100.7' }, { stripMacs: 'all' });
    expect(await chainOnly()).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, seq: 1, problem: expect.stringMatching(/no MAC/) });
  });

  it('(b) entries deleted in the middle, the later ones numbered down and rechained', async () => {
    await writer.remove([3, 4]);
    expect(await chainOnly()).toMatchObject({ ok: true, entries: 6 });
    expect(await verify()).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/MAC is wrong/),
    });
    expect(await verify(null)).toMatchObject({ ok: false, seq: 4, line: 1 });
  });

  it('(c) the last entries deleted and the head rewritten: the log ends before its anchor', async () => {
    await writer.truncate(5);
    expect(await chainOnly()).toMatchObject({ ok: true, entries: 5 });
    expect(await verify()).toMatchObject({
      ok: false,
      seq: 6,
      line: 2,
      problem: expect.stringMatching(/ends at entry 5 but line 2 of the anchor file records entry 8/),
    });
  });

  it('a forged anchor line: made without the key, or a genuine one altered', async () => {
    await writer.truncate(5);
    const other = deriveKeys('another secret, not the server one'.padEnd(40, '.')).audit;
    // the database writer also got to append to the anchor file, vouching for the log as they left it
    anchors += anchorLine(other, await store.auditLog.head(), NOW, store.name);
    expect(await verify()).toMatchObject({ ok: false, seq: 6, line: 2 });
    // or changed the last genuine line (on a file that is not append-only) to the new head
    const lines = anchors.split('\n');
    const head = await store.auditLog.head();
    lines[1] = JSON.stringify({ ...JSON.parse(lines[1]!), seq: head.seq, hash: head.hash });
    anchors = `${lines.slice(0, 2).join('\n')}\n`;
    expect(await chainOnly()).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({
      ok: false,
      seq: 5,
      line: 2,
      problem: expect.stringMatching(/line 2 of the anchor file is forged/),
    });
  });

  it('a database restored from a backup older than the anchor', async () => {
    // the backup holds 8 entries; the log goes on to 9, anchored; then the backup is restored
    await store.close();
    const backup = await takeBackup(tdb.target, extra);
    store = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
    await append(1);
    await anchor();
    await store.close();
    await restore(tdb.target, backup);
    store = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
    expect(store.auditSealing).toEqual({ ok: true, sealed: 0 });
    expect(await chainOnly()).toMatchObject({ ok: true, entries: 8 });
    expect(await verify()).toMatchObject({
      ok: false,
      seq: 9,
      line: 3,
      problem: expect.stringMatching(/ends at entry 8 .* restored from a backup older than the anchor/),
    });
  });
});

const admin = async (query: string) => {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  await c.query(query);
  await c.end();
};
const dbName = (url: string) => new URL(url).pathname.slice(1);

/** A copy of the database as it is now (a file copy, or a PostgreSQL database made from it as a template). */
async function takeBackup(target: DbTarget, cleanup: (() => Promise<void>)[]): Promise<string> {
  if (target.kind === 'sqlite') {
    copyFileSync(target.file, `${target.file}.backup`);
    return `${target.file}.backup`;
  }
  const name = `${dbName(target.url)}_backup`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${dbName(target.url)}`);
  cleanup.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return name;
}

/** Puts the backup back in the database's place. */
async function restore(target: DbTarget, backup: string): Promise<void> {
  if (target.kind === 'sqlite') return copyFileSync(backup, target.file);
  await admin(`DROP DATABASE ${dbName(target.url)} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName(target.url)} TEMPLATE ${backup}`);
}
