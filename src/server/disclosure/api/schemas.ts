import { type TSchema, Type } from '@sinclair/typebox';
import {
  API_SCOPES,
  CLOSE_CATEGORIES,
  CREDIT_ROLES,
  CREDIT_STATES,
  CVE_SOURCES,
  CVE_STATES,
  NOTIFICATION_KINDS,
  REPORT_STATES,
  TEAM_ROLES,
  TOOLS_USED,
  TRANSITIONS,
} from '../../../disclosure/index.js';

const REPORT_STATE_LIST: readonly string[] = REPORT_STATES;
const TRANSITION_LIST: readonly string[] = TRANSITIONS;
const TEAM_ROLE_LIST: readonly string[] = TEAM_ROLES;
const API_SCOPES_LIST: readonly string[] = API_SCOPES;
const NOTIFICATION_KIND_LIST: readonly string[] = NOTIFICATION_KINDS;
const CVE_STATE_LIST: readonly string[] = CVE_STATES;
const CVE_SOURCE_LIST: readonly string[] = CVE_SOURCES;
const CREDIT_ROLE_LIST: readonly string[] = CREDIT_ROLES;
const CREDIT_STATE_LIST: readonly string[] = CREDIT_STATES;
const TOOLS_USED_LIST: readonly string[] = TOOLS_USED;
const CLOSED_AS_LIST: readonly string[] = [...CLOSE_CATEGORIES, 'duplicate'];

const Str = (description?: string) => Type.String(description ? { description } : {});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const literals = (list: readonly string[], description?: string) =>
  Type.Union(
    list.map((s) => Type.Literal(s)),
    description ? { description } : {},
  );

/** The JSON body of every error answer; `problems` names every bad field of a submission at once. */
export const ApiError = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Str(
      'stable error code, one per kind of failure: E_REQUEST_INVALID, E_REPORT_INVALID, E_ACCOUNT_INVALID, E_AUTH, E_FORBIDDEN, E_NOT_FOUND, E_TRANSITION, …',
    ),
    error: Str(),
    message: Str('what is wrong, for people'),
    field: Type.Optional(Str()),
    problems: Type.Optional(Type.Array(Type.Object({ field: Str(), message: Str() }))),
  },
  { description: 'An error' },
);

/** The error answers of the disclosure API. */
export const errors = {
  400: ApiError,
  401: ApiError,
  403: ApiError,
  404: ApiError,
  409: ApiError,
  413: ApiError,
  415: ApiError,
  429: ApiError,
};

export const State = literals(REPORT_STATE_LIST, 'where a report stands in the workflow');
export const TransitionName = literals(TRANSITION_LIST, 'a move of the workflow');
export const Role = literals(TEAM_ROLE_LIST);
export const Scope = literals(API_SCOPES_LIST);
export const NotificationKind = literals(NOTIFICATION_KIND_LIST);
export const ToolsUsed = literals(
  TOOLS_USED_LIST,
  'whether tools or AI were used, as the reporter states it',
);
export const CloseCategory = literals(
  CLOSE_CATEGORIES,
  'reject: how the report is closed (spam, informative, not-applicable)',
);

export const UserSchema = Type.Object({
  id: Str(),
  email: Str(),
  displayName: Str(),
  handle: Nullable(Str()),
  roles: Type.Array(Role),
  emailVerified: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  createdAt: Str(),
});

export const Me = Type.Object({
  user: UserSchema,
  /** The roles acted with now: none until TOTP is on, for team members. */
  actingRoles: Type.Array(Role, {
    description: 'the roles in effect: team roles need a session opened with two factors',
  }),
  pendingRoles: Type.Array(Role, {
    description: 'roles held but not in effect for want of the second factor',
  }),
  totpRequired: Type.Boolean({
    description: 'a team role is held but not in effect: turn TOTP on, or log in again with a code',
  }),
  twoFactors: Type.Boolean({ description: 'the session was opened (the token made) with two factors' }),
  via: literals(['session', 'token']),
  scopes: Type.Array(Str()),
});

const Cvss = Type.Object({ vector: Str(), score: Type.Number({ description: 'computed by the server' }) });

const Credit = Type.Object({
  as: literals(['name', 'handle', 'anonymous']),
  name: Type.Optional(Str()),
  handle: Type.Optional(Str()),
});

/** A submission: the Working Group's template. Every field is checked by the server, all at once. */
export const Submission = Type.Object(
  {
    kind: Type.Optional(literals(['npm', 'core'], 'an npm package, or Node.js itself')),
    packageName: Type.Optional(Str('the npm package (npm reports)')),
    component: Type.Optional(Str('the Node.js component, e.g. http (core reports)')),
    affectedVersions: Type.Optional(Str('an npm range, e.g. <1.4.2')),
    title: Type.Optional(Str()),
    description: Type.Optional(Str()),
    impact: Type.Optional(Str()),
    reproduction: Type.Optional(
      Str(
        'steps to reproduce: the proof of concept; public after publication only when the participants agree',
      ),
    ),
    patch: Type.Optional(Nullable(Str())),
    environment: Type.Optional(
      Type.Object({
        os: Type.Optional(Nullable(Str())),
        node: Type.Optional(Nullable(Str())),
        npm: Type.Optional(Nullable(Str())),
      }),
    ),
    contactedMaintainer: Type.Optional(Type.Boolean()),
    openedIssue: Type.Optional(Type.Boolean()),
    cvssVector: Type.Optional(Nullable(Str('CVSS:3.1/…; the score is computed by the server'))),
    cwe: Type.Optional(Nullable(Str('CWE-<n>'))),
    credit: Type.Optional(Credit),
    references: Type.Optional(Type.Array(Str())),
    toolsUsed: Type.Optional(Nullable(ToolsUsed)),
    onBehalfOf: Type.Optional(Str('team only: the user id of the reporter this is filed for')),
  },
  { additionalProperties: true, description: 'Other fields (a CVSS score, for one) are ignored.' },
);

/** The latest proposal of fixed versions and a release date. */
export const FixProposalSchema = Type.Object({
  patchedVersions: Str('an npm range, e.g. >=1.4.2'),
  releaseDate: Str('the planned release day, YYYY-MM-DD (UTC)'),
  note: Nullable(Str()),
  proposedBy: Str('a user id'),
  proposedAt: Str(),
  awaitsConfirmation: Type.Optional(
    Type.Boolean({
      description:
        'made after the report was fixed by someone outside the team: its versions become the fixed versions once a team member confirms them',
    }),
  ),
});

/** A report. The fields marked "participants" are absent from the disclosed form of a published report. */
export const ReportSchema = Type.Object({
  id: Str(),
  kind: literals(['npm', 'core']),
  state: State,
  packageName: Nullable(Str()),
  component: Nullable(Str()),
  affectedVersions: Str(),
  patchedVersions: Nullable(Str()),
  title: Str(),
  description: Str(),
  impact: Str(),
  cvss: Nullable(Cvss),
  cwe: Nullable(Str()),
  cveId: Nullable(Str('participants see it from its assignment (pending); everyone once published')),
  cveSource: Type.Optional(
    Nullable(literals(['block', 'other-cna'], "the program's blocks, or another CNA (entered by hand)")),
  ),
  withoutCve: Type.Optional(Nullable(Str('why it was published without a CVE id'))),
  advisoryId: Nullable(Str()),
  references: Type.Array(Str()),
  submittedAt: Str(),
  triagedAt: Nullable(Str()),
  publishedAt: Nullable(Str()),
  reproduction: Type.Optional(
    Str('the proof of concept: participants; in the disclosed form only when its disclosure was agreed'),
  ),
  fixProposal: Type.Optional(Nullable(FixProposalSchema)),
  releaseDate: Type.Optional(Nullable(Str('disclosed form: the planned release day of the fix'))),
  patch: Type.Optional(Nullable(Str())),
  environment: Type.Optional(
    Type.Object({ os: Nullable(Str()), node: Nullable(Str()), npm: Nullable(Str()) }),
  ),
  contactedMaintainer: Type.Optional(Type.Boolean()),
  openedIssue: Type.Optional(Type.Boolean()),
  credit: Type.Optional(Type.Union([Credit, Str(), Type.Null()])),
  credits: Type.Optional(
    Type.Array(Type.Object({ name: Str(), role: literals(CREDIT_ROLE_LIST) }), {
      description: "disclosed form: the accepted credits besides the reporter's own",
    }),
  ),
  reporterId: Type.Optional(Str()),
  filedById: Type.Optional(Str()),
  maintainerIds: Type.Optional(Type.Array(Str())),
  firstAnswerDue: Type.Optional(Str()),
  firstAnswerAt: Type.Optional(Nullable(Str())),
  triagedBy: Type.Optional(Nullable(Str())),
  publicationDue: Type.Optional(Nullable(Str())),
  extensionDays: Type.Optional(Type.Integer()),
  rejectReason: Type.Optional(
    Nullable(Str("the team's message to the reporter when it rejected the report")),
  ),
  closedAs: Type.Optional(
    Nullable(literals(CLOSED_AS_LIST, 'participants: how the team closed it (spam, informative, …)')),
  ),
  toolsUsed: Type.Optional(Nullable(ToolsUsed)),
  duplicateOf: Type.Optional(Nullable(Str())),
  updatedAt: Type.Optional(Str()),
  publishedWithoutFix: Type.Optional(Type.Boolean()),
  withoutFix: Type.Optional(
    Nullable(
      literals(
        ['early-publication', 'maintainers-silent', 'no-fix-started', 'fix-in-progress'],
        'why it was published without a fix',
      ),
    ),
  ),
  earlyPublication: Type.Optional(
    Nullable(
      Type.Object({
        reason: literals(['already-public', 'actively-exploited']),
        details: Str(),
        requestedBy: Type.Optional(Str('a user id (participants only)')),
        requestedAt: Type.Optional(Str()),
      }),
    ),
  ),
});

export const CommentSchema = Type.Object({
  id: Type.Optional(Str()),
  authorId: Type.Optional(Str()),
  author: Str('a name for participants; a role (reporter, maintainer, team) in the disclosed form'),
  body: Str('Markdown'),
  createdAt: Str(),
});

export const AttachmentSchema = Type.Object({
  id: Str(),
  filename: Str(),
  contentType: Str('decided from the bytes'),
  size: Type.Integer(),
  sha256: Str(),
  createdAt: Str(),
  uploadedBy: Str('a user id; a role (reporter, maintainer, team) in the disclosed form'),
});

const StanceSchema = Nullable(Type.Boolean({ description: 'may be disclosed (true), may not (false)' }));

/** Where one subject of the disclosure agreement stands. */
export const SubjectAgreementSchema = Type.Object({
  subject: literals(['proof-of-concept', 'comments', 'attachment']),
  attachmentId: Nullable(Str()),
  reporter: StanceSchema,
  team: StanceSchema,
  maintainers: Type.Array(Type.Object({ userId: Str(), disclosable: StanceSchema })),
  disclosable: Type.Boolean({
    description: 'disclosed on publication: the reporter and the team agreed and no maintainer objected',
  }),
});

export const AgreementAnswer = Type.Object({
  party: Str('the party I speak for: reporter, team, or maintainer:<my user id>'),
  agreement: Type.Array(SubjectAgreementSchema),
});

export const ProposalSchema = Type.Object({
  id: Str(),
  reportId: Str(),
  proposedBy: Str(),
  days: Type.Integer(),
  reason: Str(),
  opensAt: Str(),
  closesAt: Str(),
  closedAt: Nullable(Str()),
  result: Nullable(literals(['passed', 'failed'])),
  yes: Type.Optional(Nullable(Type.Integer())),
  no: Type.Optional(Nullable(Type.Integer())),
  myVote: Type.Optional(Nullable(Type.Boolean())),
});

const HistorySchema = Type.Object({
  transition: TransitionName,
  from: State,
  to: State,
  at: Str(),
  actorId: Type.Optional(Nullable(Str())),
  reason: Type.Optional(Nullable(Str())),
});

/** A credit of a report, as its participants see it. */
export const CreditSchema = Type.Object({
  id: Str(),
  reportId: Str(),
  role: literals(CREDIT_ROLE_LIST),
  name: Str('the name the advisory shows'),
  email: Nullable(Str("the credited person's address: the team and the proposer only")),
  state: literals(CREDIT_STATE_LIST),
  proposedBy: Str(),
  proposedAt: Str(),
  decidedBy: Nullable(Str()),
  decidedAt: Nullable(Str()),
});

/** A credit as the person it is proposed to sees it: never the report. */
export const CreditOfferSchema = Type.Object({
  id: Str(),
  role: literals(CREDIT_ROLE_LIST),
  name: Str(),
  state: literals(CREDIT_STATE_LIST),
  proposedBy: literals(['the team', 'the reporter']),
  proposedAt: Str(),
  advisoryId: Nullable(Str('the published advisory carrying it (accepted credits)')),
  open: Type.Boolean({ description: 'false once the report is published or closed: the credit is final' }),
});

/** How one reporter's reports ended: the team sees it on every report; the reporter sees their own. */
export const SignalSchema = Type.Object({
  reporterId: Str(),
  reports: Type.Integer(),
  open: Type.Integer({ description: 'waiting for a decision' }),
  valid: Type.Integer({ description: 'accepted by the team (and whatever followed)' }),
  spam: Type.Integer(),
  informative: Type.Integer(),
  notApplicable: Type.Integer(),
  duplicate: Type.Integer(),
  rejectedOther: Type.Integer({ description: 'rejected before the closing categories existed' }),
  withdrawn: Type.Integer(),
  decided: Type.Integer(),
  validShare: Nullable(Type.Number({ description: 'valid / decided; null before any decision' })),
});

/** A public note for the maintainer, from a closed report: no CVE id, no advisory. */
export const PublicNoteSchema = Type.Object({
  id: Str(),
  kind: literals(['npm', 'core']),
  packageName: Nullable(Str()),
  component: Nullable(Str()),
  title: Str(),
  text: Str('Markdown, written by the team'),
  publishedAt: Str(),
});

/** What one caller may see of one report: the full form for participants, the disclosed form for others. */
export const ReportViewSchema = Type.Object({
  form: literals(['full', 'disclosed'], 'full for participants; disclosed for everyone once published'),
  report: ReportSchema,
  history: Type.Array(HistorySchema),
  comments: Type.Array(CommentSchema),
  notes: Type.Optional(Nullable(Type.Array(CommentSchema))),
  attachments: Type.Array(AttachmentSchema),
  proposals: Type.Array(ProposalSchema),
  flags: Type.Optional(Type.Object({ firstAnswerOverdue: Type.Boolean(), publicationDue: Type.Boolean() })),
  agreement: Type.Optional(
    Type.Array(SubjectAgreementSchema, {
      description: 'participants: what each party agreed to disclose on publication',
    }),
  ),
  party: Type.Optional(Nullable(Str('participants: the party I speak for in the agreement'))),
  allowed: Type.Array(Str(), { description: 'what this caller may do to the report now' }),
  cve: Type.Optional(
    Nullable(
      Type.Object(
        { id: Str(), state: literals(CVE_STATE_LIST), source: literals(CVE_SOURCE_LIST) },
        { description: 'participants: the CVE id, where it stands and where it came from' },
      ),
    ),
  ),
  credits: Type.Optional(
    Type.Array(CreditSchema, {
      description: 'participants: the credits; the address only for the team and whoever proposed it',
    }),
  ),
  reporterSignal: Type.Optional(
    Type.Union([SignalSchema, Type.Null()], {
      description: "the team: how the reporter's reports ended (null for everyone else)",
    }),
  ),
  publicNote: Type.Optional(Nullable(PublicNoteSchema)),
});

export const DuplicateSchema = Type.Object({
  kind: literals(['report', 'advisory']),
  id: Str(),
  title: Str(),
  state: Str(),
  affected: Str(),
  path: Str(),
});

export const QueueItemSchema = Type.Object({
  id: Str(),
  kind: literals(['npm', 'core']),
  title: Str(),
  state: State,
  packageName: Nullable(Str()),
  component: Nullable(Str()),
  submittedAt: Str(),
  severity: Nullable(Str()),
  score: Nullable(Type.Number()),
  deadline: Nullable(Str()),
  overdue: Type.Boolean(),
  ageDays: Type.Integer(),
  mine: Type.Boolean(),
  fixProposal: Nullable(
    Type.Object({
      patchedVersions: Str(),
      releaseDate: Str(),
      afterDeadline: Type.Boolean({ description: 'planned after the publication deadline' }),
    }),
  ),
  toolsUsed: Nullable(ToolsUsed),
  reporterSignal: Type.Union([SignalSchema, Type.Null()], {
    description: "the team: how the reporter's reports ended (null for everyone else)",
  }),
});

/** The CVE ids by state, and whether to request a new block. */
export const CveFiguresSchema = Type.Object({
  available: Type.Integer(),
  pending: Type.Integer(),
  announced: Type.Integer(),
  rejected: Type.Integer(),
  retired: Type.Integer(),
  requestBlock: Type.Boolean({ description: 'fewer than two ids available: request a new block' }),
  pastYearAvailable: Type.Integer({ description: 'available ids of a past year: assign or retire them' }),
});

/** One CVE id of the program. */
export const CveSchema = Type.Object({
  id: Str(),
  year: Type.Integer(),
  state: literals(CVE_STATE_LIST),
  source: literals(CVE_SOURCE_LIST),
  reportId: Nullable(Str()),
  receivedAt: Str(),
  receivedBy: Str(),
  assignedAt: Nullable(Str()),
  announcedAt: Nullable(Str()),
  closedAt: Nullable(Str()),
  pastYearFlaggedAt: Nullable(Str()),
});

const Hours = Nullable(Type.Number());
export const DashboardSchema = Type.Object({
  queue: Type.Array(QueueItemSchema),
  byState: Type.Record(Str(), Type.Integer()),
  figures: Type.Object({
    reports: Type.Integer(),
    medianHours: Type.Object({ firstAnswer: Hours, triage: Hours, fix: Hours, publication: Hours }),
    published: Type.Integer(),
    publishedWithoutFix: Type.Integer(),
    overdueFirstAnswer: Type.Integer(),
  }),
  cveIds: Type.Optional(CveFiguresSchema),
});

export const QueueQuery = Type.Object(
  {
    state: Type.Optional(Str('one state, or several separated by commas')),
    package: Type.Optional(Str('an npm package name or a core component')),
    severity: Type.Optional(literals(['info', 'low', 'moderate', 'high', 'critical'])),
    mine: Type.Optional(literals(['1', 'true'], 'only reports I reported, filed or maintain')),
    toolsUsed: Type.Optional(
      literals([...TOOLS_USED_LIST, 'unstated'], 'only reports whose reporter said this about tools and AI'),
    ),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Str(),
  actorId: Nullable(Str()),
  actorKind: Str(),
  ip: Nullable(Str()),
  userAgent: Nullable(Str()),
  action: Str(),
  reportId: Nullable(Str()),
  details: Type.Object({}, { additionalProperties: true }),
  prevHash: Str(),
  hash: Str(),
});

export const TokenInfo = Type.Object({
  id: Str(),
  name: Str(),
  scopes: Type.Array(Str()),
  createdAt: Str(),
  lastUsedAt: Nullable(Str()),
  revokedAt: Nullable(Str()),
});

export const Prefs = Type.Object(
  Object.fromEntries(NOTIFICATION_KIND_LIST.map((k) => [k, Type.Boolean()])) as Record<
    string,
    ReturnType<typeof Type.Boolean>
  >,
);

export const Ok = Type.Object({ ok: Type.Literal(true) });
