import { randomBytes } from 'node:crypto';
import { NswgError } from '../../errors.js';
import { auditEntry, type Origin } from '../audit-log.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../notifications.js';
import { assertCan } from '../permissions.js';
import { type Actor, TEAM_ROLES, type TeamRole } from '../roles.js';
import { type AccountsContext, hashPassword, newUserRecord, noSuchUser, toUser } from './context.js';
import {
  checkPassword,
  checkRegistration,
  PASSWORD_RESET_HOURS,
  SET_PASSWORD_HOURS,
  type User,
  VERIFY_EMAIL_HOURS,
} from './model.js';
import type { UserFilter } from './ports.js';
import { issueLink } from './sign-in.js';

// Account administration, by an admin (in a session with two factors) or the operator (the command
// line on the server's machine): the team's roles, confirming an address, a link handed over by hand
// when the server sends no mail, accounts made for someone, the list of users. Every change is audited.

/** An account made for someone (see Accounts.createAccount): no password means one set through a link. */
export interface NewAccount {
  email: string;
  displayName?: string;
  handle?: string | null;
  password?: string | null;
  roles?: string[];
}

/** Sets a user's team roles (see Accounts.setRoles). */
export async function setRoles(
  ctx: AccountsContext,
  actor: Actor,
  userId: string,
  roles: readonly string[],
  origin: Origin,
): Promise<User> {
  const now = ctx.clock.now();
  assertCan(actor, 'manage-team', null, now);
  const bad = roles.filter((r) => !(TEAM_ROLES as readonly string[]).includes(r));
  if (bad.length)
    throw new NswgError(
      'E_ACCOUNT_INVALID',
      `unknown roles: ${bad.join(', ')} (roles: ${TEAM_ROLES.join(', ')})`,
      {
        field: 'roles',
      },
    );
  const next = TEAM_ROLES.filter((r) => roles.includes(r));
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw noSuchUser();
    if (next.length && !r.emailVerifiedAt)
      throw new NswgError(
        'E_FORBIDDEN',
        `${r.email} is not confirmed: confirm the address before giving it a team role`,
        { field: 'user' },
      );
    await tx.updateUser(userId, { roles: [...next] });
    await tx.audit(
      auditEntry(actor, 'user.roles', origin, now, null, {
        userId,
        email: r.email,
        before: [...r.roles],
        after: [...next],
      }),
    );
    return toUser({ ...r, roles: [...next] });
  });
}

/** Confirms a user's address on an admin's or the operator's word (see Accounts.confirmEmail). */
export async function confirmEmail(
  ctx: AccountsContext,
  actor: Actor,
  userId: string,
  origin: Origin,
): Promise<User> {
  const now = ctx.clock.now();
  assertCan(actor, 'manage-accounts', null, now);
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw noSuchUser();
    if (r.emailVerifiedAt)
      throw new NswgError('E_CONFLICT', `${r.email} is confirmed already`, { field: 'email' });
    await tx.updateUser(userId, { emailVerifiedAt: now.toISOString() });
    await tx.audit(
      auditEntry(actor, 'user.email-verified', origin, now, null, { userId, email: r.email, by: 'admin' }),
    );
    return toUser({ ...r, emailVerifiedAt: now.toISOString() });
  });
}

/**
 * A new link for a user, for an admin or the operator to hand over when the server sends no mail:
 * `verify-email` confirms an address not confirmed yet; `reset-password` sets a new password (valid
 * SET_PASSWORD_HOURS for an account that never had one of its own, else PASSWORD_RESET_HOURS).
 */
export async function issueAccountLink(
  ctx: AccountsContext,
  actor: Actor,
  userId: string,
  purpose: 'verify-email' | 'reset-password',
  origin: Origin,
): Promise<{ user: User; token: string; expiresHours: number }> {
  const now = ctx.clock.now();
  assertCan(actor, 'manage-accounts', null, now);
  return ctx.repo.transaction(async (tx) => {
    const r = await tx.userById(userId);
    if (!r) throw noSuchUser();
    if (purpose === 'verify-email' && r.emailVerifiedAt)
      throw new NswgError('E_CONFLICT', `${r.email} is confirmed already`, { field: 'email' });
    const hours =
      purpose === 'verify-email'
        ? VERIFY_EMAIL_HOURS
        : r.passwordHash.startsWith('unset:')
          ? SET_PASSWORD_HOURS
          : PASSWORD_RESET_HOURS;
    const token = await issueLink(tx, userId, purpose, now, hours);
    await tx.audit(
      auditEntry(actor, 'user.link-issued', origin, now, null, { userId, email: r.email, purpose }),
    );
    return { user: toUser(r), token, expiresHours: hours };
  });
}

/**
 * Makes an account for someone, its address confirmed on the maker's word, with team roles (see
 * Accounts.createAccount). Without a password the account has none that works until its holder sets
 * one through the returned link, so no password travels or is typed on the command line.
 */
export async function createAccount(
  ctx: AccountsContext,
  actor: Actor,
  input: NewAccount,
  origin: Origin,
): Promise<{ user: User; setPasswordToken: string | null }> {
  const now = ctx.clock.now();
  assertCan(actor, 'manage-accounts', null, now);
  const roles = input.roles ?? [];
  if (roles.length) assertCan(actor, 'manage-team', null, now);
  const bad = roles.filter((r) => !(TEAM_ROLES as readonly string[]).includes(r));
  if (bad.length)
    throw new NswgError(
      'E_ACCOUNT_INVALID',
      `unknown roles: ${bad.join(', ')} (roles: ${TEAM_ROLES.join(', ')})`,
      {
        field: 'roles',
      },
    );
  const email = String(input.email ?? '')
    .trim()
    .toLowerCase();
  const password = input.password ?? null;
  if (password !== null) checkPassword(password);
  const fields = checkRegistration({
    email,
    displayName: input.displayName?.trim() || email.split('@')[0],
    handle: input.handle ?? null,
    password: password ?? 'x'.repeat(32),
  });
  // an account without a password of its own: a hash nobody can match until the link sets one
  const passwordHash =
    password === null ? `unset:${randomBytes(32).toString('base64url')}` : await hashPassword(ctx, password);
  return ctx.repo.transaction(async (tx) => {
    if (await tx.userByEmail(fields.email))
      throw new NswgError('E_CONFLICT', `${fields.email} has an account already`, { field: 'email' });
    if (fields.handle && (await tx.userByHandle(fields.handle)))
      throw new NswgError('E_CONFLICT', `the handle ${fields.handle} is taken`, { field: 'handle' });
    const granted = TEAM_ROLES.filter((r) => roles.includes(r)) as TeamRole[];
    const record = newUserRecord(fields, passwordHash, now, { confirmed: true, roles: granted });
    const id = record.id;
    await tx.insertUser(record);
    await tx.audit(
      auditEntry(actor, 'user.register', origin, now, null, {
        userId: id,
        email: fields.email,
        confirmedBy: 'admin',
        roles: [...granted],
      }),
    );
    const token =
      password === null ? await issueLink(tx, id, 'reset-password', now, SET_PASSWORD_HOURS) : null;
    return { user: toUser(record), setPasswordToken: token };
  });
}

/** Users for an admin or the operator, unconfirmed accounts first, then by address (see Accounts.listUsers). */
export async function listUsers(ctx: AccountsContext, actor: Actor, filter: UserFilter): Promise<User[]> {
  assertCan(actor, 'manage-accounts', null, ctx.clock.now());
  const rows = await ctx.repo.direct((tx) => tx.listUsers(filter));
  return rows.map(toUser);
}

/** Which notifications a user receives: every kind on unless turned off (see Accounts.notificationPrefs). */
export async function notificationPrefs(
  ctx: AccountsContext,
  userId: string,
): Promise<Record<NotificationKind, boolean>> {
  const rows = await ctx.repo.direct((tx) => tx.notificationPrefs(userId));
  const out = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as Record<
    NotificationKind,
    boolean
  >;
  for (const r of rows)
    if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind))
      out[r.kind as NotificationKind] = r.enabled;
  return out;
}

/** Turns one kind of notification on or off (see Accounts.setNotificationPref). */
export async function setNotificationPref(
  ctx: AccountsContext,
  userId: string,
  kind: NotificationKind,
  enabled: boolean,
): Promise<void> {
  if (!NOTIFICATION_KINDS.includes(kind))
    throw new NswgError('E_ACCOUNT_INVALID', `kind must be one of ${NOTIFICATION_KINDS.join(', ')}`, {
      field: 'kind',
    });
  await ctx.repo.direct((tx) => tx.setNotificationPref(userId, kind, enabled));
}
