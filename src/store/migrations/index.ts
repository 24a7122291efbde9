import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { NswgError } from '../../errors.js';
import { isPostgres } from '../advisories/search-index.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { advisoriesMigration } from './0001-advisories.js';
import { disclosureMigration } from './0002-disclosure.js';
import { disclosureAgreementMigration } from './0003-disclosure-agreement.js';
import { advisoryBriefMigration } from './0004-advisory-brief.js';
import { briefAliasesMigration } from './0005-brief-aliases.js';
import { disclosureHardeningMigration } from './0006-disclosure-hardening.js';
import { cveIdsMigration } from './0007-cve-ids.js';
import { creditsMigration } from './0008-credits.js';
import { cveRequestsMigration } from './0009-cve-requests.js';
import { registryOverridesMigration } from './0010-registry-overrides.js';
import { junkReportsMigration } from './0011-junk-reports.js';
import { bountyMigration } from './0012-bounty.js';
import { securityReleasesMigration } from './0013-security-releases.js';
import { advisorySearchMigration } from './0014-advisory-search.js';
import { affectedSpansMigration } from './0015-affected-spans.js';
import { publishedOrderMigration } from './0016-published-order.js';
import { mailQueueMigration } from './0017-mail-queue.js';
import { sharedRateLimitsMigration } from './0018-shared-rate-limits.js';

/**
 * The schema's migrations, in order; each runs on SQLite and PostgreSQL alike. A key is the name
 * Kysely records in nswg_migrations for the migration once run: never rename one. A new migration
 * is the next numbered file here, listed below, with schema-version.ts naming it.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_advisories': advisoriesMigration,
  '0002_disclosure': disclosureMigration,
  '0003_disclosure_agreement': disclosureAgreementMigration,
  '0004_advisory_brief': advisoryBriefMigration,
  '0005_brief_aliases': briefAliasesMigration,
  '0006_disclosure_hardening': disclosureHardeningMigration,
  '0007_cve_ids': cveIdsMigration,
  '0008_credits': creditsMigration,
  '0009_cve_requests': cveRequestsMigration,
  '0010_registry_overrides': registryOverridesMigration,
  '0011_junk_reports': junkReportsMigration,
  '0012_bounty': bountyMigration,
  '0013_security_releases': securityReleasesMigration,
  '0014_advisory_search': advisorySearchMigration,
  '0015_affected_spans': affectedSpansMigration,
  '0016_published_order': publishedOrderMigration,
  '0017_mail_queue': mailQueueMigration,
  '0018_shared_rate_limits': sharedRateLimitsMigration,
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
  // one catalogue look-up: Kysely's introspection reads every column of every table
  const found = isPostgres(db)
    ? await sql<{ found: boolean }>`select to_regclass('nswg_migrations') is not null as found`.execute(db)
    : await sql<{
        found: number;
      }>`select count(*) as found from sqlite_master where type = 'table' and name = 'nswg_migrations'`.execute(
        db,
      );
  return Boolean(found.rows[0]?.found);
}

/**
 * The newest migration recorded in the database (null when none is): the schema is current when it
 * is SCHEMA_VERSION. One indexed read, cheap enough for every readiness probe.
 */
export async function appliedSchemaVersion(db: Kysely<any>): Promise<string | null> {
  const row = await sql<{
    name: string;
  }>`select name from nswg_migrations order by name desc limit 1`.execute(db);
  return row.rows[0]?.name ?? null;
}
