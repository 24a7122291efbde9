import { NswgError } from '../../errors.js';
import type { Actor, TeamRole } from '../roles.js';

// The accounts of the disclosure program: who a user is, and the rules every account follows.
// Pure: storage comes through ports.ts, the work is in accounts.ts.

/** A registered user as the program sees them (never the password hash or the TOTP secret). */
export interface User {
  id: string;
  email: string;
  displayName: string;
  handle: string | null;
  /** The team roles held (in effect only with two factors: see actorFor). */
  roles: TeamRole[];
  emailVerified: boolean;
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

/** What an API token may do. A token never administers accounts or reads the outbox. */
export const API_SCOPES = ['reports:read', 'reports:write', 'advisories:read', 'audit:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A session ends after this many days without use… */
export const SESSION_IDLE_DAYS = 14;
/** …and after this many days in any case (a 45-day process, with its extensions, fits). */
export const SESSION_MAX_DAYS = 90;
/** A session's expiry moves on with use at most this often (one write an hour, not one a request). */
export const SESSION_RENEW_EVERY_MS = 3_600_000;
export const VERIFY_EMAIL_HOURS = 48;
export const PASSWORD_RESET_HOURS = 1;
/** The link that sets the first password of an account made by an admin or the operator. */
export const SET_PASSWORD_HOURS = 72;
export const MIN_PASSWORD = 12;
/** Failed logins of one address before it is locked… */
export const LOCKOUT_AFTER = 5;
/** …first for this long, doubling with each further failure… */
export const LOCKOUT_FIRST_MS = 60_000;
/** …up to this long. */
export const LOCKOUT_MAX_MS = 3_600_000;
/** Failures older than this are forgotten (the count starts again). */
export const FAILURE_MEMORY_MS = 24 * 3_600_000;
/** How many recovery codes two-factor enrolment gives. */
export const RECOVERY_CODES = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HANDLE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;

/** An e-mail address as the program keys accounts by it (trimmed, lower-cased). */
export const normalEmail = (email: unknown): string =>
  String(email ?? '')
    .trim()
    .toLowerCase();

/** The fields of a new account, checked: E_ACCOUNT_INVALID names the first bad one. */
export function checkRegistration(input: {
  email?: unknown;
  displayName?: unknown;
  handle?: unknown;
  password?: unknown;
}): { email: string; displayName: string; handle: string | null; password: string } {
  const email = normalEmail(input.email);
  const displayName = String(input.displayName ?? '').trim();
  const handle = input.handle ? String(input.handle).trim() : null;
  if (!EMAIL.test(email) || email.length > 254)
    throw new NswgError('E_ACCOUNT_INVALID', 'email is not an e-mail address', { field: 'email' });
  if (!displayName || displayName.length > 100)
    throw new NswgError('E_ACCOUNT_INVALID', 'displayName must be 1 to 100 characters', {
      field: 'displayName',
    });
  if (handle !== null && !HANDLE.test(handle))
    throw new NswgError('E_ACCOUNT_INVALID', 'handle must be letters, digits, - and _', { field: 'handle' });
  checkPassword(input.password);
  return { email, displayName, handle, password: input.password as string };
}

/** E_ACCOUNT_INVALID unless the password is MIN_PASSWORD to 1024 characters. */
export function checkPassword(p: unknown): asserts p is string {
  if (typeof p !== 'string' || p.length < MIN_PASSWORD || p.length > 1024) {
    throw new NswgError('E_ACCOUNT_INVALID', `password must be ${MIN_PASSWORD} to 1024 characters`, {
      field: 'password',
    });
  }
}

/** The one answer to a failed login, whichever part was wrong. */
export const loginFailed = () =>
  new NswgError('E_AUTH', 'wrong e-mail address, password or code', { field: 'credentials' });

/**
 * The actor a user acts as. Team roles need two factors: they are in effect only when the user has
 * TOTP on and the session was opened with it (or the token made in such a session); otherwise they
 * wait as `pendingRoles`. An account whose address is not confirmed is marked so: it takes part in
 * nothing.
 */
export function actorFor(user: User, opts: { mfa: boolean }): Actor {
  const inEffect = user.totpEnabled && opts.mfa;
  return {
    kind: 'user',
    id: user.id,
    roles: inEffect ? [...user.roles] : [],
    ...(inEffect || !user.roles.length ? {} : { pendingRoles: [...user.roles] }),
    ...(user.emailVerified ? {} : { unconfirmed: true }),
  };
}

/**
 * The lockout earned by one more failed login after `failures` earlier ones (within memory): none
 * below LOCKOUT_AFTER, then LOCKOUT_FIRST_MS doubling with each further failure, at most LOCKOUT_MAX_MS.
 */
export function lockoutAfter(failures: number): number {
  if (failures < LOCKOUT_AFTER) return 0;
  return Math.min(LOCKOUT_MAX_MS, LOCKOUT_FIRST_MS * 2 ** (failures - LOCKOUT_AFTER));
}

/**
 * A session's idle expiry once used at `now`, or null when it need not move yet (it moved less
 * than SESSION_RENEW_EVERY_MS ago); never past SESSION_MAX_DAYS after it was opened.
 */
export function renewedExpiry(
  s: { createdAt: string; renewedAt: string | null; expiresAt: string },
  now: Date,
): string | null {
  const last = Date.parse(s.renewedAt ?? s.createdAt);
  if (now.getTime() - last < SESSION_RENEW_EVERY_MS) return null;
  const cap = Date.parse(s.createdAt) + SESSION_MAX_DAYS * 86_400_000;
  const next = Math.min(cap, now.getTime() + SESSION_IDLE_DAYS * 86_400_000);
  return next > Date.parse(s.expiresAt) ? new Date(next).toISOString() : null;
}
