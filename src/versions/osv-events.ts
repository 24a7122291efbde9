import type SemVer from 'semver/classes/semver.js';
import { NswgError } from '../errors.js';
import { type Interval, normalize, type VersionSet } from './intervals.js';
import { parseVersion } from './semver-options.js';

/** One OSV range event. */
export type OsvEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

/** One OSV `ranges[]` entry of type SEMVER (or ECOSYSTEM, read the same way for npm). */
export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  events: OsvEvent[];
  repo?: string;
  database_specific?: Record<string, unknown>;
}

/**
 * The OSV ranges for a set. OSV forbids `fixed` and `last_affected` in one events list, so the
 * intervals closed by an exclusive bound (or not closed) go in one SEMVER range and those closed
 * by an inclusive bound in a second one. An empty set has no ranges.
 */
export function toOsvRanges(set: VersionSet): OsvRange[] {
  const fixed: OsvEvent[] = [];
  const lastAffected: OsvEvent[] = [];
  for (const i of set) {
    const into = i.hi && i.hiInclusive ? lastAffected : fixed;
    into.push({ introduced: i.lo ? i.lo.version : '0' });
    if (i.hi) into.push(i.hiInclusive ? { last_affected: i.hi.version } : { fixed: i.hi.version });
  }
  const out: OsvRange[] = [];
  if (fixed.length) out.push({ type: 'SEMVER', events: fixed });
  if (lastAffected.length) out.push({ type: 'SEMVER', events: lastAffected });
  return out;
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const ORDER: Record<Kind, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

/** OSV's order of events: by version (`introduced: "0"` first), then introduced before the others. */
function eventOrder(a: { kind: Kind; v: SemVer | null }, b: { kind: Kind; v: SemVer | null }): number {
  if (!a.v || !b.v) return a.v === b.v ? 0 : a.v ? 1 : -1;
  return a.v.compare(b.v) || ORDER[a.kind] - ORDER[b.kind];
}

/**
 * The set that OSV ranges describe, following the OSV evaluation rules: events sorted by version,
 * `introduced` opens, `fixed` closes before, `last_affected` closes after, `limit` caps the range.
 * GIT ranges are skipped (no version order). Throws E_RANGE_PARSE naming the bad event.
 */
export function fromOsvRanges(ranges: readonly OsvRange[], field = 'ranges'): VersionSet {
  // read for every advisory an audit considers: plain loops, and the error's location is written
  // only for an error
  const intervals: Interval[] = [];
  const at = (r: number, n: number): string => `${field}[${r}].events[${n}]`;
  for (let r = 0; r < ranges.length; r++) {
    const range = ranges[r]!;
    if (range.type === 'GIT') continue;
    const events: { kind: Kind; v: SemVer | null }[] = [];
    let cap: SemVer | null = null;
    for (let n = 0; n < range.events.length; n++) {
      const e = range.events[n] as Record<string, unknown>;
      let kind: Kind | undefined;
      for (const k in e) {
        if (k in ORDER) {
          kind = k as Kind;
          break;
        }
      }
      if (!kind)
        throw new NswgError('E_RANGE_PARSE', 'event has no introduced, fixed, last_affected or limit', {
          field: at(r, n),
        });
      const text = e[kind];
      if (typeof text !== 'string')
        throw new NswgError('E_RANGE_PARSE', `${kind} must be a string`, { field: at(r, n) });
      if (text === '0' && kind === 'introduced') {
        events.push({ kind, v: null });
        continue;
      }
      const v = parseVersion(text);
      if (!v)
        throw new NswgError('E_RANGE_PARSE', `${kind} is not a version: ${JSON.stringify(text)}`, {
          field: at(r, n),
        });
      if (kind === 'limit' && (!cap || v.compare(cap) > 0)) cap = v;
      events.push({ kind, v });
    }
    // usually in order already (introduced, fixed, introduced, …)
    let sorted = true;
    for (let k = 1; k < events.length && sorted; k++) sorted = eventOrder(events[k - 1]!, events[k]!) <= 0;
    if (!sorted) events.sort(eventOrder);
    let open: Interval | null = null;
    const close = (i: Interval): void => {
      if (cap && (!i.hi || i.hi.compare(cap) > 0 || (i.hi.compare(cap) === 0 && i.hiInclusive))) {
        i.hi = cap;
        i.hiInclusive = false;
      }
      intervals.push(i);
    };
    for (const e of events) {
      if (e.kind === 'introduced') {
        if (!open) open = { lo: e.v, hi: null, hiInclusive: false };
      } else if (open && e.v && (e.kind === 'fixed' || e.kind === 'last_affected')) {
        open.hi = e.v;
        open.hiInclusive = e.kind === 'last_affected';
        close(open);
        open = null;
      }
    }
    if (open) close(open);
  }
  return normalize(intervals);
}
