import type { Kysely } from 'kysely';
import { auditEntry, type Origin } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { lockDisclosure } from './audit-log.js';
import {
  type AccountsContext,
  actorOf,
  checkPassword,
  loadArgon2,
  newToken,
  PASSWORD_RESET_HOURS,
  sha256,
  toUser,
  type User,
  type UserRow,
  userByEmail,
  VERIFY_EMAIL_HOURS,
} from './disclosure-accounts-common.js';
import type { DisclosureDb } from './disclosure-schema.js';

// The links the account store mails: e-mail verification and password reset, each a single-use
// token stored as its SHA-256.

type Purpose = 'verify-email' | 'reset-password';

async function issue(ctx: AccountsContext, userId: string, purpose: Purpose, hours: number): Promise<string> {
  const token = newToken();
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('account_tokens')
    .values({
      token_hash: sha256(token),
      user_id: userId,
      purpose,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + hours * 3_600_000).toISOString(),
    })
    .execute();
  return token;
}

/** Marks a single-use token used and returns its user; E_TOKEN when unknown, expired, used or of another purpose. */
async function redeem(
  ctx: AccountsContext,
  trx: Kysely<DisclosureDb>,
  token: string,
  purpose: Purpose,
): Promise<string> {
  const now = ctx.clock.now();
  const t = await trx
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!t || t.purpose !== purpose || t.used_at !== null || Date.parse(t.expires_at) <= now.getTime()) {
    throw new NswgError('E_TOKEN', 'this link is not valid (unknown, expired or already used)', {
      field: 'token',
    });
  }
  const res = await trx
    .updateTable('account_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', t.token_hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1)
    throw new NswgError('E_TOKEN', 'this link has already been used', { field: 'token' });
  return t.user_id;
}

/** A token for the e-mail verification link (see AccountStore.startEmailVerification). */
export function startEmailVerification(ctx: AccountsContext, userId: string): Promise<string> {
  return issue(ctx, userId, 'verify-email', VERIFY_EMAIL_HOURS);
}

/** Confirms the address the verification link was sent to (see AccountStore.verifyEmail). */
export async function verifyEmail(ctx: AccountsContext, token: string, origin: Origin): Promise<User> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    const userId = await redeem(ctx, trx, token, 'verify-email');
    await trx
      .updateTable('users')
      .set({ email_verified_at: now.toISOString() })
      .where('id', '=', userId)
      .execute();
    const user = toUser(
      (await trx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()) as UserRow,
    );
    await ctx.audit.append(auditEntry(actorOf(user), 'user.email-verified', origin, now), trx);
    return user;
  });
}

/** A token for a password reset link, or null (see AccountStore.startPasswordReset). */
export async function startPasswordReset(
  ctx: AccountsContext,
  email: string,
): Promise<{ user: User; token: string } | null> {
  const user = await userByEmail(ctx, email);
  if (!user || user.disabled) return null;
  return { user, token: await issue(ctx, user.id, 'reset-password', PASSWORD_RESET_HOURS) };
}

/** Sets a new password with a reset token and ends every session (see AccountStore.resetPassword). */
export async function resetPassword(
  ctx: AccountsContext,
  token: string,
  password: string,
  origin: Origin,
): Promise<void> {
  checkPassword(password);
  const passwordHash = await (await loadArgon2()).hash(password, ctx.argon2);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    const userId = await redeem(ctx, trx, token, 'reset-password');
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await ctx.audit.append(
      auditEntry({ kind: 'user', id: userId, roles: [] }, 'user.password-reset', origin, now),
      trx,
    );
  });
}
