import { describe, expect, it } from 'vitest';
import { freshnessOf, freshnessOfRecords, sourceOfId, staleNpmData } from '../../src/advisories/index.js';

describe('the freshness of each source', () => {
  it('tells the source from the id', () => {
    expect(sourceOfId('NSWG-ECO-1')).toBe('Working Group');
    expect(sourceOfId('NSWG-COR-171')).toBe('Working Group');
    expect(sourceOfId('GHSA-xxxx-yyyy-zzzz')).toBe('GHSA');
    expect(sourceOfId('MAL-2024-1')).toBe('MAL');
  });

  it('folds id prefixes into one entry per source and ecosystem, the Working Group first', () => {
    expect(
      freshnessOf([
        { prefix: 'GHSA-', ecosystem: 'npm', newest: '2026-05-01T00:00:00Z', advisories: 3 },
        { prefix: 'NSWG-', ecosystem: 'core', newest: '2026-04-08T00:00:00Z', advisories: 171 },
        { prefix: 'MAL-2', ecosystem: 'npm', newest: '2025-01-01T00:00:00Z', advisories: 1 },
        { prefix: 'MAL-1', ecosystem: 'npm', newest: '2025-02-01T00:00:00Z', advisories: 2 },
        { prefix: 'NSWG-', ecosystem: 'npm', newest: '2020-08-10T00:00:00Z', advisories: 467 },
      ]),
    ).toEqual([
      { source: 'Working Group', ecosystem: 'npm', newest: '2020-08-10T00:00:00Z', advisories: 467 },
      { source: 'Working Group', ecosystem: 'core', newest: '2026-04-08T00:00:00Z', advisories: 171 },
      { source: 'GHSA', ecosystem: 'npm', newest: '2026-05-01T00:00:00Z', advisories: 3 },
      { source: 'MAL', ecosystem: 'npm', newest: '2025-02-01T00:00:00Z', advisories: 3 },
    ]);
    expect(
      freshnessOfRecords([
        { id: 'NSWG-ECO-2', kind: 'npm', modified: '2019-01-01T00:00:00Z' },
        { id: 'NSWG-ECO-1', kind: 'npm', modified: '2020-01-01T00:00:00Z' },
      ]),
    ).toEqual([{ source: 'Working Group', ecosystem: 'npm', newest: '2020-01-01T00:00:00Z', advisories: 2 }]);
  });

  it('calls the npm data stale past 30 days, whatever the core data says', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const core = {
      source: 'Working Group',
      ecosystem: 'core',
      newest: '2026-05-31T00:00:00Z',
      advisories: 1,
    } as const;
    const npm = (newest: string) =>
      ({ source: 'Working Group', ecosystem: 'npm', newest, advisories: 1 }) as const;
    expect(staleNpmData([core, npm('2026-05-02T00:00:00Z')], now)).toBeNull();
    expect(staleNpmData([core, npm('2026-04-30T00:00:00Z')], now)).toEqual({
      newest: '2026-04-30T00:00:00Z',
      days: 32,
    });
    expect(staleNpmData([core], now)).toEqual({ newest: null, days: null });
  });
});
