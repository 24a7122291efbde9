import { NswgError } from '../errors.js';
import { agreementOf, type Party, partyOf, type SubjectAgreement } from './agreement.js';
import type { AttachmentMeta } from './attachments.js';
import { auditEntry, type Origin } from './audit-log.js';
import type { CveSource, CveState } from './cve-ids.js';
import { isFirstAnswerOverdue, isPublicationDue } from './deadlines.js';
import { type Disclosure, disclosedReport } from './disclosed.js';
import { assertCan, can, REPORT_ACTIONS, type ReportAction } from './permissions.js';
import type { Comment, DisclosureTx, InternalNote } from './ports.js';
import type { ProgramContext } from './program-context.js';
import { type CreditView, creditViews } from './program-credits.js';
import { type PossibleDuplicate, possibleDuplicates } from './program-duplicates.js';
import { type InvitationStatus, invitationStatus } from './program-invitations.js';
import { type Report, type ReportDetails, validateReport } from './report.js';
import { type Actor, actorId } from './roles.js';
import { type ExtensionProposal, tally } from './votes.js';
import { newReportFields, type StateChange } from './workflow.js';

// The program's reports: submitting one (with its possible duplicates), and reading one in full or
// in its disclosed form.

/** Everything one actor may see of one report. */
export interface ReportView {
  report: Report;
  /**
   * The report's CVE id and where it stands (pending, announced, rejected) and came from (the
   * program's blocks, another CNA): whoever sees the report sees it, its reporter and maintainers
   * included (they name it in their release); nobody else before publication.
   */
  cve: { id: string; state: CveState; source: CveSource } | null;
  /** The credits proposed, accepted, declined or withdrawn; addresses only for the team and their proposer. */
  credits: CreditView[];
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
  /** The actor is of the report's team (sees its internal notes and invitations). */
  team: boolean;
  /**
   * Users this actor sees under a role instead of their name, by id: a reporter who chose to stay
   * anonymous is "the reporter" to everyone outside the team. Everyone else is named.
   */
  shownAs: Record<string, string>;
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

/** A report's headline (for lists: the queue, the dashboard). */
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

/**
 * What one actor reads of one report: all they may see of it (with its possible duplicates when
 * asked for), or its disclosed form once published.
 */
export type ReadReport =
  | { form: 'full'; view: ReportView; duplicates: PossibleDuplicate[] | null }
  | { form: 'disclosed'; disclosure: Disclosure };

/** A submitted report and what it may duplicate among what its submitter may see. */
export interface Submitted {
  report: Report;
  duplicates: PossibleDuplicate[];
}

/** Whom a team member files a report for: a registered user, by id or by e-mail address. */
export type OnBehalfOf = { id: string } | { email: string };

/** The program's reports: submission, reading, possible duplicates. */
export class Reports {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * Submits a report (the Working Group's template, see validateReport; an npm package must be known
   * to the upstream registry when there is one). A team member may file it on behalf of another
   * registered user (`onBehalfOf`), who is then its reporter. Answers the report and its possible
   * duplicates among what the submitter may see.
   */
  async submit(
    actor: Actor,
    input: unknown,
    origin: Origin,
    opts: { onBehalfOf?: OnBehalfOf } = {},
  ): Promise<Submitted> {
    const { ctx } = this;
    const now = ctx.now();
    assertCan(actor, 'submit-report', null, now);
    if (opts.onBehalfOf !== undefined) assertCan(actor, 'file-on-behalf', null, now);
    const details = validateReport(input);
    await this.checkPackage(details);
    const report = await ctx.transaction(actor, origin, async (tx, out) => {
      const filer = actorId(actor)!;
      const reporterId = opts.onBehalfOf ? await userIdOf(tx, opts.onBehalfOf) : filer;
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
          onBehalfOf: opts.onBehalfOf ? reporterId : null,
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
    return { report, duplicates: await possibleDuplicates(ctx, actor, origin, report) };
  }

  /**
   * A report as the actor may read it: in full for its participants (the read is recorded), in its
   * disclosed form for everyone else once published, else E_NOT_FOUND (a refused read of a private
   * report is recorded too). `duplicates`: with its possible duplicates, for a full read.
   */
  async read(
    actor: Actor,
    reportId: string,
    origin: Origin,
    opts: { duplicates?: boolean } = {},
  ): Promise<ReadReport> {
    let view: ReportView;
    try {
      view = await this.view(actor, reportId, origin);
    } catch (e) {
      // not theirs to read in full (or not yet: a team role waiting for the second factor), but public once published
      const refused = e instanceof NswgError && (e.code === 'E_NOT_FOUND' || e.field === 'totp');
      if (!refused) throw e;
      const disclosure = await this.ctx.transaction(actor, origin, (tx) => disclosedReport(tx, reportId));
      if (disclosure) return { form: 'disclosed', disclosure };
      throw e;
    }
    const duplicates = opts.duplicates
      ? await possibleDuplicates(this.ctx, actor, origin, view.report)
      : null;
    return { form: 'full', view, duplicates };
  }

  /**
   * The possible duplicates of a report its participants read in full; everyone else gets "not
   * found" (a published report read from outside is its disclosed form, which has none to show).
   */
  async duplicates(actor: Actor, reportId: string, origin: Origin): Promise<PossibleDuplicate[]> {
    const read = await this.read(actor, reportId, origin, { duplicates: true });
    if (read.form !== 'full') throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
    return read.duplicates ?? [];
  }

  /** One report with everything the actor may see of it; the read is recorded in the audit log. */
  async view(actor: Actor, reportId: string, origin: Origin): Promise<ReportView> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const report = await ctx.load(tx, actor, reportId, 'view-report', now);
      await tx.audit(auditEntry(actor, 'report.read', origin, now, reportId));
      const team = can(actor, 'view-internal-notes', report, now);
      const attachments = await tx.attachments(reportId);
      return {
        report,
        history: await tx.stateChanges(reportId),
        comments: await tx.comments(reportId),
        notes: team ? await tx.notes(reportId) : null,
        invitations: team && report.kind === 'npm' ? await invitationViews(tx, reportId, now) : null,
        attachments,
        proposals: await proposalViews(tx, reportId, actorId(actor)),
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
        team,
        shownAs: !team && report.credit.as === 'anonymous' ? { [report.reporterId]: 'the reporter' } : {},
        cve: await cveOf(tx, report),
        credits: await creditViews(tx, actor, report, now),
      };
    });
  }

  /** E_REPORT_INVALID when the registry (an override, the upstream) says the npm package does not exist. */
  private async checkPackage(details: ReportDetails): Promise<void> {
    const registry = this.ctx.deps.registry;
    const name = details.packageName;
    if (!registry || details.kind !== 'npm' || !name) return;
    if ((await registry.package(name)).state !== 'missing') return;
    throw new NswgError(
      'E_REPORT_INVALID',
      `packageName ${name} is not a package on the registry`,
      { field: 'packageName' },
      [{ field: 'packageName', message: 'is not a package on the registry' }],
    );
  }
}

/** The user a report is filed for, by id or by address (E_REPORT_INVALID when no account has it). */
async function userIdOf(tx: DisclosureTx, who: OnBehalfOf): Promise<string> {
  if (!('email' in who)) return who.id;
  const id = await tx.userIdByEmail(who.email);
  if (id) return id;
  throw new NswgError(
    'E_REPORT_INVALID',
    'onBehalfOf: no registered user has this address',
    { field: 'onBehalfOf' },
    [{ field: 'onBehalfOf', message: 'no registered user has this address' }],
  );
}

/** A report's invitations as the team sees them. */
async function invitationViews(tx: DisclosureTx, reportId: string, now: Date): Promise<InvitationView[]> {
  return (await tx.invitations(reportId)).map((i) => ({
    id: i.id,
    email: i.email,
    invitedBy: i.invitedBy,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    status: invitationStatus(i, now),
    usedBy: i.usedBy,
    at: i.usedAt ?? i.revokedAt,
  }));
}

/** A report's extension votes: the counts once closed, and the reader's own vote. */
async function proposalViews(
  tx: DisclosureTx,
  reportId: string,
  me: string | null,
): Promise<ReportView['proposals']> {
  return Promise.all(
    (await tx.proposals(reportId)).map(async (p) => {
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
}

/** A report's CVE id as its readers see it (one typed before the table existed: another CNA's). */
async function cveOf(tx: DisclosureTx, r: Report): Promise<ReportView['cve']> {
  const held = await tx.cveOfReport(r.id);
  if (held) return { id: held.id, state: held.state, source: held.source };
  if (!r.cveId) return null;
  return {
    id: r.cveId,
    state: r.state === 'published' ? 'announced' : 'pending',
    source: r.cveSource ?? 'other-cna',
  };
}
