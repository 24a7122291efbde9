import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  LOCKOUT_AFTER,
  ManualClock,
  operatorActor,
  type SignUp,
} from '../../src/disclosure/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { freshDb, type TestDb, testEngines } from '../helpers/db.js';
import { ORIGIN, SECRET, TEST_ARGON2 } from './store-setup.js';

const engines = await testEngines();
const OPERATOR = operatorActor('root@server');
const PASSWORD = 'correct horse battery';

/** The confirmation link's token of a sign-up that made an account. */
function verifyTokenOf(s: SignUp): string {
  if (s.outcome === 'exists') throw new Error('no account was made');
  return s.verifyToken;
}

describe.each(engines)('accounts on %s', (engine) => {
  let tdb: TestDb;
  let store: Store;
  /** A second store on the same database: another server instance. */
  let other: Store;
  const clock = new ManualClock('2026-01-05T09:00:00Z');
  const code = (secret: string, at = clock.now()) =>
    new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
  /** The next TOTP code: a code works once, so the clock moves on to the next 30-second step. */
  const nextCode = (secret: string) => {
    clock.advance(30_000);
    return code(secret);
  };
  const confirmed = async (email: string, handle: string | null = null) => {
    const s = await store.accounts.register(
      { email, displayName: email, handle, password: PASSWORD },
      ORIGIN,
    );
    return store.accounts.verifyEmail(verifyTokenOf(s), ORIGIN);
  };

  beforeAll(async () => {
    tdb = await freshDb(engine);
    store = await openStore(tdb.target, { mode: 'create', clock, argon2: TEST_ARGON2, secret: SECRET });
    other = await openStore(tdb.target, { mode: 'existing', clock, argon2: TEST_ARGON2, secret: SECRET });
  });
  afterAll(async () => {
    await other?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('signs up with an argon2id hash and answers the same whether the address is new or taken', async () => {
    const first = await store.accounts.register(
      { email: 'Ada@Example.org', displayName: 'Ada', handle: 'ada', password: PASSWORD },
      ORIGIN,
    );
    expect(first).toMatchObject({
      outcome: 'created',
      user: { email: 'ada@example.org', emailVerified: false },
    });
    const row = await sql<{
      password_hash: string;
    }>`select password_hash from users where id = ${first.user.id}`.execute(store.db);
    expect(row.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    await store.accounts.verifyEmail(verifyTokenOf(first), ORIGIN);
    // a confirmed address is not changed: the caller learns nothing, its owner is told (by the server)
    const again = await store.accounts.register(
      { email: 'ada@example.org', displayName: 'Mallory', password: 'another long password' },
      ORIGIN,
    );
    expect(again).toMatchObject({ outcome: 'exists', user: { id: first.user.id, displayName: 'Ada' } });
    expect((await store.accounts.byEmail('ada@example.org'))!.displayName).toBe('Ada');
    await expect(
      store.accounts.register(
        { email: 'b@example.org', displayName: 'x', handle: 'ada', password: PASSWORD },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_CONFLICT', field: 'handle' });
    await expect(
      store.accounts.register({ email: 'c@example.org', displayName: 'x', password: 'short' }, ORIGIN),
    ).rejects.toMatchObject({ field: 'password' });
  });

  it('replaces an account never confirmed when its address signs up: the squatter loses sessions, tokens and links', async () => {
    // the attack: someone signs up with the victim's address, never confirms it, and logs in
    const squat = await store.accounts.register(
      {
        email: 'victim@example.org',
        displayName: 'Victim',
        handle: 'victim',
        password: 'the squatter password',
      },
      ORIGIN,
    );
    const session = await store.accounts.login(
      { email: 'victim@example.org', password: 'the squatter password' },
      ORIGIN,
    );
    const seen = (await store.accounts.authenticate(session.token))!;
    expect(seen.actor).toMatchObject({ kind: 'user', unconfirmed: true });
    // an unconfirmed account gets no API token
    await expect(
      store.accounts.createApiToken({ user: seen.user, mfa: false }, 'steal', ['reports:read'], ORIGIN),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    // the owner signs up: no 409, a new account in its place
    const owner = await store.accounts.register(
      {
        email: 'victim@example.org',
        displayName: 'The owner',
        handle: 'victim',
        password: 'the owner password!',
      },
      ORIGIN,
    );
    expect(owner.outcome).toBe('replaced');
    expect(owner.user.id).not.toBe(squat.user.id);
    expect(await store.accounts.authenticate(session.token)).toBeNull();
    await expect(store.accounts.verifyEmail(verifyTokenOf(squat), ORIGIN)).rejects.toMatchObject({
      code: 'E_TOKEN',
    });
    await store.accounts.verifyEmail(verifyTokenOf(owner), ORIGIN);
    await expect(
      store.accounts.login({ email: 'victim@example.org', password: 'the squatter password' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    const log = await store.auditLog.list({ limit: 5000 });
    expect(log.find((e) => e.action === 'user.replace')).toMatchObject({
      details: { replaced: squat.user.id },
    });
  });

  it('logs in to a session stored hashed; a failure says nothing of which part was wrong, and is logged', async () => {
    const { token, user } = await store.accounts.login(
      { email: 'ada@example.org', password: PASSWORD },
      ORIGIN,
    );
    expect((await store.accounts.authenticate(token))?.user.id).toBe(user.id);
    const stored = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(store.db);
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);
    for (const attempt of [
      { email: 'ada@example.org', password: 'wrong password here' },
      { email: 'nobody@example.org', password: 'wrong password here' },
    ])
      await expect(store.accounts.login(attempt, ORIGIN)).rejects.toMatchObject({
        code: 'E_AUTH',
        field: 'credentials',
        message: 'wrong e-mail address, password or code',
      });
    const failed = (await store.auditLog.list({ limit: 5000 })).filter(
      (e) => e.action === 'user.login-failed',
    );
    expect(failed.slice(-2).map((e) => [e.details.email, e.details.reason])).toEqual([
      ['ada@example.org', 'password'],
      ['nobody@example.org', 'password'],
    ]);
    await store.accounts.logout(token, ORIGIN);
    expect(await store.accounts.authenticate(token)).toBeNull();
  });

  it('locks an address after repeated failures, with back-off, shared by every instance, known address or not', async () => {
    await confirmed('lockme@example.org');
    for (const email of ['lockme@example.org', 'nobody-at-all@example.org']) {
      for (let i = 0; i < LOCKOUT_AFTER; i++)
        await expect(
          // alternate between the two instances: the count is in the database
          (i % 2 ? other : store).accounts.login({ email, password: `wrong password ${i}` }, ORIGIN),
        ).rejects.toMatchObject({ code: 'E_AUTH' });
      // locked: even the right password is refused, on either instance, and the answer says for how long
      await expect(other.accounts.login({ email, password: PASSWORD }, ORIGIN)).rejects.toMatchObject({
        code: 'E_LOCKED',
        message: expect.stringMatching(/try again in 1 minute/),
      });
      clock.advance(61_000);
      await expect(
        store.accounts.login({ email, password: 'wrong again, sorry' }, ORIGIN),
      ).rejects.toMatchObject({
        code: 'E_AUTH',
      });
      // the next lock is twice as long
      await expect(store.accounts.login({ email, password: PASSWORD }, ORIGIN)).rejects.toMatchObject({
        code: 'E_LOCKED',
        message: expect.stringMatching(/try again in 2 minutes/),
      });
      clock.advance(121_000);
    }
    // after the lock, the right password works and forgets the failures
    await store.accounts.login({ email: 'ada@example.org', password: PASSWORD }, ORIGIN);
    expect(
      await sql`select * from login_throttle where key = ${'ada@example.org'}`.execute(store.db),
    ).toMatchObject({
      rows: [],
    });
  });

  it('accepts each TOTP code once, recovery codes once, and ends every session at enrolment', async () => {
    const u = (await store.accounts.byEmail('ada@example.org'))!;
    const before = await store.accounts.login({ email: 'ada@example.org', password: PASSWORD }, ORIGIN);
    const { secret, uri } = await store.accounts.beginTotp(u.id);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    // the secret is sealed at rest: the database does not hold it
    const atRest = await sql<{
      totp_secret: string;
    }>`select totp_secret from users where id = ${u.id}`.execute(store.db);
    expect(atRest.rows[0]!.totp_secret).toMatch(/^v1\./);
    expect(atRest.rows[0]!.totp_secret).not.toContain(secret);
    await expect(
      store.accounts.enableTotp(u.id, code(secret) === '000000' ? '111111' : '000000', ORIGIN),
    ).rejects.toMatchObject({ code: 'E_ACCOUNT_INVALID', field: 'code' });
    const enrolled = await store.accounts.enableTotp(u.id, nextCode(secret), ORIGIN);
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect((await store.accounts.authenticate(enrolled.session.token))?.mfa).toBe(true);
    // the session opened before enrolment ended (it had no second factor)
    expect(await store.accounts.authenticate(before.token)).toBeNull();
    await expect(
      store.accounts.login({ email: 'ada@example.org', password: PASSWORD }, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_AUTH',
      field: 'credentials',
    });
    const c = nextCode(secret);
    const ok = await store.accounts.login({ email: 'ada@example.org', password: PASSWORD, code: c }, ORIGIN);
    expect(ok.user.totpEnabled).toBe(true);
    // the same code again, within its window, on another instance: refused
    await expect(
      other.accounts.login({ email: 'ada@example.org', password: PASSWORD, code: c }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    // a recovery code stands in for the authenticator, once, and its use is logged
    const recovery = enrolled.recoveryCodes[0]!;
    await store.accounts.login(
      { email: 'ada@example.org', password: PASSWORD, code: recovery.toUpperCase() },
      ORIGIN,
    );
    await expect(
      store.accounts.login({ email: 'ada@example.org', password: PASSWORD, code: recovery }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_AUTH' });
    const used = (await store.auditLog.list({ limit: 5000 })).find(
      (e) => e.action === 'user.recovery-code-used',
    );
    expect(used).toMatchObject({ actorId: u.id, details: { left: 9 } });
  });

  it('gives team roles only to sessions with two factors, and says what is missing otherwise', async () => {
    const t = await confirmed('triager@example.org', 'triager');
    await store.accounts.setRoles(OPERATOR, t.id, ['triage'], ORIGIN);
    const plain = await store.accounts.login({ email: 'triager@example.org', password: PASSWORD }, ORIGIN);
    expect((await store.accounts.authenticate(plain.token))!.actor).toEqual({
      kind: 'user',
      id: t.id,
      roles: [],
      pendingRoles: ['triage'],
    });
    const { secret } = await store.accounts.beginTotp(t.id);
    const { session } = await store.accounts.enableTotp(t.id, nextCode(secret), ORIGIN);
    expect((await store.accounts.authenticate(session.token))!.actor).toEqual({
      kind: 'user',
      id: t.id,
      roles: ['triage'],
    });
    // a token made before enrolment carries no role; one made in a session with two factors does
    expect(await store.accounts.authenticate(plain.token)).toBeNull();
  });

  it('renews a session while it is used, up to its longest life, and ends it after 14 idle days', async () => {
    const s = await store.accounts.login(
      { email: 'victim@example.org', password: 'the owner password!' },
      ORIGIN,
    );
    for (let day = 0; day < 80; day += 10) {
      clock.advanceDays(10);
      expect(await store.accounts.authenticate(s.token), `day ${day + 10}`).not.toBeNull();
    }
    clock.advanceDays(10); // 90 days after it was opened: over, however much it is used
    expect(await store.accounts.authenticate(s.token)).toBeNull();
    const idle = await store.accounts.login(
      { email: 'victim@example.org', password: 'the owner password!' },
      ORIGIN,
    );
    clock.advanceDays(15);
    expect(await store.accounts.authenticate(idle.token)).toBeNull();
  });

  it('issues API tokens hashed at rest, with scopes, revocable', async () => {
    const u = (await store.accounts.byEmail('victim@example.org'))!;
    const { id, token } = await store.accounts.createApiToken(
      { user: u, mfa: false },
      'ci',
      ['reports:read'],
      ORIGIN,
    );
    expect(token).toMatch(/^nswg_/);
    expect((await store.accounts.apiToken(token))?.scopes).toEqual(['reports:read']);
    const rows = await sql<{ token_hash: string }>`select token_hash from api_tokens`.execute(store.db);
    expect(rows.rows.map((r) => r.token_hash)).not.toContain(token);
    await expect(
      store.accounts.createApiToken({ user: u, mfa: false }, 'x', ['root'], ORIGIN),
    ).rejects.toMatchObject({ field: 'scopes' });
    await store.accounts.revokeApiToken({ kind: 'user', id: u.id, roles: [] }, id, ORIGIN);
    expect(await store.accounts.apiToken(token)).toBeNull();
  });

  it('resets a password: every session and token ends, every other reset link dies, the address is confirmed', async () => {
    const s = await store.accounts.register(
      { email: 'reset@example.org', displayName: 'R', password: PASSWORD },
      ORIGIN,
    );
    // never confirmed: a reset through the mailed link proves the address too
    const session = await store.accounts.login({ email: 'reset@example.org', password: PASSWORD }, ORIGIN);
    const older = (await store.accounts.startPasswordReset('reset@example.org'))!;
    const newer = (await store.accounts.startPasswordReset('Reset@Example.org'))!;
    expect(await store.accounts.startPasswordReset('nobody@example.org')).toBeNull();
    await expect(store.accounts.verifyEmail(newer.token, ORIGIN)).rejects.toMatchObject({ code: 'E_TOKEN' });
    const after = await store.accounts.resetPassword(newer.token, 'a brand new password', ORIGIN);
    expect(after.emailVerified).toBe(true);
    expect(await store.accounts.authenticate(session.token)).toBeNull();
    // the older link does not work after a later successful reset
    await expect(
      store.accounts.resetPassword(older.token, 'the attacker password', ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_TOKEN',
    });
    await expect(
      store.accounts.resetPassword(newer.token, 'another new password', ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_TOKEN',
    });
    // a token made before the reset is revoked by it
    const user = (await store.accounts.byEmail('reset@example.org'))!;
    const t = await store.accounts.createApiToken({ user, mfa: false }, 'before', ['reports:read'], ORIGIN);
    await store.accounts.resetPassword(
      (await store.accounts.startPasswordReset('reset@example.org'))!.token,
      'the third password',
      ORIGIN,
    );
    expect(await store.accounts.apiToken(t.token)).toBeNull();
    const late = await store.accounts.startPasswordReset('reset@example.org');
    clock.advance(3_700_000);
    await expect(
      store.accounts.resetPassword(late!.token, 'too late for this', ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_TOKEN',
    });
    expect(verifyTokenOf(s)).toBeTruthy();
  });

  it('lets only admins and the operator change roles, confirm addresses and hand out links, and logs who', async () => {
    const u = await confirmed('member@example.org');
    const triager: Actor = { kind: 'user', id: u.id, roles: ['triage'] };
    await expect(store.accounts.setRoles(triager, u.id, ['admin'], ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    expect(
      (await store.accounts.setRoles(OPERATOR, u.id, ['triage', 'core-security'], ORIGIN)).roles,
    ).toEqual(['triage', 'core-security']);
    const entry = (await store.auditLog.list({ limit: 5000 })).findLast((e) => e.action === 'user.roles');
    expect(entry).toMatchObject({
      actorKind: 'operator',
      actorId: null,
      details: { userId: u.id, before: [], after: ['triage', 'core-security'], operator: 'root@server' },
    });
    // no role for an address nobody confirmed
    const pending = await store.accounts.register(
      { email: 'pending@example.org', displayName: 'P', password: PASSWORD },
      ORIGIN,
    );
    await expect(
      store.accounts.setRoles(OPERATOR, pending.user.id, ['triage'], ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    expect((await store.accounts.listUsers(OPERATOR, { confirmed: false })).map((x) => x.email)).toContain(
      'pending@example.org',
    );
    await expect(store.accounts.listUsers(triager)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const link = await store.accounts.issueLink(OPERATOR, pending.user.id, 'verify-email', ORIGIN);
    expect((await store.accounts.verifyEmail(link.token, ORIGIN)).emailVerified).toBe(true);
    // an account made by the operator has no usable password until its holder sets one
    const made = await store.accounts.createAccount(
      OPERATOR,
      { email: 'first-admin@example.org', displayName: 'First admin', roles: ['admin'] },
      ORIGIN,
    );
    expect(made.user).toMatchObject({ emailVerified: true, roles: ['admin'] });
    await store.accounts.resetPassword(made.setPasswordToken!, 'the first admin password', ORIGIN);
    await store.accounts.login(
      { email: 'first-admin@example.org', password: 'the first admin password' },
      ORIGIN,
    );
  });

  it('keeps notification preferences (all on by default), and an intact audit log', async () => {
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

  it('refuses to open the database with another server secret', async () => {
    await expect(
      openStore(tdb.target, {
        mode: 'existing',
        clock,
        secret: 'another-secret-another-secret-another-secret',
      }),
    ).rejects.toMatchObject({ code: 'E_USAGE', field: '--secret-file' });
  });
});
