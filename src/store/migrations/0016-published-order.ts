import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0016_published_order: the index on publication dates carries the id too, so that the
 * latest list (newest first, ties by id) is read from the index in order. With the date alone, both
 * engines sorted every advisory of a date to show 25 of them: a source that publishes thousands on
 * one day (a bulk import) made the home page take a second.
 */
export const publishedOrderMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('advisories_published').execute();
    await db.schema
      .createIndex('advisories_published')
      .on('advisories')
      .columns(['published', 'id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('advisories_published').execute();
    await db.schema.createIndex('advisories_published').on('advisories').columns(['published']).execute();
  },
};
