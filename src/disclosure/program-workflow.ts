import { NswgError } from '../errors.js';
import { agreementOf, type Party, partyOf, type SubjectAgreement, validateStatements } from './agreement.js';
import { auditEntry, type Origin } from './audit-log.js';
import { transitionInTx } from './effects.js';
import {
  applyFixProposal,
  confirmFixProposal,
  type FixProposal,
  validateFixProposal,
} from './fix-proposal.js';
import { earlyPublicationNotice, fixProposalNotice } from './notifications.js';
import { can } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import { enterCveInTx } from './program-cve.js';
import { ACTIVE_RELEASE_STATES } from './releases.js';
import { type AssessmentInput, type Report, validateAssessment, validateEarlyPublication } from './report.js';
import { type Actor, actorId, isTeamFor } from './roles.js';
import type { Transition, TransitionParams } from './workflow.js';

// The program's workflow: transitions (publication among them), the team's assessment, the fix
// proposal, early publication, and what each party agrees to disclose on publication.

/** The program's workflow on one report. */
export class Workflow {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * Moves a report through the workflow (publish stores the advisory in the same transaction). A
   * maintainer is invited through the invitation (Invitations.invite), which carries the address and
   * the link, never as a bare move.
   */
  async transition(
    actor: Actor,
    reportId: string,
    t: Transition,
    params: TransitionParams,
    origin: Origin,
  ): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'view-report', now);
      if (t === 'invite-maintainer')
        throw new NswgError('E_TRANSITION', 'a maintainer is invited by e-mail address: use the invitation', {
          field: 'transition',
        });
      if (t === 'mark-duplicate' && params.duplicateOf) {
        const original = await tx.getReport(params.duplicateOf);
        if (!original || !can(actor, 'view-report', original, now)) {
          throw new NswgError('E_REPORT_INVALID', 'duplicateOf names no report you can see', {
            field: 'duplicateOf',
          });
        }
      }
      if (t === 'publish') await assertNotEmbargoed(tx, report.id);
      return transitionInTx(tx, out, ctx.deps, actor, report, t, params, origin, now);
    });
  }

  /**
   * The team's assessment: CVSS 3.1 vector (scored by the library), CWE, affected versions, and a CVE
   * id another CNA assigned (recorded with that origin; the program's own ids are assigned by
   * program.cve.assignNext or at publication).
   */
  async assess(actor: Actor, reportId: string, input: AssessmentInput, origin: Origin): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    const change = validateAssessment(input);
    return ctx.transaction(actor, origin, async (tx) => {
      const report = await ctx.load(tx, actor, reportId, 'edit-assessment', now);
      // a CVE id typed by the team is another CNA's, recorded as such (ours are assigned, not typed)
      const cve =
        change.cveId !== undefined ? await enterCveInTx(tx, actor, report, change.cveId, origin, now) : {};
      const next: Report = { ...report, ...change, ...cve, updatedAt: now.toISOString() };
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
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'propose-fix', now);
      const proposal: FixProposal = {
        ...validateFixProposal(input, now),
        proposedBy: actorId(actor)!,
        proposedAt: now.toISOString(),
      };
      const next = applyFixProposal(report, proposal, isTeamFor(actor, report.kind));
      await tx.updateReport(next);
      await tx.audit(
        auditEntry(actor, 'report.fix-proposal', origin, now, reportId, {
          patchedVersions: proposal.patchedVersions,
          releaseDate: proposal.releaseDate,
          note: proposal.note,
          awaitsConfirmation: next.fixProposal?.awaitsConfirmation === true,
          previous: report.fixProposal
            ? {
                patchedVersions: report.fixProposal.patchedVersions,
                releaseDate: report.fixProposal.releaseDate,
              }
            : null,
        }),
      );
      await out.notify(tx, next, fixProposalNotice(next, ctx.deps.links));
      return next;
    });
  }

  /**
   * Makes the fix proposal a maintainer made after the report was fixed the report's fixed versions:
   * the team's word on what is published.
   */
  async confirmFix(actor: Actor, reportId: string, origin: Origin): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'confirm-fix', now);
      const next = confirmFixProposal(report, now.toISOString());
      await tx.updateReport(next);
      await tx.audit(
        auditEntry(actor, 'report.fix-confirm', origin, now, reportId, {
          patchedVersions: next.patchedVersions,
          previous: report.patchedVersions,
          proposedBy: report.fixProposal!.proposedBy,
        }),
      );
      await out.notify(tx, next, fixProposalNotice(next, ctx.deps.links));
      return next;
    });
  }

  /**
   * Records what the actor's party (the reporter, an invited maintainer, or the team) agrees to
   * disclose on publication: the proof of concept, the comments and/or attachments, each yes or no.
   * Each statement replaces that party's earlier one and is recorded in the audit log.
   */
  async stateDisclosure(
    actor: Actor,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<{ party: Party; agreement: SubjectAgreement[] }> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const report = await ctx.load(tx, actor, reportId, 'state-disclosure', now);
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

  /**
   * Asks for the early publication of an unfixed report (reason already-public or actively-exploited,
   * and details); a second team member then publishes it. Every participant is told.
   */
  async requestEarlyPublication(
    actor: Actor,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<Report> {
    return this.earlyPublication(actor, reportId, validateEarlyPublication(input), origin);
  }

  /** Withdraws a request for early publication. */
  withdrawEarlyPublication(actor: Actor, reportId: string, origin: Origin): Promise<Report> {
    return this.earlyPublication(actor, reportId, null, origin);
  }

  /** Records a request for early publication, or its withdrawal (`asked` null). */
  private async earlyPublication(
    actor: Actor,
    reportId: string,
    asked: ReturnType<typeof validateEarlyPublication> | null,
    origin: Origin,
  ): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'request-early-publication', now);
      if (!asked && !report.earlyPublication)
        throw new NswgError('E_TRANSITION', 'no early publication was asked for', {
          field: 'earlyPublication',
        });
      const next: Report = {
        ...report,
        earlyPublication: asked
          ? { ...asked, requestedBy: actorId(actor)!, requestedAt: now.toISOString() }
          : null,
        updatedAt: now.toISOString(),
      };
      await tx.updateReport(next);
      await tx.audit(
        auditEntry(
          actor,
          asked ? 'report.early-publication' : 'report.early-publication-withdrawn',
          origin,
          now,
          reportId,
          asked ? { reason: asked.reason, details: asked.details } : {},
        ),
      );
      if (asked) await out.notify(tx, next, earlyPublicationNotice(next, ctx.deps.links));
      return next;
    });
  }
}

/** A report held by a security release not yet published is published by that release, on its day. */
async function assertNotEmbargoed(tx: DisclosureTx, reportId: string): Promise<void> {
  const id = await tx.releaseOfReport(reportId);
  const r = id ? await tx.getRelease(id) : null;
  if (r && ACTIVE_RELEASE_STATES.includes(r.state))
    throw new NswgError(
      'E_TRANSITION',
      `this report is under embargo in the security release of ${r.targetDate}: it is published with the release, or taken out of it first`,
      { field: 'transition' },
    );
}
