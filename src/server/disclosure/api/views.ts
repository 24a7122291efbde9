import type { FastifyReply } from 'fastify';
import type { Severity } from '../../../advisories/index.js';
import type { AttachmentMeta, Report } from '../../../disclosure/index.js';
import { REPORT_STATES, type ReportState, safeFilename } from '../../../disclosure/index.js';
import { NswgError } from '../../../errors.js';
import type { QueueFilter } from '../queries.js';
import { authorName, type ReadReport } from '../service.js';

/** A report as JSON for its participants. */
export const reportJson = (r: Report) => ({
  ...r,
  ...(r.state === 'published' ? { publishedWithoutFix: r.patchedVersions === null } : {}),
});

/** What the API answers for GET /api/reports/:id. */
export async function viewJson(read: ReadReport) {
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
  const { view, names, team } = read;
  const r = view.report;
  const named = (list: typeof view.comments) =>
    Promise.all(
      list.map(async (c) => ({
        id: c.id,
        authorId: c.authorId,
        author: await authorName(names, r, team, c.authorId),
        body: c.body,
        createdAt: c.createdAt,
      })),
    );
  return {
    form: 'full' as const,
    report: reportJson(r),
    history: view.history,
    comments: await named(view.comments),
    notes: view.notes ? await named(view.notes) : null,
    attachments: view.attachments,
    proposals: view.proposals,
    flags: view.flags,
    agreement: view.agreement,
    party: view.party,
    allowed: view.allowed,
  };
}

/** The queue filters from a query string. */
export function queueFilter(q: {
  state?: string;
  package?: string;
  severity?: string;
  mine?: string;
}): QueueFilter {
  const f: QueueFilter = {};
  if (q.state) {
    const states = q.state
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = states.filter((s) => !(REPORT_STATES as readonly string[]).includes(s));
    if (bad.length)
      throw new NswgError(
        'E_REQUEST_INVALID',
        `unknown state ${bad[0]}: one of ${REPORT_STATES.join(', ')}`,
        { field: 'querystring.state' },
      );
    f.states = states as ReportState[];
  }
  if (q.package?.trim()) f.packageName = q.package.trim();
  if (q.severity && ['info', 'low', 'moderate', 'high', 'critical'].includes(q.severity))
    f.severity = q.severity as Severity;
  if (q.mine === '1' || q.mine === 'true') f.mine = true;
  return f;
}

/**
 * Sends an attachment as a download that cannot run in the page: Content-Disposition attachment,
 * nosniff, a sandboxing CSP, never cached by anyone but the participant.
 */
export function sendAttachment(reply: FastifyReply, meta: AttachmentMeta, bytes: Uint8Array): FastifyReply {
  const name = safeFilename(meta.filename);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return reply
    .type(meta.contentType)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('content-length', String(bytes.length))
    .send(Buffer.from(bytes));
}
