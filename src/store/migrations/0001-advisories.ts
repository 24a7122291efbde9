import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Migration 0001_advisories: the advisories, the packages they affect, their aliases, and meta. */
export const advisoriesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('advisories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('modified', 'text', (c) => c.notNull())
      .addColumn('published', 'text')
      .addColumn('withdrawn', 'text')
      .addColumn('title', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('cvss_score', 'double precision')
      .addColumn('search', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('advisories_kind_modified')
      .on('advisories')
      .columns(['kind', 'modified'])
      .execute();
    await db.schema.createIndex('advisories_published').on('advisories').columns(['published']).execute();
    await db.schema
      .createTable('affected')
      .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
      .addColumn('ecosystem', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('vulnerable', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('affected_package')
      .on('affected')
      .columns(['ecosystem', 'name', 'advisory_id'])
      .execute();
    await db.schema.createIndex('affected_advisory').on('affected').columns(['advisory_id']).execute();
    await db.schema
      .createTable('aliases')
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
      .execute();
    await db.schema.createIndex('aliases_alias').on('aliases').columns(['alias', 'advisory_id']).execute();
    await db.schema.createIndex('aliases_advisory').on('aliases').columns(['advisory_id']).execute();
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['aliases', 'affected', 'advisories', 'meta']) await db.schema.dropTable(t).execute();
  },
};
