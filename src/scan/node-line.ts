import type { Advisory } from '../advisories/model.js';
import { NswgError } from '../errors.js';
import { utcDay } from '../util/utc-day.js';
import { compareVersions, parseVersion } from '../versions/index.js';
import type { NodeCheck } from './findings.js';
import type { ReleaseSchedule } from './node-check.js';

/** A Node.js version as asked: a full version, or a bare release line (`18`, `v18`, `18.x`). */
export interface AskedNodeVersion {
  /** The version checked. */
  version: string;
  /**
   * Set when a bare line was asked: nswg ships no list of Node.js releases, so the line stands for
   * the newest release of it that the advisories' own patched ranges name (`^18.20.6`); with none
   * named, its first release.
   */
  line?: { name: string; basis: 'newest patched release named by an advisory' | 'first release' };
}

const BARE_LINE = /^v?(\d+)(?:\.x)?$/i;
const VERSIONS = /\b(\d+)\.(\d+)\.(\d+)\b/g;

/** Every full version a core advisory's patched ranges name. */
function patchedVersions(core: readonly Advisory[]): string[] {
  const out: string[] = [];
  for (const a of core)
    for (const x of a.affected)
      if (x.ecosystem === 'node' && x.patched) for (const m of x.patched.matchAll(VERSIONS)) out.push(m[0]);
  return out;
}

/**
 * What to check for a version as typed: a full version as it is; a bare release line as the newest
 * release of that line the advisories name. `field` names where it was typed, for the error.
 */
export function askedNodeVersion(input: string, core: readonly Advisory[], field: string): AskedNodeVersion {
  const text = input.trim();
  const bare = BARE_LINE.exec(text);
  if (bare) {
    const major = Number(bare[1]);
    const named = patchedVersions(core)
      .filter((v) => parseVersion(v)?.major === major)
      .sort(compareVersions);
    const newest = named.at(-1);
    return newest
      ? {
          version: newest,
          line: { name: `${major}.x`, basis: 'newest patched release named by an advisory' },
        }
      : { version: `${major}.0.0`, line: { name: `${major}.x`, basis: 'first release' } };
  }
  const v = parseVersion(text);
  if (!v)
    throw new NswgError(
      'E_VERSION_PARSE',
      `not a Node.js version: ${JSON.stringify(input)} (give 20.1.0, v22.3.0, or a release line such as 18)`,
      { field },
    );
  return { version: v.version };
}

/** The maintained release lines on `today` (even lines in LTS or maintenance), newest first: `24.x`. */
export function supportedLines(schedule: ReleaseSchedule, today: Date): string[] {
  const day = utcDay(today);
  return Object.entries(schedule)
    .filter(([, l]) => l.lts && l.lts <= day && day <= l.end)
    .map(([name]) => Number(name.replace(/^v/, '')))
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => b - a)
    .map((n) => `${n}.x`);
}

/**
 * The one thing to upgrade to: the lowest release of the same line that every finding's patched
 * range names (when the line is maintained and each finding has a fix in it), else a maintained
 * LTS line. Null when nothing affects the version and its line is maintained.
 */
export function nodeUpgrade(
  check: NodeCheck,
  core: readonly Advisory[],
  schedule: ReleaseSchedule,
  today: Date,
): string | null {
  const lines = supportedLines(schedule, today);
  const toLts = `a maintained LTS line (${lines.join(' or ') || 'see nodejs.org'})`;
  if (check.endOfLife) return toLts;
  if (!check.findings.length) return null;
  const v = parseVersion(check.version);
  if (!v) return toLts;
  const byId = new Map(core.map((a) => [a.id, a]));
  let target: string | null = null;
  for (const f of check.findings) {
    const a = byId.get(f.id);
    const fixes = (a?.affected ?? [])
      .filter((x) => x.ecosystem === 'node' && x.patched)
      .flatMap((x) => [...x.patched!.matchAll(VERSIONS)].map((m) => m[0]))
      .filter((p) => parseVersion(p)?.major === v.major && compareVersions(p, v.version) > 0)
      .sort(compareVersions);
    if (!fixes[0]) return toLts;
    if (target === null || compareVersions(fixes[0], target) > 0) target = fixes[0];
  }
  return target === null ? null : `${target} or later`;
}
