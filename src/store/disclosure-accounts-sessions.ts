import { randomUUID } from 'node:crypto';
import { type Actor, auditEntry, type Origin } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { lockDisclosure } from './audit-log.js';
import {
  type AccountsContext,
  actorOf,
  authFailed,
  checkPassword,
  loadArgon2,
  loadOtpauth,
  newToken,
  SESSION_DAYS,
  sha256,
  toUser,
  type User,
  type UserRow,
  userRow,
} from './disclosure-accounts-common.js';

// Signing up and in: registration, login with the optional TOTP code, sessions, TOTP enrolment.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;

/** Registers a reporter account (see AccountStore.register). */
export async function register(
  ctx: AccountsContext,
  input: { email: string; displayName: string; handle?: string | null; password: string },
  origin: Origin,
): Promise<User> {
  const email = String(input.email ?? '')
    .trim()
    .toLowerCase();
  const displayName = String(input.displayName ?? '').trim();
  const handle = input.handle ? String(input.handle).trim() : null;
  if (!EMAIL.test(email) || email.length > 254)
    throw new NswgError('E_AUTH', 'email is not an e-mail address', { field: 'email' });
  if (!displayName || displayName.length > 100)
    throw new NswgError('E_AUTH', 'displayName must be 1 to 100 characters', { field: 'displayName' });
  if (handle !== null && !HANDLE.test(handle))
    throw new NswgError('E_AUTH', 'handle must be letters, digits, - and _', { field: 'handle' });
  checkPassword(input.password);
  const passwordHash = await (await loadArgon2()).hash(input.password, ctx.argon2);
  const now = ctx.clock.now();
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    const taken = await trx
      .selectFrom('users')
      .select(['email', 'handle'])
      .where((eb) => eb.or([eb('email', '=', email), ...(handle ? [eb('handle', '=', handle)] : [])]))
      .executeTakeFirst();
    if (taken) {
      const field = taken.email === email ? 'email' : 'handle';
      throw new NswgError('E_CONFLICT', `this ${field} is already registered`, { field });
    }
    await trx
      .insertInto('users')
      .values({
        id,
        email,
        display_name: displayName,
        handle,
        password_hash: passwordHash,
        totp_secret: null,
        totp_enabled: 0,
        email_verified_at: null,
        roles: '[]',
        disabled: 0,
        created_at: now.toISOString(),
      })
      .execute();
    await ctx.audit.append(
      auditEntry({ kind: 'user', id, roles: [] }, 'user.register', origin, now, null, { email }),
      trx,
    );
    return toUser(
      (await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as UserRow,
    );
  });
}

/** Checks the password (and TOTP code) and opens a session (see AccountStore.login). */
export async function login(
  ctx: AccountsContext,
  input: { email: string; password: string; totp?: string },
  origin: Origin,
): Promise<{ user: User; token: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const email = String(input.email ?? '')
    .trim()
    .toLowerCase();
  const r = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  // Hash even for unknown addresses, so the answer time does not tell which addresses exist.
  ctx.dummyHash ??= loadArgon2().then((a) => a.hash('not a password of anyone', ctx.argon2));
  const ok = await (await loadArgon2())
    .verify(r?.password_hash ?? (await ctx.dummyHash), String(input.password ?? ''))
    .catch(() => false);
  const failed = async (reason: string) => {
    await ctx.audit.append(
      auditEntry({ kind: 'anonymous' }, 'user.login-failed', origin, now, null, { email, reason }),
    );
    return authFailed(reason === 'totp' ? 'totp' : 'password');
  };
  if (!r || !ok || Number(r.disabled) === 1) throw await failed('password');
  if (Number(r.totp_enabled) === 1 && !(await totpValid(r, input.totp, now))) throw await failed('totp');
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString();
  const user = toUser(r);
  await ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    await trx
      .insertInto('sessions')
      .values({
        token_hash: sha256(token),
        user_id: r.id,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        ip: origin.ip,
      })
      .execute();
    await ctx.audit.append(auditEntry(actorOf(user), 'user.login', origin, now), trx);
  });
  return { user, token, expiresAt };
}

async function totpValid(r: UserRow, code: string | undefined, now: Date): Promise<boolean> {
  if (!r.totp_secret || !code || !/^\d{6}$/.test(code)) return false;
  const { TOTP, Secret } = await loadOtpauth();
  const totp = new TOTP({ issuer: 'nswg', label: r.email, secret: Secret.fromBase32(r.totp_secret) });
  return totp.validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

/** The user behind a session token (see AccountStore.session). */
export async function session(
  ctx: AccountsContext,
  token: string,
): Promise<{ user: User; actor: Actor } | null> {
  const s = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!s || Date.parse(s.expires_at) <= ctx.clock.now().getTime()) return null;
  const r = await userRow(ctx, s.user_id);
  if (!r || Number(r.disabled) === 1) return null;
  const user = toUser(r);
  return { user, actor: actorOf(user) };
}

/** Ends a session (see AccountStore.logout). */
export async function logout(ctx: AccountsContext, token: string, origin: Origin): Promise<void> {
  const found = await session(ctx, token);
  await ctx.db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
  if (found) await ctx.audit.append(auditEntry(found.actor, 'user.logout', origin, ctx.clock.now()));
}

/** Starts TOTP enrolment (see AccountStore.beginTotp). */
export async function beginTotp(
  ctx: AccountsContext,
  userId: string,
): Promise<{ secret: string; uri: string }> {
  const r = await userRow(ctx, userId);
  if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
  const { TOTP, Secret } = await loadOtpauth();
  const secret = new Secret({ size: 20 }).base32;
  await ctx.db
    .updateTable('users')
    .set({ totp_secret: secret, totp_enabled: 0 })
    .where('id', '=', userId)
    .execute();
  return {
    secret,
    uri: new TOTP({ issuer: 'nswg', label: r.email, secret: Secret.fromBase32(secret) }).toString(),
  };
}

/** Turns TOTP on once the code is right (see AccountStore.enableTotp). */
export async function enableTotp(
  ctx: AccountsContext,
  userId: string,
  code: string,
  origin: Origin,
): Promise<void> {
  const r = await userRow(ctx, userId);
  const now = ctx.clock.now();
  if (!r || !(await totpValid(r, code, now))) throw authFailed('totp');
  await ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    await trx.updateTable('users').set({ totp_enabled: 1 }).where('id', '=', userId).execute();
    await ctx.audit.append(
      auditEntry(actorOf(toUser(r)), 'user.totp', origin, now, null, { enabled: true }),
      trx,
    );
  });
}
