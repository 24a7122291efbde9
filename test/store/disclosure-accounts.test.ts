import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/disclosure/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ORIGIN, TEST_ARGON2 } from '../disclosure/store-setup.js';
import { freshDb, type TestDb, testEngines } from '../helpers/db.js';

const engines = await testEngines();

describe.each(engines)('accounts on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  const clock = new ManualClock('2026-01-05T09:00:00Z');
  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create', clock, argon2: TEST_ARGON2 });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  it('registers with an argon2id hash, refuses taken addresses and handles, and weak passwords', async () => {
    const u = await store.accounts.register(
      { email: 'Ada@Example.org', displayName: 'Ada', handle: 'ada', password: 'correct horse battery' },
      ORIGIN,
    );
    expect(u).toMatchObject({
      email: 'ada@example.org',
      roles: [],
      emailVerified: false,
      totpEnabled: false,
    });
    const row = await sql<{
      password_hash: string;
    }>`select password_hash from users where id = ${u.id}`.execute(store.db);
    expect(row.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    await expect(
      store.accounts.register(
        { email: 'ada@example.org', displayName: 'x', password: 'long enough password' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({
      code: 'E_CONFLICT',
      field: 'email',
    });
    await expect(
      store.accounts.register(
        { email: 'b@example.org', displayName: 'x', handle: 'ada', password: 'long enough password' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({
      field: 'handle',
    });
    await expect(
      store.accounts.register({ email: 'c@example.org', displayName: 'x', password: 'short' }, ORIGIN),
    ).rejects.toMatchObject({ field: 'password' });
  });

  it('logs in to a server-side session stored hashed; wrong passwords fail and are logged', async () => {
    const { token, user } = await store.accounts.login(
      { email: 'ada@example.org', password: 'correct horse battery' },
      ORIGIN,
    );
    expect((await store.accounts.session(token))?.user.id).toBe(user.id);
    const stored = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(store.db);
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);
    await expect(
      store.accounts.login({ email: 'ada@example.org', password: 'wrong password here' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    await expect(
      store.accounts.login({ email: 'nobody@example.org', password: 'wrong password here' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    const log = await store.auditLog.list();
    expect(log.filter((e) => e.action === 'user.login-failed')).toHaveLength(2);
    expect(log.find((e) => e.action === 'user.login')).toMatchObject({ actorId: user.id, ip: ORIGIN.ip });
    clock.advanceDays(15);
    expect(await store.accounts.session(token)).toBeNull();
    const again = await store.accounts.login(
      { email: 'ada@example.org', password: 'correct horse battery' },
      ORIGIN,
    );
    await store.accounts.logout(again.token, ORIGIN);
    expect(await store.accounts.session(again.token)).toBeNull();
  });

  it('requires the TOTP code once enabled', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    const { secret, uri } = await store.accounts.beginTotp(u.id);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const code = (at: Date) =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
    await expect(
      store.accounts.enableTotp(u.id, '000000' === code(clock.now()) ? '111111' : '000000', ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    await store.accounts.enableTotp(u.id, code(clock.now()), ORIGIN);
    await expect(
      store.accounts.login({ email: 'ada@example.org', password: 'correct horse battery' }, ORIGIN),
    ).rejects.toMatchObject({ field: 'totp' });
    const ok = await store.accounts.login(
      { email: 'ada@example.org', password: 'correct horse battery', totp: code(clock.now()) },
      ORIGIN,
    );
    expect(ok.user.totpEnabled).toBe(true);
  });

  it('issues API tokens hashed at rest, with scopes, revocable', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    const { id, token } = await store.accounts.createApiToken(u, 'ci', ['reports:read'], ORIGIN);
    expect(token).toMatch(/^nswg_/);
    expect((await store.accounts.apiToken(token))?.scopes).toEqual(['reports:read']);
    const rows = await sql<{ token_hash: string }>`select token_hash from api_tokens`.execute(store.db);
    expect(rows.rows[0]!.token_hash).not.toBe(token);
    await expect(store.accounts.createApiToken(u, 'x', ['root'], ORIGIN)).rejects.toMatchObject({
      field: 'scopes',
    });
    await store.accounts.revokeApiToken({ kind: 'user', id: u.id, roles: [] }, id, ORIGIN);
    expect(await store.accounts.apiToken(token)).toBeNull();
  });

  it('verifies e-mail and resets passwords with single-use, expiring tokens', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    const verify = await store.accounts.startEmailVerification(u.id);
    expect((await store.accounts.verifyEmail(verify, ORIGIN)).emailVerified).toBe(true);
    await expect(store.accounts.verifyEmail(verify, ORIGIN)).rejects.toMatchObject({ code: 'E_TOKEN' });
    const late = await store.accounts.startEmailVerification(u.id);
    clock.advanceDays(3);
    await expect(store.accounts.verifyEmail(late, ORIGIN)).rejects.toMatchObject({ code: 'E_TOKEN' });
    expect(await store.accounts.startPasswordReset('nobody@example.org')).toBeNull();
    const reset = (await store.accounts.startPasswordReset('ada@example.org'))!;
    await expect(store.accounts.verifyEmail(reset.token, ORIGIN)).rejects.toMatchObject({ code: 'E_TOKEN' });
    await store.accounts.resetPassword(reset.token, 'a brand new password', ORIGIN);
    await expect(
      store.accounts.resetPassword(reset.token, 'another new password', ORIGIN),
    ).rejects.toMatchObject({ code: 'E_TOKEN' });
    await expect(
      store.accounts.login({ email: 'ada@example.org', password: 'correct horse battery' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
  });

  it('lets only admins change roles, and logs the change', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    await expect(
      store.accounts.setRoles({ kind: 'user', id: u.id, roles: ['triage'] }, u.id, ['admin'], ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    const admin = { kind: 'user' as const, id: 'root', roles: ['admin' as const] };
    expect((await store.accounts.setRoles(admin, u.id, ['triage', 'core-security'], ORIGIN)).roles).toEqual([
      'triage',
      'core-security',
    ]);
    expect((await store.accounts.get(u.id))!.roles).toEqual(['triage', 'core-security']);
    const entry = (await store.auditLog.list({ limit: 5000 })).find((e) => e.action === 'user.roles');
    expect(entry).toMatchObject({
      actorId: 'root',
      details: { userId: u.id, before: [], after: ['triage', 'core-security'] },
    });
  });

  it('keeps notification preferences (all on by default)', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    expect(await store.accounts.notificationPrefs(u.id)).toEqual({
      'state-change': true,
      comment: true,
      reminder: true,
      vote: true,
    });
    await store.accounts.setNotificationPref(u.id, 'comment', false);
    expect((await store.accounts.notificationPrefs(u.id)).comment).toBe(false);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });
  });
});
