/** One advisory: the indexed columns and the whole record as JSON. */
export interface AdvisoryTable {
  id: string;
  kind: string;
  modified: string;
  published: string | null;
  withdrawn: string | null;
  title: string | null;
  severity: string;
  cvss_score: number | null;
  record: string;
}

/** Which packages an advisory affects: the index behind "all advisories for package X". */
export interface AffectedTable {
  advisory_id: string;
  ecosystem: string;
  name: string;
  vulnerable: string;
  /** The advisory without its prose (see advisories/brief.ts); null only before migration 0004 filled it. */
  brief: string | null;
  /**
   * The versions the entry holds as key intervals (scan's matchSpans): a look-up passes over the
   * rows that cannot hold a version asked about without reading their brief. Null: read the row.
   */
  spans: string | null;
}

/** Other names of an advisory (CVE ids, GHSA ids). */
export interface AliasTable {
  alias: string;
  advisory_id: string;
}

/** Facts about the database itself: when it was seeded, from what. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  advisories: AdvisoryTable;
  affected: AffectedTable;
  aliases: AliasTable;
  meta: MetaTable;
}
