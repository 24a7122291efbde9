import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0017_mail_queue: the mail an SMTP server has not taken yet. Each message is written in
 * the transaction of the change it reports, then delivered (and retried with back-off) by the
 * servers sharing the database, one of them per message: `claimed_by` / `claimed_until` are the
 * lease of the instance sending it. The text keeps its access links withheld; the whole text is kept
 * sealed (AES-256-GCM, a key of the server secret) in `sealed_text` until it is sent.
 */
export const mailQueueMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mail_queue')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('sealed_text', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('failed_at', 'text')
      .execute();
    // what the delivery loop looks for: the messages neither sent nor given up, by when they are due
    await db.schema
      .createIndex('mail_queue_due')
      .on('mail_queue')
      .column('next_attempt_at')
      .where(sql.ref('sent_at'), 'is', null)
      .where(sql.ref('failed_at'), 'is', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('mail_queue').execute();
  },
};
