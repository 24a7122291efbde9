import { describe, expect, it } from 'vitest';
import { actorFor, NOW, reportIn, validInput } from './fixtures.js';
import {
  applyTransition,
  can,
  checkIntake,
  checkPackageFacts,
  DEFAULT_INTAKE_LIMITS,
  isNewReporter,
  reporterSignal,
  validatePublicNote,
  validateReport,
} from './imports.js';

const problemsOf = (f: () => unknown): Record<string, string> => {
  try {
    f();
    return {};
  } catch (e) {
    const err = e as { code: string; problems: { field: string; message: string }[] };
    expect(err.code).toBe('E_REPORT_INVALID');
    return Object.fromEntries(err.problems.map((p) => [p.field, p.message]));
  }
};

describe('intake: what a report must carry', () => {
  it('refuses a missing, trivial or copied proof of concept', () => {
    expect(problemsOf(() => validateReport(validInput({ reproduction: '' })))).toHaveProperty('reproduction');
    expect(problemsOf(() => validateReport(validInput({ reproduction: 'see PoC' }))).reproduction).toMatch(
      /at least 30/,
    );
    const description = 'merge() copies __proto__ keys from its second argument into the target object.';
    expect(
      problemsOf(() =>
        validateReport(validInput({ description, reproduction: `  ${description.toUpperCase()} ` })),
      ).reproduction,
    ).toMatch(/not repeat the description/);
  });

  it('requires the affected versions as a valid npm range', () => {
    expect(problemsOf(() => validateReport(validInput({ affectedVersions: undefined })))).toHaveProperty(
      'affectedVersions',
    );
    expect(problemsOf(() => validateReport(validInput({ affectedVersions: 'every one' })))).toHaveProperty(
      'affectedVersions',
    );
  });

  it('takes an optional statement on tools and AI, one of four', () => {
    expect(validateReport(validInput()).toolsUsed).toBeNull();
    expect(validateReport(validInput({ toolsUsed: 'ai' })).toolsUsed).toBe('ai');
    expect(validateReport(validInput({ toolsUsed: 'tools-and-ai' })).toolsUsed).toBe('tools-and-ai');
    expect(problemsOf(() => validateReport(validInput({ toolsUsed: 'chatgpt' }))).toolsUsed).toMatch(
      /none, tools, ai, tools-and-ai/,
    );
  });
});

describe('closing a report as junk', () => {
  const team = actorFor('team', 'npm');
  const r = reportIn('new', 'npm');

  it('rejects only with a category and a message, both recorded', () => {
    expect(
      problemsOf(() => applyTransition(team, r, 'reject', { reason: 'generated text' }, NOW)),
    ).toHaveProperty('closedAs');
    expect(
      problemsOf(() => applyTransition(team, r, 'reject', { reason: 'x', closedAs: 'junk' as never }, NOW)),
    ).toHaveProperty('closedAs');
    const { report, change } = applyTransition(
      team,
      r,
      'reject',
      { reason: 'The steps do not run.', closedAs: 'spam' },
      NOW,
    );
    expect(report).toMatchObject({
      state: 'rejected',
      closedAs: 'spam',
      rejectReason: 'The steps do not run.',
    });
    expect(change.reason).toBe('spam: The steps do not run.');
  });

  it('marks a duplicate as closed as duplicate, linked', () => {
    const { report } = applyTransition(team, r, 'mark-duplicate', { duplicateOf: 'other' }, NOW);
    expect(report).toMatchObject({ closedAs: 'duplicate', duplicateOf: 'other' });
  });

  it('lets only the team publish a note, from a report closed as informative or not applicable', () => {
    const closed = (closedAs: 'spam' | 'informative' | 'not-applicable') => ({
      ...reportIn('rejected', 'npm'),
      closedAs,
    });
    expect(can(team, 'publish-note', closed('informative'), NOW)).toBe(true);
    expect(can(team, 'publish-note', closed('not-applicable'), NOW)).toBe(true);
    expect(can(team, 'publish-note', closed('spam'), NOW)).toBe(false);
    expect(can(team, 'publish-note', reportIn('accepted', 'npm'), NOW)).toBe(false);
    expect(can(actorFor('reporter', 'npm'), 'publish-note', closed('informative'), NOW)).toBe(false);
    expect(can(actorFor('other-team', 'npm'), 'publish-note', closed('informative'), NOW)).toBe(false);
    expect(problemsOf(() => validatePublicNote({ title: 'Hi', text: 'short' }))).toEqual({
      title: 'must be 5 to 200 characters',
      text: 'must say in 20 to 5000 characters what helps the maintainer',
    });
  });

  it("shows a reporter's signal to the report's team only", () => {
    expect(can(team, 'view-reporter-signal', r, NOW)).toBe(true);
    for (const role of ['reporter', 'maintainer', 'stranger'] as const)
      expect(
        can(actorFor(role, 'npm'), 'view-reporter-signal', reportIn('maintainer-invited', 'npm'), NOW),
      ).toBe(false);
  });
});

describe("a reporter's signal", () => {
  const row = (state: string, closedAs: string | null, count: number, reporterId = 'u1') =>
    ({ reporterId, state, closedAs, count }) as never;

  it('is the share of valid reports among those the team decided; junk and duplicates count against', () => {
    const s = reporterSignal('u1', [
      row('published', null, 1),
      row('accepted', null, 1),
      row('rejected', 'spam', 2),
      row('rejected', 'informative', 1),
      row('rejected', 'not-applicable', 1),
      row('duplicate', 'duplicate', 1),
      row('rejected', null, 1),
      row('withdrawn', null, 3),
      row('new', null, 2),
      row('published', null, 9, 'someone-else'),
    ]);
    expect(s).toMatchObject({
      reports: 13,
      open: 2,
      valid: 2,
      spam: 2,
      informative: 1,
      notApplicable: 1,
      duplicate: 1,
      rejectedOther: 1,
      withdrawn: 3,
      decided: 8,
      validShare: 0.25,
    });
    expect(reporterSignal('u2', []).validShare).toBeNull();
  });

  it('limits a new account, or one with no valid report, to 2 waiting reports and 3 a day', () => {
    const L = DEFAULT_INTAKE_LIMITS;
    const week = new Date(NOW.getTime() - 8 * 86_400_000).toISOString();
    const old = reporterSignal('u1', [row('published', null, 1), row('new', null, 5)]);
    const fresh = reporterSignal('u1', [row('new', null, 2)]);
    expect(isNewReporter(L, NOW.toISOString(), old, NOW)).toBe(true);
    expect(isNewReporter(L, week, old, NOW)).toBe(false);
    expect(isNewReporter(L, week, reporterSignal('u1', [row('rejected', 'spam', 4)]), NOW)).toBe(true);
    expect(() => checkIntake(L, week, old, 10, NOW)).not.toThrow();
    expect(() => checkIntake(L, week, fresh, 0, NOW)).toThrow(/2 reports waiting.*at most 2/);
    expect(() => checkIntake(L, week, reporterSignal('u1', [row('new', null, 1)]), 3, NOW)).toThrow(
      /3 reports in the last 24 hours: at most 3/,
    );
    expect(() => checkIntake(L, week, reporterSignal('u1', [row('new', null, 1)]), 2, NOW)).not.toThrow();
  });
});

describe('the package and versions a report names, against the registry', () => {
  const npm = { kind: 'npm' as const, packageName: 'left-pad-ng', affectedVersions: '>=1.0.0 <1.4.2' };

  it('refuses a package the registry says does not exist, naming packageName', () => {
    expect(problemsOf(() => checkPackageFacts(npm, { state: 'missing' }))).toEqual({
      packageName: 'is not a package on the registry',
    });
  });

  it('refuses a range no published version satisfies (npm semantics), naming affectedVersions', () => {
    const problems = problemsOf(() =>
      checkPackageFacts(npm, { state: 'published', versions: ['2.0.0', '0.9.0', '1.4.2', '10.0.0'] }),
    );
    expect(problems.affectedVersions).toBe(
      'matches no published version of left-pad-ng (latest published: 0.9.0, 1.4.2, 2.0.0, 10.0.0)',
    );
    // a prerelease counts, as npm audit counts it
    expect(() =>
      checkPackageFacts(
        { ...npm, affectedVersions: '<1.0.0' },
        { state: 'published', versions: ['1.0.0-beta.1'] },
      ),
    ).not.toThrow();
    expect(() => checkPackageFacts(npm, { state: 'published', versions: ['1.4.1'] })).not.toThrow();
  });

  it('lets everything through when nobody answered, and for core reports', () => {
    expect(() => checkPackageFacts(npm, { state: 'unknown' })).not.toThrow();
    expect(() =>
      checkPackageFacts(
        { kind: 'core', packageName: null, affectedVersions: '<1.0.0' },
        { state: 'missing' },
      ),
    ).not.toThrow();
  });
});
