import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { NswgError } from '../errors.js';
import {
  agreementOf,
  disclosedContent,
  type Party,
  partyOf,
  type SubjectAgreement,
  validateStatements,
} from './agreement.js';
import { type AttachmentMeta, checkAttachment } from './attachments.js';
import { auditEntry, type Origin } from './audit.js';
import { isFirstAnswerOverdue, isPublicationDue, PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { commitAndSend, type DisclosureDeps, transitionInTx } from './effects.js';
import { applyFixProposal, type FixProposal, validateFixProposal } from './fix-proposal.js';
import { commentNotice, fixProposalNotice, invitationMessage, voteNotice } from './notifications.js';
import { type Action, assertCan, can, REPORT_ACTIONS, type ReportAction } from './permissions.js';
import type { Comment, DisclosureTx, InternalNote, ReportFilter } from './ports.js';
import { type AssessmentInput, type Report, validateAssessment, validateReport } from './report.js';
import { type Actor, actorId, isTeamMember } from './roles.js';
import {
  castVote,
  closeProposal,
  type ExtensionProposal,
  openProposal,
  type ProposalInput,
  tally,
  type Vote,
} from './votes.js';
import {
  newReportFields,
  type ReportState,
  type StateChange,
  type Transition,
  type TransitionParams,
} from './workflow.js';

/** How long a maintainer invitation stays valid. */
export const INVITATION_DAYS = 14;

/** Everything one actor may see of one report. */
export interface ReportView {
  report: Report;
  history: StateChange[];
  comments: Comment[];
  /** Internal notes: present only for the team. */
  notes: InternalNote[] | null;
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

/** A line of a report list. */
export type ReportSummary = Pick<
  Report,
  | 'id'
  | 'kind'
  | 'title'
  | 'state'
  | 'packageName'
  | 'component'
  | 'submittedAt'
  | 'firstAnswerDue'
  | 'publicationDue'
> & { firstAnswerOverdue: boolean };

/** The team's overview. */
export interface Dashboard {
  overdueFirstAnswer: ReportSummary[];
  /** Triaged, unpublished reports by publication deadline, soonest first. */
  upcomingPublication: ReportSummary[];
  byState: Partial<Record<ReportState, number>>;
}

const OPEN: readonly ReportState[] = ['new', 'needs-more-info', ...PUBLICATION_CLOCK_STATES];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The responsible disclosure program: every operation the server offers, each checking its rule
 * (permissions.ts, workflow.ts, votes.ts) and recording itself in the audit log in the same transaction.
 * Errors are NswgErrors: E_NOT_FOUND (also for reports the actor may not see), E_FORBIDDEN,
 * E_TRANSITION, E_REPORT_INVALID, E_VOTE, E_CONFLICT, E_TOKEN, E_ATTACHMENT.
 */
export class DisclosureProgram {
  private readonly newId: () => string;

  constructor(private readonly deps: DisclosureDeps) {
    if (deps.secret.length < 32)
      throw new NswgError('E_USAGE', 'the disclosure secret must be at least 32 characters', {
        field: 'secret',
      });
    this.newId = deps.newId ?? randomUUID;
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private async load(
    tx: DisclosureTx,
    actor: Actor,
    reportId: string,
    action: Action,
    now: Date,
  ): Promise<Report> {
    const r = await tx.getReport(reportId);
    if (!r) throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
    assertCan(actor, action, r, now);
    return r;
  }

  /**
   * Submits a report (the Working Group's template, see validateReport). A team member may file it on
   * behalf of another registered user (`onBehalfOf`), who is then its reporter.
   */
  async submit(
    actor: Actor,
    input: unknown,
    origin: Origin,
    opts: { onBehalfOf?: string } = {},
  ): Promise<Report> {
    const now = this.now();
    assertCan(actor, 'submit-report', null, now);
    if (opts.onBehalfOf !== undefined) assertCan(actor, 'file-on-behalf', null, now);
    const details = validateReport(input);
    return commitAndSend(this.deps, async (tx, out) => {
      const filer = actorId(actor)!;
      const reporterId = opts.onBehalfOf ?? filer;
      if (!(await tx.userExists(reporterId)))
        throw new NswgError('E_NOT_FOUND', 'no such reporter', { field: 'onBehalfOf' });
      const report: Report = {
        ...details,
        ...newReportFields(now),
        id: this.newId(),
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
        text: `A new report, "${report.title}", was submitted. The first answer is due by ${report.firstAnswerDue}.\n\n${this.deps.links.report(report.id)}\n`,
      });
      return report;
    });
  }

  /** One report with what the actor may see of it; the read is recorded in the audit log. */
  async view(actor: Actor, reportId: string, origin: Origin): Promise<ReportView> {
    const now = this.now();
    return this.deps.repo.transaction(async (tx) => {
      const report = await this.load(tx, actor, reportId, 'view-report', now);
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

  /** The reports the actor may see (the team: its kind of reports; others: those they take part in). */
  async list(
    actor: Actor,
    origin: Origin,
    filter: Pick<ReportFilter, 'states'> = {},
  ): Promise<ReportSummary[]> {
    if (actor.kind !== 'user') return [];
    const now = this.now();
    return this.deps.repo.transaction(async (tx) => {
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

  /** The team's dashboard: overdue first answers, coming publications, counts by state. */
  async dashboard(actor: Actor, origin: Origin): Promise<Dashboard> {
    const now = this.now();
    assertCan(actor, 'see-dashboard', null, now);
    const open = await this.list(actor, origin, { states: OPEN });
    const all = await this.deps.repo.transaction((tx) => tx.listReports({}));
    const byState: Partial<Record<ReportState, number>> = {};
    for (const r of all)
      if (can(actor, 'view-report', r, now)) byState[r.state] = (byState[r.state] ?? 0) + 1;
    return {
      overdueFirstAnswer: open.filter((s) => s.firstAnswerOverdue),
      upcomingPublication: open
        .filter((s) => s.publicationDue && PUBLICATION_CLOCK_STATES.includes(s.state))
        .sort((a, b) => a.publicationDue!.localeCompare(b.publicationDue!)),
      byState,
    };
  }

  /** Moves a report through the workflow (publish stores the advisory in the same transaction). */
  async transition(
    actor: Actor,
    reportId: string,
    t: Transition,
    params: TransitionParams,
    origin: Origin,
  ): Promise<Report> {
    const now = this.now();
    return commitAndSend(this.deps, async (tx, out) => {
      const report = await this.load(tx, actor, reportId, 'view-report', now);
      if (t === 'mark-duplicate' && params.duplicateOf) {
        const original = await tx.getReport(params.duplicateOf);
        if (!original || !can(actor, 'view-report', original, now)) {
          throw new NswgError('E_REPORT_INVALID', 'duplicateOf names no report you can see', {
            field: 'duplicateOf',
          });
        }
      }
      return transitionInTx(tx, out, this.deps, actor, report, t, params, origin, now);
    });
  }

  /** The team's assessment: CVSS 3.1 vector (scored by the library), CWE, CVE id, affected versions. */
  async assess(actor: Actor, reportId: string, input: AssessmentInput, origin: Origin): Promise<Report> {
    const now = this.now();
    const change = validateAssessment(input);
    return this.deps.repo.transaction(async (tx) => {
      const report = await this.load(tx, actor, reportId, 'edit-assessment', now);
      const next: Report = { ...report, ...change, updatedAt: now.toISOString() };
      await tx.updateReport(next);
      await tx.audit(
        auditEntry(actor, 'report.assess', origin, now, reportId, JSON.parse(JSON.stringify(change))),
      );
      return next;
    });
  }

  /**
   * Records a fix proposal (an invited maintainer or the team, between triage and publication): the
   * fixed versions (an npm range) and the planned release date (not in the past). It replaces the
   * previous proposal on the report; the audit log keeps each one. Every participant is told.
   */
  async proposeFix(actor: Actor, reportId: string, input: unknown, origin: Origin): Promise<Report> {
    const now = this.now();
    return commitAndSend(this.deps, async (tx, out) => {
      const report = await this.load(tx, actor, reportId, 'propose-fix', now);
      const proposal: FixProposal = {
        ...validateFixProposal(input, now),
        proposedBy: actorId(actor)!,
        proposedAt: now.toISOString(),
      };
      const next = applyFixProposal(report, proposal);
      await tx.updateReport(next);
      await tx.audit(
        auditEntry(actor, 'report.fix-proposal', origin, now, reportId, {
          patchedVersions: proposal.patchedVersions,
          releaseDate: proposal.releaseDate,
          note: proposal.note,
          previous: report.fixProposal
            ? {
                patchedVersions: report.fixProposal.patchedVersions,
                releaseDate: report.fixProposal.releaseDate,
              }
            : null,
        }),
      );
      await out.notify(tx, next, fixProposalNotice(next, this.deps.links));
      return next;
    });
  }

  /**
   * Records what the actor's party (the reporter, an invited maintainer, or the team) agrees to
   * disclose on publication: the proof of concept and/or attachments, each yes or no. Each statement
   * replaces that party's earlier one and is recorded in the audit log. Answers the agreement.
   */
  async stateDisclosure(
    actor: Actor,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<{ party: Party; agreement: SubjectAgreement[] }> {
    const now = this.now();
    return this.deps.repo.transaction(async (tx) => {
      const report = await this.load(tx, actor, reportId, 'state-disclosure', now);
      const party = partyOf(actor, report)!;
      const attachmentIds = (await tx.attachments(reportId)).map((a) => a.id);
      for (const { subject, disclosable } of validateStatements(input, attachmentIds)) {
        await tx.putStatement({
          reportId,
          subject,
          party,
          disclosable,
          statedBy: actorId(actor)!,
          statedAt: now.toISOString(),
        });
        await tx.audit(
          auditEntry(actor, 'disclosure.statement', origin, now, reportId, { subject, party, disclosable }),
        );
      }
      return { party, agreement: agreementOf(report, attachmentIds, await tx.statements(reportId)) };
    });
  }

  /** A comment every participant sees. A team member's comment counts as the first answer. */
  async comment(actor: Actor, reportId: string, body: string, origin: Origin): Promise<Comment> {
    const now = this.now();
    const text = checkBody(body);
    return commitAndSend(this.deps, async (tx, out) => {
      const report = await this.load(tx, actor, reportId, 'comment', now);
      const c: Comment = {
        id: this.newId(),
        reportId,
        authorId: actorId(actor)!,
        body: text,
        createdAt: now.toISOString(),
      };
      await tx.addComment(c);
      if (
        report.firstAnswerAt === null &&
        can(actor, 'view-internal-notes', report, now) &&
        !isOwn(actor, report)
      ) {
        await tx.updateReport({ ...report, firstAnswerAt: c.createdAt, updatedAt: c.createdAt });
      }
      await tx.audit(auditEntry(actor, 'report.comment', origin, now, reportId, { commentId: c.id }));
      await out.notify(tx, report, commentNotice(report, this.deps.links));
      return c;
    });
  }

  /** An internal note, for the team only. */
  async addNote(actor: Actor, reportId: string, body: string, origin: Origin): Promise<InternalNote> {
    const now = this.now();
    const text = checkBody(body);
    return this.deps.repo.transaction(async (tx) => {
      await this.load(tx, actor, reportId, 'add-internal-note', now);
      const n: InternalNote = {
        id: this.newId(),
        reportId,
        authorId: actorId(actor)!,
        body: text,
        createdAt: now.toISOString(),
      };
      await tx.addNote(n);
      await tx.audit(auditEntry(actor, 'report.note', origin, now, reportId, { noteId: n.id }));
      return n;
    });
  }

  /**
   * Invites a maintainer by e-mail: a signed, single-use link valid INVITATION_DAYS days that lets its
   * holder see this one report. The first invitation moves an accepted report to maintainer-invited.
   * Returns the token too (the e-mail is how it normally travels).
   */
  async inviteMaintainer(
    actor: Actor,
    reportId: string,
    email: string,
    origin: Origin,
  ): Promise<{ invitationId: string; token: string; expiresAt: string }> {
    const now = this.now();
    const address = email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) || address.length > 254) {
      throw new NswgError('E_REPORT_INVALID', 'email is not an e-mail address', { field: 'email' });
    }
    return commitAndSend(this.deps, async (tx, out) => {
      let report = await this.load(tx, actor, reportId, 'invite-maintainer', now);
      const secretPart = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
      const id = this.newId();
      const token = `${secretPart}.${this.sign(secretPart, reportId, address, expiresAt)}`;
      await tx.addInvitation({
        id,
        reportId,
        email: address,
        tokenHash: sha256(secretPart),
        invitedBy: actorId(actor)!,
        createdAt: now.toISOString(),
        expiresAt,
        usedAt: null,
        usedBy: null,
      });
      await tx.audit(
        auditEntry(actor, 'maintainer.invite', origin, now, reportId, {
          invitationId: id,
          email: address,
          expiresAt,
        }),
      );
      if (report.state === 'accepted')
        report = await transitionInTx(
          tx,
          out,
          this.deps,
          actor,
          report,
          'invite-maintainer',
          {},
          origin,
          now,
        );
      out.push(invitationMessage(address, report, token, expiresAt, this.deps.links));
      return { invitationId: id, token, expiresAt };
    });
  }

  private sign(secretPart: string, reportId: string, email: string, expiresAt: string): string {
    return createHmac('sha256', this.deps.secret)
      .update(`${secretPart}|${reportId}|${email}|${expiresAt}`)
      .digest('base64url');
  }

  /**
   * Accepts a maintainer invitation: the logged-in user becomes a maintainer of that one report.
   * E_TOKEN when the token is unknown, forged, expired or used.
   */
  async acceptInvitation(actor: Actor, token: string, origin: Origin): Promise<Report> {
    const now = this.now();
    if (actor.kind !== 'user')
      throw new NswgError('E_FORBIDDEN', 'log in (or register) to accept the invitation', { field: 'token' });
    const [secretPart, signature] = token.split('.');
    const bad = () =>
      new NswgError('E_TOKEN', 'this invitation is not valid (unknown, expired or already used)', {
        field: 'token',
      });
    if (!secretPart || !signature) throw bad();
    return this.deps.repo.transaction(async (tx) => {
      const inv = await tx.invitationByHash(sha256(secretPart));
      if (!inv) throw bad();
      const expected = Buffer.from(this.sign(secretPart, inv.reportId, inv.email, inv.expiresAt));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
      if (inv.usedAt !== null || now.getTime() >= Date.parse(inv.expiresAt)) throw bad();
      const report = await tx.getReport(inv.reportId);
      if (!report || !['maintainer-invited', 'fix-in-progress', 'fixed'].includes(report.state)) throw bad();
      await tx.useInvitation(inv.id, actor.id, now.toISOString());
      const next = report.maintainerIds.includes(actor.id)
        ? report
        : { ...report, maintainerIds: [...report.maintainerIds, actor.id] };
      if (next !== report) await tx.addMaintainer(report.id, actor.id, now.toISOString());
      await tx.audit(auditEntry(actor, 'maintainer.join', origin, now, report.id, { invitationId: inv.id }));
      return next;
    });
  }

  /** Proposes an extension of the publication deadline and opens its vote. */
  async proposeExtension(
    actor: Actor,
    reportId: string,
    input: ProposalInput,
    origin: Origin,
  ): Promise<ExtensionProposal> {
    const now = this.now();
    return commitAndSend(this.deps, async (tx, out) => {
      const report = await this.load(tx, actor, reportId, 'propose-extension', now);
      const p = openProposal(actor, report, input, await tx.proposals(reportId), now, this.newId());
      await tx.addProposal(p);
      await tx.audit(
        auditEntry(actor, 'extension.propose', origin, now, reportId, {
          proposalId: p.id,
          days: p.days,
          closesAt: p.closesAt,
        }),
      );
      await out.notify(tx, report, voteNotice(report, p.days, p.closesAt, this.deps.links));
      return p;
    });
  }

  /** Casts one vote on an open proposal (team members and the reporter, once each, inside the window). */
  async vote(actor: Actor, proposalId: string, inFavour: boolean, origin: Origin): Promise<Vote> {
    const now = this.now();
    return this.deps.repo.transaction(async (tx) => {
      const p = await tx.proposal(proposalId);
      if (!p) throw new NswgError('E_NOT_FOUND', 'no such vote', { field: 'proposal' });
      const report = await this.load(tx, actor, p.reportId, 'view-report', now);
      const v = castVote(actor, report, p, await tx.votes(p.id), inFavour, now);
      await tx.addVote(v);
      await tx.audit(
        auditEntry(actor, 'extension.vote', origin, now, report.id, { proposalId: p.id, inFavour }),
      );
      return v;
    });
  }

  /** Adds an attachment; its type comes from its bytes. */
  async addAttachment(
    actor: Actor,
    reportId: string,
    file: { filename: string; bytes: Uint8Array },
    origin: Origin,
  ): Promise<AttachmentMeta> {
    const now = this.now();
    const checked = checkAttachment(file.filename, file.bytes);
    return this.deps.repo.transaction(async (tx) => {
      await this.load(tx, actor, reportId, 'upload-attachment', now);
      const meta: AttachmentMeta = {
        ...checked,
        id: this.newId(),
        reportId,
        uploadedBy: actorId(actor)!,
        createdAt: now.toISOString(),
      };
      await tx.addAttachment(meta, file.bytes);
      await tx.audit(
        auditEntry(actor, 'attachment.add', origin, now, reportId, {
          attachmentId: meta.id,
          contentType: meta.contentType,
          size: meta.size,
        }),
      );
      return meta;
    });
  }

  /**
   * Reads an attachment: a participant's read is recorded in the audit log; anyone may read one that
   * its published report discloses (agreement.ts). E_NOT_FOUND otherwise, whether it exists or not.
   */
  async readAttachment(
    actor: Actor,
    attachmentId: string,
    origin: Origin,
  ): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    const now = this.now();
    const notFound = () => new NswgError('E_NOT_FOUND', 'attachment not found', { field: 'attachment' });
    return this.deps.repo.transaction(async (tx) => {
      const found = await tx.attachment(attachmentId);
      if (!found) throw notFound();
      const report = await tx.getReport(found.meta.reportId);
      if (!report) throw notFound();
      if (can(actor, 'read-attachment', report, now)) {
        await tx.audit(auditEntry(actor, 'attachment.read', origin, now, report.id, { attachmentId }));
        return found;
      }
      const ids = (await tx.attachments(report.id)).map((a) => a.id);
      const disclosed = disclosedContent(report, ids, await tx.statements(report.id));
      if (!disclosed.attachmentIds.includes(attachmentId)) throw notFound();
      return found;
    });
  }

  /** Counts a vote whose window has closed and moves the deadline when it passed (the scheduler does it when due). */
  async closeVote(actor: Actor, proposalId: string, origin: Origin): Promise<ExtensionProposal> {
    const now = this.now();
    return this.deps.repo.transaction((tx) => closeVoteInTx(tx, actor, proposalId, origin, now));
  }
}

/** Closes a vote inside `tx` (see DisclosureProgram.closeVote). */
export async function closeVoteInTx(
  tx: DisclosureTx,
  actor: Actor,
  proposalId: string,
  origin: Origin,
  now: Date,
): Promise<ExtensionProposal> {
  const p = await tx.proposal(proposalId);
  if (!p) throw new NswgError('E_NOT_FOUND', 'no such vote', { field: 'proposal' });
  const report = await tx.getReport(p.reportId);
  if (!report) throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
  assertCan(actor, 'view-report', report, now);
  const closed = closeProposal(p, await tx.votes(p.id), report, now);
  await tx.updateProposal(closed.proposal);
  if (closed.report !== report) await tx.updateReport(closed.report);
  await tx.audit(
    auditEntry(actor, 'extension.close', origin, now, report.id, {
      proposalId: p.id,
      result: closed.proposal.result,
      yes: closed.yes,
      no: closed.no,
      publicationDue: closed.report.publicationDue,
    }),
  );
  return closed.proposal;
}

function summary(r: Report, now: Date): ReportSummary {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    state: r.state,
    packageName: r.packageName,
    component: r.component,
    submittedAt: r.submittedAt,
    firstAnswerDue: r.firstAnswerDue,
    publicationDue: r.publicationDue,
    firstAnswerOverdue: isFirstAnswerOverdue(r, now),
  };
}

const isOwn = (a: Actor, r: Report) => a.kind === 'user' && (a.id === r.reporterId || a.id === r.filedById);

function checkBody(body: string): string {
  const text = typeof body === 'string' ? body.trim() : '';
  if (!text || text.length > 50_000)
    throw new NswgError('E_REPORT_INVALID', 'body must be 1 to 50000 characters', { field: 'body' });
  return text;
}
