import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0010_registry_overrides: an admin's answer for the npm registry about one package or scope
 * (its versions as a JSON list, [] for "no such package"; its monthly downloads), used before the
 * registry is asked. An override says at least one of the two; downloads are never negative.
 */
export const registryOverridesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('registry_overrides')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('versions', 'text')
      .addColumn('monthly_downloads', 'bigint')
      .addColumn('set_at', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'registry_overrides_says',
        sql`versions is not null or monthly_downloads is not null`,
      )
      .addCheckConstraint(
        'registry_overrides_downloads',
        sql`monthly_downloads is null or monthly_downloads >= 0`,
      )
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('registry_overrides').execute();
  },
};
