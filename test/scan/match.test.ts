import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixFor } from '../../src/scan/match.js';
import { complement, contains, intersect, parseRange, parseVersion } from '../../src/versions/index.js';
import { npmAffected, smallRanges } from '../helpers/ranges.js';

/** The fix as its definition says: the least version at or above `version` that is safe (set algebra). */
function reference(version: string, vulnerable: string, patched: string | null): string | null {
  const v = parseVersion(version)!;
  let safe = complement(parseRange(vulnerable));
  if (patched) safe = intersect(safe, parseRange(patched));
  const above = intersect(safe, [{ lo: v, hi: null, hiInclusive: false }]);
  const lo = above[0]?.lo;
  if (!lo) return null;
  if (lo.prerelease.length === 1 && lo.prerelease[0] === 0) {
    const release = `${lo.major}.${lo.minor}.${lo.patch}`;
    if (contains(above, release)) return release;
  }
  return lo.version;
}

const entry = (vulnerable: string, patched: string | null) => npmAffected('x', vulnerable, patched);

describe('the fix of a finding', () => {
  it('reads well on the usual ranges', () => {
    expect(fixFor('1.5.0', entry('<=1.5.1', null)).version).toBe('1.5.2');
    expect(fixFor('1.5.0', entry('<1.6.0-rc.1', null)).version).toBe('1.6.0-rc.1');
    expect(fixFor('2.0.0', entry('>=2.0.0', null)).version).toBe(null);
    expect(fixFor('1.0.0', entry('<1.2.0 || >=1.2.0 <1.3.0', null)).version).toBe('1.3.0');
    expect(fixFor('1.0.0', entry('<=1.2.0 || =1.2.1-0', null)).version).toBe('1.2.1-0.0');
    expect(fixFor('1.0.0', entry('<=1.2.0 || =1.2.1', null)).version).toBe('1.2.1-0');
    expect(fixFor('1.0.0', entry('<1.2.0', '>=1.4.0'))).toEqual({ version: '1.4.0', patched: '>=1.4.0' });
    // the release after an inclusive end is the fix only when the patched range holds it too
    expect(fixFor('1.0.0', entry('<=1.2.0', '>=1.2.1-0 <1.2.1 || >=1.3.0')).version).toBe('1.2.1-0');
    expect(reference('1.0.0', '<=1.2.0', '>=1.2.1-0 <1.2.1 || >=1.3.0')).toBe('1.2.1-0');
  });

  it('is the least safe version at or above the installed one, with and without a patched range', () => {
    const { version, range } = smallRanges({
      max: 3,
      prereleases: ['', '', '-0', '-rc.1'],
      operators: ['', '<', '<=', '>', '>=', '^', '~'],
      sets: 3,
    });
    fc.assert(
      fc.property(range, fc.option(range, { nil: null }), version, (vulnerable, patched, installed) => {
        if (!contains(parseRange(vulnerable), installed)) return;
        expect(fixFor(installed, entry(vulnerable, patched)).version).toBe(
          reference(installed, vulnerable, patched),
        );
      }),
      { numRuns: 4000, seed: 20261125 },
    );
  });
});
