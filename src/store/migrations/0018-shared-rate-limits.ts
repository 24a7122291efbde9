import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../advisories/search-index.js';

/**
 * Migration 0018_shared_rate_limits: the request counters of the rate limits, one row per limited
 * key (the kind of request and the client's address) and its current window. Server instances on
 * one PostgreSQL database count in it together, so that a limit holds across them; a single
 * process on SQLite keeps its counters in memory and leaves the table empty. On PostgreSQL the table
 * is UNLOGGED: a count is written on every limited request, and a counter needs no write-ahead log
 * (a crash empties the table, which only starts every window afresh); with the log, every request
 * waited for its own flush to disk and the audit endpoints served a tenth of their requests.
 */
export const sharedRateLimitsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .$call((t) => (isPostgres(db) ? t.modifyFront(sql`unlogged`) : t))
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
