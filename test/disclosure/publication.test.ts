import { describe, expect, it } from 'vitest';
import { toNswgNpm, validateNswgNpm } from '../../src/advisories/index.js';
import { reportIn } from './fixtures.js';
import { advisoryFromReport, nextAdvisoryId, publishedRanges, type Report } from './imports.js';

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
