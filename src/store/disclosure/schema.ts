import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

// The disclosure program's tables (migration 0002_disclosure). Timestamps are ISO 8601 UTC text;
// flags are 0/1 integers; lists are JSON text: the same on SQLite and PostgreSQL.

export interface UserTable {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  display_name: string;
  handle: string | null;
  /** argon2id (PHC string). */
  password_hash: string;
  totp_secret: string | null;
  totp_enabled: number;
  email_verified_at: string | null;
  /** The last TOTP time step accepted: a code is used once (migration 0006). */
  totp_last_step: number | null;
  /** JSON array of team roles. */
  roles: string;
  disabled: number;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the session token: the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  /** 1 when the session was opened with two factors (team roles need it). */
  mfa: number;
  /** When its expiry was last moved on by use. */
  renewed_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** 1 when made in a session opened with two factors. */
  mfa: number;
}

/** One-time recovery codes (SHA-256), for a lost authenticator. */
export interface RecoveryCodeTable {
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** Failed logins of one account address (existing or not) and the lockout they earned. */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

/** E-mail verification and password reset tokens: hashed, expiring, single-use. */
export interface AccountTokenTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ReportTable {
  id: string;
  kind: string;
  state: string;
  reporter_id: string;
  filed_by_id: string;
  first_answer_due: string;
  publication_due: string | null;
  submitted_at: string;
  updated_at: string;
  /** How the team closed it (migration 0011), for counting a reporter's outcomes. */
  closed_as: string | null;
  /** The whole Report as JSON (its maintainers live in report_maintainers). */
  record: string;
}

export interface ReportMaintainerTable {
  report_id: string;
  user_id: string;
  joined_at: string;
}

export interface InvitationTable {
  id: string;
  report_id: string;
  email: string;
  token_hash: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** Comments and internal notes have the same shape but separate tables, so a query cannot mix them up. */
export interface CommentTable {
  id: string;
  report_id: string;
  author_id: string;
  body: string;
  created_at: string;
}

export interface StateChangeTable {
  id: string;
  report_id: string;
  /** 1, 2, … within the report: the order of its history. */
  seq: number;
  transition: string;
  from_state: string;
  to_state: string;
  actor_id: string | null;
  at: string;
  reason: string | null;
}

export interface ProposalTable {
  id: string;
  report_id: string;
  proposed_by: string;
  days: number;
  reason: string;
  opens_at: string;
  closes_at: string;
  closed_at: string | null;
  result: string | null;
}

export interface VoteTable {
  proposal_id: string;
  voter_id: string;
  in_favour: number;
  cast_at: string;
}

export interface AttachmentTable {
  id: string;
  report_id: string;
  uploaded_by: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Uint8Array;
  created_at: string;
}

/** One party's statement on disclosing one subject (migration 0003_disclosure_agreement). */
export interface DisclosureStatementTable {
  report_id: string;
  /** "proof-of-concept" or "attachment:<id>". */
  subject: string;
  /** "reporter", "team" or "maintainer:<user id>". */
  party: string;
  disclosable: number;
  stated_by: string;
  stated_at: string;
}

export interface NotificationPrefTable {
  user_id: string;
  kind: string;
  enabled: number;
}

/** One row per due action ever performed: the unique (report_id, action, due_at) key is the claim. */
export interface ScheduledActionTable {
  report_id: string;
  action: string;
  due_at: string;
  claimed_at: string;
  claimed_by: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_kind: string;
  ip: string | null;
  user_agent: string | null;
  action: string;
  report_id: string | null;
  /** Canonical JSON. */
  details: string;
  prev_hash: string;
  hash: string;
  /** HMAC-SHA-256 of `hash` with the audit key (not in the database); null before the key was set. */
  mac: string | null;
}

/** One row (id 1): the last entry of the audit log; also the lock every disclosure write takes. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text: string;
  created_at: string;
}

/** A message waiting for the SMTP server, sent, or given up (migration 0017_mail_queue). */
export interface MailQueueTable {
  id: string;
  to_address: string;
  subject: string;
  /** The text with its access links withheld. */
  text: string;
  /** The whole text, sealed, while it is not sent (null when it has no access link). */
  sealed_text: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  failed_at: string | null;
}

/** One CVE id the program knows of (migration 0007_cve_ids). */
export interface CveIdTable {
  id: string;
  year: number;
  /** The id's number, for handing out a block's ids in order. */
  number: number;
  state: string;
  source: string;
  report_id: string | null;
  /** The CVE request holding it (migration 0009_cve_requests). */
  request_id: string | null;
  received_at: string;
  received_by: string;
  assigned_at: string | null;
  announced_at: string | null;
  closed_at: string | null;
  past_year_flagged_at: string | null;
}

/** One credit of a report (migration 0008_credits). */
export interface ReportCreditTable {
  id: string;
  report_id: string;
  /** The credit's place among its report's, in the order they were proposed. */
  position: number;
  role: string;
  name: string;
  email: string | null;
  state: string;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

/** One external CVE request (migration 0009_cve_requests): the request as JSON, its list keys as columns. */
export interface CveRequestTable {
  id: string;
  requester_id: string;
  kind: string;
  state: string;
  submitted_at: string;
  updated_at: string;
  record: string;
}

export interface PublicNoteTable {
  id: string;
  report_id: string;
  kind: string;
  package_name: string | null;
  component: string | null;
  title: string;
  text: string;
  published_by: string;
  published_at: string;
}

/** An admin's answer for the npm registry about a package or scope (migration 0010_registry_overrides). */
export interface RegistryOverrideTable {
  name: string;
  /** A JSON list of versions ([]: no such package); null: the registry's. */
  versions: string | null;
  monthly_downloads: number | string | null;
  set_at: string;
  set_by: string;
}

export type DisclosureTables = {
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  account_tokens: AccountTokenTable;
  recovery_codes: RecoveryCodeTable;
  login_throttle: LoginThrottleTable;
  reports: ReportTable;
  report_maintainers: ReportMaintainerTable;
  invitations: InvitationTable;
  comments: CommentTable;
  internal_notes: CommentTable;
  state_changes: StateChangeTable;
  extension_proposals: ProposalTable;
  votes: VoteTable;
  attachments: AttachmentTable;
  disclosure_statements: DisclosureStatementTable;
  notification_prefs: NotificationPrefTable;
  scheduled_actions: ScheduledActionTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  outbox: OutboxTable;
  mail_queue: MailQueueTable;
  cve_ids: CveIdTable;
  report_credits: ReportCreditTable;
  registry_overrides: RegistryOverrideTable;
  cve_requests: CveRequestTable;
  public_notes: PublicNoteTable;
};

/** The whole schema as the disclosure modules see it. */
export type DisclosureDb = Database & DisclosureTables;

/** The database handle (or transaction) with the disclosure tables typed. */
export const withDisclosure = (db: Kysely<Database>): Kysely<DisclosureDb> =>
  db.withTables<DisclosureTables>();
