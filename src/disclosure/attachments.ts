import { createHash } from 'node:crypto';
import { NswgError } from '../errors.js';

/** The largest attachment accepted (screenshots, a proof-of-concept archive, a short screen recording). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** What an attachment is, as stored: its bytes live beside it. */
export interface AttachmentMeta {
  id: string;
  reportId: string;
  uploadedBy: string;
  filename: string;
  /** Decided from the bytes, never from what the client claimed. */
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/**
 * The content type of `bytes` by their magic numbers, or null when it is not a type accepted:
 * PNG, JPEG, GIF, WebP, PDF, ZIP, gzip, MP4, WebM, or UTF-8 text without control characters.
 */
export function sniffContentType(b: Uint8Array): string | null {
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61)
    return 'image/gif';
  if (starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts(b, [0x50, 0x4b, 0x03, 0x04]) || starts(b, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (starts(b, [0x1f, 0x8b])) return 'application/gzip';
  if (starts(b, [0x66, 0x74, 0x79, 0x70], 4)) return 'video/mp4';
  if (starts(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (isPlainText(b)) return 'text/plain; charset=utf-8';
  return null;
}

function isPlainText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const x of b) if (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** A file name safe to show and to offer for download: no path, no control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_')
    .trim()
    .slice(0, 200);
  return clean && clean !== '.' && clean !== '..' ? clean : 'attachment';
}

/** Checks an upload (size, type by magic bytes) and describes it. Throws E_ATTACHMENT. */
export function checkAttachment(
  filename: string,
  bytes: Uint8Array,
): Pick<AttachmentMeta, 'filename' | 'contentType' | 'size' | 'sha256'> {
  if (bytes.length === 0) throw new NswgError('E_ATTACHMENT', 'the attachment is empty', { field: 'file' });
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new NswgError(
      'E_ATTACHMENT',
      `attachments are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`,
      { field: 'file' },
    );
  }
  const contentType = sniffContentType(bytes);
  if (!contentType) {
    throw new NswgError(
      'E_ATTACHMENT',
      'this kind of file is not accepted: images, PDF, ZIP, gzip, MP4, WebM or plain text only',
      {
        field: 'file',
      },
    );
  }
  return {
    filename: safeFilename(filename),
    contentType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
