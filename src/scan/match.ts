import { isMalicious } from '../advisories/malicious.js';
import type { Advisory, Affected } from '../advisories/model.js';
import { severityOf, severityRank } from '../advisories/severity.js';
import {
  compareVersions,
  complement,
  contains,
  intersect,
  intervalHolding,
  leastAtOrAbove,
  nextVersion,
  parseRange,
  parseVersion,
  type VersionSet,
} from '../versions/index.js';
import type { Finding, Fix } from './findings.js';
import { preparePaths } from './graph.js';
import { type Hit, joinAliased } from './join.js';
import { firstHolding, matchable, matcherOf } from './matcher.js';
import type { InstalledPackage } from './types.js';

/** One (name, version) with all its installed copies merged. */
export interface PackageVersion {
  name: string;
  version: string;
  copies: InstalledPackage[];
}

/** Groups installed copies by package name and version. */
export function groupByVersion(packages: readonly InstalledPackage[]): PackageVersion[] {
  const map = new Map<string, PackageVersion>();
  for (const p of packages) {
    const key = `${p.name}@${p.version}`;
    let g = map.get(key);
    if (!g) {
      g = { name: p.name, version: p.version, copies: [] };
      map.set(key, g);
    }
    g.copies.push(p);
  }
  return [...map.values()];
}

/**
 * The fix for `version` under an advisory entry: the lowest version above it that the vulnerable
 * range leaves out (and the patched range, when given, includes); null when none is known.
 */
export function fixFor(version: string, affected: Affected): Fix {
  const patched = affected.patched;
  const v = parseVersion(version);
  if (!v) return { version: null, patched };
  const vulnerable = matcherOf(affected).set;
  const within = patchedSet(affected);
  const interval = intervalHolding(vulnerable, v);
  // The versions the vulnerable range leaves out start where v's interval ends (the intervals are
  // disjoint and not adjacent). That start is the fix when the patched range, if any, holds it, as
  // it nearly always does; otherwise the safe set is worked out in full.
  const gap = !interval
    ? undefined
    : !interval.hi
      ? null
      : interval.hiInclusive
        ? nextVersion(interval.hi)
        : interval.hi;
  let lo: ReturnType<typeof parseVersion>;
  let isSafe: (version: string) => boolean;
  if (gap !== undefined && (!gap || !within || contains(within, gap))) {
    lo = gap;
    isSafe = (x) => !contains(vulnerable, x) && (!within || contains(within, x));
  } else {
    const safe = safeSet(affected);
    lo = leastAtOrAbove(safe, v);
    isSafe = (x) => contains(safe, x);
  }
  if (!lo) return { version: null, patched };
  // `<=1.5.1` ends at 1.5.2-0 in npm's order; the release 1.5.2 reads better and is as safe
  if (lo.prerelease.length === 1 && lo.prerelease[0] === 0) {
    const release = `${lo.major}.${lo.minor}.${lo.patch}`;
    if (isSafe(release)) lo = parseVersion(release) ?? lo;
  }
  return { version: lo.version, patched };
}

const patchedSets = new WeakMap<Affected, VersionSet | null>();

/** The versions an entry's patched range holds; null without one (or with one npm cannot read, which says nothing more). */
function patchedSet(affected: Affected): VersionSet | null {
  let set = patchedSets.get(affected);
  if (set === undefined) {
    set = null;
    if (affected.patched) {
      try {
        set = parseRange(affected.patched);
      } catch {
        // a patched range npm cannot read says nothing more than the vulnerable one
      }
    }
    patchedSets.set(affected, set);
  }
  return set;
}

const safeSets = new WeakMap<Affected, VersionSet>();

/** The versions an advisory entry leaves safe: not vulnerable and, when it says, patched (once per entry). */
function safeSet(affected: Affected): VersionSet {
  let set = safeSets.get(affected);
  if (!set) {
    set = complement(matcherOf(affected).set);
    const within = patchedSet(affected);
    if (within) set = intersect(set, within);
    safeSets.set(affected, set);
  }
  return set;
}

/** The report order of findings: by package name, version, advisory id. */
export const byNameVersionId = (a: Finding, b: Finding): number =>
  a.name < b.name
    ? -1
    : a.name > b.name
      ? 1
      : a.version < b.version
        ? -1
        : a.version > b.version
          ? 1
          : a.id < b.id
            ? -1
            : a.id > b.id
              ? 1
              : 0;

/** The paths of a group's copies, each once, shortest first (then in text order), at most MAX_PATHS. */
function pathsOf(g: PackageVersion): string[][] {
  // most installed versions have one copy, brought in by one path
  if (g.copies.length === 1 && g.copies[0]!.paths.length <= 1) return g.copies[0]!.paths;
  const unique = new Map<string, { text: string; path: string[] }>();
  for (const c of g.copies)
    for (const path of c.paths) unique.set(path.join('\u0000'), { text: path.join('>'), path });
  const sorted = [...unique.values()].sort((a, b) =>
    a.path.length !== b.path.length
      ? a.path.length - b.path.length
      : a.text < b.text
        ? -1
        : a.text > b.text
          ? 1
          : 0,
  );
  return sorted.slice(0, MAX_PATHS).map((x) => x.path);
}

/** At most this many paths per finding. */
const MAX_PATHS = 5;

/**
 * The findings for installed packages, deciding exactly as npm audit does (the one matcher,
 * matcher.ts): an advisory affects an installed version when npm's semver (loose, prereleases
 * included) puts it in the vulnerable range. Withdrawn advisories never match.
 */
export function matchFindings(
  packages: readonly InstalledPackage[],
  advisoriesByName: ReadonlyMap<string, readonly Advisory[]>,
): Finding[] {
  const matched: { g: PackageVersion; hits: Hit[] }[] = [];
  // only the packages with advisories are grouped: most of a lockfile has none
  const candidates: InstalledPackage[] = [];
  for (let i = 0; i < packages.length; i++) {
    const p = packages[i]!;
    if (advisoriesByName.get(p.name)?.length) candidates.push(p);
  }
  for (const g of groupByVersion(candidates)) {
    const advisories = advisoriesByName.get(g.name)!;
    // a version npm cannot parse is in no range, but an advisory may still list it
    const version = parseVersion(g.version);
    const hits: Hit[] = [];
    for (const a of advisories) {
      const i = firstHolding(matchable(a), 'npm', g.name, g.version, version);
      if (i >= 0) hits.push({ a, entry: a.affected[i]! });
    }
    if (hits.length) matched.push({ g, hits });
  }
  // the dependency paths of the affected packages only, searched together
  preparePaths(matched.flatMap((m) => m.g.copies));
  const out: Finding[] = [];
  for (const { g, hits } of matched) {
    // what the findings of one installed version share, worked out once
    const shared: Pick<Finding, 'paths' | 'dev' | 'optional' | 'workspaces' | 'locations' | 'installedAs'> = {
      paths: pathsOf(g),
      dev: g.copies.every((c) => c.dev),
      optional: g.copies.every((c) => c.optional),
      workspaces: [...new Set(g.copies.flatMap((c) => c.workspaces))].sort(),
      locations: g.copies.map((c) => c.location).sort(),
      installedAs: [...new Set(g.copies.map((c) => c.alias).filter((x): x is string => !!x))].sort(),
    };
    for (const joined of joinAliased(hits)) out.push(findingOf(g, joined.hits, joined.aliases, shared));
  }
  return out.sort(byNameVersionId);
}

/**
 * The one finding of a vulnerability's records (joinAliased): named by the first, as severe as the
 * most severe, fixed by the version that leaves every record behind. Malware is to be removed: no
 * version fixes it, and it is critical (as npm audit rates it).
 */
function findingOf(
  g: PackageVersion,
  hits: readonly Hit[],
  aliases: readonly string[],
  shared: Pick<Finding, 'paths' | 'dev' | 'optional' | 'workspaces' | 'locations' | 'installedAs'>,
): Finding {
  const { a, entry } = hits[0]!;
  const malicious = hits.some((h) => isMalicious(h.a));
  let severity = severityOf(a);
  let fix = fixFor(g.version, entry);
  for (const h of hits.slice(1)) {
    const s = severityOf(h.a);
    if (severityRank(s) > severityRank(severity)) severity = s;
    const other = fixFor(g.version, h.entry);
    if (other.version !== null && (fix.version === null || compareVersions(other.version, fix.version) > 0))
      fix = { version: other.version, patched: fix.patched ?? other.patched };
  }
  return {
    name: g.name,
    version: g.version,
    id: a.id,
    aliases: hits.length === 1 ? a.aliases : aliases,
    severity: malicious ? 'critical' : severity,
    malicious,
    title: a.title ?? a.id,
    ...shared,
    fix: malicious ? { version: null, patched: null } : fix,
    range: entry.vulnerable,
    advisory: a,
  };
}

/** Findings at or above a severity. */
export function atOrAbove(findings: readonly Finding[], level: Finding['severity']): Finding[] {
  const min = severityRank(level);
  return findings.filter((f) => severityRank(f.severity) >= min);
}
