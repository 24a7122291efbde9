import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit.js';
import { commitAndSend } from './effects.js';
import { voteNotice } from './notifications.js';
import { assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { Actor } from './roles.js';
import {
  castVote,
  closeProposal,
  type ExtensionProposal,
  openProposal,
  type ProposalInput,
  type Vote,
} from './votes.js';

// The program's votes on extending the publication deadline: proposing, voting, closing.

/** Proposes an extension and opens its vote (see DisclosureProgram.proposeExtension). */
export async function proposeExtension(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  input: ProposalInput,
  origin: Origin,
): Promise<ExtensionProposal> {
  const now = ctx.now();
  return commitAndSend(ctx.deps, async (tx, out) => {
    const report = await ctx.load(tx, actor, reportId, 'propose-extension', now);
    const p = openProposal(actor, report, input, await tx.proposals(reportId), now, ctx.newId());
    await tx.addProposal(p);
    await tx.audit(
      auditEntry(actor, 'extension.propose', origin, now, reportId, {
        proposalId: p.id,
        days: p.days,
        closesAt: p.closesAt,
      }),
    );
    await out.notify(tx, report, voteNotice(report, p.days, p.closesAt, ctx.deps.links));
    return p;
  });
}

/** Casts one vote on an open proposal (see DisclosureProgram.vote). */
export async function vote(
  ctx: ProgramContext,
  actor: Actor,
  proposalId: string,
  inFavour: boolean,
  origin: Origin,
): Promise<Vote> {
  const now = ctx.now();
  return ctx.deps.repo.transaction(async (tx) => {
    const p = await tx.proposal(proposalId);
    if (!p) throw new NswgError('E_NOT_FOUND', 'no such vote', { field: 'proposal' });
    const report = await ctx.load(tx, actor, p.reportId, 'view-report', now);
    const v = castVote(actor, report, p, await tx.votes(p.id), inFavour, now);
    await tx.addVote(v);
    await tx.audit(
      auditEntry(actor, 'extension.vote', origin, now, report.id, { proposalId: p.id, inFavour }),
    );
    return v;
  });
}

/** Counts a closed vote in its own transaction (see DisclosureProgram.closeVote). */
export async function closeVote(
  ctx: ProgramContext,
  actor: Actor,
  proposalId: string,
  origin: Origin,
): Promise<ExtensionProposal> {
  const now = ctx.now();
  return ctx.deps.repo.transaction((tx) => closeVoteInTx(tx, actor, proposalId, origin, now));
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
