import { describe, expect, it } from 'vitest';
import { cycloneDxBom, npmPurl, renderReport } from '../../../src/scan/reporters/index.js';
import {
  advisory,
  buildReport,
  byName,
  JSON5_ALIASES,
  malwareAndAliasedReport,
  NOW,
  pkg,
} from './helpers.js';
import { validateCycloneDx } from './validators.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read parsed JSON documents field by field
type Json = Record<string, any>;

describe('--format cyclonedx', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'qs only parses trusted input', expires: '2026-12-31' }],
    node: { version: '20.1.0', platform: 'linux' },
  });
  const text = await renderReport(report, 'cyclonedx', { now: NOW, toolVersion: '0.1.0' });
  const bom = JSON.parse(text) as Json;

  it('is valid CycloneDX 1.5 JSON (the library’s strict schema)', async () => {
    const { errors, how } = await validateCycloneDx(text);
    expect(errors, how).toBeNull();
  });

  it('the schema check can fail: an unknown analysis state and a missing vulnerability ref are rejected', async () => {
    const bad = structuredClone(bom);
    bad.vulnerabilities[0].analysis = { state: 'ignored' };
    delete bad.vulnerabilities[1].affects[0].ref;
    const { errors } = await validateCycloneDx(JSON.stringify(bad));
    expect(errors).not.toBeNull();
  });

  it('lists each affected package once as a component with purl and bom-ref', () => {
    const components = bom.components as Json[];
    const lodash = components.find((c) => c.name === 'lodash')!;
    expect(lodash).toMatchObject({
      type: 'library',
      version: '4.17.4',
      purl: 'pkg:npm/lodash@4.17.4',
      'bom-ref': 'pkg:npm/lodash@4.17.4',
    });
    expect(lodash.properties).toContainEqual({ name: 'cdx:npm:package:development', value: 'true' });
    expect(components.filter((c) => c.name === 'lodash')).toHaveLength(1);
    expect(components.find((c) => c.type === 'platform')).toMatchObject({ name: 'node', version: '20.1.0' });
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1 });
    expect(bom.metadata.timestamp).toBe(NOW.toISOString());
    expect(bom.metadata.tools.components[0]).toEqual({ type: 'application', name: 'nswg', version: '0.1.0' });
  });

  it('describes each advisory: id, source, ratings from the CVSS vector, description, advisories, affects', () => {
    const v = (bom.vulnerabilities as Json[]).find((x) => x.id === 'NSWG-ECO-493')!;
    expect(v.source).toEqual({
      name: 'Node.js Security WG',
      url: 'https://osv.dev/vulnerability/CVE-2018-16487',
    });
    expect(v.references).toEqual([
      {
        id: 'CVE-2018-16487',
        source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2018-16487' },
      },
    ]);
    expect(v.ratings).toEqual([
      {
        source: {
          name: 'Node.js Security WG',
          url: 'https://osv.dev/vulnerability/CVE-2018-16487',
        },
        score: 7,
        severity: 'high',
        method: 'CVSSv3',
        vector: advisory('NSWG-ECO-493').cvss!.vector,
      },
    ]);
    expect(v.description).toBe('Denial of Service');
    expect(v.advisories[0]).toEqual({
      title: 'NSWG-ECO-493',
      url: 'https://osv.dev/vulnerability/CVE-2018-16487',
    });
    expect(v.affects).toEqual([
      { ref: 'pkg:npm/lodash@4.17.4', versions: [{ version: '4.17.4', status: 'affected' }] },
    ]);
    expect(v.analysis).toBeUndefined();
    // moderate is CycloneDX's medium; a null CVSS gives a rating with a severity only
    expect((bom.vulnerabilities as Json[]).find((x) => x.id === 'NSWG-ECO-8')!.ratings[0].severity).toBe(
      'medium',
    );
    expect(
      (bom.vulnerabilities as Json[]).find((x) => x.id === 'NSWG-ECO-308')!.ratings[0],
    ).not.toHaveProperty('score');
  });

  it('records an ignored finding as analysed: not_affected with the ignore reason', () => {
    const v = (bom.vulnerabilities as Json[]).find((x) => x.id === 'NSWG-ECO-28')!;
    expect(v.analysis).toEqual({
      state: 'not_affected',
      response: ['will_not_fix'],
      detail: 'qs only parses trusted input (ignored until 2026-12-31)',
    });
    expect(v.affects[0].ref).toBe('pkg:npm/qs@0.6.6');
  });

  it('lists the Node.js core advisories against the Node.js platform component', () => {
    const core = (bom.vulnerabilities as Json[]).filter((x) => String(x.id).startsWith('NSWG-COR-'));
    expect(core).toHaveLength(report.node!.findings.length);
    expect(core[0]!.affects).toEqual([
      { ref: 'node@20.1.0', versions: [{ version: '20.1.0', status: 'affected' }] },
    ]);
  });

  it('gives CWEs as numbers, scoped packages a group and an encoded purl, and is the same for the same report', async () => {
    const a = advisory('NSWG-ECO-368');
    a.weaknesses = [{ id: 'CWE-1321', name: 'Prototype Pollution' }];
    a.affected = a.affected.map((x) => ({ ...x, name: '@acme/lodash' }));
    const scoped = buildReport({
      packages: [pkg('@acme/lodash', '4.17.4+build.1', [['root', '@acme/lodash']])],
      advisories: byName([a]),
    });
    const out = cycloneDxBom(scoped, { now: NOW });
    expect(out.components).toEqual([
      expect.objectContaining({
        group: '@acme',
        name: 'lodash',
        purl: 'pkg:npm/%40acme/lodash@4.17.4%2Bbuild.1',
      }),
    ]);
    expect((out.vulnerabilities as Json[])[0]!.cwes).toEqual([1321]);
    expect(npmPurl('@acme/lodash', '1.0.0')).toBe('pkg:npm/%40acme/lodash@1.0.0');
    const again = cycloneDxBom(scoped, { now: NOW });
    expect(again.serialNumber).toBe(out.serialNumber);
    expect(out.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect((await validateCycloneDx(JSON.stringify(out))).errors).toBeNull();
  });

  it('keeps a hostile title as data and drops advisory links that are not http(s)', async () => {
    const a = advisory('NSWG-ECO-8');
    a.title = '</description><script>alert(1)</script>\u0000"';
    a.references = [
      ...a.references,
      { type: 'ADVISORY', url: 'javascript:alert(1)' },
      { type: 'ADVISORY', url: 'https://example.com/a b' },
    ];
    const out = cycloneDxBom(buildReport({ advisories: byName([a]) }), { now: NOW });
    const v = (out.vulnerabilities as Json[])[0]!;
    expect(v.description).toBe(a.title);
    expect(v.advisories.map((x: Json) => x.url)).toEqual([
      'https://osv.dev/vulnerability/CVE-2014-6393',
      'https://example.com/a%20b',
    ]);
    expect((await validateCycloneDx(JSON.stringify(out))).errors).toBeNull();
  });
});

describe('--format cyclonedx: malware and joined records', async () => {
  const text = await renderReport(malwareAndAliasedReport(), 'cyclonedx', { now: NOW });
  const bom = JSON.parse(text) as Json;
  const vuln = (id: string): Json => bom.vulnerabilities.find((v: Json) => v.id === id);

  it('is still valid CycloneDX 1.5 JSON', async () => {
    const { errors, how } = await validateCycloneDx(text);
    expect(errors, how).toBeNull();
  });

  it('says malware is to be removed: the recommendation, an exploitable analysis, CWE-506', () => {
    const v = vuln('GHSA-2v46-p5h4-248w');
    expect(v.recommendation).toBe('Remove chalk: it is malware, and no version of it is safe to keep.');
    expect(v.analysis).toEqual({ state: 'exploitable', detail: 'malware: remove this package' });
    expect(v.cwes).toEqual([506]);
    expect(v.ratings[0].severity).toBe('critical');
    expect(v.properties).toEqual([{ name: 'nswg:malicious', value: 'true' }]);
    expect(v.references).toEqual([
      { id: 'MAL-2025-46969', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/MAL-2025-46969' } },
    ]);
    // an ordinary finding keeps its upgrade and has no analysis
    expect(vuln('NSWG-ECO-9001').recommendation).toBe('Upgrade json5 to 2.2.2 or later.');
    expect(vuln('NSWG-ECO-9001').analysis).toBeUndefined();
  });

  it('lists a joined finding once, with every other id of its records as a reference', () => {
    expect(bom.vulnerabilities.map((v: Json) => v.id).sort()).toEqual([
      'GHSA-2v46-p5h4-248w',
      'NSWG-ECO-9001',
    ]);
    expect(vuln('NSWG-ECO-9001').references).toEqual([
      {
        id: 'CVE-2022-46175',
        source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-46175' },
      },
      {
        id: 'GHSA-9c47-m6qq-7p4h',
        source: { name: 'GitHub Advisories', url: 'https://github.com/advisories/GHSA-9c47-m6qq-7p4h' },
      },
    ]);
    expect(vuln('NSWG-ECO-9001').references.map((r: Json) => r.id)).toEqual(JSON5_ALIASES);
  });
});
