import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { indexAllAdvisories, isPostgres } from '../advisories/search-index.js';

/**
 * Migration 0014_advisory_search: the full-text index of advisories (advisories/search-index.ts),
 * filled from the stored advisories, in place of the lower-cased `search` column a LIKE scanned.
 * On SQLite a contentless FTS5 table (the text is in `record` already) that can delete rows, one
 * of the names and titles alone, and the map of their rowids to advisory ids; on
 * PostgreSQL a tsvector per advisory. Both with the 'simple' rules: words as written, no stemming.
 */
export const advisorySearchMigration: Migration = {
  async up(db: Kysely<any>) {
    if (isPostgres(db)) {
      await db.schema
        .createTable('advisory_search')
        .addColumn('docid', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('advisory_id', 'text', (c) =>
          c.notNull().unique().references('advisories.id').onDelete('cascade'),
        )
        .addColumn('names', sql`tsvector`, (c) => c.notNull())
        .addColumn('doc', sql`tsvector`, (c) => c.notNull())
        .execute();
      await sql`create index advisory_search_names on advisory_search using gin (names)`.execute(db);
      await sql`create index advisory_search_doc on advisory_search using gin (doc)`.execute(db);
    } else {
      await db.schema
        .createTable('advisory_search_ids')
        .addColumn('docid', 'integer', (c) => c.primaryKey())
        .addColumn('advisory_id', 'text', (c) =>
          c.notNull().unique().references('advisories.id').onDelete('cascade'),
        )
        .execute();
      await sql`create virtual table advisory_search using fts5(
        ids, packages, title, body,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      )`.execute(db);
      await sql`create virtual table advisory_search_names using fts5(
        ids, packages, title,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      )`.execute(db);
    }
    await db.schema.alterTable('advisories').dropColumn('search').execute();
    await indexAllAdvisories(db);
  },
  async down(db: Kysely<any>) {
    await db.schema
      .alterTable('advisories')
      .addColumn('search', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.dropTable('advisory_search').execute();
    if (!isPostgres(db)) {
      await db.schema.dropTable('advisory_search_names').execute();
      await db.schema.dropTable('advisory_search_ids').execute();
    }
  },
};
