import { describe, expect, it } from 'vitest';
import { actorFor, IDS, reportIn } from './fixtures.js';
import {
  castVote,
  closeProposal,
  type ExtensionProposal,
  openProposal,
  tally,
  type Vote,
} from './imports.js';

const T0 = new Date('2026-02-01T10:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const report = { ...reportIn('fix-in-progress', 'npm'), publicationDue: '2026-02-20T10:00:00.000Z' };
const team = (n: number) => ({ kind: 'user' as const, id: `u-triage-${n}`, roles: ['triage' as const] });

function proposal(): ExtensionProposal {
  return openProposal(
    actorFor('maintainer', 'npm'),
    report,
    { days: 14, reason: 'the fix needs a major release', windowHours: 48 },
    [],
    T0,
    'p-1',
  );
}

describe('extension votes', () => {
  it('opens a proposal with its length and window; maintainers may propose but not vote', () => {
    const p = proposal();
    expect(p).toMatchObject({
      days: 14,
      opensAt: T0.toISOString(),
      closesAt: hours(48).toISOString(),
      proposedBy: IDS.maintainer,
    });
    expect(() => castVote(actorFor('maintainer', 'npm'), report, p, [], true, hours(1))).toThrow(
      expect.objectContaining({ code: 'E_FORBIDDEN' }),
    );
  });

  it('refuses a second open proposal, a window past the deadline, and bad lengths', () => {
    const p = proposal();
    const again = () =>
      openProposal(actorFor('team', 'npm'), report, { days: 7, reason: 'x' }, [p], T0, 'p-2');
    expect(again).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(() =>
      openProposal(
        actorFor('team', 'npm'),
        report,
        { days: 7, reason: 'x', windowHours: 24 * 30 },
        [],
        T0,
        'p-3',
      ),
    ).toThrow(expect.objectContaining({ field: 'windowHours' }));
    expect(() =>
      openProposal(actorFor('team', 'npm'), report, { days: 0, reason: 'x' }, [], T0, 'p-4'),
    ).toThrow(expect.objectContaining({ field: 'days' }));
    expect(() =>
      openProposal(actorFor('stranger', 'npm'), report, { days: 7, reason: 'x' }, [], T0, 'p-5'),
    ).toThrow(expect.objectContaining({ code: 'E_FORBIDDEN' }));
  });

  it('takes one vote per voter, inside the window only', () => {
    const p = proposal();
    const v1 = castVote(team(1), report, p, [], true, hours(1));
    expect(() => castVote(team(1), report, p, [v1], false, hours(2))).toThrow(/one vote per voter/);
    expect(() => castVote(team(2), report, p, [v1], true, new Date(T0.getTime() - 1))).toThrow(/open from/);
    expect(() => castVote(team(2), report, p, [v1], true, hours(48))).toThrow(/open from/);
    expect(castVote(actorFor('reporter', 'npm'), report, p, [v1], false, hours(47.9)).voterId).toBe(
      IDS.reporter,
    );
  });

  it('passes by a simple majority of the votes cast; a tie fails', () => {
    const p = proposal();
    const v = (id: string, yes: boolean, h = 1): Vote => ({
      proposalId: p.id,
      voterId: id,
      inFavour: yes,
      castAt: hours(h).toISOString(),
    });
    expect(tally(p, [v('a', true), v('b', true), v('c', false)])).toEqual({ yes: 2, no: 1, passed: true });
    expect(tally(p, [v('a', true), v('b', false)]).passed).toBe(false);
    expect(tally(p, []).passed).toBe(false);
    // Votes outside the window and second votes are not counted even if they reached storage.
    expect(tally(p, [v('a', true), v('a', true, 2), v('b', false), v('c', true, 49)])).toEqual({
      yes: 1,
      no: 1,
      passed: false,
    });
  });

  it('moves the publication deadline by the days proposed when the vote passes, only after it closes', () => {
    const p = proposal();
    const votes = [
      castVote(team(1), report, p, [], true, hours(1)),
      castVote(actorFor('reporter', 'npm'), report, p, [], true, hours(2)),
    ];
    expect(() => closeProposal(p, votes, report, hours(47))).toThrow(/open until/);
    const closed = closeProposal(p, votes, report, hours(48));
    expect(closed.proposal.result).toBe('passed');
    expect(closed.report.publicationDue).toBe('2026-03-06T10:00:00.000Z');
    expect(closed.report.extensionDays).toBe(14);
    const failed = closeProposal(p, [{ ...votes[0]!, inFavour: false }], report, hours(48));
    expect(failed.proposal.result).toBe('failed');
    expect(failed.report.publicationDue).toBe(report.publicationDue);
    expect(() => closeProposal(closed.proposal, votes, report, hours(49))).toThrow(/already/);
  });
});
