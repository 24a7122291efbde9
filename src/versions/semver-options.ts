// semver's classes one by one: its index loads every function and range helper it has
import Range from 'semver/classes/range.js';
import SemVer from 'semver/classes/semver.js';
import semverSatisfies from 'semver/functions/satisfies.js';

/** npm audit's own options (@npmcli/metavuln-calculator): every decision here uses them. */
export const NPM_SEMVER = Object.freeze({ loose: true, includePrerelease: true });

const parsed = new Map<string, SemVer | null>();

/**
 * Parses a version the way npm audit does; null when npm would not accept it. Results are shared
 * (the same few thousand versions recur across advisories' events): never mutate one.
 */
export function parseVersion(version: string): SemVer | null {
  let v = parsed.get(version);
  if (v !== undefined) return v;
  try {
    v = new SemVer(version, NPM_SEMVER);
  } catch {
    v = null;
  }
  if (parsed.size > 50_000) parsed.clear();
  parsed.set(version, v);
  return v;
}

/** npm's own decision: does `version` satisfy the npm `range`? (false for anything npm cannot parse) */
export function satisfies(version: string, range: string): boolean {
  try {
    return semverSatisfies(version, range, NPM_SEMVER);
  } catch {
    return false;
  }
}

/** True when `range` is a range npm accepts. */
export function isValidRange(range: string): boolean {
  try {
    new Range(range, NPM_SEMVER);
    return true;
  } catch {
    return false;
  }
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** npm's order of two versions, equal ones (1.0.0 and v1.0.0) by their text; one npm cannot parse sorts by its text. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return (x && y ? x.compare(y) : 0) || byText(a, b);
}
