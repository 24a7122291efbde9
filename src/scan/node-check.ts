import type { Advisory } from '../advisories/model.js';
import { severityOf } from '../advisories/severity.js';
import { NswgError } from '../errors.js';
import { utcDay } from '../util/utc-day.js';
import { parseVersion } from '../versions/index.js';
import type { NodeCheck } from './findings.js';
import { matchable } from './matcher.js';

/** One release line of the Node.js release schedule. */
export interface ReleaseLine {
  start: string;
  lts?: string;
  maintenance?: string;
  end: string;
  codename?: string;
}

/** The release lines by name (`v20`, `v0.12`), as data/node-release-schedule.json holds them. */
export type ReleaseSchedule = Record<string, ReleaseLine>;

/** Platforms as `process.platform` names them, and the words core advisories use for each. */
const PLATFORM_WORDS: Record<string, string[]> = {
  win32: ['win32', 'win', 'windows'],
  darwin: ['darwin', 'osx', 'macos'],
  linux: ['linux'],
  freebsd: ['freebsd'],
  openbsd: ['openbsd'],
  sunos: ['sunos', 'smartos'],
  aix: ['aix'],
};
/** `all` asks about every platform at once: what a page that cannot know the reader's machine shows. */
export const PLATFORMS = [...Object.keys(PLATFORM_WORDS), 'all'];

function appliesTo(platforms: readonly string[], platform: string): boolean {
  if (platform === 'all' || !platforms.length || platforms.includes('all')) return true;
  const words = PLATFORM_WORDS[platform] ?? [platform];
  return platforms.some((p) => words.includes(p.toLowerCase()));
}

/** The release line of a version ("v20" for 20.1.0, "v0.12" for 0.12.18). */
export function lineOf(major: number, minor: number): string {
  return major === 0 ? `v0.${minor}` : `v${major}`;
}

/**
 * Which core advisories affect Node.js `version` on `platform`: vulnerable and not patched, for
 * that platform (what is-my-node-vulnerable decides), and whether its release line has reached
 * end-of-life on `today` by the release `schedule`.
 */
export function checkNode(
  version: string,
  platform: string,
  core: readonly Advisory[],
  today: Date,
  schedule: ReleaseSchedule,
): NodeCheck {
  const v = parseVersion(version.trim());
  if (!v)
    throw new NswgError('E_VERSION_PARSE', `not a Node.js version: ${JSON.stringify(version)}`, {
      field: '--node-version',
    });
  if (!PLATFORMS.includes(platform)) {
    throw new NswgError(
      'E_USAGE',
      `unknown platform ${JSON.stringify(platform)}: use one of ${PLATFORMS.join(', ')}`,
      { field: '--platform' },
    );
  }
  const findings: NodeCheck['findings'] = [];
  const numbered = core.map((a) => ({ a, n: coreNumber(a.id) })).sort((x, y) => x.n - y.n);
  for (const { a } of numbered) {
    if (a.withdrawn) continue;
    const i = a.affected.findIndex((e) => e.ecosystem === 'node');
    const x = a.affected[i];
    if (!x || !appliesTo(x.platforms, platform)) continue;
    if (!matchable(a).matchers[i]!.holds(v.version, v)) continue;
    findings.push({
      id: a.id,
      aliases: [...a.aliases],
      severity: severityOf(a),
      title: a.title ?? a.aliases[0] ?? a.id,
      patched: x.patched,
    });
  }
  const name = lineOf(v.major, v.minor);
  const line = schedule[name];
  const day = utcDay(today);
  const newest = Math.max(
    ...Object.keys(schedule).map((k) => Number(k.replace(/^v0\./, '0.').replace(/^v/, ''))),
  );
  // a line newer than the schedule knows is not end-of-life; an unknown older one (odd test builds) is
  const endOfLife = line ? day > line.end : v.major <= newest;
  const out: NodeCheck = { version: v.version, platform, findings, endOfLife };
  if (line) out.line = { name: `${name.replace(/^v/, '')}.x`, end: line.end, lts: Boolean(line.lts) };
  return out;
}

function coreNumber(id: string): number {
  return Number(/(\d+)$/.exec(id)?.[1] ?? 0);
}
