import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { voteNotice } from './notifications.js';
import { assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import { notFoundAs, type ProgramContext } from './program-context.js';
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

/** The votes on extending a report's publication deadline: proposing, voting, counting. */
export class Votes {
  constructor(private readonly ctx: ProgramContext) {}

  /** Proposes an extension of the publication deadline and opens its vote. */
  async propose(
    actor: Actor,
    reportId: string,
    input: ProposalInput,
    origin: Origin,
  ): Promise<ExtensionProposal> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
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

  /**
   * Casts one vote on an open proposal (team members and the reporter, once each, inside the window).
   * "Vote not found" whether the vote does not exist or its report is hidden from the actor.
   */
  async cast(
    actor: Actor,
    proposalId: string,
    inFavour: boolean,
    origin: Origin,
  ): Promise<Vote & { reportId: string }> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const p = await tx.proposal(proposalId);
      if (!p) throw voteNotFound();
      const report = await ctx.load(tx, actor, p.reportId, 'view-report', now).catch(sameVoteNotFound);
      const v = castVote(actor, report, p, await tx.votes(p.id), inFavour, now);
      await tx.addVote(v);
      await tx.audit(
        auditEntry(actor, 'extension.vote', origin, now, report.id, { proposalId: p.id, inFavour }),
      );
      return { ...v, reportId: report.id };
    });
  }

  /** Counts a vote whose window has closed and moves the deadline when it passed (the scheduler does it when due). */
  async close(actor: Actor, proposalId: string, origin: Origin): Promise<ExtensionProposal> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, (tx) =>
      closeVoteInTx(tx, actor, proposalId, origin, now).catch(sameVoteNotFound),
    );
  }
}

const voteNotFound = () => new NswgError('E_NOT_FOUND', 'vote not found', { field: 'proposal' });
const sameVoteNotFound = notFoundAs('vote', 'proposal');

/** Counts a closed vote inside `tx` (see Votes.close; the scheduler closes due votes in its own transaction). */
export async function closeVoteInTx(
  tx: DisclosureTx,
  actor: Actor,
  proposalId: string,
  origin: Origin,
  now: Date,
): Promise<ExtensionProposal> {
  const p = await tx.proposal(proposalId);
  if (!p) throw voteNotFound();
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
