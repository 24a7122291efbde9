import { describe, expect, it } from 'vitest';
import {
  type Advisory,
  fromNswgCore,
  fromNswgNpm,
  fromOsv,
  type NswgCoreJson,
  type NswgNpmJson,
  type OsvRecord,
  toOsv,
} from '../../../src/advisories/index.js';
import { validateOsvSchema } from '../../../src/files/index.js';
import { contains, fromOsvRanges, satisfies } from '../../../src/versions/index.js';
import { wgCore, wgNpm } from '../../helpers/shared.js';

const all = (): Advisory[] => [
  ...(wgNpm() as unknown as NswgNpmJson[]).map(fromNswgNpm),
  ...(wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, '2026-04-08T21:26:49Z')),
];

describe('OSV 1.7', () => {
  it('exports all 638 advisories as records the official schema accepts', () => {
    const list = all();
    expect(list).toHaveLength(638);
    for (const a of list) {
      const o = toOsv(a);
      expect(validateOsvSchema(o), a.id).toEqual([]);
    }
  });

  it('reads its own export back to the same record', () => {
    for (const a of all()) expect(fromOsv(JSON.parse(JSON.stringify(toOsv(a))))).toStrictEqual(a);
  });

  it('writes ids, aliases, CVSS, ranges and Node.js core as documented', () => {
    const [eco] = all();
    const o = toOsv(eco!);
    expect(o.id).toBe('x_NSWG-ECO-1');
    expect(o.aliases).toEqual(['CVE-2014-7205']);
    expect(o.severity).toEqual([{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N' }]);
    expect(o.affected![0]!.package).toEqual({
      ecosystem: 'npm',
      name: 'bassmaster',
      purl: 'pkg:npm/bassmaster',
    });
    const core = all().find((a) => a.id === 'NSWG-COR-1')!;
    const oc = toOsv(core);
    expect(oc.affected![0]!.package).toEqual({
      ecosystem: 'GIT',
      name: 'https://github.com/nodejs/node',
      purl: 'pkg:github/nodejs/node',
    });
    expect(oc.affected![0]!.ecosystem_specific).toEqual({ platforms: ['all'] });
  });

  it('OSV ranges decide exactly as npm ranges do for every advisory', () => {
    for (const a of all()) {
      const x = a.affected[0]!;
      const set = fromOsvRanges(toOsv(a).affected![0]!.ranges ?? []);
      for (const v of [
        '0.0.1',
        '1.0.0',
        '1.5.1',
        '1.5.2',
        '2.0.0-beta.1',
        '4.17.4',
        '6.6.0',
        '6.7.0',
        '8.1.4',
        '20.20.1',
        '20.20.2',
      ]) {
        const npm =
          x.ecosystem === 'npm'
            ? satisfies(v, x.vulnerable)
            : satisfies(v, x.vulnerable) && !(x.patched && satisfies(v, x.patched));
        expect(contains(set, v), `${a.id} ${v}`).toBe(npm);
      }
    }
  });

  it('imports a GHSA record with introduced/fixed, last_affected and last_known_affected_version_range', () => {
    const ghsa: OsvRecord = {
      schema_version: '1.4.0',
      id: 'GHSA-jf85-cpcp-j695',
      modified: '2023-11-01T12:00:00Z',
      published: '2019-07-10T19:45:23Z',
      aliases: ['CVE-2019-10744'],
      summary: 'Prototype Pollution in lodash',
      details: 'Versions of `lodash` before 4.17.12 are vulnerable to Prototype Pollution.',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H' }],
      affected: [
        {
          package: { ecosystem: 'npm', name: 'lodash' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.12' }] }],
          database_specific: { source: 'https://github.com/github/advisory-database' },
        },
        {
          package: { ecosystem: 'npm', name: 'lodash-es' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.0.0' }, { last_affected: '4.17.11' }] }],
        },
        {
          package: { ecosystem: 'npm', name: 'lodash.merge' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          database_specific: { last_known_affected_version_range: '<= 4.6.1' },
        },
        {
          package: { ecosystem: 'PyPI', name: 'not-npm' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
        },
      ],
      references: [{ type: 'ADVISORY', url: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744' }],
      database_specific: { cwe_ids: ['CWE-1321', 'CWE-20'], severity: 'CRITICAL', github_reviewed: true },
    };
    const a = fromOsv(ghsa);
    expect(a.id).toBe('GHSA-jf85-cpcp-j695');
    expect(a.kind).toBe('npm');
    expect(a.affected.map((x) => [x.name, x.vulnerable, x.patched])).toEqual([
      ['lodash', '<4.17.12', '>=4.17.12'],
      ['lodash-es', '>=4.0.0 <=4.17.11', null],
      ['lodash.merge', '<=4.6.1', null],
    ]);
    expect(a.cvss).toEqual({ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H', score: 9.1 });
    expect(a.weaknesses.map((w) => w.id)).toEqual(['CWE-1321', 'CWE-20']);
    expect(a.declaredSeverity).toBe('CRITICAL');
    expect(validateOsvSchema(toOsv(a))).toEqual([]);
  });

  it('refuses a record with no npm package and names the bad event', () => {
    expect(() =>
      fromOsv({
        id: 'PYSEC-1',
        modified: '2020-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'PyPI', name: 'x' } }],
      }),
    ).toThrow(/names no npm package/);
    expect(() =>
      fromOsv({
        id: 'GHSA-1',
        modified: '2020-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: 'one' }] }],
          },
        ],
      }),
    ).toThrow(expect.objectContaining({ field: 'affected[0].ranges[0].events[0]' }));
  });

  it('reports schema problems by field', () => {
    const p = validateOsvSchema({ id: 'NSWG-ECO-1', modified: 'yesterday' });
    expect(p.map((x) => x.field).sort()).toEqual(['id', 'modified', 'modified']);
  });
});
