// The responsible disclosure program: pure domain. Storage comes in through ports.ts, mail through
// the Mailer interface, time through a Clock.
export * from './accounts/index.js';
export {
  agreementOf,
  attachmentSubject,
  COMMENTS,
  type DisclosureStatement,
  type DisclosureSubject,
  disclosedContent,
  mayDisclose,
  type Party,
  PROOF_OF_CONCEPT,
  partyOf,
  type Stance,
  type StatementsInput,
  type SubjectAgreement,
  validateStatements,
} from './agreement.js';
export {
  type AttachmentMeta,
  checkAttachment,
  MAX_ATTACHMENT_BYTES,
  markupStart,
  safeFilename,
  sniffContentType,
} from './attachments.js';
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEntry,
  type AuditEntryInput,
  auditEntry,
  auditHash,
  type ChainVerdict,
  ChainVerifier,
  canonicalJson,
  chainEntry,
  GENESIS_HASH,
  type Json,
  LOCAL_ORIGIN,
  type Origin,
  verifyChain,
} from './audit-log.js';
export {
  type AnchorSink,
  type AuditAnchor,
  anchorLine,
  anchorMacMatches,
  auditMac,
  auditMacMatches,
  type ParsedAnchors,
  parseAnchors,
  type ReadAnchor,
} from './audit-log-anchor.js';
export {
  type AuditCheckOptions,
  type AuditVerdict,
  AuditVerifier,
  type StoredAuditEntry,
} from './audit-log-verify.js';
export * from './bounty.js';
export type { BountyTx, LedgerMovement } from './bounty-ports.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export {
  advisoryCredits,
  CREDIT_ROLES,
  CREDIT_STATES,
  type CreditProposal,
  type CreditRole,
  type CreditState,
  creditType,
  MAX_CREDITS,
  type ReportCredit,
  validateCreditProposal,
} from './credits.js';
export { DEADLINE_WITHOUT_CVE } from './cve-effects.js';
export {
  CVE_LOW_WATER,
  CVE_SOURCES,
  CVE_STATES,
  type CveFigures,
  type CveMove,
  type CveRecord,
  type CveSource,
  type CveState,
  cveFigures,
  cveIdOf,
  cveMove,
  isCveLow,
  isPastYear,
  MAX_BLOCK,
  parseBlock,
  parseCveId,
  validateCveId,
  validateWithoutCveReason,
} from './cve-ids.js';
export {
  type CnaIdentity,
  CVE_REJECTED_REASON,
  cveWithdrawnReason,
  type PublicCve,
  publicCveRecord,
  validateCna,
} from './cve-public.js';
export {
  assertCanOnCveRequest,
  CVE_REQUEST_ACTIONS,
  type CveRequestAction,
  checkCveRequest,
  isRequesterOf,
} from './cve-request-permissions.js';
export {
  CVE_REQUEST_MOVES,
  CVE_REQUEST_STATES,
  type CveRequest,
  type CveRequestDetails,
  type CveRequestMove,
  type CveRequestState,
  cveRequestMove,
  MAX_REFUSAL_REASON,
  validateCveRequest,
  validateRefusalReason,
} from './cve-requests.js';
export {
  AWAITING_ANSWER,
  addBusinessDays,
  addDays,
  countDeadlines,
  type DeadlineCounts,
  type DueAction,
  dueActions,
  FIRST_ANSWER_BUSINESS_DAYS,
  firstAnswerDue,
  isBusinessDay,
  isFirstAnswerOverdue,
  isPublicationDue,
  overdueForFirstAnswer,
  PUBLICATION_CLOCK_STATES,
  PUBLICATION_DAYS,
  PUBLICATION_REMINDER_DAYS,
  publicationDue,
  reachingPublication,
  type ScheduledActionKind,
} from './deadlines.js';
export {
  type DisclosedAttachment,
  type DisclosedReport,
  type Disclosure,
  disclosedReport,
  type PublicAuthor,
} from './disclosed.js';
export type { DisclosureDeps } from './effects.js';
export {
  applyFixProposal,
  confirmFixProposal,
  type FixProposal,
  type FixProposalInput,
  isCalendarDate,
  releaseAfterDeadline,
  utcDay,
  validateFixProposal,
} from './fix-proposal.js';
export * from './hall-of-fame.js';
export {
  checkServerSecret,
  deriveKeys,
  hmacHex,
  isSealed,
  MIN_SECRET_LENGTH,
  newServerSecret,
  type ServerKeys,
  seal,
  unseal,
} from './keys.js';
export {
  MAIL_RETRY,
  type MailDispatch,
  type MailQueueCounts,
  type MailQueueReader,
  mailRetryDelayMs,
  nextMailAttempt,
  type QueuedMail,
  type QueuedMailState,
} from './mail-queue.js';
export {
  type Audience,
  type CveRequestEvent,
  type Links,
  type Mailer,
  type MailMessage,
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
} from './notifications.js';
export { checkPackageFacts } from './package-check.js';
export {
  type Action,
  assertCan,
  CONFIRM_FIRST,
  can,
  check,
  GLOBAL_ACTIONS,
  type GlobalAction,
  mayView,
  REPORT_ACTIONS,
  type ReportAction,
  TWO_FACTORS_FIRST,
} from './permissions.js';
export * from './policy/index.js';
export type {
  AuditLogReader,
  Comment,
  CveRequestFilter,
  DisclosureRepository,
  DisclosureTx,
  InternalNote,
  Invitation,
  KeptMessage,
  OutboxReader,
  PublishedAdvisories,
  ReportFilter,
} from './ports.js';
export { DisclosureProgram } from './program.js';
export type { BountyOverview, RewardView } from './program-bounty.js';
export type { Collaboration } from './program-collaboration.js';
export type { ProgramDeps } from './program-context.js';
export type { CreditOffer, Credits, CreditView } from './program-credits.js';
export type { Cves } from './program-cve.js';
export type { CveRequests } from './program-cve-requests.js';
export type { PossibleDuplicate } from './program-duplicates.js';
export type { Intake } from './program-intake.js';
export {
  INVITATION_DAYS,
  type InvitationStatus,
  type Invitations,
  type IssuedInvitation,
  invitationStatus,
  maskAddress,
} from './program-invitations.js';
export type { Dashboard, Figures, Queue, QueueFilter, QueueItem } from './program-queue.js';
export type { AuditQuery, Records } from './program-records.js';
export type { RegistryOverrides } from './program-registry.js';
export type { PublicRelease, ReleaseFixView, ReleaseSettings, ReleaseView } from './program-releases.js';
export {
  type InvitationView,
  type OnBehalfOf,
  type ReadReport,
  type ReportHeadline,
  type Reports,
  type ReportView,
  reportHeadline,
  type Submitted,
} from './program-reports.js';
export type { Votes } from './program-votes.js';
export type { Workflow } from './program-workflow.js';
export {
  NOTE_CATEGORIES,
  type PublicNote,
  type PublicNoteView,
  publicNoteView,
  validatePublicNote,
} from './public-notes.js';
export {
  advisoryFromCveRequest,
  advisoryFromReport,
  advisoryKindOf,
  advisoryOf,
  nextAdvisoryId,
  publishedRanges,
} from './publication.js';
export {
  checkUploadQuota,
  DEFAULT_UPLOAD_QUOTAS,
  quotaWindowStart,
  type UploadQuotas,
  type UploadUsage,
} from './quotas.js';
export {
  checkPackageOrScope,
  isScope,
  type MonthlyDownloads,
  overriddenDownloads,
  overriddenPackage,
  type PackageFacts,
  type PackageRegistry,
  type RegistryOverride,
  validateOverride,
} from './registry-facts.js';
export {
  announcementMail,
  announcementMarkdown,
  cancellationMail,
  postponementMail,
  preAnnouncementMail,
  preAnnouncementMarkdown,
  type ReleaseMail,
  SECURITY_LIST_URL,
  SECURITY_POLICY_URL,
} from './release-outputs.js';
export type { ReleaseTx, TeamMember } from './release-ports.js';
export * from './releases.js';
export {
  type AssessmentInput,
  CLOSE_CATEGORIES,
  type CloseCategory,
  type ClosedAs,
  type CreditPreference,
  EARLY_PUBLICATION_REASONS,
  type EarlyPublication,
  type EarlyPublicationReason,
  isCveId,
  REPRODUCTION_MIN,
  type Report,
  type ReportCvss,
  type ReportDetails,
  type ReportKind,
  TOOLS_USED,
  type ToolsUsed,
  validateAssessment,
  validateEarlyPublication,
  validateReport,
  type WithoutFix,
} from './report.js';
export {
  checkIntake,
  DEFAULT_INTAKE_LIMITS,
  type IntakeLimits,
  isNewReporter,
  type OutcomeCount,
  type ReporterSignal,
  reporterSignal,
} from './reporter-signal.js';
export {
  type Actor,
  ANONYMOUS,
  actorId,
  hasRole,
  isConfirmedUser,
  isCoreTeam,
  isTeamFor,
  operatorActor,
  type Participants,
  SYSTEM,
  TEAM_ROLES,
  type TeamRole,
  userActor,
} from './roles.js';
export { type RunSummary, Scheduler } from './scheduler.js';
export {
  castVote,
  closeProposal,
  DEFAULT_VOTE_WINDOW_HOURS,
  type ExtensionProposal,
  MAX_EXTENSION_DAYS,
  openProposal,
  type ProposalInput,
  tally,
  type Vote,
} from './votes.js';
export {
  applyTransition,
  CLOSED_STATES,
  type Decision,
  mayTransition,
  PRE_TRIAGE_STATES,
  REPORT_STATES,
  type ReportState,
  type StateChange,
  TRANSITIONS,
  type Transition,
  type TransitionParams,
  targetState,
} from './workflow.js';
