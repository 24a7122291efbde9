import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0016_shared_rate_limits: the request counters of the rate limits, one row per limited
 * key (the kind of request and the client's address) and its current window. Server instances on
 * one PostgreSQL database count in it together, so that a limit holds across them; a single
 * process on SQLite keeps its counters in memory and leaves the table empty.
 */
export const sharedRateLimitsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      // milliseconds since the epoch, by the database's clock: instances on other machines agree
      .addColumn('window_ends', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_window_ends').on('rate_limits').column('window_ends').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limits').execute();
  },
};
