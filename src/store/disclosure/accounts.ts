import type { Kysely } from 'kysely';
import type {
  AccountsRepository,
  AccountsTx,
  ApiScope,
  ApiTokenRecord,
  LinkPurpose,
  SessionRecord,
  TeamRole,
  UserRecord,
} from '../../disclosure/index.js';
import type { Database } from '../schema.js';
import { type AuditLog, lockDisclosure } from './audit-log.js';
import { type DisclosureDb, withDisclosure } from './schema.js';

// The accounts' storage (the rules are the domain's: src/disclosure/accounts): users, sessions, API
// tokens, mailed links, the login throttle, recovery codes and notification preferences.

type UserRow = DisclosureDb['users'];

const toUserRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  handle: r.handle,
  passwordHash: r.password_hash,
  totpSecret: r.totp_secret,
  totpEnabled: Number(r.totp_enabled) === 1,
  totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
  emailVerifiedAt: r.email_verified_at,
  roles: JSON.parse(r.roles) as TeamRole[],
  disabled: Number(r.disabled) === 1,
  createdAt: r.created_at,
});

const toSession = (r: DisclosureDb['sessions']): SessionRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  renewedAt: r.renewed_at,
  mfa: Number(r.mfa) === 1,
  ip: r.ip,
});

const toToken = (r: DisclosureDb['api_tokens']): ApiTokenRecord => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  tokenHash: r.token_hash,
  scopes: JSON.parse(r.scopes) as ApiScope[],
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  mfa: Number(r.mfa) === 1,
});

const flag = (b: boolean) => (b ? 1 : 0);

/** The accounts' queries over `db` (a transaction that holds the disclosure lock, or the database itself). */
function accountsTx(
  db: Kysely<DisclosureDb>,
  audit: (e: Parameters<AccountsTx['audit']>[0]) => Promise<void>,
): AccountsTx {
  const oneUser = async (column: 'id' | 'email' | 'handle', value: string) => {
    const r = await db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
    return r ? toUserRecord(r) : null;
  };
  return {
    userById: (id) => oneUser('id', id),
    userByEmail: (email) => oneUser('email', email),
    userByHandle: (handle) => oneUser('handle', handle),

    async insertUser(u) {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          email: u.email,
          display_name: u.displayName,
          handle: u.handle,
          password_hash: u.passwordHash,
          totp_secret: u.totpSecret,
          totp_enabled: flag(u.totpEnabled),
          totp_last_step: u.totpLastStep,
          email_verified_at: u.emailVerifiedAt,
          roles: JSON.stringify(u.roles),
          disabled: flag(u.disabled),
          created_at: u.createdAt,
        })
        .execute();
    },

    async updateUser(id, p) {
      const set: Partial<UserRow> = {};
      if (p.email !== undefined) set.email = p.email;
      if (p.displayName !== undefined) set.display_name = p.displayName;
      if (p.handle !== undefined) set.handle = p.handle;
      if (p.passwordHash !== undefined) set.password_hash = p.passwordHash;
      if (p.totpSecret !== undefined) set.totp_secret = p.totpSecret;
      if (p.totpEnabled !== undefined) set.totp_enabled = flag(p.totpEnabled);
      if (p.totpLastStep !== undefined) set.totp_last_step = p.totpLastStep;
      if (p.emailVerifiedAt !== undefined) set.email_verified_at = p.emailVerifiedAt;
      if (p.roles !== undefined) set.roles = JSON.stringify(p.roles);
      if (p.disabled !== undefined) set.disabled = flag(p.disabled);
      if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute();
    },

    async deleteUser(id) {
      // every table that refers to an account that never took part in anything
      for (const table of [
        'sessions',
        'api_tokens',
        'account_tokens',
        'notification_prefs',
        'recovery_codes',
      ] as const)
        await db.deleteFrom(table).where('user_id', '=', id).execute();
      await db.deleteFrom('users').where('id', '=', id).execute();
    },

    async listUsers(f) {
      let q = db.selectFrom('users').selectAll();
      if (f.confirmed === true) q = q.where('email_verified_at', 'is not', null);
      if (f.confirmed === false) q = q.where('email_verified_at', 'is', null);
      if (f.team) q = q.where('roles', '!=', '[]');
      const rows = await q
        .orderBy('email')
        .limit(f.limit ?? 1000)
        .execute();
      return rows.map(toUserRecord);
    },

    async insertSession(s) {
      await db
        .insertInto('sessions')
        .values({
          token_hash: s.tokenHash,
          user_id: s.userId,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          renewed_at: s.renewedAt,
          mfa: flag(s.mfa),
          ip: s.ip,
        })
        .execute();
    },

    async sessionByHash(hash) {
      const r = await db.selectFrom('sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return r ? toSession(r) : null;
    },

    async renewSession(hash, expiresAt, at) {
      await db
        .updateTable('sessions')
        .set({ expires_at: expiresAt, renewed_at: at })
        .where('token_hash', '=', hash)
        .execute();
    },

    async deleteSession(hash) {
      await db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
    },

    async deleteSessions(userId) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },

    async insertApiToken(t) {
      await db
        .insertInto('api_tokens')
        .values({
          id: t.id,
          user_id: t.userId,
          name: t.name,
          token_hash: t.tokenHash,
          scopes: JSON.stringify(t.scopes),
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          last_used_at: t.lastUsedAt,
          revoked_at: t.revokedAt,
          mfa: flag(t.mfa),
        })
        .execute();
    },

    async apiTokenByHash(hash) {
      const r = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      return r ? toToken(r) : null;
    },

    async apiTokenById(id) {
      const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toToken(r) : null;
    },

    async apiTokens(userId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },

    async touchApiToken(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async revokeApiToken(id, at) {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeApiTokens(userId, at) {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async insertLink(l) {
      await db
        .insertInto('account_tokens')
        .values({
          token_hash: l.tokenHash,
          user_id: l.userId,
          purpose: l.purpose,
          created_at: l.createdAt,
          expires_at: l.expiresAt,
          used_at: l.usedAt,
        })
        .execute();
    },

    async linkByHash(hash) {
      const r = await db
        .selectFrom('account_tokens')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      return r
        ? {
            tokenHash: r.token_hash,
            userId: r.user_id,
            purpose: r.purpose as LinkPurpose,
            createdAt: r.created_at,
            expiresAt: r.expires_at,
            usedAt: r.used_at,
          }
        : null;
    },

    async useLink(hash, at) {
      const res = await db
        .updateTable('account_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async voidLinks(userId, purpose, at) {
      await db
        .updateTable('account_tokens')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },

    async throttle(key) {
      const r = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      return r
        ? {
            key: r.key,
            failures: Number(r.failures),
            lockedUntil: r.locked_until,
            lastFailureAt: r.last_failure_at,
          }
        : null;
    },

    async putThrottle(t) {
      const row = { failures: t.failures, locked_until: t.lockedUntil, last_failure_at: t.lastFailureAt };
      await db
        .insertInto('login_throttle')
        .values({ key: t.key, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    },

    async clearThrottle(key) {
      await db.deleteFrom('login_throttle').where('key', '=', key).execute();
    },

    async replaceRecoveryCodes(userId, hashes, at) {
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (hashes.length)
        await db
          .insertInto('recovery_codes')
          .values(hashes.map((h) => ({ user_id: userId, code_hash: h, created_at: at, used_at: null })))
          .execute();
    },

    async useRecoveryCode(userId, hash, at) {
      const res = await db
        .updateTable('recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async recoveryCodesLeft(userId) {
      const r = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async notificationPrefs(userId) {
      const rows = await db
        .selectFrom('notification_prefs')
        .select(['kind', 'enabled'])
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => ({ kind: r.kind, enabled: Number(r.enabled) === 1 }));
    },

    async setNotificationPref(userId, kind, enabled) {
      await db
        .insertInto('notification_prefs')
        .values({ user_id: userId, kind, enabled: flag(enabled) })
        .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled: flag(enabled) }))
        .execute();
    },

    audit,
  };
}

/** The accounts' repository on a database: locked transactions for audited changes, direct access otherwise. */
export class AccountsStore implements AccountsRepository {
  private readonly db: Kysely<DisclosureDb>;

  constructor(
    db: Kysely<Database>,
    private readonly auditLog: AuditLog,
  ) {
    this.db = withDisclosure(db);
  }

  transaction<T>(fn: (tx: AccountsTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      return fn(
        accountsTx(trx, async (e) => {
          await this.auditLog.append(e, trx);
        }),
      );
    });
  }

  direct<T>(fn: (tx: AccountsTx) => Promise<T>): Promise<T> {
    return fn(
      accountsTx(this.db, async (e) => {
        await this.auditLog.append(e);
      }),
    );
  }
}
