import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DisclosureTx, Report, ReportFilter, StateChange } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import type { DisclosureDb } from './schema.js';

// The reports and their history, for the disclosure program's transaction (store.ts).

/** The reports part of a DisclosureTx: reports, their maintainers as read, their state changes. */
export type ReportQueries = Pick<
  DisclosureTx,
  'getReport' | 'listReports' | 'insertReport' | 'updateReport' | 'addStateChange' | 'stateChanges'
>;

const reportColumns = (r: Report) => ({
  kind: r.kind,
  state: r.state,
  reporter_id: r.reporterId,
  filed_by_id: r.filedById,
  first_answer_due: r.firstAnswerDue,
  publication_due: r.publicationDue,
  submitted_at: r.submittedAt,
  updated_at: r.updatedAt,
  closed_as: r.closedAs,
  // Maintainers live in report_maintainers: the record never holds a stale copy.
  record: JSON.stringify({ ...r, maintainerIds: [] }),
});

/** The report queries over `db`, a transaction holding the disclosure write lock. */
export function reportQueries(db: Kysely<DisclosureDb>): ReportQueries {
  const withMaintainers = async (rows: { id: string; record: string }[]): Promise<Report[]> => {
    if (!rows.length) return [];
    const links = await db
      .selectFrom('report_maintainers')
      .select(['report_id', 'user_id'])
      .where(
        'report_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('joined_at')
      .execute();
    return rows.map((r) => {
      const record = JSON.parse(r.record) as Report;
      return {
        ...record,
        // records written before these fields existed have none
        fixProposal: record.fixProposal ?? null,
        earlyPublication: record.earlyPublication ?? null,
        withoutFix: record.withoutFix ?? null,
        // a CVE id typed before the program recorded its origin came from another CNA
        cveSource: record.cveSource ?? (record.cveId ? 'other-cna' : null),
        withoutCve: record.withoutCve ?? null,
        toolsUsed: record.toolsUsed ?? null,
        closedAs: record.closedAs ?? (record.state === 'duplicate' ? 'duplicate' : null),
        maintainerIds: links.filter((l) => l.report_id === r.id).map((l) => l.user_id),
      };
    });
  };

  return {
    async getReport(id) {
      const row = await db
        .selectFrom('reports')
        .select(['id', 'record'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? ((await withMaintainers([row]))[0] ?? null) : null;
    },

    async listReports(filter: ReportFilter = {}) {
      let q = db.selectFrom('reports').select(['id', 'record']);
      if (filter.states) q = q.where('state', 'in', filter.states.length ? [...filter.states] : ['-']);
      if (filter.kinds) q = q.where('kind', 'in', filter.kinds.length ? [...filter.kinds] : ['-']);
      const who = filter.participant;
      if (who !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb('reporter_id', '=', who),
            eb('filed_by_id', '=', who),
            eb.exists(
              eb
                .selectFrom('report_maintainers')
                .select('user_id')
                .whereRef('report_maintainers.report_id', '=', 'reports.id')
                .where('user_id', '=', who),
            ),
          ]),
        );
      }
      return withMaintainers(await q.orderBy('submitted_at', 'desc').orderBy('id').execute());
    },

    async insertReport(r) {
      await db
        .insertInto('reports')
        .values({ id: r.id, ...reportColumns(r) })
        .execute();
    },

    async updateReport(r) {
      const res = await db
        .updateTable('reports')
        .set(reportColumns(r))
        .where('id', '=', r.id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new NswgError('E_NOT_FOUND', `report ${r.id} not found`, { field: 'report' });
    },

    async addStateChange(c) {
      const last = await db
        .selectFrom('state_changes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('report_id', '=', c.reportId)
        .executeTakeFirst();
      await db
        .insertInto('state_changes')
        .values({
          id: randomUUID(),
          report_id: c.reportId,
          seq: Number(last?.seq ?? 0) + 1,
          transition: c.transition,
          from_state: c.from,
          to_state: c.to,
          actor_id: c.actorId,
          at: c.at,
          reason: c.reason,
        })
        .execute();
    },

    async stateChanges(reportId) {
      const rows = await db
        .selectFrom('state_changes')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        reportId: r.report_id,
        transition: r.transition as StateChange['transition'],
        from: r.from_state as StateChange['from'],
        to: r.to_state as StateChange['to'],
        actorId: r.actor_id,
        at: r.at,
        reason: r.reason,
      }));
    },
  };
}
