import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Affected } from '../../src/advisories/index.js';
import {
  affects,
  EntryMatcher,
  entriesHolding,
  firstHolding,
  matchable,
  matchFindings,
} from '../../src/scan/index.js';
import { satisfies } from '../../src/versions/index.js';
import { npmAffected, smallRanges } from '../helpers/ranges.js';
import { advisory } from './reporters/helpers.js';

const entry = (partial: Partial<Affected>): Affected => ({
  ...npmAffected('pkg', '<1.0.0', null),
  ...partial,
});

describe('the one matcher', () => {
  it("decides as npm's semver does on the range as written, prereleases included", () => {
    const { version, range } = smallRanges({
      max: 3,
      prereleases: ['', '', '-0', '-beta.1'],
      operators: ['<', '<=', '>', '>=', '=', '^', '~'],
      sets: 3,
    });
    fc.assert(
      fc.property(version, range, (v, r) => {
        expect(new EntryMatcher(npmAffected('pkg', r, null)).holds(v), `${v} in ${r}`).toBe(satisfies(v, r));
        // the same without OSV ranges: the npm range itself
        expect(new EntryMatcher(entry({ vulnerable: r, ranges: [] })).holds(v)).toBe(satisfies(v, r));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('holds nothing for a range npm cannot read, as npm audit reports nothing for it: no error', () => {
    const bad = new EntryMatcher(entry({ vulnerable: '<= four', ranges: [] }));
    expect(satisfies('1.5.0', '<= four')).toBe(false);
    expect(bad.holds('1.5.0')).toBe(false);
    expect(bad.set).toEqual([]);
    const badEvents = new EntryMatcher(
      entry({ ranges: [{ type: 'SEMVER', events: [{ introduced: 'x.y' }] }] }),
    );
    expect(badEvents.holds('0.1.0')).toBe(false);
    // a version listed one by one is still held
    expect(
      new EntryMatcher(entry({ vulnerable: 'nonsense', ranges: [], versions: ['1.5.0'] })).holds('1.5.0'),
    ).toBe(true);
  });

  it('holds the versions listed one by one: by their text, or as npm reads them', () => {
    const m = new EntryMatcher(entry({ vulnerable: '<1.0.0', versions: ['2.0.0', '3.0.0-rc.1'] }));
    expect(['0.9.0', '2.0.0', 'v2.0.0', '2.0.0+build.5', '3.0.0-rc.1'].map((v) => m.holds(v))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['1.0.0', '2.0.1', '3.0.0'].map((v) => m.holds(v))).toEqual([false, false, false]);
    // a version npm cannot parse is in no range, but may be listed
    expect(new EntryMatcher(entry({ versions: ['not-semver'] })).holds('not-semver')).toBe(true);
    expect(new EntryMatcher(entry({ vulnerable: '*' })).holds('not-semver')).toBe(false);
  });

  it('reads Node.js core entries by their OSV ranges (vulnerable minus patched), and withdrawn advisories hold nothing', () => {
    const core = matchable({
      withdrawn: null,
      affected: [
        {
          ...entry({ ecosystem: 'node', name: 'node', vulnerable: '<=20.1.0', patched: '^18.20.0' }),
          ranges: [
            {
              type: 'SEMVER',
              events: [
                { introduced: '0' },
                { fixed: '18.20.0' },
                { introduced: '19.0.0' },
                { fixed: '20.1.1' },
              ],
            },
          ],
        },
      ],
    });
    expect(affects(core, 'node', 'node', '18.19.1')).toBe(true);
    expect(affects(core, 'node', 'node', '18.20.3')).toBe(false);
    expect(affects(core, 'node', 'node', '20.1.0')).toBe(true);
    // an npm package called node is not Node.js
    expect(affects(core, 'npm', 'node', '18.19.1')).toBe(false);
    // without OSV ranges: the vulnerable range minus the patched one, as written
    const written = matchable({
      withdrawn: null,
      affected: [
        entry({ ecosystem: 'node', name: 'node', vulnerable: '30.x', patched: '^30.1.0', ranges: [] }),
      ],
    });
    expect(['30.0.5', '30.1.0', '29.9.9'].map((v) => affects(written, 'node', 'node', v))).toEqual([
      true,
      false,
      false,
    ]);
    const withdrawn = matchable({ withdrawn: '2026-01-01T00:00:00Z', affected: [entry({})] });
    expect(affects(withdrawn, 'npm', 'pkg', '0.1.0')).toBe(false);
    expect(affects(withdrawn, 'npm', 'pkg', null)).toBe(false);
    expect(firstHolding(withdrawn, 'npm', 'pkg', '0.1.0')).toBe(-1);
  });

  it('answers per entry and per package: an advisory naming two packages, or one package twice', () => {
    const a = matchable({
      withdrawn: null,
      affected: [
        entry({ name: 'a', vulnerable: '<1.0.0' }),
        entry({ name: 'b' }),
        entry({ name: 'a', vulnerable: '^0.5.0' }),
      ].map((x) => ({ ...x, ranges: npmAffected(x.name, x.vulnerable, null).ranges })),
    });
    expect(entriesHolding(a, 'npm', 'a', '0.5.1')).toEqual([0, 2]);
    expect(entriesHolding(a, 'npm', 'a', '0.4.0')).toEqual([0]);
    expect(firstHolding(a, 'npm', 'b', '0.4.0')).toBe(1);
    expect(affects(a, 'npm', 'c', null)).toBe(false);
    expect(affects(a, 'npm', 'a', null)).toBe(true);
  });

  it('is what the audit decides: a bad range matches nothing instead of stopping the audit', () => {
    const base = advisory('NSWG-ECO-368');
    const broken = { ...base, affected: [{ ...base.affected[0]!, vulnerable: '<= four', ranges: [] }] };
    const name = base.affected[0]!.name;
    const pkg = {
      name,
      version: '0.0.1',
      location: `node_modules/${name}`,
      paths: [['root', name]],
      dev: false,
      optional: false,
      devOptional: false,
      peer: false,
      workspaces: [],
    };
    expect(matchFindings([pkg], new Map([[name, [broken]]]))).toEqual([]);
  });
});
