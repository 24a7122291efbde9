import { NswgError } from '../errors.js';
import { disclosedContent } from './agreement.js';
import { type AttachmentMeta, checkAttachment } from './attachments.js';
import { auditEntry, type Origin } from './audit-log.js';
import { commentNotice } from './notifications.js';
import { assertCan, can } from './permissions.js';
import type { Comment, InternalNote } from './ports.js';
import { type ProgramContext, refusedRead } from './program-context.js';
import { checkUploadQuota, DEFAULT_UPLOAD_QUOTAS, quotaWindowStart } from './quotas.js';
import type { Report } from './report.js';
import { type Actor, actorId } from './roles.js';

// The program's collaboration on a report: comments, the team's internal notes, attachments.
// Maintainer invitations are in program-invitations.ts.

/** Comments, internal notes and attachments of a report. */
export class Collaboration {
  constructor(private readonly ctx: ProgramContext) {}

  /** A comment every participant sees. A team member's comment counts as the first answer. */
  async comment(actor: Actor, reportId: string, body: string, origin: Origin): Promise<Comment> {
    const { ctx } = this;
    const now = ctx.now();
    const text = checkBody(body);
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'comment', now);
      const c: Comment = {
        id: ctx.newId(),
        reportId,
        authorId: actorId(actor)!,
        body: text,
        createdAt: now.toISOString(),
      };
      await tx.addComment(c);
      if (
        report.firstAnswerAt === null &&
        can(actor, 'view-internal-notes', report, now) &&
        !isOwn(actor, report)
      ) {
        await tx.updateReport({ ...report, firstAnswerAt: c.createdAt, updatedAt: c.createdAt });
      }
      await tx.audit(auditEntry(actor, 'report.comment', origin, now, reportId, { commentId: c.id }));
      await out.notify(tx, report, commentNotice(report, ctx.deps.links));
      return c;
    });
  }

  /** An internal note, for the team only. */
  async addNote(actor: Actor, reportId: string, body: string, origin: Origin): Promise<InternalNote> {
    const { ctx } = this;
    const now = ctx.now();
    const text = checkBody(body);
    return ctx.transaction(actor, origin, async (tx) => {
      await ctx.load(tx, actor, reportId, 'add-internal-note', now);
      const n: InternalNote = {
        id: ctx.newId(),
        reportId,
        authorId: actorId(actor)!,
        body: text,
        createdAt: now.toISOString(),
      };
      await tx.addNote(n);
      await tx.audit(auditEntry(actor, 'report.note', origin, now, reportId, { noteId: n.id }));
      return n;
    });
  }

  /**
   * Adds an attachment; its type comes from its bytes and must agree with its name. E_QUOTA when the
   * uploader's quotas (files per window, files and bytes per day) or the report's are reached: they
   * are counted under the transaction's write lock, so concurrent uploads cannot both slip in.
   */
  async addAttachment(
    actor: Actor,
    reportId: string,
    file: { filename: string; bytes: Uint8Array },
    origin: Origin,
  ): Promise<AttachmentMeta> {
    const { ctx } = this;
    const now = ctx.now();
    const checked = checkAttachment(file.filename, file.bytes);
    return ctx.transaction(actor, origin, async (tx) => {
      await ctx.load(tx, actor, reportId, 'upload-attachment', now);
      const uploadedBy = actorId(actor)!;
      const quotas = ctx.deps.uploadQuotas ?? DEFAULT_UPLOAD_QUOTAS;
      const usage = await tx.uploadUsage(uploadedBy, quotaWindowStart(quotas, now), reportId);
      checkUploadQuota(quotas, usage, checked.size, now);
      const meta: AttachmentMeta = {
        ...checked,
        id: ctx.newId(),
        reportId,
        uploadedBy,
        createdAt: now.toISOString(),
      };
      await tx.addAttachment(meta, file.bytes);
      await tx.audit(
        auditEntry(actor, 'attachment.add', origin, now, reportId, {
          attachmentId: meta.id,
          contentType: meta.contentType,
          size: meta.size,
        }),
      );
      return meta;
    });
  }

  /**
   * Reads an attachment: a participant's read is recorded in the audit log; anyone may read one that
   * its published report discloses (agreement.ts). E_NOT_FOUND otherwise, whether it exists or not.
   */
  async readAttachment(
    actor: Actor,
    attachmentId: string,
    origin: Origin,
  ): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    const now = this.ctx.now();
    const notFound = () => new NswgError('E_NOT_FOUND', 'attachment not found', { field: 'attachment' });
    return this.ctx.transaction(actor, origin, async (tx) => {
      const found = await tx.attachment(attachmentId);
      if (!found) throw notFound();
      const report = await tx.getReport(found.meta.reportId);
      if (!report) throw notFound();
      if (can(actor, 'read-attachment', report, now)) {
        await tx.audit(auditEntry(actor, 'attachment.read', origin, now, report.id, { attachmentId }));
        return found;
      }
      const ids = (await tx.attachments(report.id)).map((a) => a.id);
      const disclosed = disclosedContent(report, ids, await tx.statements(report.id));
      if (disclosed.attachmentIds.includes(attachmentId)) return found;
      // a team role waiting for the second factor is told so, anyone else "not found" (and it is logged)
      try {
        assertCan(actor, 'read-attachment', report, now);
      } catch (e) {
        if (e instanceof NswgError && e.field === 'totp') throw e;
      }
      throw refusedRead(report.id, 'read-attachment', 'attachment');
    });
  }
}

const isOwn = (a: Actor, r: Report) => a.kind === 'user' && (a.id === r.reporterId || a.id === r.filedById);

function checkBody(body: string): string {
  const text = typeof body === 'string' ? body.trim() : '';
  if (!text || text.length > 50_000)
    throw new NswgError('E_REPORT_INVALID', 'body must be 1 to 50000 characters', { field: 'body' });
  return text;
}
