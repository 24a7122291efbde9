import { describe, expect, it } from 'vitest';
import { actorFor, NOW, ROLES, type Role, reportForRole } from './fixtures.js';
import {
  assertCan,
  CONFIRM_FIRST,
  can,
  GLOBAL_ACTIONS,
  type GlobalAction,
  mayTransition,
  REPORT_ACTIONS,
  REPORT_STATES,
  type ReportAction,
  type ReportKind,
  type ReportState,
  TRANSITIONS,
  TWO_FACTORS_FIRST,
} from './imports.js';

// Who may do what, as the policy states it, written out independently of src/disclosure/permissions.ts.
const CLOSED: ReportState[] = ['rejected', 'duplicate', 'published', 'withdrawn'];
const BETWEEN_TRIAGE_AND_PUBLICATION: ReportState[] = [
  'accepted',
  'maintainer-invited',
  'fix-in-progress',
  'fixed',
];
const MAINTAINER_STATES: ReportState[] = ['maintainer-invited', 'fix-in-progress', 'fixed', 'published'];
const TEAM: Role[] = ['team', 'admin', 'team-reporter', 'filer'];
/** Team members who reported or filed the report: a second member must make the team's decisions. */
const OWN: Role[] = ['team-reporter', 'filer'];
const EARLY_STATES: ReportState[] = ['accepted', 'maintainer-invited', 'fix-in-progress'];

/** Who sees a report at all: its team, reporter, filer, invited maintainers (npm only), the scheduler. */
function sees(role: Role, state: ReportState, kind: ReportKind): boolean {
  if ([...TEAM, 'reporter', 'system'].includes(role)) return true;
  return role === 'maintainer' && kind === 'npm' && MAINTAINER_STATES.includes(state);
}

function expected(
  action: Exclude<ReportAction, (typeof TRANSITIONS)[number]>,
  role: Role,
  state: ReportState,
  kind: ReportKind,
): boolean | undefined {
  if (!sees(role, state, kind)) return false;
  const team = TEAM.includes(role);
  switch (action) {
    case 'view-report':
    case 'read-attachment':
      return true;
    case 'view-internal-notes':
    case 'add-internal-note':
      return team;
    case 'comment':
      return role !== 'system';
    case 'upload-attachment':
      return role !== 'system' && !CLOSED.includes(state);
    case 'edit-assessment':
      return team && !CLOSED.includes(state);
    case 'propose-extension':
      return (
        (team || role === 'reporter' || role === 'maintainer') &&
        BETWEEN_TRIAGE_AND_PUBLICATION.includes(state)
      );
    case 'vote':
      return (team || role === 'reporter') && BETWEEN_TRIAGE_AND_PUBLICATION.includes(state);
    case 'propose-fix':
      return (team || role === 'maintainer') && BETWEEN_TRIAGE_AND_PUBLICATION.includes(state);
    case 'state-disclosure':
      // everyone who sees it speaks for a party (the reporter, a maintainer, the team), until it closes
      return role !== 'system' && !CLOSED.includes(state);
    case 'confirm-fix':
      return team && state === 'fixed';
    case 'manage-invitations':
    case 'remove-maintainer':
      return team && kind === 'npm' && BETWEEN_TRIAGE_AND_PUBLICATION.includes(state);
    case 'request-early-publication':
      return team && !OWN.includes(role) && EARLY_STATES.includes(state);
    case 'assign-cve':
      // the team, even who reported or filed it: an id is no triage decision
      return team && !CLOSED.includes(state);
    case 'propose-credit':
      // the team and the reporter, not the maintainers, until the report closes
      return (team || role === 'reporter') && !CLOSED.includes(state);
    case 'enter-credit':
      return team && !CLOSED.includes(state);
    case 'view-reporter-signal':
      // how the reporter's reports ended: the team weighs it, nobody else sees it
      return team && role !== 'system';
    case 'publish-note':
      // only from a report closed as informative or not applicable, which these fixtures never are
      return false;
  }
}

const GLOBAL: Record<GlobalAction, Role[]> = {
  'submit-report': [
    'stranger',
    'reporter',
    'filer',
    'maintainer',
    'team',
    'team-reporter',
    'other-team',
    'admin',
    'pending-team',
  ],
  'request-cve': [
    'stranger',
    'reporter',
    'filer',
    'maintainer',
    'team',
    'team-reporter',
    'other-team',
    'admin',
    'pending-team',
  ],
  'file-on-behalf': ['filer', 'team', 'team-reporter', 'other-team', 'admin'],
  'see-dashboard': ['filer', 'team', 'team-reporter', 'other-team', 'admin'],
  'manage-team': ['admin', 'operator'],
  'manage-accounts': ['admin', 'operator'],
  'view-audit-log': ['admin', 'operator'],
  'read-outbox': ['admin', 'operator'],
  'manage-mail': ['admin', 'operator'],
  'manage-cve-ids': ['admin', 'operator'],
  'manage-bounty': ['admin', 'operator'],
  // rewards are for npm reports: the triage team and admins decide them, not the core security team
  'decide-reward': ['filer', 'team', 'team-reporter', 'admin'],
  'manage-registry-overrides': ['admin', 'operator'],
};

describe('permissions: can(actor, action, report)', () => {
  it('answers every role × report action × state × kind as the policy says', () => {
    const wrong: string[] = [];
    let n = 0;
    for (const kind of ['npm', 'core'] as const)
      for (const state of REPORT_STATES)
        for (const role of ROLES)
          for (const action of REPORT_ACTIONS) {
            n++;
            const report = reportForRole(role, state, kind);
            const actor = actorFor(role, kind);
            const got = can(actor, action, report, NOW);
            // Transitions are the workflow's (tested in full in workflow.test.ts): can() must agree with it
            // and never let anyone act on a report they cannot see.
            const want = (TRANSITIONS as readonly string[]).includes(action)
              ? sees(role, state, kind) &&
                mayTransition(actor, report, action as (typeof TRANSITIONS)[number], NOW).ok
              : expected(action as Parameters<typeof expected>[0], role, state, kind);
            if (got !== want) wrong.push(`${kind} ${state} ${action} by ${role}: expected ${want}`);
          }
    expect(wrong).toEqual([]);
    expect(n).toBe(2 * REPORT_STATES.length * ROLES.length * REPORT_ACTIONS.length);
  });

  it('answers every role × global action', () => {
    for (const role of ROLES)
      for (const action of GLOBAL_ACTIONS)
        expect(can(actorFor(role, 'npm'), action), `${action} by ${role}`).toBe(
          GLOBAL[action].includes(role),
        );
  });

  it('keeps core reports from the triage team and from maintainers, in every state', () => {
    for (const state of REPORT_STATES) {
      const report = reportForRole('team', state, 'core');
      for (const actor of [
        actorFor('other-team', 'core'),
        { kind: 'user' as const, id: 'u-maintainer', roles: ['triage' as const] },
      ]) {
        for (const action of REPORT_ACTIONS)
          expect(can(actor, action, report, NOW), `${state} ${action}`).toBe(false);
      }
      expect(can(actorFor('team', 'core'), 'view-report', report, NOW)).toBe(true);
      expect(can(actorFor('admin', 'core'), 'view-report', report, NOW)).toBe(true);
    }
  });

  it('hides a report from those who may not see it (E_NOT_FOUND), and refuses the rest (E_FORBIDDEN)', () => {
    const r = reportForRole('reporter', 'new', 'npm');
    expect(() => assertCan(actorFor('stranger', 'npm'), 'comment', r, NOW)).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
    expect(() => assertCan(actorFor('anonymous', 'npm'), 'view-report', r, NOW)).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
    expect(() => assertCan(actorFor('reporter', 'npm'), 'view-internal-notes', r, NOW)).toThrow(
      expect.objectContaining({ code: 'E_FORBIDDEN' }),
    );
    expect(() => assertCan(actorFor('team', 'npm'), 'view-internal-notes', r, NOW)).not.toThrow();
    expect(can(actorFor('team', 'npm'), 'view-report')).toBe(false);
  });

  it('tells a team member without the second factor to turn it on, instead of "not found"', () => {
    const r = reportForRole('reporter', 'new', 'npm');
    for (const action of ['view-report', 'accept', 'add-internal-note'] as const)
      expect(() => assertCan(actorFor('pending-team', 'npm'), action, r, NOW), action).toThrow(
        expect.objectContaining({ code: 'E_FORBIDDEN', field: 'totp', message: TWO_FACTORS_FIRST }),
      );
    expect(() => assertCan(actorFor('pending-team', 'npm'), 'see-dashboard', null, NOW)).toThrow(
      expect.objectContaining({ code: 'E_FORBIDDEN', message: TWO_FACTORS_FIRST }),
    );
    // what the role would not allow either is refused as for anyone
    expect(() =>
      assertCan(
        actorFor('pending-team', 'core'),
        'view-report',
        reportForRole('reporter', 'new', 'npm'),
        NOW,
      ),
    ).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('lets an account whose address is not confirmed do nothing, even on the report of the address it took', () => {
    const unconfirmed = actorFor('unconfirmed', 'npm');
    expect(() => assertCan(unconfirmed, 'submit-report', null, NOW)).toThrow(
      expect.objectContaining({ code: 'E_FORBIDDEN', message: CONFIRM_FIRST }),
    );
    const r = reportForRole('reporter', 'accepted', 'npm');
    expect(() => assertCan(unconfirmed, 'view-report', r, NOW)).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
  });
});
