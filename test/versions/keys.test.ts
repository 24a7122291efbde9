import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromNswgCore, fromNswgNpm, type NswgCoreJson } from '../../src/advisories/index.js';
import { EntryMatcher, matchSpans, spansMayHold } from '../../src/scan/index.js';
import { parseVersion } from '../../src/versions/index.js';
import { keyOf, MAX_SPANS_LENGTH, spansHold, versionKey } from '../../src/versions/keys.js';
import { npmAffected, smallRanges } from '../helpers/ranges.js';
import { wgCore, wgNpm } from '../helpers/shared.js';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Versions whose order is subtle: numbers of many lengths, prerelease identifiers of each kind, loose forms. */
const num = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 ** 40 }));
const ident = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map(String),
  fc.integer({ min: 0, max: 2 ** 40 }).map(String),
  fc.constantFrom(
    'alpha',
    'alpha1',
    'alpha-1',
    'beta',
    'rc',
    'M1',
    'a',
    'A',
    'Z',
    'z',
    'x-y',
    '0a',
    '-',
    '--',
  ),
);
const pre = fc.array(ident, { maxLength: 4 }).map((ids) => (ids.length ? `-${ids.join('.')}` : ''));
const build = fc.constantFrom('', '+build.5', '+001');
const version = fc
  .tuple(fc.constantFrom('', 'v', '='), num, num, num, pre, build)
  .map(([p, a, b, c, r, m]) => `${p}${a}.${b}.${c}${r}${m}`);

describe('version keys', () => {
  it("sort as npm's semver orders the versions (prereleases included, build ignored)", () => {
    fc.assert(
      fc.property(version, version, (x, y) => {
        const a = parseVersion(x)!;
        const b = parseVersion(y)!;
        expect(a, x).not.toBeNull();
        expect(sign(textOrder(versionKey(a)!, versionKey(b)!)), `${x} vs ${y}`).toBe(sign(a.compare(b)));
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
  });

  it("of a plain release (made without semver) are the keys semver's parse gives, and odd forms still go through it", () => {
    const odd = [
      '0.0.0',
      '1.2.3',
      '10.20.30',
      '999999999999999.0.1',
      '9999999999999999.0.0',
      '99999999999999999.0.0',
      '01.2.3',
      '1.02.3',
      'v1.2.3',
      '=1.2.3',
      ' 1.2.3',
      '1.2.3 ',
      '1.2',
      '1.2.3.4',
      '1.2.3-0',
      '1.2.3+b',
      '',
      '1..3',
      '.1.2',
      '1.2.',
      '1.2.3a',
      '1.2.x',
      '0.0.00',
      '1.0.0000000000000001',
      '١.٢.٣',
    ];
    const plain = fc.tuple(num, num, num).map(([a, b, c]) => `${a}.${b}.${c}`);
    for (const v of [
      ...odd,
      ...fc.sample(plain, { numRuns: 2000, seed: 7 }),
      ...fc.sample(version, { numRuns: 2000, seed: 8 }),
    ]) {
      const parsed = parseVersion(v);
      expect(keyOf(v), v).toBe(parsed ? versionKey(parsed) : null);
    }
  });

  it('give no key to a version npm cannot parse, nor to one whose order semver decides inexactly', () => {
    expect(keyOf('not a version')).toBeNull();
    expect(keyOf('github:user/repo#abc')).toBeNull();
    // a numeric identifier past 2^53 is kept as text and compared as a float by semver
    expect(keyOf('1.0.0-99999999999999999999')).toBeNull();
    expect(keyOf('1.0.0-alpha.3')).not.toBeNull();
  });
});

describe('spans of an entry', () => {
  const { version: small, range } = smallRanges({
    max: 4,
    prereleases: ['', '-0', '-alpha', '-alpha.1', '-rc.1'],
    operators: ['', '=', '<', '<=', '>', '>=', '~', '^'],
    sets: 3,
  });

  it('hold exactly the versions the matcher holds', () => {
    fc.assert(
      fc.property(range, fc.array(small, { minLength: 1, maxLength: 10 }), (r, vs) => {
        const entry = npmAffected('p', r, null);
        const spans = matchSpans(entry, false);
        expect(spans, r).not.toBeNull();
        const m = new EntryMatcher(entry);
        for (const v of vs) expect(spansHold(spans!, keyOf(v)!), `${v} in ${r}`).toBe(m.holds(v));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('agree with the matcher on every Working Group entry, at each version its ranges name and beside them', () => {
    let checked = 0;
    for (const a of [
      ...wgNpm().map((r) => fromNswgNpm(r as never)),
      ...(wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, '2020-01-01T00:00:00Z')),
    ])
      for (const entry of a.affected) {
        const spans = matchSpans(entry, false);
        if (spans === null) continue;
        const m = new EntryMatcher(entry);
        const probes = new Set<string>(['0.0.0', '0.0.1-0', '99.0.0']);
        for (const r of entry.ranges)
          for (const e of r.events)
            for (const v of Object.values(e)) {
              const p = parseVersion(String(v));
              if (!p) continue;
              probes.add(p.version);
              probes.add(`${p.major}.${p.minor}.${p.patch + 1}`);
              probes.add(`${p.major}.${p.minor}.${p.patch}-0`);
              if (p.patch) probes.add(`${p.major}.${p.minor}.${p.patch - 1}`);
            }
        for (const v of probes) {
          expect(spansMayHold(spans, [v]), `${a.id} ${entry.name} ${v}`).toBe(m.holds(v));
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(3000);
  });

  it('are empty for a withdrawn advisory and for a range npm cannot read', () => {
    expect(matchSpans(npmAffected('p', '<2.0.0', null), true)).toBe('');
    expect(
      matchSpans({ ...npmAffected('p', '<2.0.0', null), vulnerable: '<= four', ranges: [] }, false),
    ).toBe('');
    expect(spansMayHold('', ['1.0.0'])).toBe(false);
  });

  it('hold a version listed one by one, and say nothing (null) when a listed version has no key', () => {
    const listed = { ...npmAffected('p', '<1.0.0', null), versions: ['2.0.0', '3.0.0-rc.1'] };
    const spans = matchSpans(listed, false)!;
    expect(spansMayHold(spans, ['2.0.0'])).toBe(true);
    expect(spansMayHold(spans, ['3.0.0-rc.1'])).toBe(true);
    expect(spansMayHold(spans, ['2.0.1'])).toBe(false);
    // a listed version npm cannot parse matches by its text only: the entry must be read
    expect(matchSpans({ ...listed, versions: ['2.0.0', 'nightly'] }, false)).toBeNull();
    expect(spansMayHold(null, ['anything'])).toBe(true);
  });

  it('are not kept past their length limit', () => {
    const versions = Array.from({ length: 200 }, (_, i) => `1.${i}.0`);
    expect(matchSpans({ ...npmAffected('p', '<0.1.0', null), versions }, false)).toBeNull();
    expect(
      matchSpans({ ...npmAffected('p', '<0.1.0', null), versions: versions.slice(0, 5) }, false)!.length,
    ).toBeLessThan(MAX_SPANS_LENGTH);
  });
});
