import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** Migration 0002_disclosure: the disclosure program's tables, the same on SQLite and PostgreSQL. */
export const disclosureMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('handle', 'text', (c) => c.unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('totp_secret', 'text')
      .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('email_verified_at', 'text')
      .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    const user = (c: ColumnDefinitionBuilder) => c.notNull().references('users.id');
    await s
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => user(c).onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .execute();
    await s.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await s
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => user(c).onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await s
      .createTable('account_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => user(c).onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await s
      .createTable('reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reporter_id', 'text', (c) => user(c))
      .addColumn('filed_by_id', 'text', (c) => user(c))
      .addColumn('first_answer_due', 'text', (c) => c.notNull())
      .addColumn('publication_due', 'text')
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .execute();
    await s.createIndex('reports_state').on('reports').columns(['state', 'kind']).execute();
    await s.createIndex('reports_reporter').on('reports').column('reporter_id').execute();
    await s
      .createTable('report_maintainers')
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('user_id', 'text', (c) => user(c))
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('report_maintainers_pk', ['report_id', 'user_id'])
      .execute();
    await s.createIndex('report_maintainers_user').on('report_maintainers').column('user_id').execute();
    await s
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('invited_by', 'text', (c) => user(c))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('used_by', 'text', (c) => c.references('users.id'))
      .execute();
    for (const table of ['comments', 'internal_notes']) {
      await s
        .createTable(table)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
        .addColumn('author_id', 'text', (c) => user(c))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await s.createIndex(`${table}_report`).on(table).columns(['report_id', 'created_at']).execute();
    }
    await s
      .createTable('state_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('transition', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.references('users.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();
    await s
      .createIndex('state_changes_report')
      .on('state_changes')
      .columns(['report_id', 'seq'])
      .unique()
      .execute();
    await s
      .createTable('extension_proposals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('opens_at', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('result', 'text')
      .execute();
    await s.createIndex('extension_proposals_report').on('extension_proposals').column('report_id').execute();
    await s
      .createTable('votes')
      .addColumn('proposal_id', 'text', (c) => c.notNull().references('extension_proposals.id'))
      .addColumn('voter_id', 'text', (c) => user(c))
      .addColumn('in_favour', 'integer', (c) => c.notNull())
      .addColumn('cast_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('votes_pk', ['proposal_id', 'voter_id'])
      .execute();
    await s
      .createTable('attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('uploaded_by', 'text', (c) => user(c))
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await s.createIndex('attachments_report').on('attachments').column('report_id').execute();
    await s
      .createTable('notification_prefs')
      .addColumn('user_id', 'text', (c) => user(c).onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_prefs_pk', ['user_id', 'kind'])
      .execute();
    await s
      .createTable('scheduled_actions')
      .addColumn('report_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('claimed_at', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('scheduled_actions_key', ['report_id', 'action', 'due_at'])
      .execute();
    await s
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('report_id', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await s.createIndex('audit_log_report').on('audit_log').column('report_id').execute();
    await s
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
    await s
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await s.createIndex('outbox_created').on('outbox').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    const tables = [
      'outbox',
      'audit_head',
      'audit_log',
      'scheduled_actions',
      'notification_prefs',
      'attachments',
      'votes',
      'extension_proposals',
      'state_changes',
      'internal_notes',
      'comments',
      'invitations',
      'report_maintainers',
      'reports',
      'account_tokens',
      'api_tokens',
      'sessions',
      'users',
    ];
    for (const t of tables) await db.schema.dropTable(t).execute();
  },
};
