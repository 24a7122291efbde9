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

const TEXT = 'text/plain; charset=utf-8';

/** The kinds accepted: the type the bytes make it, how a person says it, the names that claim it. */
const KINDS: readonly { type: string; words: string; names: readonly string[] }[] = [
  { type: 'image/png', words: 'a PNG image', names: ['png'] },
  { type: 'image/jpeg', words: 'a JPEG image', names: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  { type: 'image/gif', words: 'a GIF image', names: ['gif'] },
  { type: 'image/webp', words: 'a WebP image', names: ['webp'] },
  { type: 'application/pdf', words: 'a PDF document', names: ['pdf'] },
  { type: 'application/zip', words: 'a ZIP archive', names: ['zip'] },
  { type: 'application/gzip', words: 'a gzip archive', names: ['gz', 'tgz'] },
  { type: 'video/mp4', words: 'an MP4 video', names: ['mp4', 'm4v'] },
  { type: 'video/webm', words: 'a WebM video', names: ['webm'] },
  {
    type: TEXT,
    words: 'plain text',
    // code and logs: a Node.js proof of concept is most often a script, and every download is inert
    names: [
      ...['txt', 'text', 'md', 'log', 'csv', 'tsv', 'diff', 'patch', 'sql'],
      ...['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'jsonc', 'json5', 'map'],
      ...['yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'env', 'lock', 'sh', 'bash', 'zsh', 'py', 'rb'],
      ...['c', 'h', 'cc', 'cpp', 'hpp', 'rs', 'go', 'java', 'gyp', 'gypi'],
    ],
  },
];

/**
 * Names refused whatever the bytes: a browser opens these as a page (markup runs its scripts when the
 * file is opened from disk), and Windows runs these when they are opened.
 */
const PAGE_NAMES = [
  'html',
  'htm',
  'xhtml',
  'xht',
  'shtml',
  'svg',
  'svgz',
  'xml',
  'xsl',
  'xslt',
  'mht',
  'mhtml',
];
const RUN_NAMES = [
  ...['hta', 'bat', 'cmd', 'com', 'exe', 'scr', 'pif', 'msi', 'lnk', 'cpl', 'reg', 'jar'],
  ...['ps1', 'psm1', 'vbs', 'vbe', 'jse', 'wsf', 'wsh'],
];

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/**
 * The content type of `bytes` by their magic numbers, or null when it is not a type accepted:
 * PNG, JPEG, GIF, WebP, PDF, ZIP, gzip, MP4, WebM, or UTF-8 text without control characters that
 * does not begin as markup (see markupStart).
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
  if (markupStart(b) === null && isPlainText(b)) return TEXT;
  return null;
}

const isLetter = (x: number | undefined) =>
  x !== undefined && ((x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a));

/**
 * How `bytes` begin when they begin as markup a browser would render, else null: after a UTF-8 byte
 * order mark and blank space, "<" and then a letter, "!" or "?" or "/". That takes in every HTML
 * signature of the WHATWG MIME sniffing standard (`<!DOCTYPE HTML`, `<html`, `<script`, `<iframe`,
 * `<body`, `<!--`, …), `<?xml`, SVG (`<svg`) and any other XML document; a script that merely holds
 * markup in a string further on is not markup.
 */
export function markupStart(b: Uint8Array): string | null {
  let i = starts(b, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0c || b[i] === 0x0d))
    i++;
  const next = b[i + 1];
  if (b[i] !== 0x3c || !(isLetter(next) || next === 0x21 || next === 0x3f || next === 0x2f)) return null;
  let end = i + 2;
  while (end < b.length && end < i + 16 && (isLetter(b[end]) || b[end] === 0x2d || b[end] === 0x3a)) end++;
  return String.fromCharCode(...b.subarray(i, end));
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

/**
 * The extension of a file name, lower case, or '' when it has none. Trailing dots and spaces are
 * dropped first, as Windows drops them when it saves the file ("page.html." opens as "page.html").
 */
function extensionOf(name: string): string {
  const bare = name.replace(/[. ]+$/, '');
  const dot = bare.lastIndexOf('.');
  return dot > 0 ? bare.slice(dot + 1).toLowerCase() : '';
}

const refused = (name: string, why: string) =>
  new NswgError('E_ATTACHMENT', `"${name}" is refused: ${why}`, { field: 'file' });

/**
 * Checks an upload and describes it. The type comes from the bytes and must agree with the name: a
 * name that says PNG needs a PNG's bytes, one that says text needs plain text. Markup (HTML, SVG,
 * XML) is refused under any name, and so are names a browser opens as a page or Windows runs.
 * Throws E_ATTACHMENT naming the file and what was wrong.
 */
export function checkAttachment(
  filename: string,
  bytes: Uint8Array,
): Pick<AttachmentMeta, 'filename' | 'contentType' | 'size' | 'sha256'> {
  const name = safeFilename(filename);
  if (bytes.length === 0) throw refused(name, 'the file is empty');
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    throw refused(name, `attachments are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`);
  const ext = extensionOf(name);
  if (PAGE_NAMES.includes(ext))
    throw refused(name, `a browser opens .${ext} files as a page; send it inside a ZIP archive`);
  if (RUN_NAMES.includes(ext))
    throw refused(name, `Windows runs .${ext} files when they are opened; send it inside a ZIP archive`);
  const markup = markupStart(bytes);
  if (markup !== null)
    throw refused(
      name,
      `it is markup a browser would render (it begins with "${markup}"): HTML, SVG and XML are refused under any name; send it inside a ZIP archive`,
    );
  const contentType = sniffContentType(bytes);
  if (!contentType)
    throw refused(
      name,
      'this kind of file is not accepted: images (PNG, JPEG, GIF, WebP), PDF, ZIP, gzip, MP4, WebM or plain text only',
    );
  const claimed = KINDS.find((k) => k.names.includes(ext));
  if (claimed && claimed.type !== contentType) {
    const actual = KINDS.find((k) => k.type === contentType)!;
    throw refused(name, `its name says ${claimed.words} but its bytes are ${actual.words}`);
  }
  return {
    filename: name,
    contentType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
