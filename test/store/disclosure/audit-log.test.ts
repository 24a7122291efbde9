import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEntry } from '../../../src/disclosure/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { freshDb, type TestDb, testEngines } from '../../helpers/db.js';

const engines = await testEngines();
const NOW = new Date('2026-03-01T12:00:00Z');

describe.each(engines)('the audit log on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  beforeEach(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create' });
    for (let i = 1; i <= 6; i++) {
      await store.auditLog.append(
        auditEntry(
          { kind: 'user', id: `u${i}`, roles: [] },
          'report.read',
          { ip: `192.0.2.${i}`, userAgent: 'test' },
          NOW,
          `r-${i}`,
          { i, note: 'ü ✓' },
        ),
      );
    }
  });
  afterEach(async () => {
    await store?.close();
    await tdb?.drop();
  });

  const run = (q: ReturnType<typeof sql>) => q.execute(store.db);

  it('verifies an untouched log, and chains entries in order', async () => {
    expect(await store.auditLog.verify()).toEqual({ ok: true, entries: 6, macs: 'no-key', anchors: null });
    const list = await store.auditLog.list();
    expect(list.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(list[3]!.prevHash).toBe(list[2]!.hash);
    expect(await store.auditLog.head()).toEqual({ seq: 6, hash: list[5]!.hash });
  });

  it('detects an edited entry (any column) and names it', async () => {
    await run(sql`update audit_log set ip = '198.51.100.1' where seq = 3`);
    expect(await store.auditLog.verify()).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/edited/),
    });
  });

  it('detects edited details, even with the hash recomputed by hand (the next link breaks)', async () => {
    await run(sql`update audit_log set details = '{"i":4,"note":"nothing to see"}' where seq = 4`);
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, seq: 4 });
    await run(sql`update audit_log set hash = 'f' || substr(hash, 2) where seq = 4`);
    const v = await store.auditLog.verify();
    expect(v.ok).toBe(false);
  });

  it('detects a deleted entry in the middle', async () => {
    await run(sql`delete from audit_log where seq = 2`);
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, seq: 3 });
  });

  it('detects a deleted last entry', async () => {
    await run(sql`delete from audit_log where seq = 6`);
    expect(await store.auditLog.verify()).toMatchObject({
      ok: false,
      seq: 6,
      problem: expect.stringMatching(/end/),
    });
  });

  it('detects an inserted entry, in the middle or at the end', async () => {
    const e = (await store.auditLog.list())[2]!;
    await run(sql`update audit_log set seq = seq + 100 where seq > 3`);
    await run(sql`insert into audit_log (seq, at, actor_id, actor_kind, ip, user_agent, action, report_id, details, prev_hash, hash)
      values (4, ${e.at}, 'intruder', 'user', null, null, 'report.read', 'r-x', '{}', ${e.hash}, ${'0'.repeat(64)})`);
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, seq: 4 });
  });

  it('detects an entry appended behind the log’s back', async () => {
    const last = (await store.auditLog.list())[5]!;
    await run(sql`insert into audit_log (seq, at, actor_id, actor_kind, ip, user_agent, action, report_id, details, prev_hash, hash)
      values (7, ${last.at}, 'intruder', 'user', null, null, 'report.read', null, '{}', ${last.hash}, ${'0'.repeat(64)})`);
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, seq: 7 });
  });
});
