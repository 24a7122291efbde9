import { NswgError } from '../errors.js';
import { addDays, PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { check } from './permissions.js';
import type { Report } from './report.js';
import { type Actor, actorId } from './roles.js';

/** A proposal to extend a report's publication deadline, voted on by the team and the reporter. */
export interface ExtensionProposal {
  id: string;
  reportId: string;
  proposedBy: string;
  /** The extension asked for, in calendar days: part of the proposal, not of the result. */
  days: number;
  reason: string;
  opensAt: string;
  closesAt: string;
  /** Set when the vote has been counted. */
  closedAt: string | null;
  result: 'passed' | 'failed' | null;
}

/** One voter's vote: each triage (or core security) team member and the reporter have one. */
export interface Vote {
  proposalId: string;
  voterId: string;
  inFavour: boolean;
  castAt: string;
}

export const MAX_EXTENSION_DAYS = 90;
export const DEFAULT_VOTE_WINDOW_HOURS = 72;
export const MAX_VOTE_WINDOW_HOURS = 14 * 24;

/** What a participant asks for. */
export interface ProposalInput {
  days: number;
  reason: string;
  /** How long the vote stays open, in hours (default 72). */
  windowHours?: number;
}

const invalid = (field: string, message: string) =>
  new NswgError('E_VOTE', `${field} ${message}`, { field }, [{ field, message }]);

/**
 * Checks a proposal and fixes its window (from now). Refused when the actor may not propose, another
 * vote on the report is still open, or the window would end after the current publication deadline
 * (the vote must be decided before the report is due).
 */
export function openProposal(
  actor: Actor,
  report: Report,
  input: ProposalInput,
  open: readonly ExtensionProposal[],
  now: Date,
  id: string,
): ExtensionProposal {
  const d = check(actor, 'propose-extension', report, now);
  if (!d.ok) throw new NswgError('E_FORBIDDEN', d.reason, { field: 'propose-extension' });
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_EXTENSION_DAYS) {
    throw invalid('days', `must be a whole number of days from 1 to ${MAX_EXTENSION_DAYS}`);
  }
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (!reason || reason.length > 5000) throw invalid('reason', 'is required (at most 5000 characters)');
  const hours = input.windowHours ?? DEFAULT_VOTE_WINDOW_HOURS;
  if (!Number.isFinite(hours) || hours < 1 || hours > MAX_VOTE_WINDOW_HOURS) {
    throw invalid('windowHours', `must be from 1 to ${MAX_VOTE_WINDOW_HOURS} hours`);
  }
  if (open.some((p) => p.reportId === report.id && p.closedAt === null)) {
    throw new NswgError('E_CONFLICT', 'another extension vote on this report is still open', {
      field: 'proposal',
    });
  }
  const closesAt = new Date(now.getTime() + hours * 3_600_000);
  if (report.publicationDue && closesAt.getTime() > Date.parse(report.publicationDue)) {
    throw invalid('windowHours', 'the vote must close before the publication deadline');
  }
  return {
    id,
    reportId: report.id,
    proposedBy: actorId(actor) ?? 'system',
    days: input.days,
    reason,
    opensAt: now.toISOString(),
    closesAt: closesAt.toISOString(),
    closedAt: null,
    result: null,
  };
}

/** True while `at` is inside the proposal's window (opening time included, closing time excluded). */
export const inWindow = (p: ExtensionProposal, at: Date): boolean =>
  at.getTime() >= Date.parse(p.opensAt) && at.getTime() < Date.parse(p.closesAt);

/**
 * Checks and makes a vote: the voter must be allowed to vote on the report (team or reporter), the
 * window open, the vote not yet counted, and the voter must not have voted already.
 */
export function castVote(
  actor: Actor,
  report: Report,
  proposal: ExtensionProposal,
  votes: readonly Vote[],
  inFavour: boolean,
  now: Date,
): Vote {
  const d = check(actor, 'vote', report, now);
  if (!d.ok) throw new NswgError('E_FORBIDDEN', d.reason, { field: 'vote' });
  const voter = actorId(actor)!;
  if (proposal.closedAt !== null || !inWindow(proposal, now)) {
    throw new NswgError(
      'E_VOTE',
      `the vote is open from ${proposal.opensAt} until ${proposal.closesAt} only`,
      { field: 'vote' },
    );
  }
  if (votes.some((v) => v.proposalId === proposal.id && v.voterId === voter)) {
    throw new NswgError('E_VOTE', 'one vote per voter: you have already voted', { field: 'vote' });
  }
  if (typeof inFavour !== 'boolean') throw invalid('inFavour', 'must be yes or no');
  return { proposalId: proposal.id, voterId: voter, inFavour, castAt: now.toISOString() };
}

/** The count: votes cast inside the window, one per voter; passes by a simple majority of votes cast. */
export function tally(
  p: ExtensionProposal,
  votes: readonly Vote[],
): { yes: number; no: number; passed: boolean } {
  const counted = new Map<string, boolean>();
  for (const v of votes) {
    if (v.proposalId !== p.id || !inWindow(p, new Date(v.castAt)) || counted.has(v.voterId)) continue;
    counted.set(v.voterId, v.inFavour);
  }
  const yes = [...counted.values()].filter(Boolean).length;
  const no = counted.size - yes;
  return { yes, no, passed: yes > no };
}

/**
 * Counts a vote whose window has closed; when it passed, the report's publication deadline moves by
 * the days proposed. Returns the closed proposal and the report with its new deadline.
 */
export function closeProposal(
  p: ExtensionProposal,
  votes: readonly Vote[],
  report: Report,
  now: Date,
): { proposal: ExtensionProposal; report: Report; yes: number; no: number } {
  if (p.closedAt !== null)
    throw new NswgError('E_VOTE', 'this vote has already been counted', { field: 'proposal' });
  if (now.getTime() < Date.parse(p.closesAt))
    throw new NswgError('E_VOTE', `the vote is open until ${p.closesAt}`, { field: 'proposal' });
  const { yes, no, passed } = tally(p, votes);
  const at = now.toISOString();
  const proposal: ExtensionProposal = { ...p, closedAt: at, result: passed ? 'passed' : 'failed' };
  let next = report;
  if (passed && report.publicationDue && PUBLICATION_CLOCK_STATES.includes(report.state)) {
    next = {
      ...report,
      extensionDays: report.extensionDays + p.days,
      publicationDue: addDays(new Date(report.publicationDue), p.days).toISOString(),
      updatedAt: at,
    };
  }
  return { proposal, report: next, yes, no };
}
