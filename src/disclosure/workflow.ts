import { NswgError } from '../errors.js';
import { firstAnswerDue, isPublicationDue, publicationDue } from './deadlines.js';
import {
  CLOSE_CATEGORIES,
  type CloseCategory,
  type Report,
  validatePatchedVersions,
  type WithoutFix,
} from './report.js';
import {
  type Actor,
  actorId,
  CONFIRM_FIRST,
  isFilerOf,
  isMaintainerOf,
  isReporterOf,
  isTeamFor,
  type Participants,
} from './roles.js';

/** Where a report stands. */
export const REPORT_STATES = [
  'new',
  'needs-more-info',
  'accepted',
  'rejected',
  'duplicate',
  'maintainer-invited',
  'fix-in-progress',
  'fixed',
  'published',
  'withdrawn',
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** Before triage: the team owes an answer, the reporter may still withdraw. */
export const PRE_TRIAGE_STATES: readonly ReportState[] = ['new', 'needs-more-info'];
/** Finished: nothing moves a report out of these. */
export const CLOSED_STATES: readonly ReportState[] = ['rejected', 'duplicate', 'published', 'withdrawn'];

/** The moves of the workflow. */
export const TRANSITIONS = [
  'request-info',
  'provide-info',
  'accept',
  'reject',
  'mark-duplicate',
  'invite-maintainer',
  'start-fix',
  'mark-fixed',
  'publish',
  'withdraw',
] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** The triage decisions, which the reporter and the filer may never make on their own report. */
export const TRIAGE_DECISIONS: readonly Transition[] = ['accept', 'reject', 'mark-duplicate'];

/** The outcome of a permission question: allowed, or refused with the reason. */
export type Decision = { ok: true } | { ok: false; reason: string; code?: 'E_TRANSITION' };
export const ALLOW: Decision = { ok: true };
export const refuse = (reason: string): Decision => ({ ok: false, reason });
/** A refusal because of where the report stands (409), not of who asks (403). */
export const refuseInState = (reason: string): Decision => ({ ok: false, reason, code: 'E_TRANSITION' });

/** The report as far as the workflow needs it. */
export type WorkflowReport = Participants &
  Pick<Report, 'state' | 'publicationDue'> &
  Partial<Pick<Report, 'earlyPublication' | 'closedAs'>>;

/**
 * The state a transition leads to from `state` for a report of `kind`, or null when the workflow has
 * no such move (whoever asks). Inviting a further maintainer keeps the state.
 */
export function targetState(state: ReportState, t: Transition, kind: 'npm' | 'core'): ReportState | null {
  switch (t) {
    case 'request-info':
      return state === 'new' ? 'needs-more-info' : null;
    case 'provide-info':
      return state === 'needs-more-info' ? 'new' : null;
    case 'accept':
      return PRE_TRIAGE_STATES.includes(state) ? 'accepted' : null;
    case 'reject':
      return PRE_TRIAGE_STATES.includes(state) ? 'rejected' : null;
    case 'mark-duplicate':
      return PRE_TRIAGE_STATES.includes(state) ? 'duplicate' : null;
    case 'invite-maintainer':
      if (kind === 'core') return null;
      if (state === 'accepted') return 'maintainer-invited';
      return state === 'maintainer-invited' || state === 'fix-in-progress' ? state : null;
    case 'start-fix':
      // Core reports have no invited maintainers: the core security team starts the fix itself.
      return state === (kind === 'core' ? 'accepted' : 'maintainer-invited') ? 'fix-in-progress' : null;
    case 'mark-fixed':
      return state === 'fix-in-progress' ? 'fixed' : null;
    case 'publish':
      return state === 'fixed' ||
        state === 'accepted' ||
        state === 'maintainer-invited' ||
        state === 'fix-in-progress'
        ? 'published'
        : null;
    case 'withdraw':
      return PRE_TRIAGE_STATES.includes(state) ? 'withdrawn' : null;
  }
}

/**
 * May `actor` make transition `t` on report `r` at `now`? The one place the workflow's who-and-when
 * rules live (permissions.can asks it for every transition).
 */
export function mayTransition(actor: Actor, r: WorkflowReport, t: Transition, now: Date): Decision {
  if (targetState(r.state, t, r.kind) === null) return refuse(`a report that is ${r.state} cannot ${t}`);
  if (actor.kind === 'user' && actor.unconfirmed) return refuse(CONFIRM_FIRST);
  const team = isTeamFor(actor, r.kind);
  const own = isReporterOf(actor, r) || isFilerOf(actor, r);
  switch (t) {
    case 'request-info':
    case 'accept':
    case 'reject':
    case 'mark-duplicate':
      if (!team) return refuse(`only the ${r.kind === 'core' ? 'core security' : 'triage'} team may ${t}`);
      return own
        ? refuse('a report is triaged by a second team member, never by who reported or filed it')
        : ALLOW;
    case 'provide-info':
      return own ? ALLOW : refuse('only the reporter (or who filed the report) provides more information');
    case 'invite-maintainer':
      return team ? ALLOW : refuse('only the triage team invites maintainers');
    case 'start-fix':
    case 'mark-fixed':
      return team || isMaintainerOf(actor, r)
        ? ALLOW
        : refuse('only an invited maintainer or the team may do this');
    case 'publish': {
      if (!team && actor.kind !== 'system') return refuse('only the team publishes');
      if (r.state === 'fixed' || isPublicationDue(r, now)) return ALLOW;
      const early = r.earlyPublication;
      if (!early || actor.kind !== 'user')
        return refuse(
          'an unfixed report is published at its deadline, or early once a team member asked for it (already public, actively exploited) and a second one agrees',
        );
      if (own) return refuse('a report is published early by team members who did not report or file it');
      return actor.id === early.requestedBy
        ? refuse('early publication needs a second team member: who asked for it cannot also publish')
        : ALLOW;
    }
    case 'withdraw':
      return isReporterOf(actor, r) ? ALLOW : refuse('only the reporter may withdraw a report');
  }
}

/**
 * What a transition needs besides the report: a reason to reject, the original of a duplicate, the
 * fixed versions (mark-fixed; when none are given, those of the fix proposal).
 */
export interface TransitionParams {
  /** Reject: the message to the reporter, which they see on the report and are mailed. */
  reason?: string;
  /** Reject: how the team closes the report (spam, informative, not-applicable). */
  closedAs?: CloseCategory;
  duplicateOf?: string;
  patchedVersions?: string | null;
  /** Publishing with no CVE id available or entered: why (e.g. "CVE requested from another CNA"). */
  withoutCveReason?: string;
}

/** One recorded move of a report, for its history and the audit log. */
export interface StateChange {
  reportId: string;
  transition: Transition;
  from: ReportState;
  to: ReportState;
  actorId: string | null;
  at: string;
  reason: string | null;
}

/**
 * Applies a transition: checks it (throws E_FORBIDDEN or E_TRANSITION), its parameters
 * (E_REPORT_INVALID) and returns the updated report and the change to record. Pure: storing is the
 * caller's business.
 */
export function applyTransition(
  actor: Actor,
  report: Report,
  t: Transition,
  params: TransitionParams,
  now: Date,
): { report: Report; change: StateChange } {
  const to = targetState(report.state, t, report.kind);
  if (to === null)
    throw new NswgError('E_TRANSITION', `a report that is ${report.state} cannot ${t}`, {
      field: 'transition',
    });
  const d = mayTransition(actor, report, t, now);
  if (!d.ok) throw new NswgError('E_FORBIDDEN', d.reason, { field: 'transition' });
  const at = now.toISOString();
  const next: Report = { ...report, state: to, updatedAt: at };
  let reason: string | null = null;
  if (t === 'reject') {
    reason = params.reason?.trim() ?? '';
    if (!reason)
      throw new NswgError('E_REPORT_INVALID', 'a rejection needs a reason', { field: 'reason' }, [
        { field: 'reason', message: 'is required' },
      ]);
    next.rejectReason = reason;
    const closedAs = params.closedAs;
    if (!closedAs || !CLOSE_CATEGORIES.includes(closedAs))
      throw new NswgError(
        'E_REPORT_INVALID',
        `a rejection says how the report is closed: ${CLOSE_CATEGORIES.join(', ')}`,
        { field: 'closedAs' },
        [{ field: 'closedAs', message: `must be one of ${CLOSE_CATEGORIES.join(', ')}` }],
      );
    next.closedAs = closedAs;
    reason = `${closedAs}: ${reason}`;
  }
  if (t === 'mark-duplicate') {
    const of = params.duplicateOf?.trim() ?? '';
    if (!of || of === report.id) {
      throw new NswgError(
        'E_REPORT_INVALID',
        'a duplicate names the report it duplicates',
        { field: 'duplicateOf' },
        [{ field: 'duplicateOf', message: 'must name another report' }],
      );
    }
    next.duplicateOf = of;
    next.closedAs = 'duplicate';
    reason = `duplicate of ${of}`;
  }
  if (TRIAGE_DECISIONS.includes(t)) {
    next.triagedAt = at;
    next.triagedBy = actorId(actor);
    if (t === 'accept') next.publicationDue = publicationDue(now, report.extensionDays).toISOString();
  }
  if ((t === 'request-info' || TRIAGE_DECISIONS.includes(t)) && report.firstAnswerAt === null)
    next.firstAnswerAt = at;
  if (t === 'mark-fixed')
    next.patchedVersions =
      validatePatchedVersions(params.patchedVersions) ?? report.fixProposal?.patchedVersions ?? null;
  if (t === 'publish') {
    next.publishedAt = at;
    next.withoutFix = withoutFixReason(report, now);
  }
  return {
    report: next,
    change: {
      reportId: report.id,
      transition: t,
      from: report.state,
      to,
      actorId: actorId(actor),
      at,
      reason,
    },
  };
}

/**
 * Why a report is published without a fix (null when it is fixed): asked for early, or at the
 * deadline with the maintainers silent (none accepted the invitation), informed but with no fix
 * started, or with a fix in progress (started, or a release planned).
 */
export function withoutFixReason(r: Report, now: Date): WithoutFix | null {
  if (r.state === 'fixed') return null;
  if (!isPublicationDue(r, now) && r.earlyPublication) return 'early-publication';
  if (r.state === 'fix-in-progress' || r.fixProposal) return 'fix-in-progress';
  if (r.kind === 'npm' && r.maintainerIds.length === 0) return 'maintainers-silent';
  return 'no-fix-started';
}

/** A new report's workflow fields: state new, the first answer due in two business days. */
export function newReportFields(
  now: Date,
): Pick<
  Report,
  | 'state'
  | 'maintainerIds'
  | 'submittedAt'
  | 'firstAnswerDue'
  | 'firstAnswerAt'
  | 'triagedAt'
  | 'triagedBy'
  | 'publicationDue'
  | 'extensionDays'
  | 'rejectReason'
  | 'closedAs'
  | 'duplicateOf'
  | 'patchedVersions'
  | 'fixProposal'
  | 'cveId'
  | 'cveSource'
  | 'withoutCve'
  | 'advisoryId'
  | 'publishedAt'
  | 'updatedAt'
  | 'earlyPublication'
  | 'withoutFix'
> {
  const at = now.toISOString();
  return {
    state: 'new',
    maintainerIds: [],
    submittedAt: at,
    firstAnswerDue: firstAnswerDue(now).toISOString(),
    firstAnswerAt: null,
    triagedAt: null,
    triagedBy: null,
    publicationDue: null,
    extensionDays: 0,
    rejectReason: null,
    closedAs: null,
    duplicateOf: null,
    patchedVersions: null,
    fixProposal: null,
    cveId: null,
    cveSource: null,
    withoutCve: null,
    advisoryId: null,
    publishedAt: null,
    updatedAt: at,
    earlyPublication: null,
    withoutFix: null,
  };
}
