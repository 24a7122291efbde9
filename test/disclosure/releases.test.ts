// The security release's rules that hang on the clock, pure: when the pre-announcement may go out.
import { describe, expect, it } from 'vitest';
import { checkPreAnnouncement, newRelease, type SecurityRelease } from '../../src/disclosure/index.js';

const complete = (targetDate: string): { r: SecurityRelease; reports: Map<string, never> } => {
  const r = newRelease(
    'r1',
    {
      targetDate,
      stewardId: 'u1',
      releaserIds: [],
      lines: [{ line: 'v24', version: '24.1.1', endOfLife: false }],
    },
    'u1',
    new Date('2026-01-01T00:00:00Z'),
  );
  r.fixes = [
    {
      reportId: 'a',
      summary: 'A crafted request splits in two.',
      lines: ['v24'],
      patchAuthors: [],
      addedBy: 'u1',
      addedAt: '',
    },
  ];
  r.ticks = ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers'].map((step) => ({
    step,
    by: 'u1',
    at: '',
  }));
  const reports = new Map([
    ['a', { cveId: 'CVE-2026-1', cwe: 'CWE-444', cvss: { vector: 'v', score: 9.8 } }],
  ]);
  return { r, reports: reports as unknown as Map<string, never> };
};

describe('the pre-announcement and the calendar', () => {
  it('goes out on the release day itself with a reason (an emergency release), not the day after', () => {
    const { r, reports } = complete('2026-02-10');
    const morning = new Date('2026-02-10T09:00:00Z');
    expect(() => checkPreAnnouncement(r, reports, morning, null)).toThrow(/0 days away/);
    expect(() =>
      checkPreAnnouncement(r, reports, morning, 'actively exploited since this morning'),
    ).not.toThrow();
    expect(() =>
      checkPreAnnouncement(r, reports, new Date('2026-02-11T00:00:00Z'), 'actively exploited'),
    ).toThrow(/2026-02-10 has passed/);
  });

  it('needs seven whole days without a reason', () => {
    const { r, reports } = complete('2026-02-10');
    expect(() => checkPreAnnouncement(r, reports, new Date('2026-02-03T00:00:00Z'), null)).not.toThrow();
    expect(() => checkPreAnnouncement(r, reports, new Date('2026-02-03T00:00:01Z'), null)).toThrow(
      /6 days away/,
    );
  });
});
