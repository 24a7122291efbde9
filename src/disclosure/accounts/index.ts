import type { Origin } from '../audit-log.js';
import type { NotificationKind } from '../notifications.js';
import type { Actor } from '../roles.js';
import * as admin from './admin.js';
import { type AccountsContext, type AccountsDeps, toUser } from './context.js';
import * as links from './links.js';
import type { User } from './model.js';
import type { UserFilter } from './ports.js';
import * as signIn from './sign-in.js';
import * as tokens from './tokens.js';

export type { NewAccount } from './admin.js';
export type { AccountsDeps } from './context.js';
export {
  API_SCOPES,
  type ApiScope,
  actorFor,
  LOCKOUT_AFTER,
  lockoutAfter,
  MIN_PASSWORD,
  PASSWORD_RESET_HOURS,
  renewedExpiry,
  SESSION_IDLE_DAYS,
  SESSION_MAX_DAYS,
  SET_PASSWORD_HOURS,
  type User,
  VERIFY_EMAIL_HOURS,
} from './model.js';
export type {
  AccountsRepository,
  AccountsTx,
  ApiTokenRecord,
  LinkPurpose,
  LinkRecord,
  SessionRecord,
  ThrottleRecord,
  UserFilter,
  UserRecord,
} from './ports.js';
export { newRecoveryCodes, normalRecoveryCode, recoveryCodeHash } from './second-factor.js';
export type { OpenedSession, SessionInfo, SignUp } from './sign-in.js';
export type { ApiTokenInfo, TokenMaker } from './tokens.js';

/**
 * The program's accounts: sign-up and the confirmation of an address, login with an optional second
 * factor (TOTP, recovery codes) and a per-address lockout kept in the database, sessions renewed with
 * use, password reset, API tokens, notification preferences, and account administration by admins
 * and the operator. Passwords are argon2id hashes, TOTP secrets are sealed with the server's key,
 * every token is stored as its SHA-256; every change is in the audit log. Errors are NswgErrors:
 * E_AUTH (who are you?), E_ACCOUNT_INVALID (a bad field, named), E_LOCKED, E_TOKEN, E_CONFLICT,
 * E_FORBIDDEN, E_NOT_FOUND. The work lives in sign-in.ts,
 * links.ts, tokens.ts and admin.ts; this class is the one door to it.
 */
export class Accounts {
  private readonly ctx: AccountsContext;

  constructor(deps: AccountsDeps) {
    this.ctx = { ...deps, dummyHash: null };
  }

  /**
   * Signs up (the same answer for the caller whatever the outcome: see SignUp). A handle held by a
   * confirmed account is E_CONFLICT (handles are public); a bad field is E_ACCOUNT_INVALID naming it.
   */
  register(
    input: { email?: unknown; displayName?: unknown; handle?: unknown; password?: unknown },
    origin: Origin,
  ): Promise<signIn.SignUp> {
    return signIn.register(this.ctx, input, origin);
  }

  /** A user by id, or null. */
  async get(id: string): Promise<User | null> {
    const r = await this.ctx.repo.direct((tx) => tx.userById(id));
    return r ? toUser(r) : null;
  }

  /** A user by e-mail address, or null. */
  async byEmail(email: string): Promise<User | null> {
    const r = await this.ctx.repo.direct((tx) =>
      tx.userByEmail(
        String(email ?? '')
          .trim()
          .toLowerCase(),
      ),
    );
    return r ? toUser(r) : null;
  }

  /**
   * Opens a session with the password and, when the account has TOTP on, a code or a recovery code
   * (`code`). E_AUTH says nothing of which part was wrong; E_LOCKED after too many failures.
   */
  login(
    input: { email?: unknown; password?: unknown; code?: unknown },
    origin: Origin,
  ): Promise<signIn.OpenedSession> {
    return signIn.login(this.ctx, input, origin);
  }

  /** The user behind a session token (its expiry moved on by use), or null when unknown, expired or disabled. */
  authenticate(token: string): Promise<signIn.SessionInfo | null> {
    return signIn.authenticate(this.ctx, token);
  }

  /** Ends a session. */
  logout(token: string, origin: Origin): Promise<void> {
    return signIn.logout(this.ctx, token, origin);
  }

  /** Creates an API token (shown once; stored hashed); a confirmed account only. */
  createApiToken(
    maker: tokens.TokenMaker,
    name: string,
    scopes: readonly string[],
    origin: Origin,
    expiresAt: string | null = null,
  ): Promise<{ id: string; token: string }> {
    return tokens.createApiToken(this.ctx, maker, name, scopes, origin, expiresAt);
  }

  /** The user, actor and scopes of an API token, or null when unknown, revoked, expired or its user disabled. */
  apiToken(
    token: string,
  ): Promise<{ user: User; actor: Actor; scopes: import('./model.js').ApiScope[] } | null> {
    return tokens.apiToken(this.ctx, token);
  }

  /** A user's API tokens (never the tokens themselves). */
  apiTokens(userId: string): Promise<tokens.ApiTokenInfo[]> {
    return tokens.apiTokens(this.ctx, userId);
  }

  /** Revokes an API token: one's own; admins and the operator anyone's. */
  revokeApiToken(actor: Actor, tokenId: string, origin: Origin): Promise<void> {
    return tokens.revokeApiToken(this.ctx, actor, tokenId, origin);
  }

  /** A new confirmation link's token for an account not confirmed yet (the caller mails it). */
  startEmailVerification(userId: string): Promise<string> {
    return links.startEmailVerification(this.ctx, userId);
  }

  /** Confirms the address a confirmation link was sent to. */
  verifyEmail(token: string, origin: Origin): Promise<User> {
    return links.verifyEmail(this.ctx, token, origin);
  }

  /** A reset link's token, or null for an address without an active account (answer the same either way). */
  startPasswordReset(email: string): Promise<{ user: User; token: string } | null> {
    return links.startPasswordReset(this.ctx, email);
  }

  /** Sets a new password with a reset link: every session and token ends, every other reset link dies. */
  resetPassword(token: string, password: string, origin: Origin): Promise<User> {
    return links.resetPassword(this.ctx, token, password, origin);
  }

  /** Starts TOTP enrolment: a new secret and its otpauth:// URI; not active until a code confirms it. */
  beginTotp(userId: string): Promise<{ secret: string; uri: string }> {
    return signIn.beginTotp(this.ctx, userId);
  }

  /** Turns TOTP on with a code: every session ends, a new one (two factors) opens, recovery codes are made. */
  enableTotp(
    userId: string,
    code: string,
    origin: Origin,
  ): Promise<{ session: signIn.OpenedSession; recoveryCodes: string[] }> {
    return signIn.enableTotp(this.ctx, userId, code, origin);
  }

  /** New recovery codes (the old ones stop working), shown once. */
  regenerateRecoveryCodes(actor: Actor, origin: Origin): Promise<string[]> {
    return signIn.regenerateRecoveryCodes(this.ctx, actor, origin);
  }

  /** Sets a user's team roles (admins, the operator); the change, before and after, is audited. */
  setRoles(actor: Actor, userId: string, roles: readonly string[], origin: Origin): Promise<User> {
    return admin.setRoles(this.ctx, actor, userId, roles, origin);
  }

  /** Confirms a user's address on an admin's or the operator's word. */
  confirmEmail(actor: Actor, userId: string, origin: Origin): Promise<User> {
    return admin.confirmEmail(this.ctx, actor, userId, origin);
  }

  /** A link to hand over by hand (confirm the address, or set a password), for an admin or the operator. */
  issueLink(
    actor: Actor,
    userId: string,
    purpose: 'verify-email' | 'reset-password',
    origin: Origin,
  ): Promise<{ user: User; token: string; expiresHours: number }> {
    return admin.issueAccountLink(this.ctx, actor, userId, purpose, origin);
  }

  /** Makes a confirmed account for someone, with roles; without a password, returns the link that sets one. */
  createAccount(
    actor: Actor,
    input: admin.NewAccount,
    origin: Origin,
  ): Promise<{ user: User; setPasswordToken: string | null }> {
    return admin.createAccount(this.ctx, actor, input, origin);
  }

  /** Users, for admins and the operator. */
  listUsers(actor: Actor, filter: UserFilter = {}): Promise<User[]> {
    return admin.listUsers(this.ctx, actor, filter);
  }

  /** Which notifications the user receives (every kind on unless turned off). */
  notificationPrefs(userId: string): Promise<Record<NotificationKind, boolean>> {
    return admin.notificationPrefs(this.ctx, userId);
  }

  /** Turns one kind of notification on or off for the user. */
  setNotificationPref(userId: string, kind: NotificationKind, enabled: boolean): Promise<void> {
    return admin.setNotificationPref(this.ctx, userId, kind, enabled);
  }
}
