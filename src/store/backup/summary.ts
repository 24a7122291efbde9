/** What a backup (or a restored database) holds, counted in one snapshot. */
export interface BackupSummary {
  /** The backup file's size in bytes (0 for a database). */
  bytes: number;
  advisories: number;
  reports: number;
  attachments: number;
  auditEntries: number;
  /** The audit log's head: its last entry's seq and hash (seq 0 when empty). */
  auditHead: { seq: number; hash: string };
  /** The schema's last migration applied. */
  schema: string | null;
}

/**
 * The counts, in one statement both engines run alike (so one snapshot whatever the isolation level):
 * the parts an operator checks after a backup or a restore.
 */
export const SUMMARY_SQL = `select
  (select count(*) from advisories) as advisories,
  (select count(*) from reports) as reports,
  (select count(*) from attachments) as attachments,
  (select count(*) from audit_log) as audit_entries,
  (select seq from audit_head where id = 1) as head_seq,
  (select hash from audit_head where id = 1) as head_hash,
  (select max(name) from nswg_migrations) as schema_name`;

/** A SUMMARY_SQL row (numbers come as strings from PostgreSQL's count). */
export function summaryOf(row: Record<string, unknown>, bytes: number): BackupSummary {
  const n = (v: unknown) => Number(v ?? 0);
  const seq = n(row.head_seq);
  return {
    bytes,
    advisories: n(row.advisories),
    reports: n(row.reports),
    attachments: n(row.attachments),
    auditEntries: n(row.audit_entries),
    auditHead: { seq, hash: seq > 0 ? String(row.head_hash) : '' },
    schema: row.schema_name == null ? null : String(row.schema_name),
  };
}
