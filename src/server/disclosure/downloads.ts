import type { FastifyReply } from 'fastify';
import { type AttachmentMeta, safeFilename } from '../../disclosure/index.js';

/**
 * Sends an attachment as a download that cannot run in the page (the API's and the pages' alike):
 * Content-Disposition attachment, nosniff, a sandboxing CSP, never cached by anyone but the reader.
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
