import fc from 'fast-check';
import type { Affected } from '../../src/advisories/index.js';
import { parseRange, toOsvRanges } from '../../src/versions/index.js';

/** An npm affected entry with its OSV ranges, as the formats build them. */
export function npmAffected(name: string, vulnerable: string, patched: string | null): Affected {
  return {
    ecosystem: 'npm',
    name,
    vulnerable,
    patched,
    ranges: toOsvRanges(parseRange(vulnerable)),
    versions: [],
    platforms: [],
    components: [],
  };
}

/**
 * Versions and npm ranges over a few small numbers, for property tests of version sets: small, so
 * that generated versions fall on the ranges' bounds and next to them.
 */
export function smallRanges(opts: {
  max: number;
  prereleases: string[];
  operators: string[];
  sets: number;
}): { version: fc.Arbitrary<string>; range: fc.Arbitrary<string> } {
  const num = fc.integer({ min: 0, max: opts.max });
  const pre = fc.constantFrom(...opts.prereleases);
  const version = fc.tuple(num, num, num, pre).map(([a, b, c, p]) => `${a}.${b}.${c}${p}`);
  const op = fc.constantFrom(...opts.operators);
  const comparators = fc
    .array(fc.tuple(op, version), { minLength: 1, maxLength: 2 })
    .map((cs) => cs.map(([o, v]) => o + v).join(' '));
  const range = fc
    .array(comparators, { minLength: 1, maxLength: opts.sets })
    .map((sets) => sets.join(' || '));
  return { version, range };
}
