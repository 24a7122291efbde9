import { NswgError } from '../errors.js';
import { partyOf } from './agreement.js';
import { PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { NOTE_CATEGORIES } from './public-notes.js';
import {
  type Actor,
  CONFIRM_FIRST,
  isAdmin,
  isFilerOf,
  isMaintainerOf,
  isParticipant,
  isReporterOf,
  isTeamFor,
  isTeamMember,
} from './roles.js';
import {
  ALLOW,
  CLOSED_STATES,
  type Decision,
  mayTransition,
  refuse,
  refuseInState,
  TRANSITIONS,
  type Transition,
  type WorkflowReport,
} from './workflow.js';

/** Questions about one report. */
export const REPORT_ACTIONS = [
  'view-report',
  'view-internal-notes',
  'comment',
  'add-internal-note',
  'read-attachment',
  'upload-attachment',
  'edit-assessment',
  'propose-extension',
  'vote',
  'propose-fix',
  'confirm-fix',
  'state-disclosure',
  'manage-invitations',
  'remove-maintainer',
  'request-early-publication',
  'assign-cve',
  'propose-credit',
  'enter-credit',
  'view-reporter-signal',
  'publish-note',
  ...TRANSITIONS,
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

/** Questions that concern no particular report. */
export const GLOBAL_ACTIONS = [
  'submit-report',
  'request-cve',
  'file-on-behalf',
  'see-dashboard',
  'manage-team',
  'manage-accounts',
  'view-audit-log',
  'read-outbox',
  'manage-mail',
  'manage-cve-ids',
  'manage-bounty',
  'decide-reward',
  'manage-registry-overrides',
] as const;
export type GlobalAction = (typeof GLOBAL_ACTIONS)[number];

export type Action = ReportAction | GlobalAction;

const isTransition = (a: Action): a is Transition => (TRANSITIONS as readonly string[]).includes(a);
const isGlobal = (a: Action): a is GlobalAction => (GLOBAL_ACTIONS as readonly string[]).includes(a);

/** States in which an extension of the publication deadline may be proposed and voted. */
const EXTENSION_STATES = PUBLICATION_CLOCK_STATES;

export { CONFIRM_FIRST };

function globalDecision(actor: Actor, action: GlobalAction): Decision {
  switch (action) {
    case 'submit-report':
      return actor.kind === 'user' ? ALLOW : refuse('log in to submit a report');
    case 'request-cve':
      return actor.kind === 'user' ? ALLOW : refuse('log in to request a CVE id');
    case 'file-on-behalf':
    case 'see-dashboard':
      return isTeamMember(actor) ? ALLOW : refuse('only team members may do this');
    case 'manage-team':
    case 'manage-accounts':
    case 'view-audit-log':
    case 'read-outbox':
    case 'manage-mail':
    case 'manage-cve-ids':
    case 'manage-bounty':
    case 'manage-registry-overrides':
      return isAdmin(actor) || actor.kind === 'operator' ? ALLOW : refuse('only admins may do this');
    case 'decide-reward':
      // rewards are for npm reports: their team (the triage team, admins) approves them
      return isTeamFor(actor, 'npm') ? ALLOW : refuse('only the triage team decides rewards');
  }
}

/** States in which invitations may be sent, re-sent or revoked, and maintainers removed. */
const INVITATION_STATES = PUBLICATION_CLOCK_STATES;
/** States in which an unfixed report may be published early (a fixed one is published any time). */
const EARLY_STATES: readonly WorkflowReport['state'][] = [
  'accepted',
  'maintainer-invited',
  'fix-in-progress',
];

function reportDecision(actor: Actor, action: ReportAction, r: WorkflowReport, now: Date): Decision {
  const team = isTeamFor(actor, r.kind);
  const own = isReporterOf(actor, r) || isFilerOf(actor, r);
  // The scheduler reads reports to publish them, and publishes; nothing else.
  const sees = isParticipant(actor, r) || actor.kind === 'system';
  if (!sees) return refuse('report not found');
  if (isTransition(action)) return mayTransition(actor, r, action, now);
  const closed = CLOSED_STATES.includes(r.state);
  switch (action) {
    case 'view-report':
    case 'read-attachment':
      return ALLOW;
    case 'view-internal-notes':
    case 'add-internal-note':
      return team ? ALLOW : refuse('internal notes are for the team only');
    case 'comment':
      return actor.kind === 'user' ? ALLOW : refuse('only participants comment');
    case 'upload-attachment':
      if (actor.kind !== 'user') return refuse('only participants add attachments');
      return closed ? refuse(`a report that is ${r.state} takes no more attachments`) : ALLOW;
    case 'edit-assessment':
      if (!team) return refuse('only the team assesses a report');
      return closed ? refuse(`a report that is ${r.state} can no longer be assessed`) : ALLOW;
    case 'propose-extension':
      if (!(team || isReporterOf(actor, r) || isMaintainerOf(actor, r)))
        return refuse('only participants propose an extension');
      return EXTENSION_STATES.includes(r.state)
        ? ALLOW
        : refuse('an extension is proposed between triage and publication');
    case 'vote':
      if (!(team || isReporterOf(actor, r))) return refuse('the team and the reporter vote; no one else');
      return EXTENSION_STATES.includes(r.state)
        ? ALLOW
        : refuse('votes are held between triage and publication');
    case 'propose-fix':
      if (!(team || isMaintainerOf(actor, r)))
        return refuse('only an invited maintainer or the team proposes a fix');
      return PUBLICATION_CLOCK_STATES.includes(r.state)
        ? ALLOW
        : refuseInState(`a report that is ${r.state} takes no fix proposal`);
    case 'confirm-fix':
      if (!team) return refuse('only the team confirms the fixed versions that will be published');
      return r.state === 'fixed'
        ? ALLOW
        : refuseInState('the fixed versions are confirmed once the report is fixed');
    case 'manage-invitations':
    case 'remove-maintainer':
      if (!team) return refuse('only the team manages maintainer invitations');
      if (r.kind !== 'npm') return refuse('core reports have no invited maintainers');
      return INVITATION_STATES.includes(r.state)
        ? ALLOW
        : refuseInState(`a report that is ${r.state} takes no more changes to its maintainers`);
    case 'assign-cve':
      if (!team) return refuse("only the report's team assigns it a CVE id");
      return closed ? refuseInState(`a report that is ${r.state} takes no CVE id`) : ALLOW;
    case 'propose-credit':
      if (!(team || isReporterOf(actor, r))) return refuse('the team and the reporter propose credits');
      return closed ? refuseInState(`a report that is ${r.state} takes no more credits`) : ALLOW;
    case 'enter-credit':
      if (!team) return refuse('only the team enters the credit of a person without an account');
      return closed ? refuseInState(`a report that is ${r.state} takes no more credits`) : ALLOW;
    case 'view-reporter-signal':
      // how a reporter's reports ended is the team's to weigh, not their peers' or maintainers'
      return team ? ALLOW : refuse("only the team sees a reporter's signal");
    case 'publish-note':
      if (!team) return refuse('only the team publishes a note from a closed report');
      return r.state === 'rejected' && (NOTE_CATEGORIES as readonly unknown[]).includes(r.closedAs)
        ? ALLOW
        : refuseInState('a public note comes from a report closed as informative or not applicable');
    case 'request-early-publication':
      if (!team) return refuse('only the team asks for early publication');
      if (own)
        return refuse(
          'early publication is asked for by a team member who did not report or file the report',
        );
      return EARLY_STATES.includes(r.state)
        ? ALLOW
        : refuseInState(`a report that is ${r.state} cannot be published early`);
    case 'state-disclosure':
      if (partyOf(actor, r) === null)
        return refuse('only the reporter, an invited maintainer or the team state what may be disclosed');
      return closed
        ? refuseInState(`a report that is ${r.state} takes no more disclosure statements`)
        : ALLOW;
  }
}

/**
 * The one answer to "may `actor` do `action` (to `report`) at `now`?", with the reason when not.
 * Report actions without a report are refused. Someone who may not see a report gets "report not
 * found" for every question about it, so that the server can answer 404 and never confirm it exists.
 */
export function check(
  actor: Actor,
  action: Action,
  report?: WorkflowReport | null,
  now: Date = new Date(),
): Decision {
  // an account whose address is not confirmed may be anyone's: it takes part in nothing
  if (actor.kind === 'user' && actor.unconfirmed) {
    if (isGlobal(action)) return refuse(CONFIRM_FIRST);
    return refuse('report not found');
  }
  if (isGlobal(action)) return globalDecision(actor, action);
  if (!report) return refuse('this needs a report');
  return reportDecision(actor, action, report, now);
}

/** True when `actor` may do `action` (to `report`, at `now`): see check. */
export const can = (actor: Actor, action: Action, report?: WorkflowReport | null, now?: Date): boolean =>
  check(actor, action, report, now).ok;

/**
 * Throws unless `actor` may do `action`: E_NOT_FOUND when the actor may not even see the report
 * (so its existence is not revealed), E_FORBIDDEN otherwise.
 */
export function assertCan(actor: Actor, action: Action, report?: WorkflowReport | null, now?: Date): void {
  const d = check(actor, action, report, now);
  if (d.ok) return;
  // a team member whose roles wait for the second factor is told so, not "not found": for anything
  // about a report their role would let them see, and for what their role would let them do
  if (actor.kind === 'user' && actor.pendingRoles?.length && !actor.unconfirmed) {
    const withRoles: Actor = { ...actor, roles: actor.pendingRoles, pendingRoles: [] };
    const would =
      report && !isGlobal(action)
        ? check(withRoles, 'view-report', report, now).ok
        : check(withRoles, action, report, now).ok;
    if (would) throw new NswgError('E_FORBIDDEN', TWO_FACTORS_FIRST, { field: 'totp' });
  }
  if (report && !isGlobal(action) && !check(actor, 'view-report', report, now).ok) {
    throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
  }
  throw new NswgError(d.code ?? 'E_FORBIDDEN', d.reason, { field: action });
}

/** The reason a team member without the second factor is refused what their role allows. */
export const TWO_FACTORS_FIRST =
  'your team role needs two-factor authentication: turn it on in your account, then log in again with a code';

/** True when `actor` may see `report` at all (for lists and searches). */
export const mayView = (actor: Actor, report: WorkflowReport): boolean => can(actor, 'view-report', report);
