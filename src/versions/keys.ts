import type { VersionSet } from './intervals.js';
import { parseVersion } from './semver-options.js';

type SemVer = NonNullable<ReturnType<typeof parseVersion>>;

/**
 * Version keys: a version as a string whose plain string order (JavaScript's, UTF-16 code units)
 * is npm's version order, prereleases included, build metadata ignored. A version set is then a
 * few key intervals (its "spans"), and "does this set hold version V?" becomes a few string
 * comparisons, with no range to parse or compile: what lets a look-up pass over the advisories
 * that cannot hold an installed version without reading them.
 *
 * A number is its digit count as one character ('A' + count - 1) then its digits, so that longer
 * numbers sort after shorter ones. A release is major, minor and patch then '~'; a prerelease is
 * the same three then '-' and its identifiers, each '0' + a number or '1' + its text, separated
 * by '!', which sorts before every character an identifier may hold (and a list that is a prefix
 * of another sorts first, as semver says). '-' sorts before '~': a prerelease before its release.
 */
export function versionKey(v: SemVer): string | null {
  let key = num(v.major) + num(v.minor) + num(v.patch);
  if (!v.prerelease.length) return `${key}~`;
  key += '-';
  for (let i = 0; i < v.prerelease.length; i++) {
    const id = v.prerelease[i]!;
    if (i) key += '!';
    if (typeof id === 'number') key += `0${num(id)}`;
    // digits kept as text are a number too large to hold exactly: semver compares those as floats
    else if (/^[0-9]+$/.test(id)) return null;
    else key += `1${id}`;
  }
  return key;
}

function num(n: number): string {
  return digitsKey(String(n));
}

/** A number's decimal digits (no leading zero) as its key: their count, then them. */
function digitsKey(digits: string): string {
  return String.fromCharCode(64 + digits.length) + digits;
}

const keys = new Map<string, string | null>();

/**
 * The key of a release written plainly (`1.2.3`: no `v`, no prerelease, numbers of 1 to 15 digits
 * without a leading zero, well within what semver accepts), or null for any other text. npm reads
 * such a release as its three numbers, so its key is theirs, made in one pass over the text,
 * without semver's parse or a regular expression's match: an audit asks for the keys of every
 * version a large lockfile installs.
 */
function plainReleaseKey(v: string): string | null {
  const n = v.length;
  let i = 0;
  let firstDot = 0;
  let secondDot = 0;
  for (let part = 0; part < 3; part++) {
    const start = i;
    for (let c = v.charCodeAt(i); c >= 48 && c <= 57; c = v.charCodeAt(++i));
    const digits = i - start;
    if (digits === 0 || digits > 15 || (digits > 1 && v.charCodeAt(start) === 48)) return null;
    if (part === 2) break;
    if (v.charCodeAt(i) !== 46) return null;
    if (part === 0) firstDot = i;
    else secondDot = i;
    i++;
  }
  if (i !== n) return null;
  return (
    digitsKey(v.slice(0, firstDot)) +
    digitsKey(v.slice(firstDot + 1, secondDot)) +
    digitsKey(v.slice(secondDot + 1)) +
    '~'
  );
}

/** The key of a version text; null when npm cannot parse it (or it has no exact key). Results are kept. */
export function keyOf(version: string): string | null {
  const plain = plainReleaseKey(version);
  if (plain !== null) return plain;
  let key = keys.get(version);
  if (key !== undefined) return key;
  const v = parseVersion(version);
  key = v ? versionKey(v) : null;
  if (keys.size > 50_000) keys.clear();
  keys.set(version, key);
  return key;
}

/** Spans longer than this are not kept (a look-up then reads the entry whole): index entries stay small. */
export const MAX_SPANS_LENGTH = 1000;

/**
 * A version set as spans: its intervals, space-separated, each `[lo,hi]` or `[lo,hi)` with an empty
 * end for no bound; '' for the empty set. Null when a bound has no key or the text would exceed
 * MAX_SPANS_LENGTH.
 */
export function spansOf(set: VersionSet): string | null {
  const parts: string[] = [];
  for (const i of set) {
    const lo = i.lo ? versionKey(i.lo) : '';
    const hi = i.hi ? versionKey(i.hi) : '';
    if (lo === null || hi === null) return null;
    parts.push(`[${lo},${hi}${i.hi && i.hiInclusive ? ']' : ')'}`);
  }
  const text = parts.join(' ');
  return text.length > MAX_SPANS_LENGTH ? null : text;
}

/**
 * Compares `key` with the text spans[from, to) as `<` compares strings (code unit by code unit):
 * negative, 0 or positive. Without cutting the text out: a look-up checks every advisory of a
 * package, each request.
 */
function compareAt(key: string, spans: string, from: number, to: number): number {
  const n = Math.min(key.length, to - from);
  for (let i = 0; i < n; i++) {
    const d = key.charCodeAt(i) - spans.charCodeAt(from + i);
    if (d !== 0) return d;
  }
  return key.length - (to - from);
}

/** Does a set, as its spans, hold the version whose key is `key`? */
export function spansHold(spans: string, key: string): boolean {
  let start = 0;
  while (start < spans.length) {
    let end = spans.indexOf(' ', start);
    if (end < 0) end = spans.length;
    const comma = spans.indexOf(',', start);
    // "[lo,hi)" or "[lo,hi]"; hi empty: no upper bound
    const fromLo = compareAt(key, spans, start + 1, comma);
    // the intervals are sorted: none further on can hold a key below this one's start
    if (fromLo < 0) return false;
    if (comma + 1 === end - 1) return true;
    const fromHi = compareAt(key, spans, comma + 1, end - 1);
    if (fromHi < 0 || (fromHi === 0 && spans.charCodeAt(end - 1) === 93)) return true;
    start = end + 1;
  }
  return false;
}
