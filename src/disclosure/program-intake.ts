import { NswgError } from '../errors.js';
import { agreementOf, type Party, partyOf, type SubjectAgreement } from './agreement.js';
import type { AttachmentMeta } from './attachments.js';
import { auditEntry, type Origin } from './audit.js';
import { isFirstAnswerOverdue, isPublicationDue, PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { type Disclosure, disclosedReport } from './disclosed.js';
import { commitAndSend } from './effects.js';
import { assertCan, can, REPORT_ACTIONS, type ReportAction } from './permissions.js';
import type { Comment, InternalNote, ReportFilter } from './ports.js';
import type { ProgramContext } from './program-context.js';
import { type InvitationStatus, invitationStatus } from './program-invitations.js';
import { type Report, validateReport } from './report.js';
import { type Actor, actorId, isTeamMember } from './roles.js';
import { type ExtensionProposal, tally } from './votes.js';
import { newReportFields, type ReportState, type StateChange } from './workflow.js';

// The program's intake and reading side: submitting a report, reading one, the lists, the dashboard.

/** Everything one actor may see of one report. */
export interface ReportView {
  report: Report;
  history: StateChange[];
  comments: Comment[];
  /** Internal notes: present only for the team. */
  notes: InternalNote[] | null;
  /** Maintainer invitations and where each stands: present only for the team (npm reports). */
  invitations: InvitationView[] | null;
  attachments: AttachmentMeta[];
  proposals: (ExtensionProposal & { yes: number | null; no: number | null; myVote: boolean | null })[];
  flags: { firstAnswerOverdue: boolean; publicationDue: boolean };
  /** What the participants agreed to disclose on publication: the proof of concept, each attachment. */
  agreement: SubjectAgreement[];
  /** The party this actor speaks for in that agreement (null: none). */
  party: Party | null;
  /** What this actor may do to the report now (for the page to show the right buttons). */
  allowed: ReportAction[];
}

/** An invitation as the team sees it (never its token or the token's hash). */
export interface InvitationView {
  id: string;
  email: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  status: InvitationStatus;
  usedBy: string | null;
  at: string | null;
}

/** What every list of reports shows of one: which report, about what, where it stands. */
export type ReportHeadline = Pick<
  Report,
  'id' | 'kind' | 'title' | 'state' | 'packageName' | 'component' | 'submittedAt'
>;

/** A report's headline (for lists: the dashboard's, the queue's). */
export function reportHeadline(r: Report): ReportHeadline {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    state: r.state,
    packageName: r.packageName,
    component: r.component,
    submittedAt: r.submittedAt,
  };
}

/** A line of a report list. */
export type ReportSummary = ReportHeadline &
  Pick<Report, 'firstAnswerDue' | 'publicationDue'> & { firstAnswerOverdue: boolean };

/** The team's overview. */
export interface Dashboard {
  overdueFirstAnswer: ReportSummary[];
  /** Triaged, unpublished reports by publication deadline, soonest first. */
  upcomingPublication: ReportSummary[];
  byState: Partial<Record<ReportState, number>>;
}

const OPEN: readonly ReportState[] = ['new', 'needs-more-info', ...PUBLICATION_CLOCK_STATES];

/** Submits a report (see DisclosureProgram.submit). */
export async function submit(
  ctx: ProgramContext,
  actor: Actor,
  input: unknown,
  origin: Origin,
  opts: { onBehalfOf?: string },
): Promise<Report> {
  const now = ctx.now();
  assertCan(actor, 'submit-report', null, now);
  if (opts.onBehalfOf !== undefined) assertCan(actor, 'file-on-behalf', null, now);
  const details = validateReport(input);
  return commitAndSend(ctx.deps, async (tx, out) => {
    const filer = actorId(actor)!;
    const reporterId = opts.onBehalfOf ?? filer;
    if (!(await tx.userExists(reporterId)))
      throw new NswgError('E_NOT_FOUND', 'no such reporter', { field: 'onBehalfOf' });
    const report: Report = {
      ...details,
      ...newReportFields(now),
      id: ctx.newId(),
      reporterId,
      filedById: filer,
    };
    await tx.insertReport(report);
    await tx.audit(
      auditEntry(actor, 'report.submit', origin, now, report.id, {
        kind: report.kind,
        onBehalfOf: opts.onBehalfOf ?? null,
      }),
    );
    await out.notify(tx, report, {
      kind: 'state-change',
      reportId: report.id,
      audiences: ['reporter', 'team'],
      subject: `[nswg] New report ${report.id}`,
      text: `A new report, "${report.title}", was submitted. The first answer is due by ${report.firstAnswerDue}.\n\n${ctx.deps.links.report(report.id)}\n`,
    });
    return report;
  });
}

/** What one actor reads of one report: all they may see of it, or its disclosed form once published. */
export type ReadReport = { form: 'full'; view: ReportView } | { form: 'disclosed'; disclosure: Disclosure };

/** A report as the actor may read it (see DisclosureProgram.read). */
export async function read(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  origin: Origin,
): Promise<ReadReport> {
  try {
    return { form: 'full', view: await view(ctx, actor, reportId, origin) };
  } catch (e) {
    // not theirs to read in full (or not yet: a team role waiting for the second factor), but public once published
    const refused = e instanceof NswgError && (e.code === 'E_NOT_FOUND' || e.field === 'totp');
    if (!refused) throw e;
    const disclosure = await ctx.deps.repo.transaction((tx) => disclosedReport(tx, reportId));
    if (disclosure) return { form: 'disclosed', disclosure };
    throw e;
  }
}

/** One report as the actor may see it (see DisclosureProgram.view). */
export async function view(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  origin: Origin,
): Promise<ReportView> {
  const now = ctx.now();
  return ctx.deps.repo.transaction(async (tx) => {
    const report = await ctx.load(tx, actor, reportId, 'view-report', now);
    await tx.audit(auditEntry(actor, 'report.read', origin, now, reportId));
    const team = can(actor, 'view-internal-notes', report, now);
    const proposals = await tx.proposals(reportId);
    const me = actorId(actor);
    const withVotes = await Promise.all(
      proposals.map(async (p) => {
        const votes = await tx.votes(p.id);
        const counted = p.closedAt !== null ? tally(p, votes) : null;
        const mine = votes.find((v) => v.voterId === me);
        return {
          ...p,
          yes: counted?.yes ?? null,
          no: counted?.no ?? null,
          myVote: mine ? mine.inFavour : null,
        };
      }),
    );
    const attachments = await tx.attachments(reportId);
    return {
      report,
      history: await tx.stateChanges(reportId),
      comments: await tx.comments(reportId),
      notes: team ? await tx.notes(reportId) : null,
      invitations:
        team && report.kind === 'npm'
          ? (await tx.invitations(reportId)).map((i) => ({
              id: i.id,
              email: i.email,
              invitedBy: i.invitedBy,
              createdAt: i.createdAt,
              expiresAt: i.expiresAt,
              status: invitationStatus(i, now),
              usedBy: i.usedBy,
              at: i.usedAt ?? i.revokedAt,
            }))
          : null,
      attachments,
      proposals: withVotes,
      flags: {
        firstAnswerOverdue: isFirstAnswerOverdue(report, now),
        publicationDue: isPublicationDue(report, now),
      },
      agreement: agreementOf(
        report,
        attachments.map((a) => a.id),
        await tx.statements(reportId),
      ),
      party: partyOf(actor, report),
      allowed: REPORT_ACTIONS.filter((a) => can(actor, a, report, now)),
    };
  });
}

/** The reports the actor may see (see DisclosureProgram.list). */
export async function list(
  ctx: ProgramContext,
  actor: Actor,
  origin: Origin,
  filter: Pick<ReportFilter, 'states'>,
): Promise<ReportSummary[]> {
  if (actor.kind !== 'user') return [];
  const now = ctx.now();
  return ctx.deps.repo.transaction(async (tx) => {
    const candidates = isTeamMember(actor)
      ? await tx.listReports(filter)
      : await tx.listReports({ ...filter, participant: actor.id });
    const visible = candidates.filter((r) => can(actor, 'view-report', r, now));
    if (visible.length)
      await tx.audit(
        auditEntry(actor, 'report.list', origin, now, null, { reports: visible.map((r) => r.id) }),
      );
    return visible.map((r) => summary(r, now));
  });
}

/** The team's dashboard (see DisclosureProgram.dashboard). */
export async function dashboard(ctx: ProgramContext, actor: Actor, origin: Origin): Promise<Dashboard> {
  const now = ctx.now();
  assertCan(actor, 'see-dashboard', null, now);
  const open = await list(ctx, actor, origin, { states: OPEN });
  const all = await ctx.deps.repo.transaction((tx) => tx.listReports({}));
  const byState: Partial<Record<ReportState, number>> = {};
  for (const r of all) if (can(actor, 'view-report', r, now)) byState[r.state] = (byState[r.state] ?? 0) + 1;
  return {
    overdueFirstAnswer: open.filter((s) => s.firstAnswerOverdue),
    upcomingPublication: open
      .filter((s) => s.publicationDue && PUBLICATION_CLOCK_STATES.includes(s.state))
      .sort((a, b) => a.publicationDue!.localeCompare(b.publicationDue!)),
    byState,
  };
}

function summary(r: Report, now: Date): ReportSummary {
  return {
    ...reportHeadline(r),
    firstAnswerDue: r.firstAnswerDue,
    publicationDue: r.publicationDue,
    firstAnswerOverdue: isFirstAnswerOverdue(r, now),
  };
}
