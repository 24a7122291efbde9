import Range from 'semver/classes/range.js';
import SemVerClass from 'semver/classes/semver.js';
import { NswgError } from '../errors.js';
import { NPM_SEMVER, parseVersion } from './semver-options.js';

type SemVer = SemVerClass;

/**
 * A contiguous run of versions in semver order: from `lo` (inclusive; null = no lower bound) to
 * `hi` (inclusive or exclusive; null = no upper bound). Exclusive lower bounds never appear:
 * `>v` is the same set as `>=next(v)` because no version sorts between `v` and `next(v)`.
 */
export interface Interval {
  lo: SemVer | null;
  hi: SemVer | null;
  hiInclusive: boolean;
}

/** A set of versions as sorted, disjoint, non-adjacent intervals. */
export type VersionSet = readonly Interval[];

const cmp = (a: SemVer, b: SemVer): number => a.compare(b);

/** The least version greater than `v` in npm's order (prereleases included). */
export function nextVersion(v: SemVer): SemVer {
  const text = v.prerelease.length
    ? `${v.major}.${v.minor}.${v.patch}-${v.prerelease.join('.')}.0`
    : `${v.major}.${v.minor}.${v.patch + 1}-0`;
  return new SemVerClass(text, NPM_SEMVER);
}

function isEmpty(i: Interval): boolean {
  if (!i.lo || !i.hi) return false;
  const c = cmp(i.lo, i.hi);
  return c > 0 || (c === 0 && !i.hiInclusive);
}

/** Does the interval hold `v`? */
function holds(i: Interval, v: SemVer): boolean {
  if (i.lo && cmp(v, i.lo) < 0) return false;
  if (i.hi) {
    const c = cmp(v, i.hi);
    if (c > 0 || (c === 0 && !i.hiInclusive)) return false;
  }
  return true;
}

/**
 * Sorts and merges intervals into the canonical VersionSet. An array that is canonical already (as
 * the sets the advisories' OSV events describe nearly always are) is returned as it is.
 */
export function normalize(intervals: Iterable<Interval>): VersionSet {
  if (Array.isArray(intervals) && isCanonical(intervals)) return intervals;
  const list = [...intervals].filter((i) => !isEmpty(i));
  list.sort((a, b) => (!a.lo ? (!b.lo ? 0 : -1) : !b.lo ? 1 : cmp(a.lo, b.lo)));
  const out: Interval[] = [];
  for (const i of list) {
    const last = out[out.length - 1];
    if (last && touches(last, i)) {
      if (!last.hi) continue;
      if (!i.hi) {
        last.hi = null;
        last.hiInclusive = false;
        continue;
      }
      const c = cmp(i.hi, last.hi);
      if (c > 0 || (c === 0 && i.hiInclusive)) {
        last.hi = i.hi;
        last.hiInclusive = i.hiInclusive;
      }
    } else {
      out.push({ ...i });
    }
  }
  return out;
}

/** Whether the intervals are a VersionSet already: none empty, each after the one before and not touching it. */
function isCanonical(list: readonly Interval[]): boolean {
  for (let k = 0; k < list.length; k++) {
    const i = list[k]!;
    if (isEmpty(i) || (k > 0 && touches(list[k - 1]!, i))) return false;
  }
  return true;
}

/** True when `b` (which starts at or after `a`) overlaps `a` or starts right where `a` ends. */
function touches(a: Interval, b: Interval): boolean {
  if (!a.hi || !b.lo) return true;
  const c = cmp(b.lo, a.hi);
  if (c <= 0) return true;
  return a.hiInclusive && cmp(b.lo, nextVersion(a.hi)) === 0;
}

/** A comparator of a plain range: an operator and a full version, `>=1.2.3` or `<2.0.0-rc.1` or `1.0.0`. */
const PLAIN_COMPARATOR =
  /^(<=|>=|<|>|=)?((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$/;

/**
 * The intervals of a range made only of plain comparators (most advisories' ranges), read without
 * semver's Range, which costs far more the first time; null for anything else (x-ranges, `~`, `^`,
 * hyphens, `*`), left to semver. (`>=0.0.0-0`, which semver rewrites to `*`, is the same set.)
 * The property tests check both ways against semver.satisfies.
 */
function plainRange(range: string): Interval[] | null {
  const intervals: Interval[] = [];
  for (const part of range.split('||')) {
    const tokens = part
      .replace(/(<=|>=|<|>|=)\s+/g, '$1')
      .trim()
      .split(/\s+/);
    if (tokens[0] === '') return null;
    const i: Interval = { lo: null, hi: null, hiInclusive: false };
    for (const token of tokens) {
      const m = PLAIN_COMPARATOR.exec(token);
      if (!m) return null;
      const v = parseVersion(m[2]!);
      if (!v) return null;
      narrow(i, m[1] ?? '', v);
    }
    intervals.push(i);
  }
  return intervals;
}

/** The VersionSet of an npm range string, with npm audit's semantics. Throws E_RANGE_PARSE. */
export function parseRange(range: string, field = 'range'): VersionSet {
  const plain = plainRange(range);
  if (plain) return normalize(plain);
  let parsed: Range;
  try {
    parsed = new Range(range, NPM_SEMVER);
  } catch {
    throw new NswgError('E_RANGE_PARSE', `not a valid npm version range: ${JSON.stringify(range)}`, {
      field,
    });
  }
  const intervals: Interval[] = [];
  for (const set of parsed.set) {
    const i: Interval = { lo: null, hi: null, hiInclusive: false };
    for (const c of set) {
      if (c.value === '') continue; // `*`: no bound
      const v = c.semver;
      narrow(i, c.operator, v);
    }
    intervals.push(i);
  }
  return normalize(intervals);
}

/** Narrows the interval to the versions that also satisfy one comparator (`''` and `=`: exactly `v`). */
function narrow(i: Interval, operator: string, v: SemVer): void {
  switch (operator) {
    case '>=':
      raiseLo(i, v);
      break;
    case '>':
      raiseLo(i, nextVersion(v));
      break;
    case '<':
      lowerHi(i, v, false);
      break;
    case '<=':
      lowerHi(i, v, true);
      break;
    default:
      raiseLo(i, v);
      lowerHi(i, v, true);
  }
}

function raiseLo(i: Interval, v: SemVer): void {
  if (!i.lo || cmp(v, i.lo) > 0) i.lo = v;
}

function lowerHi(i: Interval, v: SemVer, inclusive: boolean): void {
  if (!i.hi) {
    i.hi = v;
    i.hiInclusive = inclusive;
    return;
  }
  const c = cmp(v, i.hi);
  if (c < 0 || (c === 0 && !inclusive)) {
    i.hi = v;
    i.hiInclusive = inclusive;
  }
}

/** The interval of the set that holds `v`, if one does. */
export function intervalHolding(set: VersionSet, v: SemVer): Interval | undefined {
  for (const i of set) if (holds(i, v)) return i;
  return undefined;
}

/** Is `version` in the set? A version npm cannot parse is in no set. */
export function contains(set: VersionSet, version: string | SemVer): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  return v !== null && intervalHolding(set, v) !== undefined;
}

/**
 * The least version of the set at or above `v` (`v` itself when the set holds it); null when the
 * set has none. The same as the lower end of intersect(set, [v, ∞))'s first interval, without
 * making that set.
 */
export function leastAtOrAbove(set: VersionSet, v: SemVer): SemVer | null {
  for (const i of set) {
    if (i.hi) {
      const c = cmp(i.hi, v);
      if (c < 0 || (c === 0 && !i.hiInclusive)) continue;
    }
    return i.lo && cmp(i.lo, v) > 0 ? i.lo : v;
  }
  return null;
}

/** The versions in `a` that are also in `b`. */
export function intersect(a: VersionSet, b: VersionSet): VersionSet {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = !x.lo ? y.lo : !y.lo ? x.lo : cmp(x.lo, y.lo) >= 0 ? x.lo : y.lo;
      let hi: SemVer | null;
      let hiInclusive: boolean;
      if (!x.hi || !y.hi) {
        hi = x.hi ?? y.hi;
        hiInclusive = x.hi ? x.hiInclusive : y.hiInclusive;
      } else {
        const c = cmp(x.hi, y.hi);
        hi = c <= 0 ? x.hi : y.hi;
        hiInclusive = c < 0 ? x.hiInclusive : c > 0 ? y.hiInclusive : x.hiInclusive && y.hiInclusive;
      }
      out.push({ lo, hi, hiInclusive });
    }
  }
  return normalize(out);
}

/** All versions not in `a`. */
export function complement(a: VersionSet): VersionSet {
  const out: Interval[] = [];
  let lo: SemVer | null = null;
  let open = true;
  for (const i of a) {
    if (i.lo) out.push({ lo, hi: i.lo, hiInclusive: false });
    if (!i.hi) {
      open = false;
      break;
    }
    lo = i.hiInclusive ? nextVersion(i.hi) : i.hi;
  }
  if (open) out.push({ lo, hi: null, hiInclusive: false });
  return normalize(out);
}

/** The versions in `a` that are not in `b`. */
export function difference(a: VersionSet, b: VersionSet): VersionSet {
  return intersect(a, complement(b));
}

/** The versions in `a` or in `b`. */
export function union(a: VersionSet, b: VersionSet): VersionSet {
  return normalize([...a, ...b]);
}

/** An npm range string for the set (`<0.0.0-0` for the empty set, which npm reads as "nothing"). */
export function toNpmRange(set: VersionSet): string {
  if (!set.length) return '<0.0.0-0';
  return set
    .map((i) => {
      if (!i.lo && !i.hi) return '*';
      if (i.lo && i.hi && i.hiInclusive && cmp(i.lo, i.hi) === 0) return `=${i.lo.version}`;
      const parts: string[] = [];
      if (i.lo) parts.push(`>=${i.lo.version}`);
      if (i.hi) parts.push(`${i.hiInclusive ? '<=' : '<'}${i.hi.version}`);
      return parts.join(' ');
    })
    .join(' || ');
}
