import { NswgError } from '../errors.js';
import { parseJsonOr } from '../util/json-syntax.js';
import { utcDay } from '../util/utc-day.js';
import type { Finding, IgnoredFinding } from './findings.js';

/** One entry of `.nswg-ignore.json`. */
export interface IgnoreEntry {
  /** An advisory id (NSWG-ECO-368, GHSA-…) or an alias (CVE-…). */
  id: string;
  /** Only for this package. */
  package: string | null;
  /**
   * Only where every dependency path that brings the finding in matches: package names joined by
   * ">", where `*` stands for one package and `**` for any number (e.g. "root>**>send").
   */
  path: string | null;
  /** Why it is acceptable: required, shown in every report. */
  reason: string;
  /** YYYY-MM-DD; from that day on the entry no longer ignores anything and is reported as expired. */
  expires: string | null;
}

export const IGNORE_FILE_NAME = '.nswg-ignore.json';

const KEYS = new Set(['id', 'package', 'path', 'reason', 'expires']);

/**
 * Parses an ignore file's text: `{"ignore": [entries]}` or a bare array. Every problem names the
 * file and the entry's field; a bad file is an error (exit 2), never silently "nothing ignored".
 */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const value = parseJsonOr(
    text,
    (why, line) => new NswgError('E_IGNORE_FILE', `not valid JSON: ${why}`, line ? { file, line } : { file }),
  );
  const list = Array.isArray(value) ? value : (value as { ignore?: unknown })?.ignore;
  if (!Array.isArray(list))
    throw new NswgError('E_IGNORE_FILE', 'must be {"ignore": [ … ]} or an array of entries', {
      file,
      field: 'ignore',
    });
  return list.map((raw, i) => parseEntry(raw, file, Array.isArray(value) ? `[${i}]` : `ignore[${i}]`));
}

function parseEntry(raw: unknown, file: string, at: string): IgnoreEntry {
  const bad = (field: string, message: string) =>
    new NswgError('E_IGNORE_FILE', message, { file, field: `${at}.${field}` });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new NswgError('E_IGNORE_FILE', 'must be an object', { file, field: at });
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.has(k)) throw bad(k, `is not a field of an ignore entry (id, package, path, reason, expires)`);
  if (typeof o.id !== 'string' || !o.id.trim())
    throw bad('id', 'is required: the advisory id or CVE to ignore');
  if (typeof o.reason !== 'string' || !o.reason.trim())
    throw bad('reason', 'is required: say why this finding is acceptable');
  for (const k of ['package', 'path', 'expires'] as const) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string') throw bad(k, 'must be a string');
  }
  const expires = (o.expires as string | undefined) ?? null;
  if (
    expires !== null &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))
  ) {
    throw bad('expires', `must be a date written YYYY-MM-DD, not ${JSON.stringify(expires)}`);
  }
  return {
    id: o.id.trim(),
    package: (o.package as string | undefined) ?? null,
    path: (o.path as string | undefined) ?? null,
    reason: o.reason.trim(),
    expires,
  };
}

function pathMatches(pattern: string, path: readonly string[]): boolean {
  const parts = pattern.split('>').map((p) => p.trim());
  const match = (i: number, j: number): boolean => {
    if (i === parts.length) return j === path.length;
    if (parts[i] === '**') return match(i + 1, j) || (j < path.length && match(i, j + 1));
    if (j === path.length) return false;
    return (parts[i] === '*' || parts[i] === path[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function entryMatches(e: IgnoreEntry, f: Finding): boolean {
  if (e.id !== f.id && !f.aliases.includes(e.id)) return false;
  if (e.package !== null && e.package !== f.name) return false;
  const pattern = e.path;
  if (pattern !== null && !f.paths.every((p) => pathMatches(pattern, p))) return false;
  return true;
}

/**
 * Splits findings into those still reported and those ignored; entries expired on `today` ignore
 * nothing and are returned as expired.
 */
export function applyIgnores(
  findings: readonly Finding[],
  entries: readonly IgnoreEntry[],
  today: Date,
): { findings: Finding[]; ignored: IgnoredFinding[]; expired: IgnoreEntry[] } {
  const day = utcDay(today);
  const live = entries.filter((e) => e.expires === null || e.expires > day);
  const expired = entries.filter((e) => e.expires !== null && e.expires <= day);
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const f of findings) {
    const e = live.find((x) => entryMatches(x, f));
    if (e) ignored.push({ finding: f, reason: e.reason, expires: e.expires });
    else kept.push(f);
  }
  return { findings: kept, ignored, expired };
}
