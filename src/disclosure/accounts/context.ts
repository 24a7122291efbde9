import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Options } from '@node-rs/argon2';
import { NswgError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { ServerKeys } from '../keys.js';
import type { TeamRole } from '../roles.js';
import type { User } from './model.js';
import type { AccountsRepository, UserRecord } from './ports.js';

/** What the accounts depend on: storage, time, the server's keys, and the password hashing's cost. */
export interface AccountsDeps {
  repo: AccountsRepository;
  clock: Clock;
  /** The keys of the server secret (TOTP secrets are sealed with one); null: two factors unavailable. */
  keys: () => ServerKeys | null;
  /** Tunes argon2id (tests lower the cost; production keeps the library's defaults). */
  argon2?: Options;
}

/** What every part of the accounts shares. */
export interface AccountsContext extends AccountsDeps {
  /** The hash checked for unknown addresses at login, made once on first use. */
  dummyHash: Promise<string> | null;
}

/** The argon2 library, loaded on first use (the audit and the public pages never need it). */
export const loadArgon2 = () => import('@node-rs/argon2');

/** argon2id of a password. */
export async function hashPassword(ctx: AccountsContext, password: string): Promise<string> {
  return (await loadArgon2()).hash(password, ctx.argon2 ?? {});
}

/** True when `password` matches `hash`; for an unknown account pass null: the same work is done. */
export async function passwordMatches(
  ctx: AccountsContext,
  hash: string | null,
  password: string,
): Promise<boolean> {
  ctx.dummyHash ??= hashPassword(ctx, 'not the password of anyone');
  const target = hash ?? (await ctx.dummyHash);
  const ok = await (await loadArgon2()).verify(target, password).catch(() => false);
  return ok && hash !== null;
}

/** The SHA-256 of a token, as tokens are stored. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A new random token (32 bytes, base64url) after `prefix`. */
export const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');

/** The keys, or E_USAGE when the server was started without a secret. */
export function keysOf(ctx: AccountsContext): ServerKeys {
  const k = ctx.keys();
  if (!k)
    throw new NswgError('E_USAGE', 'two-factor authentication needs the server secret (--secret-file)', {
      field: 'secret',
    });
  return k;
}

/** A new account's record: no second factor, no role unless given, confirmed only when said. */
export function newUserRecord(
  fields: { email: string; displayName: string; handle: string | null },
  passwordHash: string,
  now: Date,
  opts: { confirmed?: boolean; roles?: TeamRole[] } = {},
): UserRecord {
  return {
    id: randomUUID(),
    ...fields,
    passwordHash,
    totpSecret: null,
    totpEnabled: false,
    totpLastStep: null,
    emailVerifiedAt: opts.confirmed ? now.toISOString() : null,
    roles: opts.roles ?? [],
    disabled: false,
    createdAt: now.toISOString(),
  };
}

/** A stored user as the program sees them. */
export const toUser = (r: UserRecord): User => ({
  id: r.id,
  email: r.email,
  displayName: r.displayName,
  handle: r.handle,
  roles: [...r.roles],
  emailVerified: r.emailVerifiedAt !== null,
  totpEnabled: r.totpEnabled,
  disabled: r.disabled,
  createdAt: r.createdAt,
});

/** "No such user", the same for a user that does not exist and one the asker may not know of. */
export const noSuchUser = () => new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });

/** The instant `hours` after `now`, ISO 8601. */
export const hoursAfter = (now: Date, hours: number): string =>
  new Date(now.getTime() + hours * 3_600_000).toISOString();
