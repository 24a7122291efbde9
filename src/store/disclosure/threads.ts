import type { Kysely } from 'kysely';
import type { AttachmentMeta, Comment, DisclosureStatement, DisclosureTx } from '../../disclosure/index.js';
import type { DisclosureDb } from './schema.js';

// What participants add to a report, for the disclosure program's transaction (store.ts):
// comments, internal notes, attachments (and what the upload quotas count), and each party's
// disclosure statements.

/** The thread part of a DisclosureTx. */
export type ThreadQueries = Pick<
  DisclosureTx,
  | 'addComment'
  | 'comments'
  | 'addNote'
  | 'notes'
  | 'addAttachment'
  | 'attachments'
  | 'attachment'
  | 'uploadUsage'
  | 'putStatement'
  | 'statements'
>;

const toAttachment = (r: Omit<DisclosureDb['attachments'], 'data'>): AttachmentMeta => ({
  id: r.id,
  reportId: r.report_id,
  uploadedBy: r.uploaded_by,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  createdAt: r.created_at,
});

const toComment = (r: DisclosureDb['comments']): Comment => ({
  id: r.id,
  reportId: r.report_id,
  authorId: r.author_id,
  body: r.body,
  createdAt: r.created_at,
});

/** The thread queries over `db`, a transaction holding the disclosure write lock. */
export function threadQueries(db: Kysely<DisclosureDb>): ThreadQueries {
  // Comments (participants) and internal notes (team) are two tables of the same shape.
  const addToThread = async (table: 'comments' | 'internal_notes', c: Comment): Promise<void> => {
    await db
      .insertInto(table)
      .values({
        id: c.id,
        report_id: c.reportId,
        author_id: c.authorId,
        body: c.body,
        created_at: c.createdAt,
      })
      .execute();
  };
  const thread = async (table: 'comments' | 'internal_notes', reportId: string): Promise<Comment[]> => {
    const rows = await db
      .selectFrom(table)
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
  };

  return {
    async addComment(c) {
      await addToThread('comments', c);
    },

    async comments(reportId) {
      return thread('comments', reportId);
    },

    async addNote(n) {
      await addToThread('internal_notes', n);
    },

    async notes(reportId) {
      return thread('internal_notes', reportId);
    },

    async addAttachment(m, bytes) {
      await db
        .insertInto('attachments')
        .values({
          id: m.id,
          report_id: m.reportId,
          uploaded_by: m.uploadedBy,
          filename: m.filename,
          content_type: m.contentType,
          size: m.size,
          sha256: m.sha256,
          data: Buffer.from(bytes),
          created_at: m.createdAt,
        })
        .execute();
    },

    async attachments(reportId) {
      const rows = await db
        .selectFrom('attachments')
        .select([
          'id',
          'report_id',
          'uploaded_by',
          'filename',
          'content_type',
          'size',
          'sha256',
          'created_at',
        ])
        .where('report_id', '=', reportId)
        .orderBy('created_at')
        .execute();
      return rows.map(toAttachment);
    },

    async attachment(id) {
      const r = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { meta: toAttachment(r), bytes: new Uint8Array(r.data) } : null;
    },

    async uploadUsage(userId, since, reportId) {
      // the index attachments_uploader (uploaded_by, created_at) answers the first query
      const recent = await db
        .selectFrom('attachments')
        .select(['created_at', 'size'])
        .where('uploaded_by', '=', userId)
        .where('created_at', '>', since)
        .orderBy('created_at')
        .execute();
      const files = await db
        .selectFrom('attachments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('report_id', '=', reportId)
        .executeTakeFirstOrThrow();
      return {
        recent: recent.map((r) => ({ at: r.created_at, size: Number(r.size) })),
        reportFiles: Number(files.n),
      };
    },

    async putStatement(st) {
      const values = {
        report_id: st.reportId,
        subject: st.subject,
        party: st.party,
        disclosable: st.disclosable ? 1 : 0,
        stated_by: st.statedBy,
        stated_at: st.statedAt,
      };
      await db
        .insertInto('disclosure_statements')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['report_id', 'subject', 'party']).doUpdateSet({
            disclosable: values.disclosable,
            stated_by: values.stated_by,
            stated_at: values.stated_at,
          }),
        )
        .execute();
    },

    async statements(reportId) {
      const rows = await db
        .selectFrom('disclosure_statements')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('subject')
        .orderBy('party')
        .execute();
      return rows.map((r) => ({
        reportId: r.report_id,
        subject: r.subject as DisclosureStatement['subject'],
        party: r.party as DisclosureStatement['party'],
        disclosable: Number(r.disclosable) === 1,
        statedBy: r.stated_by,
        statedAt: r.stated_at,
      }));
    },
  };
}
