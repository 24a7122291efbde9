import { describe, expect, it } from 'vitest';
import {
  fromNswgCore,
  fromNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toNswgCore,
  toNswgNpm,
  validateNswgCore,
  validateNswgNpm,
} from '../../../src/advisories/index.js';
import { wgCore, wgNpm } from '../../helpers/shared.js';

const FALLBACK = '2026-04-08T21:26:49Z';

describe('the Working Group JSON format', () => {
  it('reads and writes all 467 npm advisories losslessly, key order included', () => {
    const all = wgNpm() as unknown as NswgNpmJson[];
    expect(all).toHaveLength(467);
    for (const raw of all) {
      const back = toNswgNpm(fromNswgNpm(raw));
      expect(back).toStrictEqual(raw);
      expect(Object.keys(back)).toEqual(Object.keys(raw));
    }
  });

  it('reads and writes all 171 core advisories losslessly, with and without id', () => {
    const all = wgCore() as unknown as NswgCoreJson[];
    expect(all).toHaveLength(171);
    for (const raw of all) {
      const a = fromNswgCore(raw, raw.id!, FALLBACK);
      expect(toNswgCore(a, { withId: true })).toStrictEqual(raw);
      expect(Object.keys(toNswgCore(a, { withId: true }))).toEqual(Object.keys(raw));
      const { id: _id, ...file } = raw;
      expect(toNswgCore(a, { withId: false })).toStrictEqual(file);
    }
  });

  it('models the fields: ids, aliases, ranges as OSV events, CVSS, credits, platforms', () => {
    const npm = (wgNpm() as unknown as NswgNpmJson[]).find((a) => a.id === 1)!;
    const a = fromNswgNpm(npm);
    expect(a.id).toBe('NSWG-ECO-1');
    expect(a.aliases).toEqual(['CVE-2014-7205']);
    expect(a.affected[0]).toMatchObject({
      ecosystem: 'npm',
      name: 'bassmaster',
      vulnerable: '<=1.5.1',
      patched: '>=1.5.2',
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '1.5.1' }] }],
    });
    expect(a.cvss).toEqual({ vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N', score: 6.5 });
    expect(a.credits[0]).toMatchObject({ name: 'Jarda Kotěšovec', type: 'FINDER' });
    expect(a.created).toBe('2015-10-17T00:00:00Z');

    const core = (wgCore() as unknown as NswgCoreJson[]).find((c) => c.id === 55)!;
    const c = fromNswgCore(core, 55, FALLBACK);
    expect(c.id).toBe('NSWG-COR-55');
    expect(c.weaknesses).toEqual([{ id: 'CWE-115', name: 'Misinterpretation of Input' }]);
    expect(c.credits.map((x) => x.type).sort()).toEqual(['REMEDIATION_DEVELOPER', 'REPORTER']);
    const win = (wgCore() as unknown as NswgCoreJson[]).find((x) => x.affectedEnvironments[0] === 'win32')!;
    expect(fromNswgCore(win, win.id!, FALLBACK).affected[0]!.platforms).toEqual(['win32']);
  });

  it('keeps a CVSS score of -1 and references: null exactly as written', () => {
    const all = wgNpm() as unknown as NswgNpmJson[];
    const minusOne = all.find((a) => a.cvss_score === -1)!;
    const a = fromNswgNpm(minusOne);
    expect(a.cvss).toBeNull();
    expect(toNswgNpm(a).cvss_score).toBe(-1);
    const nullRefs = all.find((x) => x.references === null)!;
    expect(fromNswgNpm(nullRefs).references).toEqual([]);
    expect(toNswgNpm(fromNswgNpm(nullRefs)).references).toBeNull();
  });

  it('core ranges are the vulnerable versions minus the patched ones', () => {
    const c = fromNswgCore(
      { cve: [], vulnerable: '6.x || 4.x', patched: '^6.7.0 || ^4.6.0', affectedEnvironments: ['all'] },
      9,
      FALLBACK,
    );
    expect(c.affected[0]!.ranges).toEqual([
      {
        type: 'SEMVER',
        events: [
          { introduced: '4.0.0-0' },
          { fixed: '4.6.0' },
          { introduced: '6.0.0-0' },
          { fixed: '6.7.0' },
        ],
      },
    ]);
  });
});

describe('validation, as the Working Group tools/vuln_valid does', () => {
  it('accepts all 638 published advisories with no error', () => {
    for (const a of wgNpm())
      expect(
        validateNswgNpm(a).filter((p) => p.level === 'error'),
        String(a.id),
      ).toEqual([]);
    for (const a of wgCore())
      expect(
        validateNswgCore(a).filter((p) => p.level === 'error'),
        String(a.id),
      ).toEqual([]);
  });

  it('names every bad field with a reason', () => {
    const good = wgNpm()[0]!;
    const bad = {
      ...good,
      id: 'x',
      cves: ['CVE-nope'],
      created_at: '2015/10/17',
      title: 'a\nb',
      vulnerable_versions: '>>1',
      extra: 1,
    };
    delete (bad as Record<string, unknown>).overview;
    const problems = validateNswgNpm(bad);
    const fields = problems.map((p) => p.field).sort();
    expect(fields).toEqual([
      'created_at',
      'cves[0]',
      'extra',
      'id',
      'overview',
      'title',
      'vulnerable_versions',
    ]);
    expect(problems.find((p) => p.field === 'vulnerable_versions')!.message).toMatch(
      /not a valid semver range/,
    );
    expect(problems.find((p) => p.field === 'overview')!.message).toBe('is required');
  });

  it('warns when a CVSS score disagrees with its vector', () => {
    const a = (wgNpm() as unknown as NswgNpmJson[]).find((x) => x.id === 363)!;
    const problems = validateNswgNpm(a);
    expect(problems).toEqual([
      { field: 'cvss_score', message: "9.3 differs from the vector's base score 7.5", level: 'warning' },
    ]);
  });

  it('refuses an unknown platform and a CVSS vector that does not parse', () => {
    const c = wgCore()[0]!;
    const p = validateNswgCore({ ...c, affectedEnvironments: ['beos'], cvss: 'nonsense' });
    expect(p.map((x) => x.field)).toEqual(['affectedEnvironments[0]']);
    const q = validateNswgCore({ ...c, cvss: '3.0/AV:Q' });
    expect(q.map((x) => [x.field, x.level])).toEqual([['cvss', 'warning']]);
  });
});
