import { NswgError } from '../errors.js';
import type { ClosedAs } from './report.js';
import { PRE_TRIAGE_STATES, type ReportState } from './workflow.js';

// What the team knows of a reporter before reading a word of their report: how their earlier reports
// ended. Junk costs the team the hours genuine reports need, so it counts against its sender.

/** How many of one reporter's reports stand in one state, closed one way (the store's count). */
export interface OutcomeCount {
  reporterId: string;
  state: ReportState;
  closedAs: ClosedAs | null;
  count: number;
}

/** One reporter's reports by outcome, and the share of the decided ones that were valid. */
export interface ReporterSignal {
  reporterId: string;
  /** Every report of theirs. */
  reports: number;
  /** Not decided yet (new, needs more information). */
  open: number;
  /** Accepted by the team (whatever happened next: a maintainer invited, fixed, published). */
  valid: number;
  spam: number;
  informative: number;
  notApplicable: number;
  duplicate: number;
  /** Rejected before the team said how (reports closed before the categories existed). */
  rejectedOther: number;
  /** Withdrawn by the reporter: neither for nor against. */
  withdrawn: number;
  /** Decided by the team: valid plus every kind of closed. */
  decided: number;
  /** valid / decided, two decimals; null before the team decided any. */
  validShare: number | null;
}

/** Where a report counts in the signal, by its state and how it was closed. */
function outcomeOf(state: ReportState, closedAs: ClosedAs | null): keyof ReporterSignal {
  if (PRE_TRIAGE_STATES.includes(state)) return 'open';
  if (state === 'withdrawn') return 'withdrawn';
  if (state === 'duplicate') return 'duplicate';
  if (state === 'rejected') {
    if (closedAs === 'spam') return 'spam';
    if (closedAs === 'informative') return 'informative';
    if (closedAs === 'not-applicable') return 'notApplicable';
    return 'rejectedOther';
  }
  return 'valid';
}

/** The signal of a reporter from the store's counts of their reports (other reporters' rows are ignored). */
export function reporterSignal(reporterId: string, counts: readonly OutcomeCount[]): ReporterSignal {
  const s: ReporterSignal = {
    reporterId,
    reports: 0,
    open: 0,
    valid: 0,
    spam: 0,
    informative: 0,
    notApplicable: 0,
    duplicate: 0,
    rejectedOther: 0,
    withdrawn: 0,
    decided: 0,
    validShare: null,
  };
  for (const c of counts) {
    if (c.reporterId !== reporterId) continue;
    const k = outcomeOf(c.state, c.closedAs) as 'open';
    s[k] += c.count;
    s.reports += c.count;
  }
  s.decided = s.valid + s.spam + s.informative + s.notApplicable + s.duplicate + s.rejectedOther;
  s.validShare = s.decided ? Math.round((s.valid / s.decided) * 100) / 100 : null;
  return s;
}

/**
 * The tighter limits on a new reporter: an account younger than `newAccountDays`, or one none of
 * whose reports the team accepted yet, may have at most `openReports` reports waiting for a decision
 * and submit at most `perDay` in any 24 hours. Team members, and reports the team files on someone's
 * behalf, are not limited.
 */
export interface IntakeLimits {
  newAccountDays: number;
  openReports: number;
  perDay: number;
}

/**
 * A week tells a throwaway account from a researcher's; two reports waiting and three a day are more
 * than a first finding needs, and less than a generator sends.
 */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = { newAccountDays: 7, openReports: 2, perDay: 3 };

const DAY_MS = 86_400_000;

/** Is a reporter whose account was made at `createdAt` with this signal new (limited) at `now`? */
export function isNewReporter(
  limits: IntakeLimits,
  createdAt: string,
  s: ReporterSignal,
  now: Date,
): boolean {
  return now.getTime() - Date.parse(createdAt) < limits.newAccountDays * DAY_MS || s.valid === 0;
}

/**
 * Throws E_QUOTA (field `report`) when a new reporter (isNewReporter) may not submit one more report:
 * too many waiting for a decision, or too many in the last 24 hours (`submittedToday`).
 */
export function checkIntake(
  limits: IntakeLimits,
  createdAt: string,
  s: ReporterSignal,
  submittedToday: number,
  now: Date,
): void {
  if (!isNewReporter(limits, createdAt, s, now)) return;
  const why = `until your account is ${limits.newAccountDays} days old and the team accepted one of your reports`;
  if (s.open >= limits.openReports)
    throw new NswgError(
      'E_QUOTA',
      `you have ${s.open} reports waiting for the team's decision: at most ${limits.openReports} may wait at once ${why}`,
      { field: 'report' },
    );
  if (submittedToday >= limits.perDay)
    throw new NswgError(
      'E_QUOTA',
      `you submitted ${submittedToday} reports in the last 24 hours: at most ${limits.perDay} ${why}`,
      { field: 'report' },
    );
}
