import type { Kysely } from 'kysely';
import type { ClosedAs, DisclosureTx, PublicNote, ReportState } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import type { DisclosureDb } from './schema.js';

// What the program counts against junk reports, and the public notes made from closed reports, for
// the disclosure program's transaction (store.ts).

/** The intake part of a DisclosureTx: reporters' outcomes, account ages, public notes. */
export type IntakeQueries = Pick<
  DisclosureTx,
  | 'reporterOutcomes'
  | 'reportsSubmittedSince'
  | 'accountCreatedAt'
  | 'addPublicNote'
  | 'publicNoteOfReport'
  | 'publicNotes'
>;

type NoteRow = DisclosureDb['public_notes'];

const toNote = (r: NoteRow): PublicNote => ({
  id: r.id,
  reportId: r.report_id,
  kind: r.kind as PublicNote['kind'],
  packageName: r.package_name,
  component: r.component,
  title: r.title,
  text: r.text,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
});

/** The intake queries over `db`, a transaction holding the disclosure write lock. */
export function intakeQueries(db: Kysely<DisclosureDb>): IntakeQueries {
  return {
    async reporterOutcomes(reporterIds) {
      if (!reporterIds.length) return [];
      const rows = await db
        .selectFrom('reports')
        .select((eb) => ['reporter_id', 'state', 'closed_as', eb.fn.countAll().as('n')])
        .where('reporter_id', 'in', [...new Set(reporterIds)])
        .groupBy(['reporter_id', 'state', 'closed_as'])
        .execute();
      return rows.map((r) => ({
        reporterId: r.reporter_id,
        state: r.state as ReportState,
        closedAs: r.closed_as as ClosedAs | null,
        count: Number(r.n),
      }));
    },

    async reportsSubmittedSince(reporterId, since) {
      const r = await db
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('reporter_id', '=', reporterId)
        .where('submitted_at', '>', since)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async accountCreatedAt(userId) {
      const r = await db.selectFrom('users').select('created_at').where('id', '=', userId).executeTakeFirst();
      return r?.created_at ?? null;
    },

    async addPublicNote(n) {
      const res = await db
        .insertInto('public_notes')
        .values({
          id: n.id,
          report_id: n.reportId,
          kind: n.kind,
          package_name: n.packageName,
          component: n.component,
          title: n.title,
          text: n.text,
          published_by: n.publishedBy,
          published_at: n.publishedAt,
        })
        .onConflict((oc) => oc.column('report_id').doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1)
        throw new NswgError('E_CONFLICT', 'this report has a public note already', { field: 'report' });
    },

    async publicNoteOfReport(reportId) {
      const r = await db
        .selectFrom('public_notes')
        .selectAll()
        .where('report_id', '=', reportId)
        .executeTakeFirst();
      return r ? toNote(r) : null;
    },

    async publicNotes(filter) {
      let q = db.selectFrom('public_notes').selectAll();
      if (filter.packageName !== undefined) q = q.where('package_name', '=', filter.packageName);
      if (filter.component !== undefined) q = q.where('component', '=', filter.component);
      return (await q.orderBy('published_at', 'desc').orderBy('id').execute()).map(toNote);
    },
  };
}
