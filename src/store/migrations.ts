import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { NswgError } from '../errors.js';
import { briefAliasesMigration, briefMigration } from './advisory-brief.js';
import { disclosureAgreementMigration } from './disclosure-agreement-migration.js';
import { disclosureHardeningMigration } from './disclosure-hardening-migration.js';
import { disclosureMigration } from './disclosure-migration.js';
import { SCHEMA_VERSION } from './schema-version.js';

/** The schema's migrations, in order; each runs on SQLite and PostgreSQL alike. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_advisories': {
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
  },
  '0002_disclosure': disclosureMigration,
  '0003_disclosure_agreement': disclosureAgreementMigration,
  '0004_advisory_brief': briefMigration,
  '0005_brief_aliases': briefAliasesMigration,
  '0006_disclosure_hardening': disclosureHardeningMigration,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; a failed migration leaves the database as it was. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'nswg_migrations',
    migrationLockTableName: 'nswg_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new NswgError('E_DB', `migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** The newest migration's name, for `db stats`. */
if (Object.keys(MIGRATIONS).at(-1) !== SCHEMA_VERSION) {
  throw new Error(
    `schema-version.ts says ${SCHEMA_VERSION}, but the last migration is ${Object.keys(MIGRATIONS).at(-1)}`,
  );
}

export { SCHEMA_VERSION };

/** True when the schema has been created (the migration table exists). */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.some((t) => t.name === 'nswg_migrations');
}

export { sql };
