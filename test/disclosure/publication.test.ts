import { describe, expect, it } from 'vitest';
import { toNswgNpm, validateNswgNpm } from '../../src/advisories/index.js';
import { actorFor, reportIn } from './fixtures.js';
import {
  advisoryFromReport,
  applyTransition,
  nextAdvisoryId,
  publishedRanges,
  type Report,
} from './imports.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const fixed: Report = {
  ...reportIn('fixed', 'npm'),
  affectedVersions: '>=1.0.0 <1.4.2',
  patchedVersions: '>=1.4.2',
  cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
  cwe: 'CWE-1321',
  cveId: 'CVE-2026-1111',
  credit: { as: 'name', name: 'Ada Finder' },
  references: ['https://github.com/example/left-pad-ng/commit/0123456789abcdef'],
  reproduction: 'SECRET PROOF OF CONCEPT',
};

describe('publication: a report becomes an advisory', () => {
  it('allocates the next free id of its family: the highest number plus one', () => {
    expect(nextAdvisoryId('npm', ['NSWG-ECO-3', 'NSWG-ECO-10', 'NSWG-COR-99', 'GHSA-xxxx'])).toBe(
      'NSWG-ECO-11',
    );
    expect(nextAdvisoryId('core', ['NSWG-ECO-3', 'NSWG-COR-99'])).toBe('NSWG-COR-100');
    expect(nextAdvisoryId('npm', [])).toBe('NSWG-ECO-1');
  });

  it('carries title, details, ranges, recommendation, CVSS, CWE, CVE, references and the credit chosen', () => {
    const a = advisoryFromReport(fixed, 'NSWG-ECO-500', NOW);
    expect(a).toMatchObject({
      id: 'NSWG-ECO-500',
      kind: 'npm',
      title: 'Prototype pollution in merge()',
      aliases: ['CVE-2026-1111'],
      recommendation: 'Upgrade `left-pad-ng` to version 1.4.2 or later.',
      cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
      weaknesses: [{ id: 'CWE-1321', name: null }],
      references: [{ type: 'FIX', url: 'https://github.com/example/left-pad-ng/commit/0123456789abcdef' }],
      credits: [{ name: 'Ada Finder', type: 'FINDER', username: null }],
      published: '2026-03-01T12:00:00Z',
    });
    expect(a.affected[0]).toMatchObject({
      ecosystem: 'npm',
      name: 'left-pad-ng',
      vulnerable: '>=1.0.0 <1.4.2',
      patched: '>=1.4.2',
    });
    expect(a.affected[0]!.ranges).toEqual([
      { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] },
    ]);
    expect(JSON.stringify(a)).not.toContain('SECRET PROOF OF CONCEPT');
    // It is a valid Working Group advisory.
    expect(validateNswgNpm(toNswgNpm(a) as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('without a fix: no upper bound (`*` when every version is affected) and patched null', () => {
    expect(publishedRanges({ affectedVersions: '>=1.0.0 <1.4.2', patchedVersions: null })).toEqual({
      vulnerable: '>=1.0.0',
      patched: null,
    });
    expect(publishedRanges({ affectedVersions: '<=2.3.0', patchedVersions: null })).toEqual({
      vulnerable: '*',
      patched: null,
    });
    const a = advisoryFromReport(
      { ...fixed, state: 'accepted', patchedVersions: null, affectedVersions: '<2.0.0' },
      'NSWG-ECO-501',
      NOW,
    );
    expect(a.affected[0]).toMatchObject({ vulnerable: '*', patched: null });
    expect(a.recommendation).toMatch(/No fixed version/);
  });

  it('credits a handle as the username, and nobody for anonymous reporters', () => {
    expect(
      advisoryFromReport({ ...fixed, credit: { as: 'handle', handle: 'ada' } }, 'NSWG-ECO-1', NOW).credits,
    ).toEqual([{ name: 'ada', type: 'FINDER', website: null, username: 'ada', contact: [] }]);
    expect(advisoryFromReport({ ...fixed, credit: { as: 'anonymous' } }, 'NSWG-ECO-1', NOW).credits).toEqual(
      [],
    );
  });

  it('publishes core reports as NSWG-COR with the component, and refuses an id of the wrong family', () => {
    const core = {
      ...fixed,
      kind: 'core' as const,
      packageName: null,
      component: 'http',
      affectedVersions: '>=20.0.0 <20.11.1',
      patchedVersions: '>=20.11.1',
    };
    const a = advisoryFromReport(core, 'NSWG-COR-200', NOW);
    expect(a.affected[0]).toMatchObject({ ecosystem: 'node', name: 'node', components: ['http'] });
    expect(() => advisoryFromReport(core, 'NSWG-ECO-200', NOW)).toThrow(/not a core advisory id/);
  });
});

describe('publication without a fix: the advisory says why', () => {
  const deadline = '2026-02-01T00:00:00Z';
  /** A report published by the scheduler at its deadline, or by the team early, from `state`. */
  const published = (state: Report['state'], over: Partial<Report> = {}, at = NOW) => {
    const r = { ...reportIn(state, 'npm', { deadline: 'reached' }), ...over };
    const moved = applyTransition(
      over.earlyPublication ? actorFor('team', 'npm') : { kind: 'system' },
      r,
      'publish',
      {},
      at,
    );
    return advisoryFromReport(moved.report, 'NSWG-ECO-700', at).recommendation;
  };

  it('at the deadline: maintainers silent, informed without a fix, or a fix in progress', () => {
    expect(published('accepted', { maintainerIds: [] })).toBe(
      `No fixed version of \`left-pad-ng\` is available: consider an alternative package. Its maintainers did not answer the invitation to fix it before the publication deadline, ${deadline.slice(0, 10)}.`,
    );
    expect(published('maintainer-invited')).toMatch(
      /^No fixed version .* consider an alternative package\. Its maintainers were told of it but no fix was released before the publication deadline, 2026-02-01\.$/,
    );
    expect(
      published('fix-in-progress', {
        fixProposal: {
          patchedVersions: '>=1.4.2',
          releaseDate: '2026-03-20',
          note: null,
          proposedBy: 'u-maintainer',
          proposedAt: '2026-01-20T00:00:00Z',
        },
      }),
    ).toBe(
      'No fixed version of `left-pad-ng` is available yet: upgrade as soon as one is released, or consider an alternative package. A fix was in progress (a release was planned for 2026-03-20) but not released by the publication deadline, 2026-02-01.',
    );
  });

  it('early: the reason and what shows it', () => {
    const early = published(
      'accepted',
      {
        publicationDue: '2026-09-01T00:00:00Z',
        earlyPublication: {
          reason: 'already-public',
          details: 'the exploit is on a public issue tracker',
          requestedBy: 'u-other-team-member',
          requestedAt: '2026-02-28T00:00:00Z',
        },
      },
      NOW,
    );
    expect(early).toMatch(
      /published before a fix, ahead of its deadline, because the vulnerability is already public: the exploit is on a public issue tracker\.$/,
    );
  });
});
