import { NswgError } from '../../errors.js';
import { auditEntry, type Origin } from '../audit-log.js';
import { isSealed, seal, unseal } from '../keys.js';
import type { Actor } from '../roles.js';
import {
  type AccountsContext,
  hashPassword,
  hoursAfter,
  keysOf,
  newToken,
  newUserRecord,
  passwordMatches,
  sha256,
  toUser,
} from './context.js';
import {
  actorFor,
  checkRegistration,
  FAILURE_MEMORY_MS,
  lockoutAfter,
  loginFailed,
  normalEmail,
  RECOVERY_CODES,
  renewedExpiry,
  SESSION_IDLE_DAYS,
  SESSION_MAX_DAYS,
  type User,
  VERIFY_EMAIL_HOURS,
} from './model.js';
import type { AccountsTx, UserRecord } from './ports.js';
import {
  newRecoveryCodes,
  newTotpSecret,
  normalRecoveryCode,
  recoveryCodeHash,
  totpStep,
} from './second-factor.js';

// Signing up and in: registration, login with the second factor and the lockout, sessions, and
// two-factor enrolment with its recovery codes.

/**
 * What a sign-up did. The answer to the person signing up is the same in every case (the address's
 * owner learns the rest by e-mail), so that a sign-up never tells who is registered:
 * - `created`: a new account; mail `verifyToken`'s link;
 * - `replaced`: the address had an account never confirmed (perhaps made by someone else): it is
 *   deleted with its sessions and tokens, and a new one made; mail the link;
 * - `exists`: the address belongs to a confirmed account: mail its owner a notice instead.
 */
export type SignUp =
  | { outcome: 'created' | 'replaced'; user: User; verifyToken: string }
  | { outcome: 'exists'; user: User };

/** A new link token for `purpose`, stored as its SHA-256. */
export async function issueLink(
  tx: AccountsTx,
  userId: string,
  purpose: 'verify-email' | 'reset-password',
  now: Date,
  hours: number,
): Promise<string> {
  const token = newToken();
  await tx.insertLink({
    tokenHash: sha256(token),
    userId,
    purpose,
    createdAt: now.toISOString(),
    expiresAt: hoursAfter(now, hours),
    usedAt: null,
  });
  return token;
}

/**
 * True when a handle is held: by a confirmed account, or by one whose confirmation link is still
 * valid. A handle held by an account never confirmed in time is freed for the newcomer.
 */
async function handleTaken(tx: AccountsTx, handle: string, now: Date): Promise<boolean> {
  const holder = await tx.userByHandle(handle);
  if (!holder) return false;
  if (holder.emailVerifiedAt || now.getTime() - Date.parse(holder.createdAt) < VERIFY_EMAIL_HOURS * 3_600_000)
    return true;
  await tx.updateUser(holder.id, { handle: null });
  return false;
}

/** Registers a reporter account (see Accounts.register). */
export async function register(
  ctx: AccountsContext,
  input: { email?: unknown; displayName?: unknown; handle?: unknown; password?: unknown },
  origin: Origin,
): Promise<SignUp> {
  const fields = checkRegistration(input);
  const passwordHash = await hashPassword(ctx, fields.password);
  const now = ctx.clock.now();
  return ctx.repo.transaction(async (tx) => {
    const existing = await tx.userByEmail(fields.email);
    if (existing?.emailVerifiedAt) {
      await tx.audit(
        auditEntry({ kind: 'anonymous' }, 'user.register', origin, now, null, {
          email: fields.email,
          outcome: 'exists',
        }),
      );
      return { outcome: 'exists', user: toUser(existing) };
    }
    if (existing) await tx.deleteUser(existing.id);
    if (fields.handle && (await handleTaken(tx, fields.handle, now)))
      throw new NswgError('E_CONFLICT', 'this handle is taken: choose another', { field: 'handle' });
    const record = newUserRecord(fields, passwordHash, now);
    await tx.insertUser(record);
    const user = toUser(record);
    await tx.audit(
      auditEntry(
        actorFor(user, { mfa: false }),
        existing ? 'user.replace' : 'user.register',
        origin,
        now,
        null,
        {
          email: fields.email,
          ...(existing ? { replaced: existing.id } : {}),
        },
      ),
    );
    const verifyToken = await issueLink(tx, user.id, 'verify-email', now, VERIFY_EMAIL_HOURS);
    return { outcome: existing ? 'replaced' : 'created', user, verifyToken };
  });
}

/** What a login opens: the session's token (shown once) and when it expires if left unused. */
export interface OpenedSession {
  user: User;
  token: string;
  expiresAt: string;
}

/** Opens a session for a user inside `tx`. */
export async function openSession(
  tx: AccountsTx,
  user: UserRecord,
  mfa: boolean,
  origin: Origin,
  now: Date,
): Promise<OpenedSession> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_DAYS * 86_400_000).toISOString();
  await tx.insertSession({
    tokenHash: sha256(token),
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt,
    renewedAt: null,
    mfa,
    ip: origin.ip,
  });
  return { user: toUser(user), token, expiresAt };
}

/** The second factor as typed: a TOTP code or a recovery code; true when it is right (and now used). */
async function secondFactorOk(
  ctx: AccountsContext,
  tx: AccountsTx,
  r: UserRecord,
  typed: string,
  now: Date,
  origin: Origin,
): Promise<boolean> {
  if (/^\d{6}$/.test(typed)) {
    if (!r.totpSecret) return false;
    const secret = isSealed(r.totpSecret) ? unseal(keysOf(ctx).sealing, r.totpSecret, r.id) : r.totpSecret;
    const step = await totpStep(secret, typed, now);
    // a code works once: its step must come after the last one accepted
    if (step === null || (r.totpLastStep !== null && step <= r.totpLastStep)) return false;
    await tx.updateUser(r.id, { totpLastStep: step });
    return true;
  }
  const code = normalRecoveryCode(typed);
  if (!code || !(await tx.useRecoveryCode(r.id, recoveryCodeHash(code), now.toISOString()))) return false;
  await tx.audit(
    auditEntry(actorFor(toUser(r), { mfa: false }), 'user.recovery-code-used', origin, now, null, {
      left: await tx.recoveryCodesLeft(r.id),
    }),
  );
  return true;
}

/**
 * Checks the password (and the second factor when the account has TOTP on) and opens a session (see
 * Accounts.login). Failures answer the same whatever was wrong; an address that failed too often is
 * locked for a while (E_LOCKED), known or not, so that the lock does not tell who is registered.
 */
export async function login(
  ctx: AccountsContext,
  input: { email?: unknown; password?: unknown; code?: unknown },
  origin: Origin,
): Promise<OpenedSession> {
  const now = ctx.clock.now();
  const email = normalEmail(input.email);
  const password = typeof input.password === 'string' ? input.password.slice(0, 1024) : '';
  const typed = typeof input.code === 'string' ? input.code.trim().slice(0, 40) : '';
  const before = await ctx.repo.direct(async (tx) => ({
    user: await tx.userByEmail(email),
    throttle: await tx.throttle(email),
  }));
  const lockedUntil = before.throttle?.lockedUntil;
  if (lockedUntil && Date.parse(lockedUntil) > now.getTime()) throw locked(lockedUntil, now);
  const passwordOk = await passwordMatches(ctx, before.user?.passwordHash ?? null, password);
  const result: OpenedSession | { failed: string; lockedUntil: string | null } | { locked: string } =
    await ctx.repo.transaction(async (tx) => {
      // checked again under the write lock: attempts in flight together (on this server instance or
      // another) passed the first check before any of them failed, and must not get past a lockout
      // the earlier ones set, or a brute force would get as many guesses as it sends at once
      const current = await tx.throttle(email);
      if (current?.lockedUntil && Date.parse(current.lockedUntil) > now.getTime())
        return { locked: current.lockedUntil };
      const r = await tx.userByEmail(email);
      let failure: string | null = null;
      if (!r || !passwordOk || r.passwordHash !== before.user?.passwordHash) failure = 'password';
      else if (r.disabled) failure = 'disabled';
      else if (r.totpEnabled && !(await secondFactorOk(ctx, tx, r, typed, now, origin)))
        failure = typed ? 'code' : 'code missing';
      if (failure === null) {
        await tx.clearThrottle(email);
        const opened = await openSession(tx, r!, r!.totpEnabled, origin, now);
        await tx.audit(
          auditEntry(actorFor(opened.user, { mfa: r!.totpEnabled }), 'user.login', origin, now, null, {
            mfa: r!.totpEnabled,
          }),
        );
        return opened;
      }
      const t = await tx.throttle(email);
      const recent = t && now.getTime() - Date.parse(t.lastFailureAt) < FAILURE_MEMORY_MS ? t.failures : 0;
      const lock = lockoutAfter(recent + 1);
      const until = lock ? new Date(now.getTime() + lock).toISOString() : null;
      await tx.putThrottle({
        key: email,
        failures: recent + 1,
        lockedUntil: until,
        lastFailureAt: now.toISOString(),
      });
      await tx.audit(
        auditEntry({ kind: 'anonymous' }, 'user.login-failed', origin, now, null, {
          email,
          reason: failure,
          failures: recent + 1,
          ...(until ? { lockedUntil: until } : {}),
        }),
      );
      return { failed: failure, lockedUntil: until };
    });
  if ('locked' in result) throw locked(result.locked, now);
  if ('failed' in result) throw loginFailed();
  return result;
}

function locked(until: string, now: Date): NswgError {
  const minutes = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 60_000));
  return new NswgError(
    'E_LOCKED',
    `too many failed logins for this address: try again in ${minutes} minute${minutes === 1 ? '' : 's'} (or reset the password)`,
    { field: 'email' },
  );
}

/** Who a session is, with the actor they act as; null when it is unknown, has expired, or its user is disabled. */
export interface SessionInfo {
  user: User;
  actor: Actor;
  mfa: boolean;
  expiresAt: string;
}

/** The user behind a session token, moving its expiry on with use (see Accounts.authenticate). */
export async function authenticate(ctx: AccountsContext, token: string): Promise<SessionInfo | null> {
  const now = ctx.clock.now();
  return ctx.repo.direct(async (tx) => {
    const hash = sha256(token);
    const s = await tx.sessionByHash(hash);
    if (!s) return null;
    const hardEnd = Date.parse(s.createdAt) + SESSION_MAX_DAYS * 86_400_000;
    if (Date.parse(s.expiresAt) <= now.getTime() || hardEnd <= now.getTime()) return null;
    const r = await tx.userById(s.userId);
    if (!r || r.disabled) return null;
    let expiresAt = s.expiresAt;
    const renewed = renewedExpiry(s, now);
    if (renewed) {
      await tx.renewSession(hash, renewed, now.toISOString());
      expiresAt = renewed;
    }
    const user = toUser(r);
    return { user, actor: actorFor(user, { mfa: s.mfa }), mfa: s.mfa, expiresAt };
  });
}

/** Ends a session (see Accounts.logout). */
export async function logout(ctx: AccountsContext, token: string, origin: Origin): Promise<void> {
  const found = await authenticate(ctx, token);
  const now = ctx.clock.now();
  await ctx.repo.transaction(async (tx) => {
    await tx.deleteSession(sha256(token));
    if (found) await tx.audit(auditEntry(found.actor, 'user.logout', origin, now));
  });
}

/** Starts TOTP enrolment: a new secret, sealed in the database, not active until confirmed. */
export async function beginTotp(
  ctx: AccountsContext,
  userId: string,
): Promise<{ secret: string; uri: string }> {
  const sealing = keysOf(ctx).sealing;
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
    if (r.totpEnabled)
      throw new NswgError('E_CONFLICT', 'two-factor authentication is on already', { field: 'totp' });
    const made = await newTotpSecret(r.email);
    await tx.updateUser(userId, { totpSecret: seal(sealing, made.secret, userId), totpEnabled: false });
    return made;
  });
}

/**
 * Turns TOTP on once the code is right: every session of the user ends (one opened before had no
 * second factor) and a new one, with two factors, is opened; one-time recovery codes are made and
 * returned to be shown once.
 */
export async function enableTotp(
  ctx: AccountsContext,
  userId: string,
  code: string,
  origin: Origin,
): Promise<{ session: OpenedSession; recoveryCodes: string[] }> {
  const now = ctx.clock.now();
  const sealing = keysOf(ctx).sealing;
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
    if (r.totpEnabled)
      throw new NswgError('E_CONFLICT', 'two-factor authentication is on already', { field: 'totp' });
    // the user is known (a session): a code that confirms nothing is bad input, not "who are you?"
    if (!r.totpSecret)
      throw new NswgError(
        'E_ACCOUNT_INVALID',
        'no set-up is waiting for a code: set up two-factor authentication first',
        {
          field: 'code',
        },
      );
    const secret = isSealed(r.totpSecret) ? unseal(sealing, r.totpSecret, r.id) : r.totpSecret;
    const step = await totpStep(secret, String(code ?? '').trim(), now);
    if (step === null)
      throw new NswgError('E_ACCOUNT_INVALID', 'that code is not right: enter the code your app shows now', {
        field: 'code',
      });
    await tx.updateUser(userId, { totpEnabled: true, totpLastStep: step });
    await tx.deleteSessions(userId);
    const enabled = { ...r, totpEnabled: true, totpLastStep: step };
    const session = await openSession(tx, enabled, true, origin, now);
    const codes = newRecoveryCodes(RECOVERY_CODES);
    await tx.replaceRecoveryCodes(
      userId,
      codes.map((c) => recoveryCodeHash(normalRecoveryCode(c)!)),
      now.toISOString(),
    );
    await tx.audit(
      auditEntry(actorFor(session.user, { mfa: true }), 'user.totp', origin, now, null, {
        enabled: true,
        recoveryCodes: codes.length,
      }),
    );
    return { session, recoveryCodes: codes };
  });
}

/** New recovery codes for a user with two factors on (the old ones stop working), shown once. */
export async function regenerateRecoveryCodes(
  ctx: AccountsContext,
  actor: Actor,
  origin: Origin,
): Promise<string[]> {
  const now = ctx.clock.now();
  if (actor.kind !== 'user') throw new NswgError('E_AUTH', 'log in first', { field: 'authorization' });
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(actor.id);
    if (!r?.totpEnabled)
      throw new NswgError('E_CONFLICT', 'turn on two-factor authentication first', { field: 'totp' });
    const codes = newRecoveryCodes(RECOVERY_CODES);
    await tx.replaceRecoveryCodes(
      actor.id,
      codes.map((c) => recoveryCodeHash(normalRecoveryCode(c)!)),
      now.toISOString(),
    );
    await tx.audit(auditEntry(actor, 'user.recovery-codes', origin, now, null, { count: codes.length }));
    return codes;
  });
}
