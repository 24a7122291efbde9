import type { Kysely } from 'kysely';
import type { DisclosureTx, ExtensionProposal } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import type { DisclosureDb } from './schema.js';

// Extension proposals and their votes, for the disclosure program's transaction (store.ts).

/** The votes part of a DisclosureTx. */
export type VoteQueries = Pick<
  DisclosureTx,
  'addProposal' | 'updateProposal' | 'proposal' | 'proposals' | 'openProposals' | 'addVote' | 'votes'
>;

type ProposalRow = DisclosureDb['extension_proposals'];

const toProposal = (r: ProposalRow): ExtensionProposal => ({
  id: r.id,
  reportId: r.report_id,
  proposedBy: r.proposed_by,
  days: Number(r.days),
  reason: r.reason,
  opensAt: r.opens_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  result: r.result as ExtensionProposal['result'],
});

const proposalRow = (p: ExtensionProposal): ProposalRow => ({
  id: p.id,
  report_id: p.reportId,
  proposed_by: p.proposedBy,
  days: p.days,
  reason: p.reason,
  opens_at: p.opensAt,
  closes_at: p.closesAt,
  closed_at: p.closedAt,
  result: p.result,
});

/** The vote queries over `db`, a transaction holding the disclosure write lock. */
export function voteQueries(db: Kysely<DisclosureDb>): VoteQueries {
  return {
    async addProposal(p) {
      await db.insertInto('extension_proposals').values(proposalRow(p)).execute();
    },

    async updateProposal(p) {
      await db.updateTable('extension_proposals').set(proposalRow(p)).where('id', '=', p.id).execute();
    },

    async proposal(id) {
      const r = await db
        .selectFrom('extension_proposals')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? toProposal(r) : null;
    },

    async proposals(reportId) {
      const rows = await db
        .selectFrom('extension_proposals')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('opens_at')
        .execute();
      return rows.map(toProposal);
    },

    async openProposals() {
      const rows = await db
        .selectFrom('extension_proposals')
        .selectAll()
        .where('closed_at', 'is', null)
        .orderBy('closes_at')
        .execute();
      return rows.map(toProposal);
    },

    async addVote(v) {
      try {
        await db
          .insertInto('votes')
          .values({
            proposal_id: v.proposalId,
            voter_id: v.voterId,
            in_favour: v.inFavour ? 1 : 0,
            cast_at: v.castAt,
          })
          .execute();
      } catch (e) {
        throw new NswgError('E_VOTE', `one vote per voter: ${(e as Error).message}`, { field: 'vote' });
      }
    },

    async votes(proposalId) {
      const rows = await db
        .selectFrom('votes')
        .selectAll()
        .where('proposal_id', '=', proposalId)
        .orderBy('cast_at')
        .execute();
      return rows.map((r) => ({
        proposalId: r.proposal_id,
        voterId: r.voter_id,
        inFavour: Number(r.in_favour) === 1,
        castAt: r.cast_at,
      }));
    },
  };
}
