import { describe, expect, it } from 'vitest';
import { actorFor, IDS, ROLES, reportForRole, reportIn } from './fixtures.js';
import {
  agreementOf,
  attachmentSubject,
  COMMENTS,
  type DisclosureStatement,
  disclosedContent,
  mayDisclose,
  type Party,
  PROOF_OF_CONCEPT,
  partyOf,
  REPORT_STATES,
  type Stance,
  validateStatements,
} from './imports.js';
import { isNswgErrorLike } from './report-imports.js';

// The disclosure rule as the policy states it, written out as a table rather than derived from the
// code: the proof of concept (the comments, an attachment) is disclosed on publication only when the
// reporter AND the team agreed, and no accepted maintainer objected. "Y" agrees, "N" objects, "-"
// said nothing.
const STANCES: Record<string, Stance> = { Y: true, N: false, '-': null };

/** Every multiset of at most two maintainers' stances (the order of maintainers must not matter). */
const MAINTAINERS = ['', 'Y', 'N', '-', 'YY', 'YN', 'Y-', 'NN', 'N-', '--'] as const;

// reporter team → expected for each maintainer set above, in that order (1: disclosed, 0: not)
//                  ''  Y   N   -   YY  YN  Y-  NN  N-  --
const TABLE: Record<string, string> = {
  'Y Y': '1   1   0   1   1   0   1   0   0   1',
  'Y N': '0   0   0   0   0   0   0   0   0   0',
  'Y -': '0   0   0   0   0   0   0   0   0   0',
  'N Y': '0   0   0   0   0   0   0   0   0   0',
  'N N': '0   0   0   0   0   0   0   0   0   0',
  'N -': '0   0   0   0   0   0   0   0   0   0',
  '- Y': '0   0   0   0   0   0   0   0   0   0',
  '- N': '0   0   0   0   0   0   0   0   0   0',
  '- -': '0   0   0   0   0   0   0   0   0   0',
};

const stances = (s: string): Stance[] => [...s].map((c) => STANCES[c]!);

describe('the disclosure rule (mayDisclose)', () => {
  it('decides every combination of the reporter, the team and up to two maintainers as the table says', () => {
    let n = 0;
    const wrong: string[] = [];
    for (const [parties, row] of Object.entries(TABLE)) {
      const [reporter, team] = parties.split(' ').map((c) => STANCES[c]!) as [Stance, Stance];
      const expected = row.split(/\s+/).map((x) => x === '1');
      expect(expected).toHaveLength(MAINTAINERS.length);
      MAINTAINERS.forEach((m, i) => {
        for (const order of [stances(m), stances(m).reverse()]) {
          n++;
          const got = mayDisclose(reporter, team, order);
          if (got !== expected[i])
            wrong.push(`reporter ${parties} maintainers [${m}]: expected ${expected[i]}`);
        }
      });
    }
    expect(wrong).toEqual([]);
    // 3 reporter × 3 team stances × 10 maintainer sets, each in both orders
    expect(n).toBe(3 * 3 * MAINTAINERS.length * 2);
  });

  it('decides the comment thread by the same table, through what a published report discloses', () => {
    const wrong: string[] = [];
    for (const [parties, row] of Object.entries(TABLE)) {
      const [reporter, team] = parties.split(' ');
      const expected = row.split(/\s+/).map((x) => x === '1');
      MAINTAINERS.forEach((m, i) => {
        const maintainerIds = [...m].map((_, k) => `m${k}`);
        const said = [
          ...(reporter === '-' ? [] : [st(COMMENTS, 'reporter', reporter === 'Y')]),
          ...(team === '-' ? [] : [st(COMMENTS, 'team', team === 'Y')]),
          ...[...m].flatMap((c, k) => (c === '-' ? [] : [st(COMMENTS, `maintainer:m${k}`, c === 'Y')])),
        ];
        const r = { ...reportIn('published', 'npm'), maintainerIds };
        const got = disclosedContent(r, [], said);
        if (got.comments !== expected[i]) wrong.push(`comments, ${parties} maintainers [${m}]`);
        // the comments are a subject of their own: nothing said of them discloses nothing else
        if (got.proofOfConcept) wrong.push(`the proof of concept, ${parties} maintainers [${m}]`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it('takes any number of maintainers: one objection among many is enough', () => {
    expect(mayDisclose(true, true, Array(20).fill(true))).toBe(true);
    expect(mayDisclose(true, true, [...Array(19).fill(true), false])).toBe(false);
    expect(mayDisclose(true, true, Array(20).fill(null))).toBe(true);
  });
});

const st = (subject: string, party: Party, disclosable: boolean, statedBy = 'u-x'): DisclosureStatement => ({
  reportId: 'r-1',
  subject: subject as DisclosureStatement['subject'],
  party,
  disclosable,
  statedBy,
  statedAt: '2026-02-01T00:00:00Z',
});

describe('the agreement on a report', () => {
  it('gives each party its own voice: reporter, team, each accepted maintainer; the latter two only as themselves', () => {
    // who speaks for which party, for every role of the fixtures, kind and state
    const expected: Record<string, (kind: 'npm' | 'core', state: string) => Party | null> = {
      anonymous: () => null,
      system: () => null,
      operator: () => null,
      // whoever took the reporter's address without confirming it speaks for no one
      unconfirmed: () => null,
      'pending-team': () => null,
      stranger: () => null,
      'other-team': () => null,
      reporter: () => 'reporter',
      // a team member who reported it speaks as the reporter: another member must speak for the team
      'team-reporter': () => 'reporter',
      filer: () => 'team',
      team: () => 'team',
      admin: () => 'team',
      maintainer: (kind, state) =>
        kind === 'npm' && ['maintainer-invited', 'fix-in-progress', 'fixed', 'published'].includes(state)
          ? `maintainer:${IDS.maintainer}`
          : null,
    };
    for (const kind of ['npm', 'core'] as const)
      for (const state of REPORT_STATES)
        for (const role of ROLES)
          expect(
            partyOf(actorFor(role, kind), reportForRole(role, state, kind)),
            `${role} ${kind} ${state}`,
          ).toBe(expected[role]!(kind, state));
  });

  it('shows each subject with every party’s stance, and counts no one who is not an accepted maintainer', () => {
    const r = { ...reportIn('fix-in-progress', 'npm'), maintainerIds: ['m1', 'm2'] };
    const a = agreementOf(
      r,
      ['a1', 'a2'],
      [
        st(PROOF_OF_CONCEPT, 'reporter', true),
        st(PROOF_OF_CONCEPT, 'team', true),
        st(PROOF_OF_CONCEPT, 'maintainer:m1', true),
        // someone who is not a maintainer of this report objecting counts for nothing
        st(PROOF_OF_CONCEPT, 'maintainer:stranger', false),
        st(attachmentSubject('a1'), 'reporter', true),
        st(attachmentSubject('a1'), 'team', true),
        st(attachmentSubject('a1'), 'maintainer:m2', false),
        st(attachmentSubject('a2'), 'reporter', true),
        st(COMMENTS, 'reporter', true),
        st(COMMENTS, 'team', true),
        st(COMMENTS, 'maintainer:m1', false),
      ],
    );
    expect(a).toEqual([
      {
        subject: 'proof-of-concept',
        attachmentId: null,
        reporter: true,
        team: true,
        maintainers: [
          { userId: 'm1', disclosable: true },
          { userId: 'm2', disclosable: null },
        ],
        disclosable: true,
      },
      {
        subject: 'comments',
        attachmentId: null,
        reporter: true,
        team: true,
        maintainers: [
          { userId: 'm1', disclosable: false },
          { userId: 'm2', disclosable: null },
        ],
        disclosable: false,
      },
      {
        subject: 'attachment',
        attachmentId: 'a1',
        reporter: true,
        team: true,
        maintainers: [
          { userId: 'm1', disclosable: null },
          { userId: 'm2', disclosable: false },
        ],
        disclosable: false,
      },
      {
        subject: 'attachment',
        attachmentId: 'a2',
        reporter: true,
        team: null,
        maintainers: [
          { userId: 'm1', disclosable: null },
          { userId: 'm2', disclosable: null },
        ],
        disclosable: false,
      },
    ]);
  });

  it('discloses nothing before publication, whatever was agreed, and exactly what was agreed after', () => {
    const all = [
      st(PROOF_OF_CONCEPT, 'reporter', true),
      st(PROOF_OF_CONCEPT, 'team', true),
      st(attachmentSubject('a1'), 'reporter', true),
      st(attachmentSubject('a1'), 'team', true),
      st(attachmentSubject('a2'), 'reporter', true),
      st(attachmentSubject('a2'), 'team', false),
      st(COMMENTS, 'reporter', true),
      st(COMMENTS, 'team', true),
    ];
    for (const kind of ['npm', 'core'] as const)
      for (const state of REPORT_STATES) {
        const got = disclosedContent(reportIn(state, kind), ['a1', 'a2'], all);
        expect(got, `${kind} ${state}`).toEqual(
          state === 'published'
            ? { proofOfConcept: true, comments: true, attachmentIds: ['a1'] }
            : { proofOfConcept: false, comments: false, attachmentIds: [] },
        );
      }
    // an attachment statement about an attachment the report does not have discloses nothing
    expect(disclosedContent(reportIn('published', 'npm'), [], all)).toEqual({
      proofOfConcept: true,
      comments: true,
      attachmentIds: [],
    });
    // nothing said: nothing disclosed, the comments included
    expect(disclosedContent(reportIn('published', 'npm'), ['a1'], [])).toEqual({
      proofOfConcept: false,
      comments: false,
      attachmentIds: [],
    });
    // what was said of the proof of concept says nothing of the comments
    expect(disclosedContent(reportIn('published', 'npm'), [], all.slice(0, 2)).comments).toBe(false);
  });
});

describe('a statement request (validateStatements)', () => {
  const problemsOf = (input: unknown, ids = ['a1', 'a2']) => {
    try {
      validateStatements(input, ids);
      return {};
    } catch (e) {
      if (!isNswgErrorLike(e)) throw e;
      expect(e.code).toBe('E_REPORT_INVALID');
      return Object.fromEntries(e.problems.map((p) => [p.field, p.message]));
    }
  };

  it('turns the proof of concept, the comments and attachments into one statement each', () => {
    expect(
      validateStatements(
        {
          proofOfConcept: false,
          comments: true,
          attachments: [
            { id: 'a2', disclosable: true },
            { id: 'a1', disclosable: false },
          ],
        },
        ['a1', 'a2'],
      ),
    ).toEqual([
      { subject: 'proof-of-concept', disclosable: false },
      { subject: 'comments', disclosable: true },
      { subject: 'attachment:a2', disclosable: true },
      { subject: 'attachment:a1', disclosable: false },
    ]);
    expect(validateStatements({ attachments: [{ id: 'a1', disclosable: true }] }, ['a1'])).toEqual([
      { subject: 'attachment:a1', disclosable: true },
    ]);
    expect(validateStatements({ comments: false }, [])).toEqual([
      { subject: 'comments', disclosable: false },
    ]);
  });

  it('names every bad field at once: not a boolean, an attachment of another report, one named twice', () => {
    expect(
      problemsOf({
        proofOfConcept: 'yes',
        comments: 1,
        attachments: [
          { id: 'a1', disclosable: true },
          { id: 'elsewhere', disclosable: true },
          { id: 'a1', disclosable: false },
          { id: 'a2', disclosable: 'no' },
        ],
      }),
    ).toEqual({
      proofOfConcept: 'must be true or false',
      comments: 'must be true or false',
      'attachments[1].id': 'names no attachment of this report',
      'attachments[2].id': 'names an attachment twice',
      'attachments[3].disclosable': 'must be true or false',
    });
    expect(problemsOf({ attachments: 'a1' })).toEqual({
      attachments: 'must be a list of { id, disclosable }',
    });
  });

  it('refuses a request that says nothing', () => {
    expect(Object.keys(problemsOf({}))).toEqual(['proofOfConcept']);
    expect(Object.keys(problemsOf({ attachments: [] }))).toEqual(['proofOfConcept']);
    expect(Object.keys(problemsOf(null))).toEqual(['proofOfConcept']);
  });
});
