import { NswgError } from '../errors.js';
import { agreementOf, type Party, partyOf, type SubjectAgreement, validateStatements } from './agreement.js';
import { auditEntry, type Origin } from './audit.js';
import { commitAndSend, transitionInTx } from './effects.js';
import {
  applyFixProposal,
  confirmFixProposal,
  type FixProposal,
  validateFixProposal,
} from './fix-proposal.js';
import { earlyPublicationNotice, fixProposalNotice } from './notifications.js';
import { can } from './permissions.js';
import type { ProgramContext } from './program-context.js';
import { type AssessmentInput, type Report, validateAssessment, validateEarlyPublication } from './report.js';
import { type Actor, actorId, isTeamFor } from './roles.js';
import type { Transition, TransitionParams } from './workflow.js';

// The program's workflow side: transitions (publication among them), the team's assessment, the fix
// proposal, and what each party agrees to disclose on publication.

/** Moves a report through the workflow (see DisclosureProgram.transition). */
export async function transition(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  t: Transition,
  params: TransitionParams,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  return commitAndSend(ctx.deps, async (tx, out) => {
    const report = await ctx.load(tx, actor, reportId, 'view-report', now);
    if (t === 'mark-duplicate' && params.duplicateOf) {
      const original = await tx.getReport(params.duplicateOf);
      if (!original || !can(actor, 'view-report', original, now)) {
        throw new NswgError('E_REPORT_INVALID', 'duplicateOf names no report you can see', {
          field: 'duplicateOf',
        });
      }
    }
    return transitionInTx(tx, out, ctx.deps, actor, report, t, params, origin, now);
  });
}

/** Records the team's assessment (see DisclosureProgram.assess). */
export async function assess(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  input: AssessmentInput,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  const change = validateAssessment(input);
  return ctx.deps.repo.transaction(async (tx) => {
    const report = await ctx.load(tx, actor, reportId, 'edit-assessment', now);
    const next: Report = { ...report, ...change, updatedAt: now.toISOString() };
    await tx.updateReport(next);
    await tx.audit(
      auditEntry(actor, 'report.assess', origin, now, reportId, JSON.parse(JSON.stringify(change))),
    );
    return next;
  });
}

/** Records a fix proposal and tells every participant (see DisclosureProgram.proposeFix). */
export async function proposeFix(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  input: unknown,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  return commitAndSend(ctx.deps, async (tx, out) => {
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

/** Records what the actor's party agrees to disclose (see DisclosureProgram.stateDisclosure). */
export async function stateDisclosure(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  input: unknown,
  origin: Origin,
): Promise<{ party: Party; agreement: SubjectAgreement[] }> {
  const now = ctx.now();
  return ctx.deps.repo.transaction(async (tx) => {
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

/** Makes a waiting fix proposal's versions the fixed versions (see DisclosureProgram.confirmFix). */
export async function confirmFix(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  return commitAndSend(ctx.deps, async (tx, out) => {
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
 * Records a team member's request to publish an unfixed report early, or withdraws it (`input` null):
 * a second team member then publishes (see DisclosureProgram.requestEarlyPublication).
 */
export async function requestEarlyPublication(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  input: unknown | null,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  const asked = input === null ? null : validateEarlyPublication(input);
  return commitAndSend(ctx.deps, async (tx, out) => {
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
