import { type ErrorProblem, NswgError } from '../errors.js';
import { utcDay } from '../util/utc-day.js';
import { isValidRange } from '../versions/index.js';
import { type Report, throwProblems } from './report.js';

/**
 * The fix a maintainer (or the team) proposes: the versions that will be fixed and the day they will
 * be released. It is part of the report (the latest proposal; earlier ones are in the audit log).
 */
export interface FixProposal {
  /** An npm range, e.g. ">=1.4.2". */
  patchedVersions: string;
  /** The planned release day, YYYY-MM-DD (UTC). */
  releaseDate: string;
  note: string | null;
  proposedBy: string;
  proposedAt: string;
  /**
   * Made after the report was fixed by someone outside the team: its versions become the fixed
   * versions only once a team member confirms them (published data is the team's word).
   */
  awaitsConfirmation?: boolean;
}

/** What a proposal says, as validated (see validateFixProposal). */
export type FixProposalInput = Pick<FixProposal, 'patchedVersions' | 'releaseDate' | 'note'>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export { utcDay };

/**
 * Validates a fix proposal from untrusted input: the fixed versions an npm range, the release date a
 * calendar day that is not in the past at `now` (today is allowed), the note at most 5000
 * characters. Throws E_REPORT_INVALID naming every bad field.
 */
export function validateFixProposal(input: unknown, now: Date): FixProposalInput {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  const range = typeof o.patchedVersions === 'string' ? o.patchedVersions.trim() : '';
  if (!range || range.length > 500 || !isValidRange(range))
    problems.push({ field: 'patchedVersions', message: 'must be an npm version range such as >=1.4.2' });
  const date = typeof o.releaseDate === 'string' ? o.releaseDate.trim() : '';
  if (!isCalendarDate(date))
    problems.push({ field: 'releaseDate', message: 'must be a date such as 2026-03-01' });
  else if (date < utcDay(now))
    problems.push({ field: 'releaseDate', message: `must not be in the past (today is ${utcDay(now)})` });
  let note: string | null = null;
  if (o.note !== undefined && o.note !== null) {
    if (typeof o.note !== 'string' || o.note.length > 5000)
      problems.push({ field: 'note', message: 'must be text of at most 5000 characters' });
    else note = o.note.trim() || null;
  }
  throwProblems(problems);
  return { patchedVersions: range, releaseDate: date, note };
}

/**
 * The report with `proposal` as its fix proposal. Once the report is fixed, a proposal of the team
 * also sets its fixed versions (publication uses the latest word on them); a maintainer's waits for a
 * team member to confirm it (confirmFixProposal), so that no one outside the team changes what is
 * published about a fixed report.
 */
export function applyFixProposal(r: Report, proposal: FixProposal, byTeam: boolean): Report {
  const fixed = r.state === 'fixed';
  return {
    ...r,
    fixProposal: fixed && !byTeam ? { ...proposal, awaitsConfirmation: true } : proposal,
    patchedVersions: fixed && byTeam ? proposal.patchedVersions : r.patchedVersions,
    updatedAt: proposal.proposedAt,
  };
}

/** The report with its waiting fix proposal's versions as its fixed versions (a team member's word). */
export function confirmFixProposal(r: Report, at: string): Report {
  if (!r.fixProposal?.awaitsConfirmation)
    throw new NswgError('E_TRANSITION', 'no fix proposal waits for confirmation', { field: 'fixProposal' });
  const { awaitsConfirmation: _, ...proposal } = r.fixProposal;
  return { ...r, fixProposal: proposal, patchedVersions: proposal.patchedVersions, updatedAt: at };
}

/** True when the planned release falls after the publication deadline: an extension needs a vote. */
export function releaseAfterDeadline(r: Pick<Report, 'fixProposal' | 'publicationDue'>): boolean {
  if (!r.fixProposal || !r.publicationDue) return false;
  return r.fixProposal.releaseDate > r.publicationDue.slice(0, 10);
}
