import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0006_disclosure_hardening: what a real deployment of the disclosure program needs.
 * - users.totp_last_step: the last TOTP time step accepted, so that a code works once;
 * - sessions.mfa and api_tokens.mfa: whether the session was opened (the token made) with two
 *   factors, which team roles need; sessions.renewed_at: sessions are renewed while in use;
 * - recovery_codes: one-time codes that stand in for the authenticator (stored as SHA-256);
 * - login_throttle: failed logins per account address with the lockout they earned, in the database
 *   so that every instance on it shares them;
 * - invitations.revoked_at/revoked_by: invitations can be revoked (and re-sent as a new one);
 * - audit_log.mac: each entry's hash authenticated with a key that is not in the database;
 * - attachments by uploader and time, for the upload quotas;
 * - the invitation-signing secret no longer lives in the database (it moved to the secret file).
 */
export const disclosureHardeningMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s.alterTable('users').addColumn('totp_last_step', 'integer').execute();
    await s
      .alterTable('sessions')
      .addColumn('mfa', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await s.alterTable('sessions').addColumn('renewed_at', 'text').execute();
    await s
      .alterTable('api_tokens')
      .addColumn('mfa', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await s
      .createTable('recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();
    await s
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .execute();
    await s.alterTable('invitations').addColumn('revoked_at', 'text').execute();
    await s.alterTable('invitations').addColumn('revoked_by', 'text').execute();
    await s.createIndex('invitations_report').on('invitations').column('report_id').execute();
    await s.alterTable('audit_log').addColumn('mac', 'text').execute();
    await s
      .createIndex('attachments_uploader')
      .on('attachments')
      .columns(['uploaded_by', 'created_at'])
      .execute();
    await sql`delete from meta where key = 'disclosure.secret'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    const s = db.schema;
    await s.dropIndex('attachments_uploader').execute();
    await s.alterTable('audit_log').dropColumn('mac').execute();
    await s.dropIndex('invitations_report').execute();
    await s.alterTable('invitations').dropColumn('revoked_by').execute();
    await s.alterTable('invitations').dropColumn('revoked_at').execute();
    await s.dropTable('login_throttle').execute();
    await s.dropTable('recovery_codes').execute();
    await s.alterTable('api_tokens').dropColumn('mfa').execute();
    await s.alterTable('sessions').dropColumn('renewed_at').execute();
    await s.alterTable('sessions').dropColumn('mfa').execute();
    await s.alterTable('users').dropColumn('totp_last_step').execute();
  },
};
