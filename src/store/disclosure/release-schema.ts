import type { Kysely } from 'kysely';
import type { DisclosureDb } from './schema.js';

// The security releases' tables (migration 0013_security_releases).

/** One security release: the release as JSON, its state and date as columns for the lists. */
export interface SecurityReleaseTable {
  id: string;
  state: string;
  target_date: string;
  created_at: string;
  updated_at: string;
  record: string;
}

/** Which release holds a report (one at most: the report is the key). */
export interface SecurityReleaseReportTable {
  report_id: string;
  release_id: string;
}

export type ReleaseTables = {
  security_releases: SecurityReleaseTable;
  security_release_reports: SecurityReleaseReportTable;
};

export type ReleaseDb = DisclosureDb & ReleaseTables;

/** The handle (or transaction) with the release tables typed. */
export const withReleases = (db: Kysely<DisclosureDb>): Kysely<ReleaseDb> => db.withTables<ReleaseTables>();
