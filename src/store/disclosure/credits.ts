import type { Kysely } from 'kysely';
import type { CreditRole, CreditState, DisclosureTx, ReportCredit } from '../../disclosure/index.js';
import type { DisclosureDb } from './schema.js';

// The credits of reports, for the disclosure program's transaction (store.ts).

/** The credits part of a DisclosureTx. */
export type CreditQueries = Pick<
  DisclosureTx,
  'addCredit' | 'updateCredit' | 'credit' | 'credits' | 'creditsTo'
>;

type CreditRow = DisclosureDb['report_credits'];

const toCredit = (r: CreditRow): ReportCredit => ({
  id: r.id,
  reportId: r.report_id,
  role: r.role as CreditRole,
  name: r.name,
  email: r.email,
  state: r.state as CreditState,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

const creditRow = (c: ReportCredit): Omit<CreditRow, 'position'> => ({
  id: c.id,
  report_id: c.reportId,
  role: c.role,
  name: c.name,
  email: c.email,
  state: c.state,
  proposed_by: c.proposedBy,
  proposed_at: c.proposedAt,
  decided_by: c.decidedBy,
  decided_at: c.decidedAt,
});

/** The credit queries over `db`, a transaction holding the disclosure write lock. */
export function creditQueries(db: Kysely<DisclosureDb>): CreditQueries {
  const ordered = () => db.selectFrom('report_credits').selectAll();
  return {
    async addCredit(c) {
      const { n } = await db
        .selectFrom('report_credits')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('report_id', '=', c.reportId)
        .executeTakeFirstOrThrow();
      await db
        .insertInto('report_credits')
        .values({ ...creditRow(c), position: Number(n) })
        .execute();
    },

    async updateCredit(c) {
      await db.updateTable('report_credits').set(creditRow(c)).where('id', '=', c.id).execute();
    },

    async credit(id) {
      const r = await db.selectFrom('report_credits').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toCredit(r) : null;
    },

    async credits(reportId) {
      return (await ordered().where('report_id', '=', reportId).orderBy('position').execute()).map(toCredit);
    },

    async creditsTo(email) {
      return (
        await ordered()
          .where('email', '=', email)
          .orderBy('proposed_at')
          .orderBy('report_id')
          .orderBy('position')
          .execute()
      ).map(toCredit);
    },
  };
}
