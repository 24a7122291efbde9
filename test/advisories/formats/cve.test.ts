import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  type Advisory,
  type CveCreditInput,
  type CveProduct,
  type CveRecordOptions,
  cveVersionsOf,
  fromNswgCore,
  fromNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toCveRecord,
  toRejectedCveRecord,
  wgUrlOf,
} from '../../../src/advisories/index.js';
import { isNswgError } from '../../../src/errors.js';
import { EntryMatcher } from '../../../src/scan/index.js';
import { npmAffected } from '../../helpers/ranges.js';
import { ROOT, readJson, wgCore, wgNpm } from '../../helpers/shared.js';

const require = createRequire(import.meta.url);

let compiled: ValidateFunction | null = null;
/** The official CVE JSON 5.1 schema (draft-07) with Ajv, formats, `strict: false` (data/schemas). */
function cveSchema(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = ajv.compile(readJson(join(ROOT, 'data', 'schemas', 'cve-record-format-5.1-bundled.json')));
  return compiled;
}

/** The schema's errors (none: []), short enough for a failing assertion to show. */
function schemaErrors(record: unknown): string[] {
  const validate = cveSchema();
  if (validate(record)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

const ORG = { orgId: '3c1d8aa1-5a33-4b6c-a5a3-6a1c0c5ff1e4', shortName: 'nswg' };

const all = (): Advisory[] => [
  ...(wgNpm() as unknown as NswgNpmJson[]).map(fromNswgNpm),
  ...(wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, '2026-04-08T21:26:49Z')),
];

/**
 * The status a product gives `v` by the CVE schema's own algorithm (`versions` then
 * `defaultStatus`), with SemVer 2.0 precedence (the `semver` package, strict) and the schema's
 * conventions: `"0"` no lower bound, `"*"` no upper bound.
 */
function cveStatus(p: CveProduct, v: string): string {
  const le = (a: string, b: string) => a === '0' || semver.lte(a, b);
  const lt = (a: string, b: string) => b === '*' || semver.lt(a, b);
  for (const e of p.versions ?? []) {
    if (e.lessThan === undefined && e.lessThanOrEqual === undefined) {
      if (semver.valid(e.version) ? semver.eq(v, e.version) : v === e.version) return e.status;
      continue;
    }
    if (e.versionType !== 'semver') throw new Error(`unexpected versionType ${e.versionType}`);
    const inRange =
      le(e.version, v) &&
      (e.lessThan !== undefined ? lt(v, e.lessThan) : semver.lte(v, e.lessThanOrEqual as string));
    if (inRange) return e.status;
  }
  return p.defaultStatus;
}

/** Versions on and next to every bound the product names, and a few of every size. */
function probes(p: CveProduct): string[] {
  const out = new Set(['0.0.0', '0.0.1', '0.1.0', '1.0.0', '1.0.0-beta.1', '2.5.0', '99.0.0']);
  for (const e of p.versions ?? []) {
    for (const b of [e.version, e.lessThan, e.lessThanOrEqual]) {
      const v = b && semver.parse(b);
      if (!v) continue;
      out.add(v.version);
      out.add(semver.inc(v.version, 'patch')!);
      out.add(semver.inc(v.version, 'prerelease', 'beta')!);
      if (!v.prerelease.length) out.add(`${v.version}-rc.1`);
      if (v.patch > 0) out.add(`${v.major}.${v.minor}.${v.patch - 1}`);
      if (v.minor > 0) out.add(`${v.major}.${v.minor - 1}.99`);
    }
  }
  return [...out];
}

/** Every advisory with a CVE alias, once per valid CVE alias, as if the program had assigned it. */
function assigned(): { a: Advisory; cveId: string }[] {
  return all().flatMap((a) =>
    a.aliases.filter((x) => /^CVE-\d{4}-\d{4,19}$/.test(x)).map((cveId) => ({ a, cveId })),
  );
}

describe('CVE JSON 5.1 records', () => {
  it('validates the official example and refuses a record without a description (the check can fail)', () => {
    const example = readJson<{ containers: { cna: { descriptions?: { value: string }[] } } }>(
      join(ROOT, 'test', 'fixtures', 'cve', 'cve-record-example.json'),
    );
    expect(schemaErrors(example)).toEqual([]);
    const broken = structuredClone(example);
    delete broken.containers.cna.descriptions;
    expect(schemaErrors(broken).length).toBeGreaterThan(0);
    const empty = structuredClone(example);
    empty.containers.cna.descriptions![0]!.value = '';
    expect(schemaErrors(empty).length).toBeGreaterThan(0);
  });

  it('writes a valid record for every Working Group advisory with a CVE id, deciding as the matcher does', () => {
    const list = assigned();
    expect(list.length).toBeGreaterThan(320);
    for (const { a, cveId } of list) {
      const r = toCveRecord(a, { ...ORG, cveId, advisoryUrl: wgUrlOf(a.id) });
      expect(schemaErrors(r), `${a.id} ${cveId}`).toEqual([]);
      expect(r.cveMetadata.cveId).toBe(cveId);
      expect(r.containers.cna.source.advisory).toBe(a.id);
      a.affected.forEach((x, i) => {
        const p = r.containers.cna.affected[i]!;
        expect(p.defaultStatus, a.id).toBe('unaffected');
        const matcher = new EntryMatcher(x);
        for (const v of probes(p)) {
          expect(cveStatus(p, v) === 'affected', `${a.id} ${x.vulnerable} ${v}`).toBe(matcher.holds(v));
        }
      });
    }
  });

  it('names npm packages by the registry and Node.js by vendor and product, with its release lines', () => {
    const list = all();
    const eco = list.find((a) => a.id === 'NSWG-ECO-1')!;
    const r = toCveRecord(eco, { ...ORG, advisoryUrl: wgUrlOf(eco.id) });
    expect(r.containers.cna.affected).toEqual([
      {
        collectionURL: 'https://www.npmjs.com',
        packageName: 'bassmaster',
        versions: [{ version: '0', status: 'affected', versionType: 'semver', lessThanOrEqual: '1.5.1' }],
        defaultStatus: 'unaffected',
      },
    ]);
    expect(r.containers.cna.metrics![0]!.cvssV3_0).toMatchObject({
      version: '3.0',
      vectorString: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
      baseScore: 6.5,
      baseSeverity: 'MEDIUM',
    });
    const core = list.find((a) => a.id === 'NSWG-COR-12')!; // 6.x || 5.x || 4.x, patched ^6.7.0 || ^4.6.0
    const p = toCveRecord(core, { ...ORG, advisoryUrl: wgUrlOf(core.id) }).containers.cna.affected[0]!;
    expect(p).toMatchObject({ vendor: 'nodejs', product: 'node', repo: 'https://github.com/nodejs/node' });
    expect(p.versions).toEqual([
      { version: '4.0.0-0', status: 'affected', versionType: 'semver', lessThan: '4.6.0' },
      // 5.x and 6.x up to the fix are one run of versions
      { version: '5.0.0-0', status: 'affected', versionType: 'semver', lessThan: '6.7.0' },
    ]);
  });

  it('maps npm ranges to CVE versions', () => {
    const of = (range: string) => cveVersionsOf(npmAffected('x', range, null));
    const r = (version: string, end: Record<string, string>) => ({
      version,
      status: 'affected',
      versionType: 'semver',
      ...end,
    });
    expect(of('<1.2.3 || >=2.0.0 <2.1.0')).toEqual({
      versions: [r('0', { lessThan: '1.2.3' }), r('2.0.0', { lessThan: '2.1.0' })],
      defaultStatus: 'unaffected',
    });
    expect(of('*')).toEqual({ versions: [r('0', { lessThan: '*' })], defaultStatus: 'unaffected' });
    expect(of('>=3.0.0')).toEqual({ versions: [r('3.0.0', { lessThan: '*' })], defaultStatus: 'unaffected' });
    expect(of('>1.2.3 <=1.4.0')).toEqual({
      versions: [r('1.2.4-0', { lessThanOrEqual: '1.4.0' })],
      defaultStatus: 'unaffected',
    });
    expect(of('^1.2.0 || 2.0.0')).toEqual({
      versions: [
        r('1.2.0', { lessThan: '2.0.0-0' }),
        { version: '2.0.0', status: 'affected', versionType: 'semver' },
      ],
      defaultStatus: 'unaffected',
    });
    // nothing exact can be said: nothing is claimed
    expect(of('<0.0.0-0')).toEqual({ versions: [], defaultStatus: 'unknown' });
    const unreadable = {
      ...npmAffected('x', '*', null),
      vulnerable: 'not a range',
      ranges: [],
      versions: ['1.0.0', 'weird'],
    };
    expect(cveVersionsOf(unreadable)).toEqual({
      versions: [
        { version: '1.0.0', status: 'affected', versionType: 'semver' },
        { version: 'weird', status: 'affected' },
      ],
      defaultStatus: 'unknown',
    });
  });

  it('writes CVSS 3.1 and 4.0, the CWE, credits of every role, the timeline and the source', () => {
    const a: Advisory = {
      ...all().find((x) => x.id === 'NSWG-ECO-1')!,
      // a score that disagrees with the vector: the record's is the vector's, as the CVSS library computes it
      cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 5 },
      weaknesses: [
        { id: 'CWE-1321', name: 'Improperly Controlled Modification of Object Prototype Attributes' },
      ],
      references: [
        {
          type: 'FIX',
          url: 'https://github.com/hapijs/bassmaster/commit/b751602d8cb7194ee62a61e085069679525138c4',
        },
        {
          type: 'FIX',
          url: 'https://github.com/hapijs/bassmaster/commit/b751602d8cb7194ee62a61e085069679525138c4',
        },
        { type: 'WEB', url: 'not a url' },
        { type: 'WEB', url: 'javascript:alert(1)' },
      ],
    };
    const roles = [
      'FINDER',
      'REPORTER',
      'ANALYST',
      'COORDINATOR',
      'REMEDIATION_DEVELOPER',
      'REMEDIATION_REVIEWER',
      'REMEDIATION_VERIFIER',
      'TOOL',
      'SPONSOR',
      'OTHER',
    ] as const;
    const credits: CveCreditInput[] = roles.map((type, i) => ({ name: `Person ${i}`, type }));
    const options: CveRecordOptions = {
      ...ORG,
      cveId: 'CVE-2026-12345',
      dateReserved: '2026-01-02T10:00:00Z',
      cvssVectors: ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'],
      credits,
      timeline: [
        { time: '2026-01-05T09:00:00Z', event: 'triaged' },
        { time: '2026-01-02T09:00:00Z', event: 'reported' },
        { time: '2026-02-01T12:00:00Z', event: 'published' },
        { time: '2026-01-20', event: 'other', value: 'Fix reviewed by the maintainers' },
      ],
      discovery: 'EXTERNAL',
    };
    const r = toCveRecord(a, options);
    expect(schemaErrors(r)).toEqual([]);
    expect(r.dataType).toBe('CVE_RECORD');
    expect(r.dataVersion).toBe('5.1');
    expect(r.cveMetadata).toEqual({
      cveId: 'CVE-2026-12345',
      assignerOrgId: ORG.orgId,
      assignerShortName: 'nswg',
      state: 'PUBLISHED',
      dateReserved: '2026-01-02T10:00:00Z',
      datePublished: a.published,
      dateUpdated: a.modified,
    });
    const c = r.containers.cna;
    expect(c.providerMetadata).toEqual({ ...ORG, dateUpdated: a.modified });
    expect(c.title).toBe(a.title);
    expect(c.descriptions[0]).toMatchObject({ lang: 'en', value: a.details });
    const m = c.metrics![0]!;
    expect(m.cvssV3_1).toMatchObject({
      version: '3.1',
      vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      baseScore: 9.8,
      baseSeverity: 'CRITICAL',
    });
    expect(m.cvssV4_0).toMatchObject({
      version: '4.0',
      vectorString: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      baseScore: 9.3,
      baseSeverity: 'CRITICAL',
    });
    expect(c.problemTypes).toEqual([
      {
        descriptions: [
          {
            lang: 'en',
            cweId: 'CWE-1321',
            description: 'CWE-1321: Improperly Controlled Modification of Object Prototype Attributes',
            type: 'CWE',
          },
        ],
      },
    ]);
    expect(c.references).toEqual([
      {
        url: 'https://github.com/hapijs/bassmaster/commit/b751602d8cb7194ee62a61e085069679525138c4',
        tags: ['patch'],
      },
    ]);
    expect(c.credits!.map((x) => x.type)).toEqual([
      'finder',
      'reporter',
      'analyst',
      'coordinator',
      'remediation developer',
      'remediation reviewer',
      'remediation verifier',
      'tool',
      'sponsor',
      'other',
    ]);
    expect(c.credits![0]).toEqual({ lang: 'en', value: 'Person 0', type: 'finder' });
    expect(c.timeline).toEqual([
      { time: '2026-01-02T09:00:00Z', lang: 'en', value: 'Reported to the disclosure program' },
      { time: '2026-01-05T09:00:00Z', lang: 'en', value: 'Triaged and confirmed by the triage team' },
      { time: '2026-01-20T00:00:00Z', lang: 'en', value: 'Fix reviewed by the maintainers' },
      { time: '2026-02-01T12:00:00Z', lang: 'en', value: 'Advisory published' },
    ]);
    expect(c.source).toEqual({ advisory: 'NSWG-ECO-1', discovery: 'EXTERNAL' });
    // CVSS 2.0 beside the advisory's 3.0
    const eco = all().find((x) => x.id === 'NSWG-ECO-1')!;
    const v2 = toCveRecord(eco, {
      ...ORG,
      advisoryUrl: wgUrlOf(eco.id),
      cvssVectors: ['AV:N/AC:L/Au:N/C:P/I:P/A:P'],
    });
    expect(schemaErrors(v2)).toEqual([]);
    expect(v2.containers.cna.metrics![0]!.cvssV2_0).toMatchObject({ version: '2.0', baseScore: 7.5 });
    expect(v2.containers.cna.metrics![0]!.cvssV3_0).toMatchObject({ version: '3.0', baseScore: 6.5 });
    // without credits given, the advisory's own
    expect(toCveRecord(a, { ...ORG, cveId: 'CVE-2026-12345' }).containers.cna.credits).toEqual([
      { lang: 'en', value: a.credits[0]!.name, type: 'finder' },
    ]);
  });

  it('writes a valid REJECTED record', () => {
    const r = toRejectedCveRecord('CVE-2026-12346', {
      ...ORG,
      reason: 'The report was rejected: the behaviour is documented and not a vulnerability.',
      dateRejected: '2026-03-01T08:00:00Z',
      dateReserved: '2026-02-20T08:00:00Z',
    });
    expect(schemaErrors(r)).toEqual([]);
    expect(r.cveMetadata).toMatchObject({
      cveId: 'CVE-2026-12346',
      state: 'REJECTED',
      dateRejected: '2026-03-01T08:00:00Z',
    });
    expect(r.containers.cna.rejectedReasons).toEqual([
      { lang: 'en', value: 'The report was rejected: the behaviour is documented and not a vulnerability.' },
    ]);
    const dup = toRejectedCveRecord('CVE-2026-12347', {
      ...ORG,
      reason: 'A duplicate of CVE-2026-12345.',
      dateRejected: '2026-03-01',
      replacedBy: ['CVE-2026-12345'],
    });
    expect(schemaErrors(dup)).toEqual([]);
    expect(dup.containers.cna.replacedBy).toEqual(['CVE-2026-12345']);
    // the published shape is not accepted as a rejected one, nor the other way round
    expect(
      schemaErrors({ ...dup, cveMetadata: { ...dup.cveMetadata, state: 'PUBLISHED' } }).length,
    ).toBeGreaterThan(0);
  });

  it('refuses input that cannot make a valid record, naming the field', () => {
    const list = all();
    const eco = list.find((a) => a.id === 'NSWG-ECO-1')!;
    const noCve = { ...eco, aliases: [] };
    const fails = (f: () => unknown, field: string) => {
      try {
        f();
      } catch (e) {
        expect(isNswgError(e) && e.code === 'E_ADVISORY_INVALID' && e.field, String(e)).toBe(field);
        return;
      }
      throw new Error(`no error for ${field}`);
    };
    fails(() => toCveRecord(noCve, ORG), 'cveId');
    fails(() => toCveRecord({ ...eco, aliases: ['CVE-2014-1', 'CVE-2014-2'] }, ORG), 'cveId');
    fails(() => toCveRecord(eco, { ...ORG, cveId: 'CVE-2014-4671A' }), 'cveId');
    // the Working Group's one malformed alias
    const bad = list.find((a) => a.aliases.includes('CVE-2014-4671A'));
    if (bad && bad.aliases.length === 1) fails(() => toCveRecord(bad, ORG), 'aliases');
    fails(() => toCveRecord(eco, { ...ORG, orgId: 'nswg' }), 'orgId');
    fails(() => toCveRecord(eco, { ...ORG, shortName: 'n' }), 'shortName');
    fails(() => toCveRecord({ ...eco, title: ' ', details: null }, ORG), 'details');
    fails(() => toCveRecord({ ...eco, references: [] }, ORG), 'references');
    fails(() => toCveRecord(eco, { ...ORG, advisoryUrl: 'advisories/1' }), 'advisoryUrl');
    fails(() => toCveRecord({ ...eco, withdrawn: '2026-01-01T00:00:00Z' }, ORG), 'withdrawn');
    fails(() => toCveRecord(eco, { ...ORG, cvssVectors: ['CVSS:4.0/AV:N'] }), 'cvssVectors[0]');
    fails(
      () => toCveRecord(eco, { ...ORG, timeline: [{ time: 'yesterday', event: 'reported' }] }),
      'timeline[0].time',
    );
    fails(
      () => toCveRecord(eco, { ...ORG, timeline: [{ time: '2026-01-01', event: 'other' }] }),
      'timeline[0].value',
    );
    fails(
      () => toCveRecord(eco, { ...ORG, credits: [{ name: 'A', type: 'HERO' as 'FINDER' }] }),
      'credits[0].type',
    );
    fails(
      () => toRejectedCveRecord('CVE-2026-1', { ...ORG, reason: 'x', dateRejected: '2026-03-01' }),
      'cveId',
    );
    fails(
      () => toRejectedCveRecord('CVE-2026-12346', { ...ORG, reason: ' ', dateRejected: '2026-03-01' }),
      'reason',
    );
    fails(
      () =>
        toRejectedCveRecord('CVE-2026-12346', { ...ORG, orgId: '', reason: 'x', dateRejected: '2026-03-01' }),
      'orgId',
    );
  });
});
