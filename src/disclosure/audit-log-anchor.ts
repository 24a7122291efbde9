import { timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './audit-log.js';
import { hmacHex } from './keys.js';

// The audit log's hash chain shows an entry edited, inserted or deleted, but a database writer can
// recompute every hash after an edit with the public hash function, head included. Two things they
// lack close that: the audit key (derived from the secret file, never in the database), which
// authenticates each entry, and the anchor file, an append-only record of the head kept outside the
// database, which shows a log cut short or rewritten up to an anchored entry.

/** The MAC of an entry: HMAC-SHA-256 of its hash with the audit key. */
export const auditMac = (key: Buffer, hash: string): string => hmacHex(key, hash);

/** True when `mac` is the MAC `text` has under `key` (compared in constant time). */
function macMatches(key: Buffer, text: string, mac: string): boolean {
  const expected = Buffer.from(hmacHex(key, text), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when an entry's stored MAC is the one its hash has under the audit key. */
export const auditMacMatches = (key: Buffer, hash: string, mac: string): boolean =>
  /^[0-9a-f]{64}$/.test(mac) && macMatches(key, hash, mac);

/** The version of the anchor line format. */
const ANCHOR_VERSION = 1;

/** The head of the log as written outside the database: one JSON line of the anchor file. */
export interface AuditAnchor {
  v: typeof ANCHOR_VERSION;
  /** The last entry's seq and hash when the line was written. */
  seq: number;
  hash: string;
  /** When the line was written. */
  at: string;
  /** The database it was written for (its name, password hidden): tells lines of two databases apart. */
  db: string;
  /** HMAC-SHA-256 of the fields above with the audit key: a line made without the secret is detected. */
  mac: string;
}

/** An anchor read back from the file, with its line number. */
export type ReadAnchor = AuditAnchor & { line: number };

/** Where anchors go: a file opened for appending only (or anything else append-only). */
export interface AnchorSink {
  /** Where the anchors go, for messages. */
  readonly name: string;
  /** Appends one line durably (written through to the disk before it resolves). */
  append(line: string): Promise<void>;
  /**
   * What was appended so far (its last `tailBytes` bytes when given, the first line then likely cut),
   * or null when nothing was; a sink that cannot be read back has no read.
   */
  read?(tailBytes?: number): Promise<string | null>;
}

// A label before the fields keeps an anchor's MAC from ever equalling an entry's (a bare hash).
const anchorText = (a: Omit<AuditAnchor, 'mac'>): string =>
  `nswg audit anchor\n${canonicalJson({ v: a.v, seq: a.seq, hash: a.hash, at: a.at, db: a.db })}`;

/** The anchor file's line for the head `{seq, hash}` of database `db`, ending with a newline. */
export function anchorLine(key: Buffer, head: { seq: number; hash: string }, at: Date, db: string): string {
  const fields: Omit<AuditAnchor, 'mac'> = {
    v: ANCHOR_VERSION,
    seq: head.seq,
    hash: head.hash,
    at: at.toISOString(),
    db,
  };
  return `${JSON.stringify({ ...fields, mac: hmacHex(key, anchorText(fields)) })}\n`;
}

/** True when the anchor's MAC is the one the audit key gives its fields. */
export const anchorMacMatches = (key: Buffer, a: AuditAnchor): boolean =>
  macMatches(key, anchorText(a), a.mac);

/** The anchor file read: its anchors, and the lines that are not anchors (with what is wrong). */
export interface ParsedAnchors {
  anchors: ReadAnchor[];
  bad: { line: number; problem: string }[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The anchor of one line, or what is wrong with it. */
function parseAnchor(text: string): AuditAnchor | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'it is not an anchor';
  const a = v as Record<string, unknown>;
  if (a.v !== ANCHOR_VERSION) return `it is not an anchor of version ${ANCHOR_VERSION}`;
  if (!Number.isSafeInteger(a.seq) || (a.seq as number) < 1) return 'its seq is not a positive whole number';
  if (typeof a.hash !== 'string' || !HEX64.test(a.hash)) return 'its hash is not a SHA-256 in hex';
  if (typeof a.at !== 'string' || Number.isNaN(Date.parse(a.at))) return 'its time is not a date';
  if (typeof a.db !== 'string') return 'it names no database';
  if (typeof a.mac !== 'string' || !HEX64.test(a.mac)) return 'its MAC is not an HMAC-SHA-256 in hex';
  const extra = Object.keys(a).filter((k) => !['v', 'seq', 'hash', 'at', 'db', 'mac'].includes(k));
  if (extra.length) return `it has fields an anchor does not have (${extra.join(', ')})`;
  return { v: ANCHOR_VERSION, seq: a.seq as number, hash: a.hash, at: a.at, db: a.db, mac: a.mac };
}

/**
 * Reads the anchor file's text. Every line must be an anchor: a line that is not (or one cut short,
 * with no newline at its end) is reported, never skipped, since what cannot be read cannot vouch.
 */
export function parseAnchors(text: string): ParsedAnchors {
  const out: ParsedAnchors = { anchors: [], bad: [] };
  const lines = text.split('\n');
  const last = lines.length - 1;
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    if (i === last) {
      out.bad.push({ line, problem: 'it is cut short (no newline at its end)' });
      return;
    }
    const a = parseAnchor(raw);
    if (typeof a === 'string') out.bad.push({ line, problem: a });
    else out.anchors.push({ ...a, line });
  });
  return out;
}
