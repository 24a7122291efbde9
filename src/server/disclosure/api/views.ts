import {
  type PossibleDuplicate,
  publicNoteView,
  type ReadReport,
  type Report,
  type ReportView,
} from '../../../disclosure/index.js';
import { paths, type UserNames } from '../context.js';

// The API's answers: the program's results as JSON.

/** A report as JSON for its participants. */
export const reportJson = (r: Report) => ({
  ...r,
  ...(r.state === 'published' ? { publishedWithoutFix: r.patchedVersions === null } : {}),
});

/** A possible duplicate as JSON, with the path of its page. */
export const duplicateJson = (d: PossibleDuplicate) => ({ ...d, path: paths.duplicate(d) });

/** What the API answers for GET /api/reports/:id: authors named as the program says the reader sees them. */
export async function viewJson(read: ReadReport, names: UserNames) {
  if (read.form === 'disclosed') {
    const d = read.disclosure;
    return {
      form: 'disclosed' as const,
      report: d.report,
      history: d.history,
      comments: d.comments,
      attachments: d.attachments,
      proposals: [],
      allowed: [],
    };
  }
  const { view } = read;
  const named = (list: ReportView['comments']) =>
    Promise.all(
      list.map(async (c) => ({
        id: c.id,
        authorId: c.authorId,
        author: await names.nameIn(view, c.authorId),
        body: c.body,
        createdAt: c.createdAt,
      })),
    );
  return {
    form: 'full' as const,
    report: reportJson(view.report),
    history: view.history,
    comments: await named(view.comments),
    notes: view.notes ? await named(view.notes) : null,
    attachments: view.attachments,
    proposals: view.proposals,
    flags: view.flags,
    agreement: view.agreement,
    party: view.party,
    allowed: view.allowed,
    cve: view.cve,
    credits: view.credits,
    reporterSignal: view.reporterSignal,
    publicNote: view.publicNote ? publicNoteView(view.publicNote) : null,
  };
}
