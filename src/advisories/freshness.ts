import type { AdvisoryKind } from './model.js';

/**
 * How fresh one source's advisories of one ecosystem are: a database mixes the Working Group's
 * entries (npm ones ending in 2020, core ones current) with synced ones (GHSA…), so one "newest
 * advisory" date over all of them hides that a part is old.
 */
export interface SourceFreshness {
  /** Where the advisories come from, as people name it: "Working Group", "GHSA", "MAL"… */
  source: string;
  ecosystem: AdvisoryKind;
  /** The newest `modified` among them. */
  newest: string;
  advisories: number;
}

/** npm data older than this many days is worth a warning: advisories are published every day. */
export const STALE_NPM_DAYS = 30;

/** The command that brings the npm advisories up to date (OSV's own export of the npm ecosystem). */
export const NPM_SYNC_COMMAND = 'nswg db sync https://osv-vulnerabilities.storage.googleapis.com/npm/';

const DAY_MS = 86_400_000;

/**
 * The source of an advisory, from its id's prefix (what the id says of its origin): NSWG-… is the
 * Working Group's, GHSA-… GitHub's, MAL-… OpenSSF's malicious packages, and so on.
 */
export function sourceOfId(id: string): string {
  const prefix = id.split('-', 1)[0] ?? id;
  return prefix === 'NSWG' ? 'Working Group' : prefix;
}

/**
 * Folds (id prefix, ecosystem) groups, as a database can count them cheaply, into one entry per
 * source and ecosystem: the Working Group first, then by source name, npm before core.
 */
export function freshnessOf(
  groups: Iterable<{ prefix: string; ecosystem: AdvisoryKind; newest: string; advisories: number }>,
): SourceFreshness[] {
  const out = new Map<string, SourceFreshness>();
  for (const g of groups) {
    const source = sourceOfId(g.prefix);
    const key = `${source}\n${g.ecosystem}`;
    const seen = out.get(key);
    if (!seen) out.set(key, { source, ecosystem: g.ecosystem, newest: g.newest, advisories: g.advisories });
    else {
      seen.advisories += g.advisories;
      if (g.newest > seen.newest) seen.newest = g.newest;
    }
  }
  const rank = (s: SourceFreshness) => (s.source === 'Working Group' ? '' : s.source);
  // the sources' names are id prefixes in capitals: compared by code unit, without localeCompare,
  // whose first call loads the locale's collation (some 9 ms of every audit's start)
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...out.values()].sort(
    (a, b) => order(rank(a), rank(b)) || (a.ecosystem === b.ecosystem ? 0 : a.ecosystem === 'npm' ? -1 : 1),
  );
}

/** The freshness of advisories given one by one (id, kind, modified), as a server's index lists them. */
export function freshnessOfRecords(
  records: Iterable<{ id: string; kind: AdvisoryKind; modified: string }>,
): SourceFreshness[] {
  return freshnessOf(
    [...records].map((r) => ({ prefix: r.id, ecosystem: r.kind, newest: r.modified, advisories: 1 })),
  );
}

/** Why the npm data is stale: its newest advisory and how many days old it is. */
export interface StaleNpmData {
  /** The newest `modified` of any npm advisory; null when there is none at all. */
  newest: string | null;
  /** Whole days between `newest` and now; null when there is no npm advisory. */
  days: number | null;
}

/**
 * Whether the npm advisories, of every source together, are older than STALE_NPM_DAYS against the
 * clock (or absent): an audit then misses what was published since. Null when they are fresh.
 */
export function staleNpmData(freshness: readonly SourceFreshness[], now: Date): StaleNpmData | null {
  const npm = freshness.filter((f) => f.ecosystem === 'npm').map((f) => f.newest);
  const newest = npm.length ? npm.reduce((a, b) => (b > a ? b : a)) : null;
  if (newest === null) return { newest: null, days: null };
  const t = Date.parse(newest);
  if (Number.isNaN(t)) return null;
  const days = Math.floor((now.getTime() - t) / DAY_MS);
  return days > STALE_NPM_DAYS ? { newest, days } : null;
}

/** The name of a source and ecosystem for people: "Working Group npm", "GHSA npm", "Working Group core". */
export function freshnessLabel(f: Pick<SourceFreshness, 'source' | 'ecosystem'>): string {
  return `${f.source} ${f.ecosystem === 'core' ? 'Node.js core' : 'npm'}`;
}

/** The warning of stale npm data, in one wording for the audit, `db stats` and the pages. */
export function staleNpmWarning(stale: StaleNpmData): string {
  const what =
    stale.newest === null
      ? 'the database holds no npm advisories'
      : `the newest npm advisory is from ${stale.newest.slice(0, 10)}, ${stale.days} days ago`;
  return `${what}: advisories published since are missing; bring them in with \`${NPM_SYNC_COMMAND}\``;
}
