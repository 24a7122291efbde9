import type { Report } from './report.js';
import type { ReportState } from './workflow.js';

/** The first answer is due this many business days (Monday to Friday, UTC) after submission. */
export const FIRST_ANSWER_BUSINESS_DAYS = 2;
/** Publication is due this many calendar days after triage (plus the extensions voted). */
export const PUBLICATION_DAYS = 45;
/** The team is reminded of the first answer this many business days after submission. */
export const FIRST_ANSWER_REMINDER_BUSINESS_DAYS = 1;
/** Participants are reminded of publication this many calendar days before it is due. */
export const PUBLICATION_REMINDER_DAYS = 7;

const DAY = 86_400_000;

/** Monday to Friday, in UTC (the Working Group is spread over time zones; UTC is the one calendar). */
export function isBusinessDay(d: Date): boolean {
  const w = d.getUTCDay();
  return w !== 0 && w !== 6;
}

/** `d` plus whole calendar days. */
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY);

/**
 * `start` plus `n` business days: a weekend start counts from the following Monday 00:00 UTC;
 * then each day added skips Saturdays and Sundays (Friday 15:00 + 2 is Tuesday 15:00).
 */
export function addBusinessDays(start: Date, n: number): Date {
  let t = new Date(start.getTime());
  if (!isBusinessDay(t)) {
    while (!isBusinessDay(t)) t = addDays(t, 1);
    t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  }
  for (let left = n; left > 0; ) {
    t = addDays(t, 1);
    if (isBusinessDay(t)) left--;
  }
  return t;
}

/** When the first answer to a report submitted at `submittedAt` is due. */
export const firstAnswerDue = (submittedAt: Date): Date =>
  addBusinessDays(submittedAt, FIRST_ANSWER_BUSINESS_DAYS);

/** When a report triaged at `triagedAt` is due for publication, with `extensionDays` voted. */
export const publicationDue = (triagedAt: Date, extensionDays = 0): Date =>
  addDays(triagedAt, PUBLICATION_DAYS + extensionDays);

/** States in which the team still owes the first answer. */
export const AWAITING_ANSWER: readonly ReportState[] = ['new', 'needs-more-info'];
/** States between triage and publication: the publication deadline runs. */
export const PUBLICATION_CLOCK_STATES: readonly ReportState[] = [
  'accepted',
  'maintainer-invited',
  'fix-in-progress',
  'fixed',
];

/** True when the first answer is past due and the team has not answered: the report is flagged. */
export function isFirstAnswerOverdue(
  r: Pick<Report, 'state' | 'firstAnswerAt' | 'firstAnswerDue'>,
  now: Date,
): boolean {
  return (
    AWAITING_ANSWER.includes(r.state) &&
    r.firstAnswerAt === null &&
    now.getTime() > Date.parse(r.firstAnswerDue)
  );
}

/** True when a triaged, unpublished report has reached its publication deadline. */
export function isPublicationDue(r: Pick<Report, 'state' | 'publicationDue'>, now: Date): boolean {
  return (
    PUBLICATION_CLOCK_STATES.includes(r.state) &&
    r.publicationDue !== null &&
    now.getTime() >= Date.parse(r.publicationDue)
  );
}

/** The reports whose first answer is overdue (the dashboard's red list). */
export const overdueForFirstAnswer = <R extends Report>(reports: readonly R[], now: Date): R[] =>
  reports.filter((r) => isFirstAnswerOverdue(r, now));

/** The reports that have reached their publication deadline. */
export const reachingPublication = <R extends Report>(reports: readonly R[], now: Date): R[] =>
  reports.filter((r) => isPublicationDue(r, now));

/** Reports past a deadline, and reports reaching one within the horizon asked about. */
export interface DeadlineCounts {
  firstAnswer: { overdue: number; dueSoon: number };
  publication: { overdue: number; dueSoon: number };
}

/**
 * Counts the reports past their first-answer or publication deadline and those due within
 * `horizonMs` (the operators' gauges): a publication past due that stays counted means the
 * scheduler is not running.
 */
export function countDeadlines(
  reports: readonly Pick<Report, 'state' | 'firstAnswerAt' | 'firstAnswerDue' | 'publicationDue'>[],
  now: Date,
  horizonMs = DAY,
): DeadlineCounts {
  const out: DeadlineCounts = {
    firstAnswer: { overdue: 0, dueSoon: 0 },
    publication: { overdue: 0, dueSoon: 0 },
  };
  const t = now.getTime();
  const soon = (at: string) => Date.parse(at) > t && Date.parse(at) <= t + horizonMs;
  for (const r of reports) {
    if (isFirstAnswerOverdue(r, now)) out.firstAnswer.overdue++;
    else if (AWAITING_ANSWER.includes(r.state) && r.firstAnswerAt === null && soon(r.firstAnswerDue))
      out.firstAnswer.dueSoon++;
    if (isPublicationDue(r, now)) out.publication.overdue++;
    else if (PUBLICATION_CLOCK_STATES.includes(r.state) && r.publicationDue && soon(r.publicationDue))
      out.publication.dueSoon++;
  }
  return out;
}

/** The kinds of work the scheduler does; each happens once per (report, kind, due time). */
export type ScheduledActionKind =
  | 'first-answer-reminder'
  | 'first-answer-overdue'
  | 'publication-reminder'
  | 'auto-publish'
  | 'close-vote';

/** One piece of due work. `dueAt` is part of its identity: a deadline moved by a vote is new work. */
export interface DueAction {
  reportId: string;
  action: ScheduledActionKind;
  dueAt: string;
  /** For close-vote: which proposal. */
  proposalId?: string;
}

/** An extension vote's window, as much of it as the scheduler needs. */
export interface OpenVoteWindow {
  id: string;
  reportId: string;
  closesAt: string;
  closedAt: string | null;
}

/**
 * Everything due at `now`, oldest first: reminders, overdue flags, votes to close, and publications
 * at the deadline. Votes close before publications due at the same time, so that an extension counts.
 */
export function dueActions(
  reports: readonly Report[],
  votes: readonly OpenVoteWindow[],
  now: Date,
): DueAction[] {
  const out: DueAction[] = [];
  const t = now.getTime();
  const due = (reportId: string, action: ScheduledActionKind, at: Date | string, proposalId?: string) => {
    const when = new Date(at);
    if (when.getTime() > t) return;
    out.push(
      proposalId
        ? { reportId, action, dueAt: when.toISOString(), proposalId }
        : { reportId, action, dueAt: when.toISOString() },
    );
  };
  for (const v of votes) if (v.closedAt === null) due(v.reportId, 'close-vote', v.closesAt, v.id);
  for (const r of reports) {
    if (AWAITING_ANSWER.includes(r.state) && r.firstAnswerAt === null) {
      due(
        r.id,
        'first-answer-reminder',
        addBusinessDays(new Date(r.submittedAt), FIRST_ANSWER_REMINDER_BUSINESS_DAYS),
      );
      due(r.id, 'first-answer-overdue', r.firstAnswerDue);
    }
    if (PUBLICATION_CLOCK_STATES.includes(r.state) && r.publicationDue) {
      const pub = new Date(r.publicationDue);
      due(r.id, 'publication-reminder', addDays(pub, -PUBLICATION_REMINDER_DAYS));
      due(r.id, 'auto-publish', pub);
    }
  }
  const order: Record<ScheduledActionKind, number> = {
    'close-vote': 0,
    'first-answer-reminder': 1,
    'first-answer-overdue': 2,
    'publication-reminder': 3,
    'auto-publish': 4,
  };
  // A reminder of a deadline already reached is pointless: the overdue notice or publication says more.
  const reached = (kind: ScheduledActionKind) =>
    new Set(out.filter((a) => a.action === kind).map((a) => a.reportId));
  const publishing = reached('auto-publish');
  const overdue = reached('first-answer-overdue');
  return out
    .filter((a) => !(a.action === 'publication-reminder' && publishing.has(a.reportId)))
    .filter((a) => !(a.action === 'first-answer-reminder' && overdue.has(a.reportId)))
    .sort(
      (a, b) =>
        order[a.action] - order[b.action] ||
        a.dueAt.localeCompare(b.dueAt) ||
        a.reportId.localeCompare(b.reportId),
    );
}
