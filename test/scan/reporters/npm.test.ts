import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type NpmAuditReport,
  type NpmVia,
  npmAudit,
  renderReport,
} from '../../../src/scan/reporters/index.js';
import type { InstalledPackage } from '../../../src/scan/types.js';
import { readJson } from '../../helpers/shared.js';
import { auditFixture, buildReport, FIXTURES, malwareAndAliasedReport, pkg } from './helpers.js';

/** What must agree with npm: per package, everything but the order of `via`. */
function comparable(r: NpmAuditReport) {
  return Object.fromEntries(
    Object.entries(r.vulnerabilities).map(([name, v]) => [
      name,
      {
        severity: v.severity,
        isDirect: v.isDirect,
        advisories: v.via
          .filter((x): x is NpmVia => typeof x !== 'string')
          .map((x) => `${x.source} ${x.range}`)
          .sort(),
        dependsOn: [...new Set(v.via.filter((x): x is string => typeof x === 'string'))].sort(),
        effects: v.effects,
        nodes: v.nodes,
        range: v.range,
        fixAvailable: v.fixAvailable,
      },
    ]),
  );
}

describe('--format npm on the real lockfiles, against the real npm audit', () => {
  for (const fixture of ['vuln-direct-npm', 'vuln-direct-npm-v2', 'workspaces-npm']) {
    it(`${fixture}: the same vulnerabilities, via, effects, nodes, isDirect and counts as npm audit --json`, async () => {
      const { report, lockfiles } = await auditFixture(join(FIXTURES, fixture, 'package-lock.json'));
      const file = join(FIXTURES, fixture, 'npm-audit.json');
      const npm = readJson<NpmAuditReport>(file);
      const ours = npmAudit(report, { lockfiles });
      expect(Object.keys(ours.vulnerabilities)).toEqual(Object.keys(npm.vulnerabilities));
      expect(comparable(ours)).toEqual(comparable(npm));
      expect(ours.metadata.vulnerabilities).toEqual(npm.metadata.vulnerabilities);
      expect(ours.auditReportVersion).toBe(2);
      // and byte for byte: via order and duplicates, key order, indentation
      expect(await renderReport(report, 'npm', { lockfiles })).toBe(
        `${readFileSync(file, 'utf8').trimEnd()}\n`,
      );
    });
  }

  it('vuln-direct-npm: each via advisory object is npm bulk data, field for field', async () => {
    const { report, lockfiles } = await auditFixture(join(FIXTURES, 'vuln-direct-npm', 'package-lock.json'));
    const npm = readJson<NpmAuditReport>(join(FIXTURES, 'vuln-direct-npm', 'npm-audit.json'));
    const ours = npmAudit(report, { lockfiles });
    const objects = (r: NpmAuditReport) =>
      Object.values(r.vulnerabilities)
        .flatMap((v) => v.via)
        .filter((x): x is NpmVia => typeof x !== 'string')
        .sort((a, b) => a.source - b.source || a.name.localeCompare(b.name));
    expect(objects(ours)).toEqual(objects(npm));
    // npm's key order, so that a diff of the two documents shows only differences in meaning
    expect(Object.keys(ours.vulnerabilities.express!)).toEqual(Object.keys(npm.vulnerabilities.express!));
    expect(Object.keys(objects(ours)[0]!)).toEqual(Object.keys(objects(npm)[0]!));
  });

  it('--omit dev: a dependent that was not audited is not reported as depending on a vulnerable package', async () => {
    const packages: (InstalledPackage & { dependents: string[] })[] = [
      { ...pkg('express', '4.4.5', [['root', 'express']]), dependents: [''] },
      {
        ...pkg('send', '0.1.0', [['root', 'express', 'send']]),
        dependents: ['node_modules/express', 'node_modules/my-dev-tool'],
      },
      { ...pkg('my-dev-tool', '1.0.0', [['root', 'my-dev-tool']], { dev: true }), dependents: [''] },
    ];
    const report = buildReport({ packages });
    const lockfiles = [
      { file: '/p/package-lock.json', format: 'npm-v3' as const, rootName: 'p', workspaces: [], packages },
    ];
    const all = npmAudit(report, { lockfiles });
    expect(all.vulnerabilities.send!.effects).toEqual(['express', 'my-dev-tool']);
    // as npm: a copy already marked by send's first advisory is not walked again for the second
    expect(all.vulnerabilities['my-dev-tool']).toMatchObject({
      via: ['send'],
      isDirect: true,
      severity: 'moderate',
    });
    const prod = npmAudit(report, { lockfiles, omit: new Set(['dev']) });
    expect(Object.keys(prod.vulnerabilities)).toEqual(['express', 'send']);
    expect(prod.vulnerabilities.send!.effects).toEqual(['express']);
    expect(prod.vulnerabilities.send!.isDirect).toBe(false);
    expect(prod.metadata.vulnerabilities.total).toBe(2);
  });

  it('without the dependency graph: only the vulnerable packages, direct when a path says so', async () => {
    const report = buildReport();
    const out = JSON.parse(await renderReport(report, 'npm')) as NpmAuditReport;
    expect(Object.keys(out.vulnerabilities)).toEqual([
      'decamelize',
      'express',
      'ldapauth',
      'lodash',
      'marked',
      'qs',
      'send',
    ]);
    expect(out.vulnerabilities.send).toMatchObject({
      isDirect: false,
      effects: [],
      nodes: ['node_modules/send'],
      fixAvailable: false,
    });
    expect(out.vulnerabilities.marked).toMatchObject({
      isDirect: true,
      nodes: ['packages/web/node_modules/marked'],
    });
    expect(out.vulnerabilities.lodash!.severity).toBe('high');
    expect(out.vulnerabilities.lodash!.via).toEqual([
      expect.objectContaining({
        source: 368,
        range: '<4.17.5',
        severity: 'low',
        url: 'https://github.com/nodejs/security-wg/blob/main/vuln/npm/368.json',
      }),
      expect.objectContaining({
        source: 493,
        range: '<4.17.11',
        severity: 'high',
        cvss: { score: 7, vectorString: expect.stringMatching(/^CVSS:3/) },
      }),
    ]);
    expect(out.metadata).toEqual({
      vulnerabilities: { info: 1, low: 0, moderate: 4, high: 2, critical: 0, total: 7 },
      dependencies: report.dependencies,
    });
  });

  it('gives advisories of other databases a stable number above 10^9 as `source`', () => {
    const report = buildReport();
    const f = report.findings.find((x) => x.name === 'express')!;
    report.findings = [
      { ...f, id: 'GHSA-xxxx-yyyy-zzzz', advisory: { ...f.advisory, id: 'GHSA-xxxx-yyyy-zzzz' } },
    ];
    const via = npmAudit(report).vulnerabilities.express!.via[0] as NpmVia;
    expect(via.source).toBeGreaterThan(1_000_000_000);
    expect(via.url).toBe('https://github.com/advisories/GHSA-xxxx-yyyy-zzzz');
  });
});

describe('--format npm: malware and joined records', () => {
  // both packages depended on by a package the lockfile does not hold: npm would offer a fix for each
  const packages: (InstalledPackage & { dependents: string[] })[] = [
    { ...pkg('chalk', '5.6.1', [['root', 'x', 'chalk']]), dependents: ['node_modules/x'] },
    { ...pkg('json5', '2.2.1', [['root', 'x', 'json5']]), dependents: ['node_modules/x'] },
  ];
  const report = malwareAndAliasedReport(packages);
  const lockfiles = [
    { file: '/p/package-lock.json', format: 'npm-v3' as const, rootName: 'p', workspaces: [], packages },
  ];
  const out = npmAudit(report, { lockfiles });

  it('keeps npm’s shape for malware, titled as malware, critical, CWE-506 and without a fix', () => {
    const chalk = out.vulnerabilities.chalk!;
    expect(chalk).toMatchObject({ severity: 'critical', fixAvailable: false, range: '' });
    expect(chalk.via).toEqual([
      {
        source: expect.any(Number),
        name: 'chalk',
        dependency: 'chalk',
        title: 'Malware: chalk 5.6.1 was compromised',
        url: 'https://github.com/advisories/GHSA-2v46-p5h4-248w',
        severity: 'critical',
        cwe: ['CWE-506'],
        cvss: { score: 5, vectorString: null },
        range: '=5.6.1',
      },
    ]);
    // the same dependents, an ordinary advisory: npm's fix stands
    expect(out.vulnerabilities.json5!.fixAvailable).toBe(true);
    expect(Object.keys(out.vulnerabilities.json5!)).toEqual(Object.keys(chalk));
  });

  it('lists a joined finding as one advisory, not one per record', () => {
    const via = out.vulnerabilities.json5!.via as NpmVia[];
    expect(via.map((v) => [v.source, v.title, v.range])).toEqual([
      [9001, 'Prototype Pollution in json5', '>=2.0.0 <2.2.2'],
    ]);
    expect(out.metadata.vulnerabilities).toMatchObject({ critical: 1, high: 1, total: 2 });
  });
});
