import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { backfillBriefs } from '../advisories/brief.js';

/** Migration 0004_advisory_brief: `affected.brief`, filled for the advisories already stored. */
export const advisoryBriefMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('affected').addColumn('brief', 'text').execute();
    await backfillBriefs(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('affected').dropColumn('brief').execute();
  },
};
