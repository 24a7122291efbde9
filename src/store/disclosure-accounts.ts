import type { Options } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import {
  type Actor,
  type Clock,
  type NotificationKind,
  type Origin,
  systemClock,
  type TeamRole,
} from '../disclosure/index.js';
import { AuditLog } from './audit-log.js';
import {
  type AccountsContext,
  type ApiScope,
  actorOf,
  toUser,
  type User,
  userByEmail,
  userRow,
} from './disclosure-accounts-common.js';
import * as links from './disclosure-accounts-links.js';
import * as sessions from './disclosure-accounts-sessions.js';
import * as teamRoles from './disclosure-accounts-team.js';
import * as tokens from './disclosure-accounts-tokens.js';
import { withDisclosure } from './disclosure-schema.js';
import type { Database } from './schema.js';

export {
  API_SCOPES,
  type ApiScope,
  MIN_PASSWORD,
  PASSWORD_RESET_HOURS,
  SESSION_DAYS,
  type User,
  VERIFY_EMAIL_HOURS,
} from './disclosure-accounts-common.js';
export type { ApiTokenInfo } from './disclosure-accounts-tokens.js';

/**
 * Users, sessions, API tokens, e-mail verification and password reset, TOTP, team roles and
 * notification preferences. Passwords are argon2id hashes; every token is stored as its SHA-256 only.
 * Logins, role changes and token changes are recorded in the audit log.
 * The work itself lives in disclosure-accounts-{sessions,tokens,links,team}.ts; this class is the one
 * door to it.
 */
export class AccountStore {
  private readonly ctx: AccountsContext;

  /** `argon2` tunes the hashing (tests lower the memory cost; production keeps the library's defaults). */
  constructor(db: Kysely<Database>, clock: Clock = systemClock, argon2: Options = {}) {
    this.ctx = { db: withDisclosure(db), audit: new AuditLog(db), clock, argon2, dummyHash: null };
  }

  /** The actor a user acts as. */
  static actorOf(u: User): Actor {
    return actorOf(u);
  }

  /** Registers a reporter account. E_AUTH names a bad field; E_CONFLICT when the e-mail or handle is taken. */
  register(
    input: { email: string; displayName: string; handle?: string | null; password: string },
    origin: Origin,
  ): Promise<User> {
    return sessions.register(this.ctx, input, origin);
  }

  /** A user by id, or null. */
  async get(id: string): Promise<User | null> {
    const r = await userRow(this.ctx, id);
    return r ? toUser(r) : null;
  }

  /** A user by e-mail address, or null. */
  byEmail(email: string): Promise<User | null> {
    return userByEmail(this.ctx, email);
  }

  /**
   * Checks the password (and the TOTP code when the user has enabled it) and opens a server-side
   * session. Every attempt is logged. E_AUTH says nothing about which part was wrong.
   */
  login(
    input: { email: string; password: string; totp?: string },
    origin: Origin,
  ): Promise<{ user: User; token: string; expiresAt: string }> {
    return sessions.login(this.ctx, input, origin);
  }

  /** The user behind a session token, or null when it is unknown, expired or the user is disabled. */
  session(token: string): Promise<{ user: User; actor: Actor } | null> {
    return sessions.session(this.ctx, token);
  }

  /** Ends a session. */
  logout(token: string, origin: Origin): Promise<void> {
    return sessions.logout(this.ctx, token, origin);
  }

  /** Creates an API token (shown once; stored hashed). */
  createApiToken(
    user: User,
    name: string,
    scopes: readonly string[],
    origin: Origin,
    expiresAt: string | null = null,
  ): Promise<{ id: string; token: string }> {
    return tokens.createApiToken(this.ctx, user, name, scopes, origin, expiresAt);
  }

  /** The user and scopes of an API token, or null when unknown, revoked, expired or the user is disabled. */
  apiToken(token: string): Promise<{ user: User; actor: Actor; scopes: ApiScope[] } | null> {
    return tokens.apiToken(this.ctx, token);
  }

  /** A user's API tokens (never the tokens themselves). */
  apiTokens(userId: string): Promise<tokens.ApiTokenInfo[]> {
    return tokens.apiTokens(this.ctx, userId);
  }

  /** Revokes one of the user's API tokens (admins may revoke anyone's). */
  revokeApiToken(actor: Actor, tokenId: string, origin: Origin): Promise<void> {
    return tokens.revokeApiToken(this.ctx, actor, tokenId, origin);
  }

  /** A token for the e-mail verification link (the caller mails it). */
  startEmailVerification(userId: string): Promise<string> {
    return links.startEmailVerification(this.ctx, userId);
  }

  /** Confirms the address the verification link was sent to. */
  verifyEmail(token: string, origin: Origin): Promise<User> {
    return links.verifyEmail(this.ctx, token, origin);
  }

  /** A token for a password reset link, or null for an unknown address (the caller answers the same either way). */
  startPasswordReset(email: string): Promise<{ user: User; token: string } | null> {
    return links.startPasswordReset(this.ctx, email);
  }

  /** Sets a new password with a reset token; every open session of the user ends. */
  resetPassword(token: string, password: string, origin: Origin): Promise<void> {
    return links.resetPassword(this.ctx, token, password, origin);
  }

  /** Starts TOTP enrolment: a new secret and its otpauth:// URI (for the QR code); not active until confirmed. */
  beginTotp(userId: string): Promise<{ secret: string; uri: string }> {
    return sessions.beginTotp(this.ctx, userId);
  }

  /** Turns TOTP on once the user proves their authenticator gives the right code. */
  enableTotp(userId: string, code: string, origin: Origin): Promise<void> {
    return sessions.enableTotp(this.ctx, userId, code, origin);
  }

  /** Sets a user's team roles (admins only); the change, before and after, goes to the audit log. */
  setRoles(actor: Actor, userId: string, roles: readonly TeamRole[], origin: Origin): Promise<User> {
    return teamRoles.setRoles(this.ctx, actor, userId, roles, origin);
  }

  /** The team: every user holding a team role. */
  team(): Promise<User[]> {
    return teamRoles.team(this.ctx);
  }

  /** Which notifications the user receives (every kind on unless turned off). */
  notificationPrefs(userId: string): Promise<Record<NotificationKind, boolean>> {
    return teamRoles.notificationPrefs(this.ctx, userId);
  }

  /** Turns one kind of notification on or off for the user. */
  setNotificationPref(userId: string, kind: NotificationKind, enabled: boolean): Promise<void> {
    return teamRoles.setNotificationPref(this.ctx, userId, kind, enabled);
  }
}
