import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  complement,
  contains,
  difference,
  fromOsvRanges,
  intersect,
  leastAtOrAbove,
  nextVersion,
  parseRange,
  parseVersion,
  satisfies,
  toNpmRange,
  toOsvRanges,
} from '../../src/versions/index.js';
import { smallRanges } from '../helpers/ranges.js';
import { wgCore, wgNpm } from '../helpers/shared.js';

const ODD = [
  '<=99.999.99999',
  '2.1.0-M1 || 2.1.0-M2',
  '<5.0.3 >=5.0.0 || < 4.2.1',
  '=3.0.0-rc.1',
  '>= 0.2.0 <= 0.9.6 || ~0.8.0-pre',
  '<=v2.0.0-alpha7',
  '<2.0.18 || <3.0.16 || <3.1.6 || <4.0.8 || <5.0.0-beta.5',
  '>2.51.0 <=2.67.0',
  '*',
  '',
  '<0.0.0',
  '<0.0.0-0',
  '>=0.0.0',
  '>= 0.0.0-0',
  '>0.0.0 || <=0.0.0-0',
  '  >=1.2.3   <2.0.0  ||  =3.0.0 ',
  '>=1.0.0 <1.0.0',
  '1.x || >=2.5.0 || 5.0.0 - 7.2.3',
  '^0.0.1 || ~1.2 || 1.2.x || 3',
  '>1.2.3-beta',
  '>=1.0.0-rc.1 <=1.0.0-rc.1',
];

/** Versions that sit on and around every bound of a range: where a wrong conversion would show. */
function probesFor(range: string): string[] {
  const out = new Set<string>([
    '0.0.0',
    '0.0.0-0',
    '0.0.1',
    '1.0.0',
    '999.999.999',
    '1.0.0-alpha',
    '2.0.0-0',
  ]);
  let r: semver.Range;
  try {
    r = new semver.Range(range, { loose: true, includePrerelease: true });
  } catch {
    return [...out];
  }
  for (const set of r.set) {
    for (const c of set) {
      if (c.value === '') continue;
      const v = c.semver;
      const { major: M, minor: m, patch: p } = v;
      out.add(v.version);
      out.add(nextVersion(v).version);
      out.add(`${M}.${m}.${p}`);
      out.add(`${M}.${m}.${p}-0`);
      out.add(`${M}.${m}.${p}-alpha.1`);
      out.add(`${M}.${m}.${p}+build.5`);
      out.add(`${M}.${m}.${p + 1}`);
      out.add(`${M}.${m + 1}.0`);
      out.add(`${M + 1}.0.0`);
      out.add(`${M + 1}.0.0-rc.1`);
      if (p > 0) out.add(`${M}.${m}.${p - 1}`);
      if (m > 0) out.add(`${M}.${m - 1}.99`);
      if (M > 0) out.add(`${M - 1}.99.99`);
      if (v.prerelease.length) {
        out.add(`${M}.${m}.${p}-${v.prerelease.join('.')}.1`);
        out.add(`${M}.${m}.${p}-${v.prerelease.slice(0, -1).join('.') || '0'}`);
      }
      out.add(`v${v.version}`);
    }
  }
  return [...out];
}

/** Checks every way of deciding against npm's own decision; returns the first disagreement. */
function disagreement(range: string, version: string): string | null {
  const npm = satisfies(version, range);
  const set = parseRange(range);
  const viaSet = contains(set, version);
  const viaEvents = contains(fromOsvRanges(toOsvRanges(set)), version);
  const back = toNpmRange(set);
  const viaBack = satisfies(version, back);
  if (npm === viaSet && npm === viaEvents && npm === viaBack) return null;
  return `${version} in ${JSON.stringify(range)}: npm ${npm}, set ${viaSet}, events ${viaEvents}, ${JSON.stringify(back)} ${viaBack}`;
}

describe('range evaluation agrees with semver.satisfies (npm audit options)', () => {
  const data = [
    ...wgNpm().flatMap((a) => [a.vulnerable_versions, a.patched_versions]),
    ...wgCore().flatMap((a) => [a.vulnerable, a.patched]),
  ].filter((r): r is string => typeof r === 'string');
  const ranges = [...new Set([...ODD, ...data])];

  it(`on every range of the Working Group's data and the odd ones (${ranges.length} ranges)`, () => {
    const bad: string[] = [];
    let cases = 0;
    for (const range of ranges) {
      for (const v of probesFor(range)) {
        cases++;
        const d = disagreement(range, v);
        if (d) bad.push(d);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(cases).toBeGreaterThan(10_000);
  });

  const num = fc.integer({ min: 0, max: 12 });
  const pre = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      '-0',
      '-1',
      '-alpha',
      '-alpha.1',
      '-beta',
      '-beta.2',
      '-rc.1',
      '-M1',
      '-pre',
      '-alpha.beta',
    ),
  );
  const version = fc.tuple(num, num, num, pre).map(([a, b, c, p]) => `${a}.${b}.${c}${p}`);
  const partial = fc.oneof(
    version,
    fc.tuple(num, num).map(([a, b]) => `${a}.${b}`),
    num.map(String),
    fc.tuple(num, num).map(([a, b]) => `${a}.${b}.x`),
    fc.tuple(num).map(([a]) => `${a}.x`),
  );
  const comparator = fc.oneof(
    fc
      .tuple(fc.constantFrom('', '=', '<', '<=', '>', '>=', '~', '^', '< ', '>= '), partial)
      .map(([o, v]) => o + v),
    fc.tuple(partial, partial).map(([a, b]) => `${a} - ${b}`),
    fc.constant('*'),
  );
  const set = fc.array(comparator, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(' '));
  const range = fc.array(set, { minLength: 1, maxLength: 4 }).map((ss) => ss.join(' || '));

  it('on generated ranges and versions', () => {
    fc.assert(
      fc.property(range, fc.array(version, { minLength: 5, maxLength: 20 }), (r, vs) => {
        if (!semver.validRange(r, { loose: true, includePrerelease: true })) return true;
        for (const v of [...vs, ...probesFor(r)]) {
          const d = disagreement(r, v);
          if (d) throw new Error(d);
        }
        return true;
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});

describe('set algebra', () => {
  it('vulnerable minus patched is what is-my-node-vulnerable decides', () => {
    const cases: [string, string, string, boolean][] = [
      ['6.x || 5.x || 4.x', '^6.7.0 || ^4.6.0', '6.6.9', true],
      ['6.x || 5.x || 4.x', '^6.7.0 || ^4.6.0', '6.7.0', false],
      ['6.x || 5.x || 4.x', '^6.7.0 || ^4.6.0', '5.12.0', true],
      ['6.x || 5.x || 4.x', '^6.7.0 || ^4.6.0', '7.0.0', false],
    ];
    for (const [vuln, patched, v, want] of cases) {
      const set = difference(parseRange(vuln), parseRange(patched));
      expect(contains(set, v), `${v}`).toBe(want);
      expect(satisfies(v, vuln) && !satisfies(v, patched)).toBe(want);
    }
  });

  it('finds the least version of a set at or above a version as intersecting with [v, ∞) does', () => {
    const { version, range } = smallRanges({
      max: 4,
      prereleases: ['', '-0', '-alpha', '-rc.1'],
      operators: ['', '=', '<', '<=', '>', '>='],
      sets: 4,
    });
    fc.assert(
      fc.property(range, fc.boolean(), version, (r, safe, at) => {
        const set = safe ? complement(parseRange(r)) : parseRange(r);
        const v = parseVersion(at)!;
        const expected = intersect(set, [{ lo: v, hi: null, hiInclusive: false }])[0]?.lo ?? null;
        expect(leastAtOrAbove(set, v)?.version ?? null).toBe(expected?.version ?? null);
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });

  it('reads OSV events from GHSA records, with last_affected and limit', () => {
    const set = fromOsvRanges([
      { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.12' }] },
      { type: 'SEMVER', events: [{ introduced: '5.0.0' }, { last_affected: '5.2.0' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '7.0.0' }, { limit: '7.5.0' }] },
    ]);
    expect(toNpmRange(set)).toBe('<4.17.12 || >=5.0.0 <=5.2.0 || >=7.0.0 <7.5.0');
    expect(contains(set, '4.17.11')).toBe(true);
    expect(contains(set, '5.2.0')).toBe(true);
    expect(contains(set, '5.2.1')).toBe(false);
    expect(contains(set, '7.5.0')).toBe(false);
  });

  it('names the event that does not parse', () => {
    expect(() =>
      fromOsvRanges([{ type: 'SEMVER', events: [{ introduced: 'banana' }] }], 'affected[0].ranges'),
    ).toThrow(/introduced is not a version/);
    expect(() => parseRange('=>1.0.0')).toThrow(/not a valid npm version range/);
  });
});
