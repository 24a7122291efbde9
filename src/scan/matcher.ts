import type { Advisory, Affected } from '../advisories/model.js';
import { NswgError } from '../errors.js';
import {
  contains,
  difference,
  fromOsvRanges,
  type OsvRange,
  parseRange,
  parseVersion,
  union,
  type VersionSet,
} from '../versions/index.js';
import { keyOf, spansHold, spansOf } from '../versions/keys.js';

type SemVer = NonNullable<ReturnType<typeof parseVersion>>;

/** What deciding "does this entry hold version V?" reads of an `affected` entry. */
export type MatchableEntry = Pick<
  Affected,
  'ecosystem' | 'name' | 'vulnerable' | 'patched' | 'ranges' | 'versions'
>;

const NONE: ReadonlySet<string> = new Set();

/**
 * One `affected` entry, ready to say which versions it holds: the one decision the audit, every
 * API endpoint and the pages make, made here only. Its version set is compiled on first use (most
 * entries a server caches are never asked about) and what it was compiled from is then dropped.
 *
 * The decision is npm audit's (npm's semver, loose, prereleases included):
 * - an npm package's versions are its OSV ranges, which say exactly what the npm range
 *   `vulnerable` says (docs/formats.md; a property test checks it) and are cheaper to compile; an
 *   entry without ranges is its npm range;
 * - Node.js core's are the vulnerable versions minus the patched ones (what is-my-node-vulnerable
 *   decides): its OSV ranges, or without them the two npm ranges (a patched range npm cannot read
 *   takes nothing away);
 * - versions listed one by one (OSV `versions`) are held too, by their text or as `=version`;
 * - a range npm cannot read holds nothing: npm's semver.satisfies answers false for it, so npm
 *   audit reports nothing for that entry, and neither does nswg (never an error, nor an audit
 *   that stops);
 * - a version npm cannot parse is in no range (it can still be listed).
 */
export class EntryMatcher {
  readonly ecosystem: 'npm' | 'node';
  readonly name: string;
  readonly #listed: ReadonlySet<string>;
  #source: Source | undefined;
  #set: VersionSet | undefined;

  constructor(entry: MatchableEntry) {
    this.ecosystem = entry.ecosystem;
    this.name = entry.name;
    this.#listed = entry.versions.length ? new Set(entry.versions) : NONE;
    this.#source = {
      vulnerable: entry.vulnerable,
      patched: entry.patched,
      ranges: entry.ranges,
      versions: entry.versions,
    };
  }

  /** The versions the entry holds, as a set in npm's order (listed versions included). */
  get set(): VersionSet {
    if (this.#set === undefined) {
      this.#set = compile(this.ecosystem, this.#source!);
      this.#source = undefined;
    }
    return this.#set;
  }

  /** Does the entry concern the package? For core, any entry naming Node.js does. */
  concerns(ecosystem: 'npm' | 'node', name: string): boolean {
    return this.ecosystem === ecosystem && (ecosystem === 'node' || this.name === name);
  }

  /** Does the entry hold `version` (`parsed`: the same, parsed by parseVersion; null when npm cannot)? */
  holds(version: string, parsed: SemVer | null = parseVersion(version)): boolean {
    return this.#listed.has(version) || (parsed !== null && contains(this.set, parsed));
  }
}

/**
 * The entry's versions as spans (versions/keys.ts), stored beside it so that a look-up can pass
 * over an entry that cannot hold a version without reading or compiling it: exactly the versions
 * `EntryMatcher.holds` accepts by their parsed value. '' (none) for a withdrawn advisory; null
 * when that cannot be said with keys (a version listed one by one that npm cannot parse, which
 * matches by its text; a bound without an exact key; spans too long): the entry is then read.
 */
export function matchSpans(entry: MatchableEntry, withdrawn: boolean): string | null {
  return matchSpansOf([entry], withdrawn);
}

/** The spans of several entries together (an advisory's entries for one package): the union of their versions. */
export function matchSpansOf(entries: readonly MatchableEntry[], withdrawn: boolean): string | null {
  if (withdrawn) return '';
  if (entries.some((e) => e.versions.some((v) => keyOf(v) === null))) return null;
  return spansOf(entries.reduce<VersionSet>((set, e) => union(set, compile(e.ecosystem, e)), []));
}

/**
 * Can an entry with these spans (matchSpans) hold one of the versions? False only when the
 * matcher would say no for each of them; null spans may hold anything.
 */
export function spansMayHold(spans: string | null, versions: readonly string[]): boolean {
  if (spans === null) return true;
  if (spans === '') return false;
  // indexes: an audit asks this of every row of the package index it reads
  for (let i = 0; i < versions.length; i++) {
    const key = keyOf(versions[i]!);
    if (key !== null && spansHold(spans, key)) return true;
  }
  return false;
}

/**
 * The lowest and highest keys of these versions (those npm can parse), or null when none has one:
 * spans that start above the highest, or end below the lowest, hold none of them.
 */
export function keyBounds(versions: readonly string[]): [string, string] | null {
  let lo: string | null = null;
  let hi: string | null = null;
  for (let i = 0; i < versions.length; i++) {
    const key = keyOf(versions[i]!);
    if (key === null) continue;
    if (lo === null || key < lo) lo = key;
    if (hi === null || key > hi) hi = key;
  }
  return lo === null || hi === null ? null : [lo, hi];
}

/** What an entry's set is compiled from, kept until it is. */
interface Source {
  vulnerable: string;
  patched: string | null;
  ranges: readonly OsvRange[];
  versions: readonly string[];
}

function compile(ecosystem: 'npm' | 'node', x: Source): VersionSet {
  let set: VersionSet;
  try {
    if (x.ranges.length) set = fromOsvRanges(x.ranges);
    else {
      set = parseRange(x.vulnerable);
      if (ecosystem === 'node' && x.patched?.trim()) set = difference(set, readable(x.patched));
    }
  } catch (e) {
    if (!(e instanceof NswgError)) throw e;
    set = [];
  }
  const listed = x.versions.filter((v) => parseVersion(v) !== null);
  return listed.length ? union(set, parseRange(listed.map((v) => `=${v}`).join(' || '))) : set;
}

/** An npm range, or no versions when npm cannot read it. */
function readable(range: string): VersionSet {
  try {
    return parseRange(range);
  } catch {
    return [];
  }
}

/** An advisory as matching reads it: whether it is withdrawn, and a matcher per `affected` entry. */
export interface MatchableAdvisory {
  withdrawn: boolean;
  matchers: readonly EntryMatcher[];
}

const byEntry = new WeakMap<MatchableEntry, EntryMatcher>();
const byRecord = new WeakMap<object, MatchableAdvisory>();

/** The matcher of an entry of a record held whole (the audit's, a page's): made once per entry. */
export function matcherOf(entry: MatchableEntry): EntryMatcher {
  let m = byEntry.get(entry);
  if (!m) {
    m = new EntryMatcher(entry);
    byEntry.set(entry, m);
  }
  return m;
}

/** An advisory record held whole, ready to match: made once per record. */
export function matchable(a: Pick<Advisory, 'withdrawn' | 'affected'>): MatchableAdvisory {
  let m = byRecord.get(a);
  if (!m) {
    m = { withdrawn: a.withdrawn !== null && a.withdrawn !== undefined, matchers: a.affected.map(matcherOf) };
    byRecord.set(a, m);
  }
  return m;
}

/**
 * Does the advisory's entry `i` concern the package and hold `version`? The decision itself; a
 * withdrawn advisory holds nothing.
 */
export function entryHolds(
  a: MatchableAdvisory,
  i: number,
  ecosystem: 'npm' | 'node',
  name: string,
  version: string,
  parsed: SemVer | null = parseVersion(version),
): boolean {
  const m = a.matchers[i];
  return !a.withdrawn && m !== undefined && m.concerns(ecosystem, name) && m.holds(version, parsed);
}

/** The index of the advisory's first entry for the package that holds `version`, or -1. */
export function firstHolding(
  a: MatchableAdvisory,
  ecosystem: 'npm' | 'node',
  name: string,
  version: string,
  parsed: SemVer | null = parseVersion(version),
): number {
  if (a.withdrawn) return -1;
  for (let i = 0; i < a.matchers.length; i++)
    if (entryHolds(a, i, ecosystem, name, version, parsed)) return i;
  return -1;
}

/** The indexes of the advisory's entries for the package that hold `version`. */
export function entriesHolding(
  a: MatchableAdvisory,
  ecosystem: 'npm' | 'node',
  name: string,
  version: string,
  parsed: SemVer | null = parseVersion(version),
): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.matchers.length; i++)
    if (entryHolds(a, i, ecosystem, name, version, parsed)) out.push(i);
  return out;
}

/**
 * Does the advisory affect the package at `version`, or at any version when `version` is null
 * (an advisory that names the package and is not withdrawn)?
 */
export function affects(
  a: MatchableAdvisory,
  ecosystem: 'npm' | 'node',
  name: string,
  version: string | null,
  parsed: SemVer | null = version === null ? null : parseVersion(version),
): boolean {
  if (version === null) return !a.withdrawn && a.matchers.some((m) => m.concerns(ecosystem, name));
  return firstHolding(a, ecosystem, name, version, parsed) >= 0;
}
