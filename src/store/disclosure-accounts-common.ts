import { createHash, randomBytes } from 'node:crypto';
import type { Options } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Actor, Clock, TeamRole } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import type { AuditLog } from './audit-log.js';
import type { DisclosureDb } from './disclosure-schema.js';

// What the parts of the account store (disclosure-accounts-*.ts) share: the user record, the limits,
// token hashing, and the context AccountStore hands each of them.

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

/** The account store's database, audit log, clock and hashing options, and the login's dummy hash. */
export interface AccountsContext {
  readonly db: Kysely<DisclosureDb>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Tunes the hashing (tests lower the memory cost; production keeps the library's defaults). */
  readonly argon2: Options;
  /** The hash checked for unknown addresses at login, made once on first use. */
  dummyHash: Promise<string> | null;
}

// Password hashing and TOTP load only when an account is used: the audit and the public pages never need them.
/** The argon2 library, loaded on first use. */
export const loadArgon2 = () => import('@node-rs/argon2');
/** The TOTP library, loaded on first use. */
export const loadOtpauth = () => import('otpauth');

/** The SHA-256 of a token, as tokens are stored. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** A new random token (32 bytes, base64url) after `prefix`. */
export const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');

export type UserRow = DisclosureDb['users'];

/** A users row as a User. */
export const toUser = (r: UserRow): User => ({
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

/** The actor a user acts as. */
export const actorOf = (u: User): Actor => ({ kind: 'user', id: u.id, roles: u.roles });

/** The failed login: the same answer whichever part was wrong. */
export const authFailed = (field = 'password') =>
  new NswgError('E_AUTH', 'wrong e-mail address, password or code', { field });

/** A user's row by id. */
export async function userRow(ctx: AccountsContext, id: string): Promise<UserRow | undefined> {
  return ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user by e-mail address, or null. */
export async function userByEmail(ctx: AccountsContext, email: string): Promise<User | null> {
  const r = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return r ? toUser(r) : null;
}

/** E_AUTH unless the password is MIN_PASSWORD to 1024 characters. */
export function checkPassword(p: unknown): void {
  if (typeof p !== 'string' || p.length < MIN_PASSWORD || p.length > 1024) {
    throw new NswgError('E_AUTH', `password must be ${MIN_PASSWORD} to 1024 characters`, {
      field: 'password',
    });
  }
}
