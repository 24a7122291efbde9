import { describe, expect, it } from 'vitest';
import { actorFor, NOW, ROLES, type Role, reportForRole } from './fixtures.js';
import {
  applyTransition,
  mayTransition,
  REPORT_STATES,
  type ReportKind,
  type ReportState,
  TRANSITIONS,
  type Transition,
} from './imports.js';

// The workflow as the Working Group's policy states it, written out independently of the code:
// for each transition, the states it leaves from (per kind), where it leads, and who may make it.
const TEAM: Role[] = ['team', 'admin', 'team-reporter', 'filer'];
const TRIAGERS: Role[] = ['team', 'admin']; // never who reported or filed the report
type Rule = {
  from: Partial<Record<ReportKind, ReportState[]>>;
  to: (s: ReportState) => ReportState;
  who: Role[];
  deadline?: ReportState[];
};
const PRE: ReportState[] = ['new', 'needs-more-info'];
const RULES: Record<Transition, Rule> = {
  'request-info': { from: { npm: ['new'], core: ['new'] }, to: () => 'needs-more-info', who: TRIAGERS },
  'provide-info': {
    from: { npm: ['needs-more-info'], core: ['needs-more-info'] },
    to: () => 'new',
    who: ['reporter', 'filer', 'team-reporter'],
  },
  accept: { from: { npm: PRE, core: PRE }, to: () => 'accepted', who: TRIAGERS },
  reject: { from: { npm: PRE, core: PRE }, to: () => 'rejected', who: TRIAGERS },
  'mark-duplicate': { from: { npm: PRE, core: PRE }, to: () => 'duplicate', who: TRIAGERS },
  'invite-maintainer': {
    from: { npm: ['accepted', 'maintainer-invited', 'fix-in-progress'] },
    to: (s) => (s === 'accepted' ? 'maintainer-invited' : s),
    who: TEAM,
  },
  'start-fix': {
    from: { npm: ['maintainer-invited'], core: ['accepted'] },
    to: () => 'fix-in-progress',
    who: [...TEAM, 'maintainer'],
  },
  'mark-fixed': {
    from: { npm: ['fix-in-progress'], core: ['fix-in-progress'] },
    to: () => 'fixed',
    who: [...TEAM, 'maintainer'],
  },
  publish: {
    from: {
      npm: ['fixed', 'accepted', 'maintainer-invited', 'fix-in-progress'],
      core: ['fixed', 'accepted', 'maintainer-invited', 'fix-in-progress'],
    },
    to: () => 'published',
    who: [...TEAM, 'system'],
    // Unfixed reports are published only once the deadline is reached.
    deadline: ['accepted', 'maintainer-invited', 'fix-in-progress'],
  },
  withdraw: { from: { npm: PRE, core: PRE }, to: () => 'withdrawn', who: ['reporter', 'team-reporter'] },
};

function expected(
  t: Transition,
  state: ReportState,
  role: Role,
  kind: ReportKind,
  deadline: 'reached' | 'ahead',
): ReportState | null {
  const rule = RULES[t];
  if (!rule.from[kind]?.includes(state)) return null;
  // Maintainers exist on npm reports only (core reports are fixed by the core security team).
  const who = kind === 'core' ? rule.who.filter((r) => r !== 'maintainer') : rule.who;
  if (!who.includes(role)) return null;
  if (rule.deadline?.includes(state) && deadline === 'ahead') return null;
  return rule.to(state);
}

const DATA = body(['npm', 'core'] as const);
function body(kinds: readonly ReportKind[]) {
  const rows: [ReportKind, ReportState, Transition, Role, 'reached' | 'ahead'][] = [];
  for (const kind of kinds)
    for (const state of REPORT_STATES)
      for (const t of TRANSITIONS)
        for (const role of ROLES)
          for (const d of ['reached', 'ahead'] as const) rows.push([kind, state, t, role, d]);
  return rows;
}

describe('the workflow state machine', () => {
  it(`tries every (kind, state, transition, role, deadline) combination: ${DATA.length} of them`, () => {
    const wrong: string[] = [];
    let allowed = 0;
    for (const [kind, state, t, role, deadline] of DATA) {
      const report = reportForRole(role, state, kind, deadline);
      const actor = actorFor(role, kind);
      const want = expected(t, state, role, kind, deadline);
      const got = mayTransition(actor, report, t, NOW);
      const label = `${kind} ${state} ${t} by ${role} (deadline ${deadline})`;
      if (got.ok !== (want !== null)) {
        wrong.push(`${label}: expected ${want ? 'allowed' : 'refused'}`);
        continue;
      }
      const params = {
        reason: 'not a vulnerability',
        closedAs: 'not-applicable' as const,
        duplicateOf: 'r-0',
        patchedVersions: '>=1.4.2',
      };
      if (want === null) {
        expect(() => applyTransition(actor, report, t, params, NOW), label).toThrow();
        continue;
      }
      allowed++;
      const { report: next, change } = applyTransition(actor, report, t, params, NOW);
      if (next.state !== want || change.from !== state || change.to !== want)
        wrong.push(`${label}: went to ${next.state}, expected ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(allowed).toBeGreaterThan(100);
  });

  it('refuses with E_FORBIDDEN for the wrong person and E_TRANSITION for a move the state does not have', () => {
    const r = reportForRole('reporter', 'new', 'npm');
    expect(() => applyTransition(actorFor('reporter', 'npm'), r, 'accept', {}, NOW)).toThrow(
      expect.objectContaining({ code: 'E_FORBIDDEN' }),
    );
    expect(() => applyTransition(actorFor('team', 'npm'), r, 'mark-fixed', {}, NOW)).toThrow(
      expect.objectContaining({ code: 'E_TRANSITION' }),
    );
  });

  it('never lets who reported or filed a report triage it, whatever their roles', () => {
    for (const role of ['team-reporter', 'filer'] as const) {
      for (const t of ['accept', 'reject', 'mark-duplicate', 'request-info'] as const) {
        const d = mayTransition(actorFor(role, 'npm'), reportForRole(role, 'new', 'npm'), t, NOW);
        expect(d.ok, `${role} ${t}`).toBe(false);
      }
    }
    const adminReporter = {
      kind: 'user' as const,
      id: 'u-reporter',
      roles: ['admin' as const, 'triage' as const],
    };
    expect(mayTransition(adminReporter, reportForRole('reporter', 'new', 'npm'), 'accept', NOW).ok).toBe(
      false,
    );
  });

  it('records the triage: date, who, first answer, and the publication deadline 45 days later', () => {
    const r = reportForRole('team', 'new', 'npm');
    const { report } = applyTransition(actorFor('team', 'npm'), r, 'accept', {}, NOW);
    expect(report.triagedAt).toBe(NOW.toISOString());
    expect(report.triagedBy).toBe('u-team');
    expect(report.firstAnswerAt).toBe(NOW.toISOString());
    expect(report.publicationDue).toBe('2026-04-15T12:00:00.000Z');
  });

  it('needs a reason to reject, another report for a duplicate, a valid range for the fix', () => {
    const team = actorFor('team', 'npm');
    const r = reportForRole('team', 'new', 'npm');
    expect(() => applyTransition(team, r, 'reject', { reason: '  ' }, NOW)).toThrow(
      expect.objectContaining({ field: 'reason' }),
    );
    expect(
      applyTransition(team, r, 'reject', { reason: 'works as intended', closedAs: 'informative' }, NOW).report
        .rejectReason,
    ).toBe('works as intended');
    expect(() => applyTransition(team, r, 'mark-duplicate', { duplicateOf: r.id }, NOW)).toThrow(
      expect.objectContaining({ field: 'duplicateOf' }),
    );
    const fixing = reportForRole('team', 'fix-in-progress', 'npm');
    expect(() =>
      applyTransition(team, fixing, 'mark-fixed', { patchedVersions: 'not a range!' }, NOW),
    ).toThrow(expect.objectContaining({ field: 'patchedVersions' }));
    expect(
      applyTransition(team, fixing, 'mark-fixed', { patchedVersions: '>=1.4.2' }, NOW).report.patchedVersions,
    ).toBe('>=1.4.2');
  });
});
