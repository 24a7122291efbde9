import { describe, expect, it } from 'vitest';
import { reportIn } from './fixtures.js';
import {
  addBusinessDays,
  countDeadlines,
  dueActions,
  firstAnswerDue,
  isBusinessDay,
  isFirstAnswerOverdue,
  isPublicationDue,
  overdueForFirstAnswer,
  publicationDue,
  reachingPublication,
} from './imports.js';

const d = (s: string) => new Date(s);
const iso = (x: Date) => x.toISOString();

describe('business days', () => {
  it('knows the weekend (UTC)', () => {
    expect(isBusinessDay(d('2026-01-09T23:59:59Z'))).toBe(true); // Friday
    expect(isBusinessDay(d('2026-01-10T00:00:00Z'))).toBe(false); // Saturday
    expect(isBusinessDay(d('2026-01-11T12:00:00Z'))).toBe(false); // Sunday
    expect(isBusinessDay(d('2026-01-12T00:00:00Z'))).toBe(true); // Monday
  });

  it.each([
    ['Monday 10:00 + 2 → Wednesday 10:00', '2026-01-05T10:00:00Z', 2, '2026-01-07T10:00:00.000Z'],
    ['Thursday + 2 → Monday, across the weekend', '2026-01-08T10:00:00Z', 2, '2026-01-12T10:00:00.000Z'],
    ['Friday 15:00 + 2 → Tuesday 15:00', '2026-01-09T15:00:00Z', 2, '2026-01-13T15:00:00.000Z'],
    ['Saturday counts from Monday 00:00', '2026-01-10T18:30:00Z', 2, '2026-01-14T00:00:00.000Z'],
    ['Sunday counts from Monday 00:00', '2026-01-11T23:59:00Z', 1, '2026-01-13T00:00:00.000Z'],
    [
      'Friday 30 January + 2 → Tuesday 3 February (month end)',
      '2026-01-30T09:00:00Z',
      2,
      '2026-02-03T09:00:00.000Z',
    ],
    [
      'Thursday 31 December + 2 → Monday 4 January (year end)',
      '2026-12-31T09:00:00Z',
      2,
      '2027-01-04T09:00:00.000Z',
    ],
    ['Friday 27 February + 1 → Monday 2 March', '2026-02-27T09:00:00Z', 1, '2026-03-02T09:00:00.000Z'],
    [
      'a leap year: Friday 28 February 2020 + 2 → Tuesday 3 March',
      '2020-02-28T09:00:00Z',
      2,
      '2020-03-03T09:00:00.000Z',
    ],
    ['+ 10 spans two weekends', '2026-01-05T10:00:00Z', 10, '2026-01-19T10:00:00.000Z'],
    ['+ 0 on a weekday is the same time', '2026-01-07T10:00:00Z', 0, '2026-01-07T10:00:00.000Z'],
  ])('%s', (_, start, n, want) => {
    expect(iso(addBusinessDays(d(start), n))).toBe(want);
  });

  it('puts the first answer 2 business days after submission and publication 45 calendar days after triage', () => {
    expect(iso(firstAnswerDue(d('2026-01-09T15:00:00Z')))).toBe('2026-01-13T15:00:00.000Z');
    expect(iso(publicationDue(d('2026-01-20T10:00:00Z')))).toBe('2026-03-06T10:00:00.000Z');
    expect(iso(publicationDue(d('2026-01-20T10:00:00Z'), 14))).toBe('2026-03-20T10:00:00.000Z');
  });
});

describe('what is overdue and what is due', () => {
  const fresh = {
    ...reportIn('new', 'npm'),
    submittedAt: '2026-01-09T15:00:00.000Z',
    firstAnswerDue: '2026-01-13T15:00:00.000Z',
  };

  it('flags a report with no first answer after 2 business days, not before, not once answered', () => {
    expect(isFirstAnswerOverdue(fresh, d('2026-01-13T15:00:00Z'))).toBe(false);
    expect(isFirstAnswerOverdue(fresh, d('2026-01-13T15:00:01Z'))).toBe(true);
    expect(
      isFirstAnswerOverdue({ ...fresh, firstAnswerAt: '2026-01-12T00:00:00Z' }, d('2026-02-01T00:00:00Z')),
    ).toBe(false);
    expect(isFirstAnswerOverdue({ ...fresh, state: 'withdrawn' }, d('2026-02-01T00:00:00Z'))).toBe(false);
    expect(overdueForFirstAnswer([fresh], d('2026-01-14T00:00:00Z'))).toHaveLength(1);
  });

  it('finds reports at their publication deadline only between triage and publication', () => {
    const accepted = { ...reportIn('accepted', 'npm'), publicationDue: '2026-03-06T10:00:00.000Z' };
    expect(isPublicationDue(accepted, d('2026-03-06T09:59:59Z'))).toBe(false);
    expect(isPublicationDue(accepted, d('2026-03-06T10:00:00Z'))).toBe(true);
    expect(isPublicationDue({ ...accepted, state: 'published' }, d('2026-04-01T00:00:00Z'))).toBe(false);
    expect(
      reachingPublication(
        [accepted, { ...accepted, id: 'r-2', state: 'rejected' }],
        d('2026-04-01T00:00:00Z'),
      ),
    ).toHaveLength(1);
  });

  it('counts the reports past a deadline and those due within the horizon, for the metrics', () => {
    const accepted = { ...reportIn('accepted', 'npm'), publicationDue: '2026-03-06T10:00:00.000Z' };
    const reports = [
      fresh,
      { ...fresh, firstAnswerAt: '2026-01-12T00:00:00Z' },
      { ...fresh, state: 'withdrawn' as const },
      accepted,
      { ...accepted, state: 'published' as const },
    ];
    // the day before the first answer is due: soon; the publication far off
    expect(countDeadlines(reports, d('2026-01-12T15:00:00Z'))).toEqual({
      firstAnswer: { overdue: 0, dueSoon: 1 },
      publication: { overdue: 0, dueSoon: 0 },
    });
    expect(countDeadlines(reports, d('2026-01-12T14:59:59Z')).firstAnswer.dueSoon).toBe(0);
    expect(countDeadlines(reports, d('2026-03-06T10:00:00Z'))).toEqual({
      firstAnswer: { overdue: 1, dueSoon: 0 },
      publication: { overdue: 1, dueSoon: 0 },
    });
    expect(countDeadlines(reports, d('2026-03-05T10:00:00Z')).publication).toEqual({
      overdue: 0,
      dueSoon: 1,
    });
    expect(countDeadlines(reports, d('2026-03-01T10:00:00Z'), 7 * 86_400_000).publication.dueSoon).toBe(1);
  });

  it('lists the reminders and publications due, in order, each with its due time', () => {
    const accepted = {
      ...reportIn('fix-in-progress', 'npm'),
      id: 'r-pub',
      publicationDue: '2026-03-06T10:00:00.000Z',
    };
    const vote = { id: 'p-1', reportId: 'r-pub', closesAt: '2026-01-12T00:00:00.000Z', closedAt: null };
    const at = (s: string) =>
      dueActions([fresh, accepted], [vote], d(s)).map((a) => `${a.action} ${a.reportId} ${a.dueAt}`);
    expect(at('2026-01-09T16:00:00Z')).toEqual([]);
    expect(at('2026-01-12T15:00:00Z')).toEqual([
      'close-vote r-pub 2026-01-12T00:00:00.000Z',
      'first-answer-reminder r-1 2026-01-12T15:00:00.000Z',
    ]);
    // Once overdue, the overdue notice replaces the reminder.
    expect(at('2026-01-14T00:00:00Z')).toContain('first-answer-overdue r-1 2026-01-13T15:00:00.000Z');
    expect(at('2026-01-14T00:00:00Z')).not.toContain('first-answer-reminder r-1 2026-01-12T15:00:00.000Z');
    expect(at('2026-02-27T10:00:00Z')).toContain('publication-reminder r-pub 2026-02-27T10:00:00.000Z');
    const atDeadline = at('2026-03-06T10:00:00Z');
    expect(atDeadline).toContain('auto-publish r-pub 2026-03-06T10:00:00.000Z');
    expect(atDeadline.some((a) => a.startsWith('publication-reminder'))).toBe(false);
  });
});
