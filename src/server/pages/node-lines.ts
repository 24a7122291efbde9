import type { Advisory } from '../../advisories/index.js';
import { intersect, parseRange, type VersionSet } from '../../versions/index.js';

/** A Node.js release line: `22.x`, or `0.12.x` before 4.0. */
export interface ReleaseLine {
  label: string;
  major: number;
  minor: number;
}

/** Core advisories affecting one release line. */
export interface LineGroup {
  line: ReleaseLine;
  advisories: Advisory[];
}

const lineOf = (major: number, minor: number): ReleaseLine =>
  major > 0 ? { label: `${major}.x`, major, minor: 0 } : { label: `0.${minor}.x`, major: 0, minor };

const newestFirst = (a: ReleaseLine, b: ReleaseLine) => b.major - a.major || b.minor - a.minor;

/** The Node.js entries of a core advisory (ecosystem node). */
const nodeEntries = (a: Advisory) => a.affected.filter((x) => x.ecosystem === 'node');

function vulnerableSet(a: Advisory): VersionSet[] {
  const out: VersionSet[] = [];
  for (const x of nodeEntries(a)) {
    try {
      out.push(parseRange(x.vulnerable));
    } catch {
      // A range npm cannot read places the advisory in no line; its own page still shows it.
    }
  }
  return out;
}

/**
 * Groups core advisories by the release lines their vulnerable ranges reach, newest line first.
 * The lines are those the ranges name (the line of each range's lower bound), so that an open
 * range such as `<= 10` lands in the lines that existed (0.10.x, 0.12.x, 4.x … 10.x) and not in
 * io.js's 1.x–3.x.
 */
export function groupByReleaseLine(advisories: readonly Advisory[]): LineGroup[] {
  const sets = advisories.map((a) => ({ a, sets: vulnerableSet(a) }));
  const lines = new Map<string, ReleaseLine>();
  for (const { sets: list } of sets) {
    for (const set of list) {
      for (const i of set)
        if (i.lo) lines.set(lineOf(i.lo.major, i.lo.minor).label, lineOf(i.lo.major, i.lo.minor));
    }
  }
  const groups: LineGroup[] = [];
  for (const line of [...lines.values()].sort(newestFirst)) {
    const range = parseRange(line.label);
    const hits = sets
      .filter(({ sets: list }) => list.some((s) => intersect(s, range).length > 0))
      .map(({ a }) => a);
    groups.push({ line, advisories: hits });
  }
  return groups;
}
