import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { backfillBriefs } from '../advisories/brief.js';

/** Migration 0005_brief_aliases: every brief made again, now with the advisory's aliases. */
export const briefAliasesMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.updateTable('affected').set({ brief: null }).execute();
    await backfillBriefs(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    // briefs with aliases are read as they were before: nothing to undo
    void db;
  },
};
