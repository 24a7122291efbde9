import {
  type Actor,
  newReportFieldsForTest,
  type Report,
  type ReportDetails,
  type ReportKind,
  type ReportState,
} from './imports.js';

/** A valid submission (the Working Group's template), to vary field by field. */
export const validInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'npm',
  packageName: 'left-pad-ng',
  affectedVersions: '>=1.0.0 <1.4.2',
  title: 'Prototype pollution in merge()',
  description: 'merge() copies __proto__ keys from its second argument into the target object.',
  impact: 'An attacker controlling JSON input can change Object.prototype for the whole process.',
  reproduction: 'require(\'left-pad-ng\').merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
  patch: null,
  environment: { os: 'Linux', node: '20.11.1', npm: '10.2.4' },
  contactedMaintainer: false,
  openedIssue: false,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cwe: 'CWE-1321',
  credit: { as: 'handle', handle: 'finder' },
  references: ['https://github.com/example/left-pad-ng'],
  ...over,
});

/** The roles the matrices try: relations to the report rather than bare roles. */
export const ROLES = [
  'anonymous',
  'stranger',
  'reporter',
  'filer',
  'maintainer',
  'team',
  'team-reporter',
  'other-team',
  'admin',
  'system',
  'operator',
  'unconfirmed',
  'pending-team',
] as const;
export type Role = (typeof ROLES)[number];

/** The ids of the people around the report. */
export const IDS = {
  reporter: 'u-reporter',
  filer: 'u-filer',
  maintainer: 'u-maintainer',
  teamReporter: 'u-team-reporter',
};

const teamRole = (kind: ReportKind) => (kind === 'npm' ? 'triage' : 'core-security');
const otherTeamRole = (kind: ReportKind) => (kind === 'npm' ? 'core-security' : 'triage');

/**
 * The actor playing `role` towards a report of `kind`: the filer is a team member who filed it for the
 * reporter; the team reporter is a team member who reported it; other-team holds the other team's role.
 */
export function actorFor(role: Role, kind: ReportKind): Actor {
  switch (role) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'system':
      return { kind: 'system' };
    case 'stranger':
      return { kind: 'user', id: 'u-stranger', roles: [] };
    case 'reporter':
      return { kind: 'user', id: IDS.reporter, roles: [] };
    case 'filer':
      return { kind: 'user', id: IDS.filer, roles: [teamRole(kind)] };
    case 'maintainer':
      return { kind: 'user', id: IDS.maintainer, roles: [] };
    case 'team':
      return { kind: 'user', id: 'u-team', roles: [teamRole(kind)] };
    case 'team-reporter':
      return { kind: 'user', id: IDS.teamReporter, roles: [teamRole(kind)] };
    case 'other-team':
      return { kind: 'user', id: 'u-other-team', roles: [otherTeamRole(kind)] };
    case 'admin':
      return { kind: 'user', id: 'u-admin', roles: ['admin'] };
    case 'operator':
      return { kind: 'operator', name: 'root@server' };
    case 'unconfirmed':
      // whoever signed up with the address of the report's reporter, and never confirmed it
      return { kind: 'user', id: IDS.reporter, roles: [], unconfirmed: true };
    case 'pending-team':
      // a member of the report's team whose session lacks the second factor
      return { kind: 'user', id: 'u-pending-team', roles: [], pendingRoles: [teamRole(kind)] };
  }
}

const details = (kind: ReportKind): ReportDetails => ({
  kind,
  packageName: kind === 'npm' ? 'left-pad-ng' : null,
  component: kind === 'core' ? 'http' : null,
  affectedVersions: '>=1.0.0 <1.4.2',
  title: 'Prototype pollution in merge()',
  description: 'merge() copies __proto__ keys from its second argument into the target object.',
  impact: 'Process-wide prototype pollution.',
  reproduction: 'merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
  patch: null,
  environment: { os: null, node: null, npm: null },
  contactedMaintainer: false,
  openedIssue: false,
  cvss: null,
  cwe: null,
  credit: { as: 'anonymous' },
  references: [],
  toolsUsed: null,
});

/**
 * A report of `kind` in `state`, filed by the filer for the reporter, with the maintainer invited (npm)
 * and, for the team-reporter role, reported by a team member. `deadline` says whether the publication
 * deadline has been reached at NOW.
 */
export function reportIn(
  state: ReportState,
  kind: ReportKind,
  opts: { reporter?: string; deadline?: 'reached' | 'ahead' } = {},
): Report {
  const base = newReportFieldsForTest(new Date('2026-01-05T10:00:00Z'));
  const triaged = !['new', 'needs-more-info', 'withdrawn'].includes(state);
  const due = opts.deadline === 'reached' ? '2026-02-01T00:00:00Z' : '2026-09-01T00:00:00Z';
  return {
    ...details(kind),
    ...base,
    id: 'r-1',
    state,
    reporterId: opts.reporter ?? IDS.reporter,
    filedById: IDS.filer,
    maintainerIds:
      kind === 'npm' && ['maintainer-invited', 'fix-in-progress', 'fixed', 'published'].includes(state)
        ? [IDS.maintainer]
        : [],
    triagedAt: triaged ? '2026-01-06T10:00:00Z' : null,
    publicationDue: triaged ? due : null,
  };
}

/** The time the matrices ask at. */
export const NOW = new Date('2026-03-01T12:00:00Z');

/** The report for `role`: the team reporter's report names them as its reporter. */
export const reportForRole = (
  role: Role,
  state: ReportState,
  kind: ReportKind,
  deadline: 'reached' | 'ahead' = 'ahead',
) =>
  reportIn(state, kind, { reporter: role === 'team-reporter' ? IDS.teamReporter : IDS.reporter, deadline });
