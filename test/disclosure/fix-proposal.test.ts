import { describe, expect, it } from 'vitest';
import { actorFor, reportIn } from './fixtures.js';
import {
  advisoryFromReport,
  applyFixProposal,
  applyTransition,
  confirmFixProposal,
  type FixProposal,
  isCalendarDate,
  releaseAfterDeadline,
  validateFixProposal,
} from './imports.js';
import { isNswgErrorLike } from './report-imports.js';

// The injected clock's "now": 1 March 2026, late in the day (UTC).
const NOW = new Date('2026-03-01T23:30:00Z');

const problemsOf = (input: unknown, now = NOW): Record<string, string> => {
  try {
    validateFixProposal(input, now);
    return {};
  } catch (e) {
    if (!isNswgErrorLike(e)) throw e;
    expect(e.code).toBe('E_REPORT_INVALID');
    return Object.fromEntries(e.problems.map((p) => [p.field, p.message]));
  }
};

const proposal = (over: Partial<FixProposal> = {}): FixProposal => ({
  patchedVersions: '>=1.4.2',
  releaseDate: '2026-03-10',
  note: null,
  proposedBy: 'u-maintainer',
  proposedAt: NOW.toISOString(),
  ...over,
});

describe('a fix proposal: fixed versions and a release date', () => {
  it('accepts an npm range and a date from today on, trimmed, with an optional note', () => {
    expect(
      validateFixProposal({ patchedVersions: ' >=1.4.2 ', releaseDate: '2026-03-10', note: ' soon ' }, NOW),
    ).toEqual({ patchedVersions: '>=1.4.2', releaseDate: '2026-03-10', note: 'soon' });
    // today (UTC) is not the past, even late in the day
    expect(
      validateFixProposal({ patchedVersions: '^2.0.1 || >=3.1.0', releaseDate: '2026-03-01' }, NOW),
    ).toEqual({ patchedVersions: '^2.0.1 || >=3.1.0', releaseDate: '2026-03-01', note: null });
  });

  it('refuses a date in the past by the injected clock, and says what today is', () => {
    expect(problemsOf({ patchedVersions: '>=1.4.2', releaseDate: '2026-02-28' })).toEqual({
      releaseDate: 'must not be in the past (today is 2026-03-01)',
    });
    // the same date is fine by an earlier clock: the rule reads the clock it is given
    expect(
      problemsOf({ patchedVersions: '>=1.4.2', releaseDate: '2026-02-28' }, new Date('2026-02-28T00:00:00Z')),
    ).toEqual({});
  });

  it('refuses what is not a calendar date, and what is not an npm range, naming every bad field at once', () => {
    for (const releaseDate of [
      '',
      '2026-3-10',
      '10/03/2026',
      '2026-02-30',
      '2026-13-01',
      'tomorrow',
      20260310,
    ])
      expect(problemsOf({ patchedVersions: '>=1.4.2', releaseDate }), String(releaseDate)).toEqual({
        releaseDate: 'must be a date such as 2026-03-01',
      });
    for (const patchedVersions of ['', '   ', 'not a range', '>=1.x.y.z', 42, null])
      expect(problemsOf({ patchedVersions, releaseDate: '2026-03-10' }), String(patchedVersions)).toEqual({
        patchedVersions: 'must be an npm version range such as >=1.4.2',
      });
    expect(
      Object.keys(problemsOf({ patchedVersions: 'nope', releaseDate: 'nope', note: 'x'.repeat(5001) })),
    ).toEqual(['patchedVersions', 'releaseDate', 'note']);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
  });

  it('replaces the previous proposal; once the report is fixed only the team sets the fixed versions', () => {
    const inProgress = { ...reportIn('fix-in-progress', 'npm'), patchedVersions: null };
    const a = applyFixProposal(inProgress, proposal(), false);
    expect(a.fixProposal).toEqual(proposal());
    expect(a.patchedVersions).toBeNull();
    const b = applyFixProposal(a, proposal({ releaseDate: '2026-03-12', patchedVersions: '>=1.4.3' }), false);
    expect(b.fixProposal?.releaseDate).toBe('2026-03-12');
    const fixed = { ...reportIn('fixed', 'npm'), patchedVersions: '>=1.4.2' };
    expect(applyFixProposal(fixed, proposal({ patchedVersions: '>=1.5.0' }), true).patchedVersions).toBe(
      '>=1.5.0',
    );
    // a maintainer's word after the fix waits for the team's: what is published does not move
    const shrunk = applyFixProposal(fixed, proposal({ patchedVersions: '>=0.0.1' }), false);
    expect(shrunk.patchedVersions).toBe('>=1.4.2');
    expect(shrunk.fixProposal).toMatchObject({ patchedVersions: '>=0.0.1', awaitsConfirmation: true });
    const confirmed = confirmFixProposal(shrunk, NOW.toISOString());
    expect(confirmed.patchedVersions).toBe('>=0.0.1');
    expect(confirmed.fixProposal?.awaitsConfirmation).toBeUndefined();
    expect(() => confirmFixProposal(confirmed, NOW.toISOString())).toThrow(
      expect.objectContaining({ code: 'E_TRANSITION' }),
    );
  });

  it('gives its versions to mark-fixed when none are given there, and publication uses them', () => {
    const team = actorFor('team', 'npm');
    const r = { ...reportIn('fix-in-progress', 'npm'), fixProposal: proposal() };
    const fixed = applyTransition(team, r, 'mark-fixed', {}, NOW).report;
    expect(fixed.patchedVersions).toBe('>=1.4.2');
    // the versions given when marking it fixed win
    expect(
      applyTransition(team, r, 'mark-fixed', { patchedVersions: '>=1.4.5' }, NOW).report.patchedVersions,
    ).toBe('>=1.4.5');
    // no proposal, nothing given: no fixed versions
    const bare = { ...reportIn('fix-in-progress', 'npm'), fixProposal: null };
    expect(applyTransition(team, bare, 'mark-fixed', {}, NOW).report.patchedVersions).toBeNull();
    const published = applyTransition(team, fixed, 'publish', {}, NOW).report;
    const advisory = advisoryFromReport(published, 'NSWG-ECO-900', NOW);
    expect(advisory.affected[0]).toMatchObject({ vulnerable: '>=1.0.0 <1.4.2', patched: '>=1.4.2' });
  });

  it('flags a release planned after the publication deadline', () => {
    const r = { ...reportIn('fix-in-progress', 'npm'), publicationDue: '2026-03-10T09:00:00.000Z' };
    expect(releaseAfterDeadline({ ...r, fixProposal: proposal({ releaseDate: '2026-03-10' }) })).toBe(false);
    expect(releaseAfterDeadline({ ...r, fixProposal: proposal({ releaseDate: '2026-03-11' }) })).toBe(true);
    expect(releaseAfterDeadline({ ...r, fixProposal: null })).toBe(false);
  });
});
