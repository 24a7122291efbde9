import { NswgError } from '../../errors.js';
import { auditEntry, type Origin } from '../audit-log.js';
import { type AccountsContext, hashPassword, sha256, toUser } from './context.js';
import {
  actorFor,
  checkPassword,
  normalEmail,
  PASSWORD_RESET_HOURS,
  type User,
  VERIFY_EMAIL_HOURS,
} from './model.js';
import type { AccountsTx, LinkPurpose } from './ports.js';
import { issueLink } from './sign-in.js';

// The links the accounts mail: e-mail confirmation and password reset, each a single-use token
// stored as its SHA-256.

const badLink = () =>
  new NswgError('E_TOKEN', 'this link is not valid (unknown, expired or already used)', { field: 'token' });

/** Marks a link used and returns its user's id; E_TOKEN when unknown, expired, used or of another purpose. */
async function redeem(tx: AccountsTx, token: string, purpose: LinkPurpose, now: Date): Promise<string> {
  const hash = sha256(String(token ?? ''));
  const l = await tx.linkByHash(hash);
  if (!l || l.purpose !== purpose || l.usedAt !== null || Date.parse(l.expiresAt) <= now.getTime())
    throw badLink();
  if (!(await tx.useLink(hash, now.toISOString()))) throw badLink();
  return l.userId;
}

/** A new confirmation link for an account not confirmed yet (see Accounts.startEmailVerification). */
export async function startEmailVerification(ctx: AccountsContext, userId: string): Promise<string> {
  const now = ctx.clock.now();
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
    if (r.emailVerifiedAt)
      throw new NswgError('E_CONFLICT', 'this address is confirmed already', { field: 'email' });
    return issueLink(tx, userId, 'verify-email', now, VERIFY_EMAIL_HOURS);
  });
}

/** Confirms the address a confirmation link was sent to (see Accounts.verifyEmail). */
export async function verifyEmail(ctx: AccountsContext, token: string, origin: Origin): Promise<User> {
  const now = ctx.clock.now();
  return ctx.repo.transaction(async (tx) => {
    const userId = await redeem(tx, token, 'verify-email', now);
    const r = await tx.userById(userId);
    if (!r) throw badLink();
    if (!r.emailVerifiedAt) await tx.updateUser(userId, { emailVerifiedAt: now.toISOString() });
    const user = toUser({ ...r, emailVerifiedAt: r.emailVerifiedAt ?? now.toISOString() });
    await tx.audit(auditEntry(actorFor(user, { mfa: false }), 'user.email-verified', origin, now));
    return user;
  });
}

/** A password reset link's token for an address with an active account, or null (see Accounts.startPasswordReset). */
export async function startPasswordReset(
  ctx: AccountsContext,
  email: string,
): Promise<{ user: User; token: string } | null> {
  const now = ctx.clock.now();
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userByEmail(normalEmail(email));
    if (!r || r.disabled) return null;
    return { user: toUser(r), token: await issueLink(tx, r.id, 'reset-password', now, PASSWORD_RESET_HOURS) };
  });
}

/**
 * Sets a new password with a reset link (see Accounts.resetPassword). Whoever holds the link reads the
 * account's mail, so: every session ends, every API token is revoked, every other reset link stops
 * working, the address counts as confirmed, and the address's failed logins are forgotten.
 */
export async function resetPassword(
  ctx: AccountsContext,
  token: string,
  password: string,
  origin: Origin,
): Promise<User> {
  checkPassword(password);
  const passwordHash = await hashPassword(ctx, password);
  const now = ctx.clock.now();
  const at = now.toISOString();
  return ctx.repo.transaction(async (tx) => {
    const userId = await redeem(tx, token, 'reset-password', now);
    const r = await tx.userById(userId);
    if (!r) throw badLink();
    await tx.updateUser(userId, { passwordHash, emailVerifiedAt: r.emailVerifiedAt ?? at });
    await tx.deleteSessions(userId);
    await tx.revokeApiTokens(userId, at);
    await tx.voidLinks(userId, 'reset-password', at);
    await tx.clearThrottle(r.email);
    const user = toUser({ ...r, emailVerifiedAt: r.emailVerifiedAt ?? at });
    await tx.audit(
      auditEntry(actorFor(user, { mfa: false }), 'user.password-reset', origin, now, null, {
        sessionsEnded: true,
        tokensRevoked: true,
      }),
    );
    return user;
  });
}
