import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0011_junk_reports: what the program keeps against junk reports.
 * - reports.closed_as: how the team closed a report (spam, informative, not-applicable, duplicate),
 *   a column so that a reporter's outcomes are counted by the database; duplicates closed before it
 *   existed are marked as such, older rejections stay uncategorized;
 * - public_notes: the notes the team made for a maintainer from a closed report, at most one per
 *   report, kept apart from the advisories so that no audit ever reports them.
 */
export const junkReportsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('reports').addColumn('closed_as', 'text').execute();
    await sql`update reports set closed_as = 'duplicate' where state = 'duplicate'`.execute(db);
    await db.schema
      .createTable('public_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().unique().references('reports.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('package_name', 'text')
      .addColumn('component', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addCheckConstraint('public_notes_kind', sql`kind in ('npm', 'core')`)
      .execute();
    await db.schema.createIndex('public_notes_package').on('public_notes').column('package_name').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('public_notes').execute();
    await db.schema.alterTable('reports').dropColumn('closed_as').execute();
  },
};
