import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_ATTACHMENT_BYTES } from '../../disclosure/index.js';
import { isNswgError, NswgError } from '../../errors.js';

/**
 * Makes this scope read multipart/form-data bodies into memory, fields and one file of at most the
 * attachment limit (a larger file is refused with 413 before it is read to the end).
 */
export async function acceptUploads(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 10, fieldSize: 10_000, parts: 12 },
  });
  // The multipart parser (busboy) refuses a malformed body (no closing boundary, a broken part
  // header) with an error that has no HTTP status, which would answer 500: before the handler runs,
  // such an error is the client's body, and is answered as one. The app's handler then answers it.
  const parsed = new WeakSet<FastifyRequest>();
  app.addHook('preHandler', async (req) => {
    parsed.add(req);
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, req) => {
    if (!parsed.has(req) && !isNswgError(err) && err.statusCode === undefined && req.isMultipart())
      throw new NswgError('E_ATTACHMENT', `the multipart/form-data body is malformed: ${err.message}`, {
        field: 'file',
      });
    throw err;
  });
}

interface FilePart {
  type: 'file';
  filename: string;
  toBuffer(): Promise<Buffer>;
}
interface FieldPart {
  type: 'field';
  value: unknown;
}

/** A text field of a multipart body (as @fastify/multipart attaches it), or undefined. */
export function multipartField(req: FastifyRequest, name: string): string | undefined {
  const part = (req.body as Record<string, FieldPart | FilePart | undefined> | undefined)?.[name];
  return part && part.type === 'field' && typeof part.value === 'string' ? part.value : undefined;
}

/** The uploaded file (field `file`) of a multipart body; E_ATTACHMENT when there is none. */
export async function uploadedFile(req: FastifyRequest): Promise<{ filename: string; bytes: Uint8Array }> {
  if (!req.isMultipart())
    throw new NswgError('E_ATTACHMENT', 'send the file as multipart/form-data, in the field "file"', {
      field: 'file',
    });
  const part = (req.body as Record<string, FieldPart | FilePart | undefined> | undefined)?.file;
  if (part?.type !== 'file')
    throw new NswgError('E_ATTACHMENT', 'choose a file to attach (the field "file")', { field: 'file' });
  return { filename: part.filename || 'attachment', bytes: new Uint8Array(await part.toBuffer()) };
}
