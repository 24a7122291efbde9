import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditLogVerify } from '../../src/cli/audit-log-command.js';
import { auditEntry } from '../../src/disclosure/index.js';
import { openStore } from '../../src/store/index.js';
import { sqliteTestDb } from '../helpers/db.js';

describe('nswg audit-log verify', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('exits 0 on an intact log and 1 naming the first bad entry once tampered with', async () => {
    const tdb = sqliteTestDb();
    const file = (tdb.target as { file: string }).file;
    const store = await openStore(tdb.target, { mode: 'create' });
    for (let i = 0; i < 3; i++)
      await store.auditLog.append(
        auditEntry({ kind: 'system' }, 'scheduler.action', { ip: null }, new Date(), null, { i }),
      );
    await store.close();
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    await auditLogVerify({ db: file });
    expect(process.exitCode ?? 0).toBe(0);
    expect(out.join('')).toMatch(/intact \(3 entries\)/);
    const again = await openStore(tdb.target, { mode: 'existing' });
    await sql`update audit_log set details = '{"i":9}' where seq = 2`.execute(again.db);
    await again.close();
    await auditLogVerify({ db: file });
    expect(process.exitCode).toBe(1);
    expect(out.join('')).toMatch(/TAMPERED at entry 2/);
    await tdb.drop();
  });
});
