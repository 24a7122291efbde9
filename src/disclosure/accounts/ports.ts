import type { AuditEntryInput } from '../audit-log.js';
import type { NotificationKind } from '../notifications.js';
import type { TeamRole } from '../roles.js';
import type { ApiScope } from './model.js';

/** A user as stored (the password hash; the TOTP secret sealed with the server's key). */
export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  handle: string | null;
  passwordHash: string;
  /** Sealed (keys.seal), or plain text in databases from before sealing until the server seals it. */
  totpSecret: string | null;
  totpEnabled: boolean;
  /** The last TOTP time step accepted (a code works once). */
  totpLastStep: number | null;
  emailVerifiedAt: string | null;
  roles: TeamRole[];
  disabled: boolean;
  createdAt: string;
}

/** A session: its token is never stored, only its SHA-256. */
export interface SessionRecord {
  tokenHash: string;
  userId: string;
  createdAt: string;
  /** The idle expiry, moved on by use (never past SESSION_MAX_DAYS after createdAt). */
  expiresAt: string;
  renewedAt: string | null;
  /** Opened with two factors. */
  mfa: boolean;
  ip: string | null;
}

/** An API token as stored (its SHA-256, never the token). */
export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  scopes: ApiScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Made in a session opened with two factors: only then does it carry team roles. */
  mfa: boolean;
}

/** What a mailed link does: confirm an address, or set a new password. */
export type LinkPurpose = 'verify-email' | 'reset-password';

/** A single-use link's token (as its SHA-256). */
export interface LinkRecord {
  tokenHash: string;
  userId: string;
  purpose: LinkPurpose;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/** Failed logins of one address, whether an account has it or not. */
export interface ThrottleRecord {
  key: string;
  failures: number;
  lockedUntil: string | null;
  lastFailureAt: string;
}

/** Which users to list. */
export interface UserFilter {
  /** Only accounts whose address is (not) confirmed. */
  confirmed?: boolean;
  /** Only users holding a team role. */
  team?: boolean;
  limit?: number;
}

/** What the accounts need from storage, inside one unit of work. */
export interface AccountsTx {
  userById(id: string): Promise<UserRecord | null>;
  userByEmail(email: string): Promise<UserRecord | null>;
  userByHandle(handle: string): Promise<UserRecord | null>;
  insertUser(u: UserRecord): Promise<void>;
  updateUser(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>): Promise<void>;
  /** Deletes an account with its sessions, tokens, links and preferences. */
  deleteUser(id: string): Promise<void>;
  listUsers(filter: UserFilter): Promise<UserRecord[]>;

  insertSession(s: SessionRecord): Promise<void>;
  sessionByHash(tokenHash: string): Promise<SessionRecord | null>;
  renewSession(tokenHash: string, expiresAt: string, at: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user. */
  deleteSessions(userId: string): Promise<void>;

  insertApiToken(t: ApiTokenRecord): Promise<void>;
  apiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  apiTokenById(id: string): Promise<ApiTokenRecord | null>;
  apiTokens(userId: string): Promise<ApiTokenRecord[]>;
  touchApiToken(id: string, at: string): Promise<void>;
  revokeApiToken(id: string, at: string): Promise<void>;
  /** Revokes every token of a user that is not revoked yet. */
  revokeApiTokens(userId: string, at: string): Promise<void>;

  insertLink(l: LinkRecord): Promise<void>;
  linkByHash(tokenHash: string): Promise<LinkRecord | null>;
  /** Marks an unused link used; false when it was used already (by another request). */
  useLink(tokenHash: string, at: string): Promise<boolean>;
  /** Voids every unused link of a user for `purpose`. */
  voidLinks(userId: string, purpose: LinkPurpose, at: string): Promise<void>;

  throttle(key: string): Promise<ThrottleRecord | null>;
  putThrottle(t: ThrottleRecord): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  /** Replaces a user's recovery codes (their SHA-256). */
  replaceRecoveryCodes(userId: string, codeHashes: string[], at: string): Promise<void>;
  /** Marks an unused recovery code used; false when there is none such. */
  useRecoveryCode(userId: string, codeHash: string, at: string): Promise<boolean>;
  /** How many unused recovery codes a user has. */
  recoveryCodesLeft(userId: string): Promise<number>;

  notificationPrefs(userId: string): Promise<{ kind: string; enabled: boolean }[]>;
  setNotificationPref(userId: string, kind: NotificationKind, enabled: boolean): Promise<void>;

  /** Appends to the audit log, in this unit of work. */
  audit(e: AuditEntryInput): Promise<void>;
}

/**
 * Units of work on accounts: `transaction` takes the disclosure write lock (every change that is
 * audited), `direct` does not (hot reads, and the bookkeeping of a session's or token's use).
 */
export interface AccountsRepository {
  transaction<T>(fn: (tx: AccountsTx) => Promise<T>): Promise<T>;
  direct<T>(fn: (tx: AccountsTx) => Promise<T>): Promise<T>;
}
