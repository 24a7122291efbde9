import type { Advisory, AdvisoryKind } from '../advisories/index.js';
import type { DisclosureStatement } from './agreement.js';
import type { AttachmentMeta } from './attachments.js';
import type { AuditEntry, AuditEntryInput } from './audit-log.js';
import type { BountyTx } from './bounty-ports.js';
import type { ReportCredit } from './credits.js';
import type { CveRecord, CveState } from './cve-ids.js';
import type { CveRequest, CveRequestState } from './cve-requests.js';
import type { DueAction } from './deadlines.js';
import type { QueuedMail } from './mail-queue.js';
import type { Audience, MailMessage, NotificationKind } from './notifications.js';
import type { PublicNote } from './public-notes.js';
import type { UploadUsage } from './quotas.js';
import type { RegistryOverride } from './registry-facts.js';
import type { ReleaseTx } from './release-ports.js';
import type { Report } from './report.js';
import type { OutcomeCount } from './reporter-signal.js';
import type { ExtensionProposal, Vote } from './votes.js';
import type { ReportState, StateChange } from './workflow.js';

/** A comment, seen by every participant of the report. */
export interface Comment {
  id: string;
  reportId: string;
  authorId: string;
  body: string;
  createdAt: string;
}

/** An internal note: the same shape as a comment, kept apart, seen by the team only. */
export type InternalNote = Comment;

/** A maintainer invitation: the token itself is never stored, only its hash. */
export interface Invitation {
  id: string;
  reportId: string;
  email: string;
  tokenHash: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Which reports to list. */
export interface ReportFilter {
  states?: readonly ReportState[];
  kinds?: readonly ('npm' | 'core')[];
  /** Reports this user reported, filed or maintains. */
  participant?: string;
}

/** Which CVE requests to list: a user's own, and those of the kinds whose team they are on. */
export interface CveRequestFilter {
  requesterId: string;
  teamKinds: readonly ('npm' | 'core')[];
  states?: readonly CveRequestState[];
}

/**
 * What the disclosure program needs from storage, all inside one transaction. The store implements it
 * (src/store/disclosure/store.ts); the domain never sees SQL.
 */
export interface DisclosureTx extends BountyTx, ReleaseTx {
  getReport(id: string): Promise<Report | null>;
  listReports(filter?: ReportFilter): Promise<Report[]>;
  insertReport(r: Report): Promise<void>;
  updateReport(r: Report): Promise<void>;
  addStateChange(c: StateChange): Promise<void>;
  stateChanges(reportId: string): Promise<StateChange[]>;
  addComment(c: Comment): Promise<void>;
  comments(reportId: string): Promise<Comment[]>;
  addNote(n: InternalNote): Promise<void>;
  notes(reportId: string): Promise<InternalNote[]>;
  addAttachment(meta: AttachmentMeta, bytes: Uint8Array): Promise<void>;
  attachments(reportId: string): Promise<AttachmentMeta[]>;
  attachment(id: string): Promise<{ meta: AttachmentMeta; bytes: Uint8Array } | null>;
  /** What the upload quotas count: the user's uploads after `since`, oldest first, and the report's files. */
  uploadUsage(userId: string, since: string, reportId: string): Promise<UploadUsage>;
  /** Records a party's statement on a subject, replacing that party's earlier one on it. */
  putStatement(s: DisclosureStatement): Promise<void>;
  /** Every party's current statement on every subject of the report. */
  statements(reportId: string): Promise<DisclosureStatement[]>;
  addInvitation(i: Invitation): Promise<void>;
  invitationByHash(tokenHash: string): Promise<Invitation | null>;
  invitation(id: string): Promise<Invitation | null>;
  /** Every invitation of a report, oldest first. */
  invitations(reportId: string): Promise<Invitation[]>;
  useInvitation(id: string, userId: string, at: string): Promise<void>;
  /** Voids an unused invitation (by a team member, or because it was re-sent). */
  revokeInvitation(id: string, by: string | null, at: string): Promise<void>;
  addMaintainer(reportId: string, userId: string, at: string): Promise<void>;
  removeMaintainer(reportId: string, userId: string): Promise<void>;
  /** A user's address and whether it is confirmed, or null when there is no such active user. */
  userContact(userId: string): Promise<{ email: string; confirmed: boolean } | null>;
  addProposal(p: ExtensionProposal): Promise<void>;
  updateProposal(p: ExtensionProposal): Promise<void>;
  proposal(id: string): Promise<ExtensionProposal | null>;
  proposals(reportId: string): Promise<ExtensionProposal[]>;
  openProposals(): Promise<ExtensionProposal[]>;
  addVote(v: Vote): Promise<void>;
  votes(proposalId: string): Promise<Vote[]>;
  /** True when `userId` is a registered, active user. */
  userExists(userId: string): Promise<boolean>;
  /** The id of the account of an e-mail address (trimmed, lower-cased), or null when none has it. */
  userIdByEmail(email: string): Promise<string | null>;
  /**
   * Claims a due action: records it under its unique (report, action, due) key and returns true, or
   * returns false when it was claimed already (by this or another instance).
   */
  claim(action: DueAction, instance: string, at: string): Promise<boolean>;
  /** Every advisory id of a family (for the next free number). */
  advisoryIds(kind: AdvisoryKind): Promise<string[]>;
  /** Stores a new advisory, in this transaction. */
  insertAdvisory(a: Advisory): Promise<void>;
  /** Appends to the audit log, in this transaction. */
  audit(e: AuditEntryInput): Promise<void>;
  /** Records new CVE ids (a block, or one entered by hand); E_CONFLICT naming those known already. */
  addCveIds(ids: readonly CveRecord[]): Promise<void>;
  /** The CVE ids the program knows of, by year and number; only those in `states` when given. */
  cveIds(filter?: { states?: readonly CveState[] }): Promise<CveRecord[]>;
  /** One CVE id, or null. */
  cveId(id: string): Promise<CveRecord | null>;
  /** The CVE id held by a report (pending, announced or rejected), or null. */
  cveOfReport(reportId: string): Promise<CveRecord | null>;
  /**
   * Moves the next available id of a block (lowest year and number) to pending on the report, by one
   * conditional update that only an available id passes; null when none is available.
   */
  assignNextCve(reportId: string, at: string): Promise<CveRecord | null>;
  /** The CVE id held by a CVE request (pending or announced), or null. */
  cveOfRequest(requestId: string): Promise<CveRecord | null>;
  /** As assignNextCve, for a CVE request: the same ids, the same one conditional update. */
  assignNextCveToRequest(requestId: string, at: string): Promise<CveRecord | null>;
  insertCveRequest(r: CveRequest): Promise<void>;
  updateCveRequest(r: CveRequest): Promise<void>;
  getCveRequest(id: string): Promise<CveRequest | null>;
  /** The requests of the filter, newest first. */
  listCveRequests(filter: CveRequestFilter): Promise<CveRequest[]>;
  /** Moves an id to `to` if it is in one of `from` (false when it was not): conditional, race-free. */
  moveCve(id: string, from: readonly CveState[], to: CveState, at: string): Promise<boolean>;
  /** Forgets an id another CNA assigned (replaced or cleared by the team before publication). */
  removeCve(id: string): Promise<void>;
  /** Forgets the ids of `ids` that are available ids of a block (recorded by mistake); returns those forgotten. */
  removeAvailableCves(ids: readonly string[]): Promise<string[]>;
  /** Flags the available ids of years before `year` not flagged yet, and returns them. */
  flagPastYearCves(year: number, at: string): Promise<string[]>;
  addCredit(c: ReportCredit): Promise<void>;
  updateCredit(c: ReportCredit): Promise<void>;
  credit(id: string): Promise<ReportCredit | null>;
  /** The credits of a report, in the order they were proposed. */
  credits(reportId: string): Promise<ReportCredit[]>;
  /** The credits proposed to an address (trimmed, lower-cased), of every report, oldest first. */
  creditsTo(email: string): Promise<ReportCredit[]>;
  /** How many reports each of these reporters has, by state and how it was closed. */
  reporterOutcomes(reporterIds: readonly string[]): Promise<OutcomeCount[]>;
  /** How many reports a reporter submitted (themselves or filed for them) after `since`. */
  reportsSubmittedSince(reporterId: string, since: string): Promise<number>;
  /** When a user's account was made, or null when there is no such user. */
  accountCreatedAt(userId: string): Promise<string | null>;
  /** Stores a public note (one per report: E_CONFLICT when the report has one). */
  addPublicNote(n: PublicNote): Promise<void>;
  /** The public note made from a report, or null. */
  publicNoteOfReport(reportId: string): Promise<PublicNote | null>;
  /** The public notes, newest first; about one package or component when given. */
  publicNotes(filter: { packageName?: string; component?: string }): Promise<PublicNote[]>;
  /** The registry overrides admins set, by name. */
  registryOverrides(): Promise<RegistryOverride[]>;
  registryOverride(name: string): Promise<RegistryOverride | null>;
  /** Records an override, replacing the name's earlier one. */
  putRegistryOverride(o: RegistryOverride): Promise<void>;
  /** Forgets a name's override; false when there was none. */
  removeRegistryOverride(name: string): Promise<boolean>;
  /**
   * Queues messages in this transaction, due at `at`: they are delivered once it commits, and never
   * when it rolls back. Returns their ids, for delivering them at once after the commit.
   */
  enqueueMail(messages: readonly MailMessage[], at: string): Promise<string[]>;
  /** Makes an unsent message due at `at` again, as if new (attempts from 0); null when there is none. */
  retryMail(id: string, at: string): Promise<QueuedMail | null>;
  /** The addresses of the admins (active, confirmed), for the notices about CVE ids. */
  adminAddresses(): Promise<string[]>;
  /** The e-mail addresses to notify: the audiences of the report, less those who turned `kind` off. */
  recipients(
    report: Pick<Report, 'id' | 'kind' | 'reporterId'>,
    audiences: readonly Audience[],
    kind: NotificationKind,
  ): Promise<string[]>;
}

/** Runs work in one transaction that holds the disclosure write lock (one writer at a time, across instances). */
export interface DisclosureRepository {
  transaction<T>(fn: (tx: DisclosureTx) => Promise<T>): Promise<T>;
}

/** The published advisories, read for a report's possible duplicates (the store's advisory database). */
export interface PublishedAdvisories {
  /** The advisories about one npm package, or about Node.js (`node`, ecosystem `node`). */
  forPackage(name: string, ecosystem: 'npm' | 'node'): Promise<Advisory[]>;
}

/** The audit log as admins read it (the store's), outside any disclosure transaction. */
export interface AuditLogReader {
  /** Entries after `afterSeq`, oldest first, at most `limit`, about one report or all. */
  list(opts: { reportId?: string; afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  /** The last entry's sequence number (0 when the log is empty). */
  head(): Promise<{ seq: number }>;
}

/** A message kept in the outbox of a server without mail. */
export interface KeptMessage extends MailMessage {
  id: string;
  createdAt: string;
}

/** The mail a server without SMTP kept, newest first (the store's outbox). */
export interface OutboxReader {
  all(opts: { to?: string; limit?: number }): Promise<KeptMessage[]>;
}
