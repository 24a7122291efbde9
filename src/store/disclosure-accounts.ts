import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Options } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import {
  type Actor,
  assertCan,
  auditEntry,
  type Clock,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type Origin,
  systemClock,
  TEAM_ROLES,
  type TeamRole,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { AuditLog, lockDisclosure } from './audit-log.js';
import { type DisclosureDb, withDisclosure } from './disclosure-schema.js';
import type { Database } from './schema.js';

// Password hashing and TOTP load only when an account is used: the audit and the public pages never need them.
const argon2 = () => import('@node-rs/argon2');
const otpauth = () => import('otpauth');

/** A registered user as the program sees them (never the password hash or the TOTP secret). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  handle: string | null;
  roles: TeamRole[];
  emailVerified: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

/** What an API token may do. */
export const API_SCOPES = ['reports:read', 'reports:write', 'advisories:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SESSION_DAYS = 14;
export const VERIFY_EMAIL_HOURS = 48;
export const PASSWORD_RESET_HOURS = 1;
export const MIN_PASSWORD = 12;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;

type UserRow = DisclosureDb['users'];
const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  handle: r.handle,
  roles: JSON.parse(r.roles) as TeamRole[],
  emailVerified: r.email_verified_at !== null,
  totpEnabled: Number(r.totp_enabled) === 1,
  disabled: Number(r.disabled) === 1,
  createdAt: r.created_at,
});

const authFailed = (field = 'password') =>
  new NswgError('E_AUTH', 'wrong e-mail address, password or code', { field });

/**
 * Users, sessions, API tokens, e-mail verification and password reset, TOTP, team roles and
 * notification preferences. Passwords are argon2id hashes; every token is stored as its SHA-256 only.
 * Logins, role changes and token changes are recorded in the audit log.
 */
export class AccountStore {
  private readonly db: Kysely<DisclosureDb>;
  private readonly audit: AuditLog;
  private dummyHash: Promise<string> | null = null;

  /** `argon2` tunes the hashing (tests lower the memory cost; production keeps the library's defaults). */
  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock = systemClock,
    private readonly argon2: Options = {},
  ) {
    this.db = withDisclosure(db);
    this.audit = new AuditLog(db);
  }

  private now(): Date {
    return this.clock.now();
  }

  private async row(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The actor a user acts as. */
  static actorOf(u: User): Actor {
    return { kind: 'user', id: u.id, roles: u.roles };
  }

  /** Registers a reporter account. E_AUTH names a bad field; E_CONFLICT when the e-mail or handle is taken. */
  async register(
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
    const passwordHash = await (await argon2()).hash(input.password, this.argon2);
    const now = this.now();
    const id = randomUUID();
    return this.db.transaction().execute(async (trx) => {
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
      await this.audit.append(
        auditEntry({ kind: 'user', id, roles: [] }, 'user.register', origin, now, null, { email }),
        trx,
      );
      return toUser(
        (await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as UserRow,
      );
    });
  }

  /** A user by id, or null. */
  async get(id: string): Promise<User | null> {
    const r = await this.row(id);
    return r ? toUser(r) : null;
  }

  /** A user by e-mail address, or null. */
  async byEmail(email: string): Promise<User | null> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return r ? toUser(r) : null;
  }

  /**
   * Checks the password (and the TOTP code when the user has enabled it) and opens a server-side
   * session. Every attempt is logged. E_AUTH says nothing about which part was wrong.
   */
  async login(
    input: { email: string; password: string; totp?: string },
    origin: Origin,
  ): Promise<{ user: User; token: string; expiresAt: string }> {
    const now = this.now();
    const email = String(input.email ?? '')
      .trim()
      .toLowerCase();
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    // Hash even for unknown addresses, so the answer time does not tell which addresses exist.
    this.dummyHash ??= argon2().then((a) => a.hash('not a password of anyone', this.argon2));
    const ok = await (await argon2()).verify(r?.password_hash ?? (await this.dummyHash), String(input.password ?? '')).catch(
      () => false,
    );
    const failed = async (reason: string) => {
      await this.audit.append(
        auditEntry({ kind: 'anonymous' }, 'user.login-failed', origin, now, null, { email, reason }),
      );
      return authFailed(reason === 'totp' ? 'totp' : 'password');
    };
    if (!r || !ok || Number(r.disabled) === 1) throw await failed('password');
    if (Number(r.totp_enabled) === 1 && !await this.totpValid(r, input.totp, now)) throw await failed('totp');
    const token = newToken();
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString();
    const user = toUser(r);
    await this.db.transaction().execute(async (trx) => {
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
      await this.audit.append(auditEntry(AccountStore.actorOf(user), 'user.login', origin, now), trx);
    });
    return { user, token, expiresAt };
  }

  private async totpValid(r: UserRow, code: string | undefined, now: Date): Promise<boolean> {
    if (!r.totp_secret || !code || !/^\d{6}$/.test(code)) return false;
    const { TOTP, Secret } = await otpauth();
    const totp = new TOTP({ issuer: 'nswg', label: r.email, secret: Secret.fromBase32(r.totp_secret) });
    return totp.validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
  }

  /** The user behind a session token, or null when it is unknown, expired or the user is disabled. */
  async session(token: string): Promise<{ user: User; actor: Actor } | null> {
    const s = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!s || Date.parse(s.expires_at) <= this.now().getTime()) return null;
    const r = await this.row(s.user_id);
    if (!r || Number(r.disabled) === 1) return null;
    const user = toUser(r);
    return { user, actor: AccountStore.actorOf(user) };
  }

  /** Ends a session. */
  async logout(token: string, origin: Origin): Promise<void> {
    const found = await this.session(token);
    await this.db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
    if (found) await this.audit.append(auditEntry(found.actor, 'user.logout', origin, this.now()));
  }

  /** Creates an API token (shown once; stored hashed). */
  async createApiToken(
    user: User,
    name: string,
    scopes: readonly string[],
    origin: Origin,
    expiresAt: string | null = null,
  ): Promise<{ id: string; token: string }> {
    const bad = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
    if (!scopes.length || bad.length)
      throw new NswgError('E_AUTH', `scopes must be among ${API_SCOPES.join(', ')}`, { field: 'scopes' });
    const label = String(name ?? '').trim();
    if (!label || label.length > 100)
      throw new NswgError('E_AUTH', 'name must be 1 to 100 characters', { field: 'name' });
    const token = newToken('nswg_');
    const id = randomUUID();
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      await trx
        .insertInto('api_tokens')
        .values({
          id,
          user_id: user.id,
          name: label,
          token_hash: sha256(token),
          scopes: JSON.stringify([...new Set(scopes)]),
          created_at: now.toISOString(),
          expires_at: expiresAt,
        })
        .execute();
      await this.audit.append(
        auditEntry(AccountStore.actorOf(user), 'token.create', origin, now, null, {
          tokenId: id,
          scopes: [...scopes],
        }),
        trx,
      );
    });
    return { id, token };
  }

  /** The user and scopes of an API token, or null when unknown, revoked, expired or the user is disabled. */
  async apiToken(token: string): Promise<{ user: User; actor: Actor; scopes: ApiScope[] } | null> {
    const t = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    const now = this.now();
    if (!t || t.revoked_at !== null || (t.expires_at !== null && Date.parse(t.expires_at) <= now.getTime()))
      return null;
    const r = await this.row(t.user_id);
    if (!r || Number(r.disabled) === 1) return null;
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', t.id)
      .execute();
    const user = toUser(r);
    return { user, actor: AccountStore.actorOf(user), scopes: JSON.parse(t.scopes) as ApiScope[] };
  }

  /** A user's API tokens (never the tokens themselves). */
  async apiTokens(userId: string): Promise<
    {
      id: string;
      name: string;
      scopes: string[];
      createdAt: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
    }[]
  > {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((t) => ({
      id: t.id,
      name: t.name,
      scopes: JSON.parse(t.scopes),
      createdAt: t.created_at,
      lastUsedAt: t.last_used_at,
      revokedAt: t.revoked_at,
    }));
  }

  /** Revokes one of the user's API tokens (admins may revoke anyone's). */
  async revokeApiToken(actor: Actor, tokenId: string, origin: Origin): Promise<void> {
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      const t = await trx
        .selectFrom('api_tokens')
        .select(['user_id'])
        .where('id', '=', tokenId)
        .executeTakeFirst();
      const mine = actor.kind === 'user' && t?.user_id === actor.id;
      if (!t || !(mine || (actor.kind === 'user' && actor.roles.includes('admin'))))
        throw new NswgError('E_NOT_FOUND', 'no such token', { field: 'token' });
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now.toISOString() })
        .where('id', '=', tokenId)
        .execute();
      await this.audit.append(auditEntry(actor, 'token.revoke', origin, now, null, { tokenId }), trx);
    });
  }

  private async issue(
    userId: string,
    purpose: 'verify-email' | 'reset-password',
    hours: number,
  ): Promise<string> {
    const token = newToken();
    const now = this.now();
    await this.db
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
  private async redeem(trx: Kysely<DisclosureDb>, token: string, purpose: string): Promise<string> {
    const now = this.now();
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

  /** A token for the e-mail verification link (the caller mails it). */
  startEmailVerification(userId: string): Promise<string> {
    return this.issue(userId, 'verify-email', VERIFY_EMAIL_HOURS);
  }

  /** Confirms the address the verification link was sent to. */
  async verifyEmail(token: string, origin: Origin): Promise<User> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      const userId = await this.redeem(trx, token, 'verify-email');
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
      await this.audit.append(
        auditEntry(AccountStore.actorOf(user), 'user.email-verified', origin, now),
        trx,
      );
      return user;
    });
  }

  /** A token for a password reset link, or null for an unknown address (the caller answers the same either way). */
  async startPasswordReset(email: string): Promise<{ user: User; token: string } | null> {
    const user = await this.byEmail(email);
    if (!user || user.disabled) return null;
    return { user, token: await this.issue(user.id, 'reset-password', PASSWORD_RESET_HOURS) };
  }

  /** Sets a new password with a reset token; every open session of the user ends. */
  async resetPassword(token: string, password: string, origin: Origin): Promise<void> {
    checkPassword(password);
    const passwordHash = await (await argon2()).hash(password, this.argon2);
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      const userId = await this.redeem(trx, token, 'reset-password');
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await this.audit.append(
        auditEntry({ kind: 'user', id: userId, roles: [] }, 'user.password-reset', origin, now),
        trx,
      );
    });
  }

  /** Starts TOTP enrolment: a new secret and its otpauth:// URI (for the QR code); not active until confirmed. */
  async beginTotp(userId: string): Promise<{ secret: string; uri: string }> {
    const r = await this.row(userId);
    if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
    const { TOTP, Secret } = await otpauth();
    const secret = new Secret({ size: 20 }).base32;
    await this.db
      .updateTable('users')
      .set({ totp_secret: secret, totp_enabled: 0 })
      .where('id', '=', userId)
      .execute();
    return {
      secret,
      uri: new TOTP({ issuer: 'nswg', label: r.email, secret: Secret.fromBase32(secret) }).toString(),
    };
  }

  /** Turns TOTP on once the user proves their authenticator gives the right code. */
  async enableTotp(userId: string, code: string, origin: Origin): Promise<void> {
    const r = await this.row(userId);
    const now = this.now();
    if (!r || !await this.totpValid(r, code, now)) throw authFailed('totp');
    await this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      await trx.updateTable('users').set({ totp_enabled: 1 }).where('id', '=', userId).execute();
      await this.audit.append(
        auditEntry(AccountStore.actorOf(toUser(r)), 'user.totp', origin, now, null, { enabled: true }),
        trx,
      );
    });
  }

  /** Sets a user's team roles (admins only); the change, before and after, goes to the audit log. */
  async setRoles(actor: Actor, userId: string, roles: readonly TeamRole[], origin: Origin): Promise<User> {
    const now = this.now();
    assertCan(actor, 'manage-team', null, now);
    const bad = roles.filter((r) => !TEAM_ROLES.includes(r));
    if (bad.length) throw new NswgError('E_AUTH', `unknown roles: ${bad.join(', ')}`, { field: 'roles' });
    const next = TEAM_ROLES.filter((r) => roles.includes(r));
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      const r = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
      await trx
        .updateTable('users')
        .set({ roles: JSON.stringify(next) })
        .where('id', '=', userId)
        .execute();
      await this.audit.append(
        auditEntry(actor, 'user.roles', origin, now, null, {
          userId,
          before: JSON.parse(r.roles),
          after: [...next],
        }),
        trx,
      );
      return { ...toUser(r as UserRow), roles: [...next] };
    });
  }

  /** The team: every user holding a team role. */
  async team(): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('roles', '!=', '[]')
      .orderBy('email')
      .execute();
    return rows.map(toUser);
  }

  /** Which notifications the user receives (every kind on unless turned off). */
  async notificationPrefs(userId: string): Promise<Record<NotificationKind, boolean>> {
    const rows = await this.db
      .selectFrom('notification_prefs')
      .select(['kind', 'enabled'])
      .where('user_id', '=', userId)
      .execute();
    const out = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as Record<
      NotificationKind,
      boolean
    >;
    for (const r of rows)
      if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind))
        out[r.kind as NotificationKind] = Number(r.enabled) === 1;
    return out;
  }

  /** Turns one kind of notification on or off for the user. */
  async setNotificationPref(userId: string, kind: NotificationKind, enabled: boolean): Promise<void> {
    if (!NOTIFICATION_KINDS.includes(kind))
      throw new NswgError('E_AUTH', `kind must be one of ${NOTIFICATION_KINDS.join(', ')}`, {
        field: 'kind',
      });
    await this.db
      .insertInto('notification_prefs')
      .values({ user_id: userId, kind, enabled: enabled ? 1 : 0 })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled: enabled ? 1 : 0 }))
      .execute();
  }
}

function checkPassword(p: unknown): void {
  if (typeof p !== 'string' || p.length < MIN_PASSWORD || p.length > 1024) {
    throw new NswgError('E_AUTH', `password must be ${MIN_PASSWORD} to 1024 characters`, {
      field: 'password',
    });
  }
}
