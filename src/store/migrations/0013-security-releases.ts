import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0013_security_releases: Node.js core security releases.
 * - security_releases: one row per release, the release as JSON (as reports are kept), its state and
 *   date as columns for the lists;
 * - security_release_reports: which release holds each report, the report as the key so that no
 *   report is held by two releases, whatever the program does.
 */
export const securityReleasesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('security_releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('target_date', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'security_releases_state',
        sql`state in ('planning', 'pre-announced', 'released', 'completed', 'cancelled')`,
      )
      .execute();
    await db.schema
      .createIndex('security_releases_date')
      .on('security_releases')
      .columns(['target_date', 'created_at'])
      .execute();
    await db.schema
      .createTable('security_release_reports')
      .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id'))
      .addColumn('release_id', 'text', (c) => c.notNull().references('security_releases.id'))
      .execute();
    await db.schema
      .createIndex('security_release_reports_release')
      .on('security_release_reports')
      .column('release_id')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('security_release_reports').execute();
    await db.schema.dropTable('security_releases').execute();
  },
};
