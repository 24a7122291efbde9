import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { lockfileLine, renderReport, sarifLog } from '../../../src/scan/reporters/index.js';
import {
  advisory,
  auditFixture,
  buildReport,
  byName,
  FIXTURES,
  JSON5_ALIASES,
  malwareAndAliasedReport,
  NOW,
} from './helpers.js';
import { errorLines, sarifValidator } from './validators.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read parsed JSON documents field by field
type Json = Record<string, any>;
const run = (log: Json): Json => log.runs[0];

describe('--format sarif', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'trusted input only', expires: '2026-12-31' }],
  });
  const log = JSON.parse(await renderReport(report, 'sarif', { now: NOW, toolVersion: '0.1.0' })) as Json;

  it('is valid SARIF 2.1.0 (the OASIS schema)', () => {
    const { validate, how } = sarifValidator();
    expect(validate(log), `${how}: ${errorLines(validate.errors).join('\n')}`).toBe(true);
  });

  it('the schema check can fail: a wrong level and a result without a message are rejected', () => {
    const { validate } = sarifValidator();
    const bad = structuredClone(log);
    run(bad).results[0].level = 'fatal';
    delete run(bad).results[1].message;
    expect(validate(bad)).toBe(false);
    expect(errorLines(validate.errors).join('\n')).toMatch(
      /\/runs\/0\/results\/0\/level|\/runs\/0\/results\/1/,
    );
  });

  it('has one rule per advisory with title, help link, CVSS security-severity and tags', () => {
    const rules = run(log).tool.driver.rules as Json[];
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'NSWG-ECO-8',
        'NSWG-ECO-32',
        'NSWG-ECO-56',
        'NSWG-ECO-368',
        'NSWG-ECO-493',
        'NSWG-ECO-28',
      ]),
    );
    const rule = rules.find((r) => r.id === 'NSWG-ECO-493')!;
    expect(rule.shortDescription.text).toBe('Denial of Service');
    expect(rule.helpUri).toBe('https://osv.dev/vulnerability/CVE-2018-16487');
    expect(rule.properties['security-severity']).toBe('7.0');
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'high']));
    // the null-CVSS advisory has no score to give
    expect(rules.find((r) => r.id === 'NSWG-ECO-308')!.properties['security-severity']).toBeUndefined();
    expect(run(log).tool.driver).toMatchObject({ name: 'nswg', version: '0.1.0' });
  });

  it('has one result per finding, its level from the severity, in the lockfile relative to the project root', () => {
    const results = run(log).results as Json[];
    expect(results).toHaveLength(report.findings.length + report.ignored.length);
    const byKey = new Map(
      results.map((r) => [`${r.properties.package}@${r.properties.version} ${r.ruleId}`, r]),
    );
    expect(byKey.get('lodash@4.17.4 NSWG-ECO-493')!.level).toBe('error');
    expect(byKey.get('express@4.4.5 NSWG-ECO-8')!.level).toBe('warning');
    expect(byKey.get('lodash@4.17.4 NSWG-ECO-368')!.level).toBe('note');
    const loc = byKey.get('send@0.1.0 NSWG-ECO-32')!.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('package-lock.json');
    expect(loc.region.startLine).toBe(1); // no lockfile text given
    expect(byKey.get('send@0.1.0 NSWG-ECO-32')!.message.text).toBe(
      'send@0.1.0 is affected by NSWG-ECO-32 (CVE-2014-6394): Directory Traversal. Introduced by root > express > send. Fix: upgrade send to >= 0.8.4.',
    );
    const ruleIds = (run(log).tool.driver.rules as Json[]).map((r) => r.id);
    for (const r of results) expect(ruleIds[r.ruleIndex]).toBe(r.ruleId);
  });

  it('reports an ignored finding as suppressed, with the reason', () => {
    const r = (run(log).results as Json[]).find((x) => x.ruleId === 'NSWG-ECO-28')!;
    expect(r.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'trusted input only (until 2026-12-31)' },
    ]);
  });

  it('keeps what advisories say as data: a hostile title stays one JSON string, and the help Markdown is escaped', () => {
    const a = advisory('NSWG-ECO-8');
    a.title = 'Evil <script>alert(1)</script> | [x](javascript:alert(1))\n"quoted"';
    const hostile = sarifLog(buildReport({ advisories: byName([a]) }));
    const rule = run(hostile).tool.driver.rules[0] as Json;
    expect(rule.shortDescription.text).toBe(a.title);
    expect(marked.parse(rule.help.markdown as string, { async: false })).not.toMatch(
      /<script|href="javascript/,
    );
    expect(rule.help.markdown).toContain('&lt;script&gt;');
    expect(sarifValidator().validate(hostile)).toBe(true);
  });
});

describe('SARIF regions: the line of the package entry in the real lockfiles', () => {
  const cases: [string, string, RegExp][] = [
    ['vuln-direct-npm', 'package-lock.json', /^ {4}"node_modules\/lodash": \{$/],
    ['vuln-direct-npm-v2', 'package-lock.json', /^ {4}"node_modules\/lodash": \{$/],
    ['vuln-direct-npm-v1', 'package-lock.json', /^ {4}"lodash": \{$/],
    ['vuln-direct-yarn', 'yarn.lock', /^lodash@/],
    ['vuln-direct-pnpm', 'pnpm-lock.yaml', /^ {2}lodash@4\.17\.4:$/],
  ];
  for (const [fixture, file, line] of cases) {
    it(`${fixture}/${file}`, async () => {
      const path = join(FIXTURES, fixture, file);
      const text = readFileSync(path, 'utf8');
      const { report, lockfiles } = await auditFixture(path);
      const log = sarifLog(report, { lockfiles, readLockfile: (f) => (f === path ? text : undefined) });
      const lines = text.split('\n');
      const results = run(log).results as Json[];
      const lodash = results.find(
        (r) => r.properties.package === 'lodash' && r.properties.version === '4.17.4',
      )!;
      const region = lodash.locations[0].physicalLocation.region;
      expect(lines[region.startLine - 1]).toMatch(line);
      expect(lodash.locations[0].physicalLocation.artifactLocation.uri).toBe(file);
      // every result points at a line that names its package
      for (const r of results) {
        const n = r.locations[0].physicalLocation.region.startLine as number;
        expect(n, `${r.properties.package}@${r.properties.version}`).toBeGreaterThan(1);
        expect(lines[n - 1]).toContain(r.properties.package.split('/').pop());
      }
      expect(sarifValidator().validate(log)).toBe(true);
    });
  }

  it('nested npm v1 entries: node_modules/a/node_modules/b is the b under a', () => {
    const text =
      '{\n  "dependencies": {\n    "b": {\n      "version": "2.0.0"\n    },\n    "a": {\n      "version": "1.0.0",\n      "dependencies": {\n        "b": {\n          "version": "1.0.0"\n        }\n      }\n    }\n  }\n}\n';
    expect(lockfileLine(text, 'npm-v1', 'node_modules/b')).toBe(3);
    expect(lockfileLine(text, 'npm-v1', 'node_modules/a/node_modules/b')).toBe(9);
    expect(lockfileLine(text, 'npm-v1', 'node_modules/c')).toBeNull();
    expect(lockfileLine(text, 'node_modules', 'node_modules/a')).toBeNull();
  });
});

describe('--format sarif: malware and joined records', async () => {
  const log = JSON.parse(await renderReport(malwareAndAliasedReport(), 'sarif', { now: NOW })) as Json;
  const rules = run(log).tool.driver.rules as Json[];
  const results = run(log).results as Json[];

  it('is still valid SARIF 2.1.0', () => {
    const { validate, how } = sarifValidator();
    expect(validate(log), `${how}: ${errorLines(validate.errors).join('\n')}`).toBe(true);
  });

  it('reports malware as an error to remove, with no version to upgrade to', () => {
    const result = results.find((r) => r.properties.package === 'chalk')!;
    expect(result).toMatchObject({
      ruleId: 'GHSA-2v46-p5h4-248w',
      level: 'error',
      properties: { malicious: true, fixVersion: null, severity: 'critical' },
    });
    expect(result.message.text).toMatch(
      /^chalk@5\.6\.1 is malware, reported by GHSA-2v46-p5h4-248w \(MAL-2025-46969\)/,
    );
    expect(result.message.text).toContain('Fix: malware: remove this package');
    expect(result.message.text).not.toMatch(/upgrade/i);
    const rule = rules.find((r) => r.id === 'GHSA-2v46-p5h4-248w')!;
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(rule.shortDescription.text).toBe('Malware: chalk 5.6.1 was compromised');
    // critical on code scanning's scale, whatever the record's own score (5)
    expect(rule.properties['security-severity']).toBe('10.0');
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['malware', 'external/cwe/cwe-506']));
    expect(rule.help.text).toMatch(/^Malware: remove this package/);
    expect(rule.help.markdown).toMatch(/^\*\*Malware: remove this package/);
    // an ordinary finding is not marked
    expect(results.find((r) => r.properties.package === 'json5')!.properties.malicious).toBe(false);
  });

  it('gives a joined finding one rule carrying every id of its records', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(['GHSA-2v46-p5h4-248w', 'NSWG-ECO-9001']);
    const rule = rules.find((r) => r.id === 'NSWG-ECO-9001')!;
    expect(rule.properties.aliases).toEqual(JSON5_ALIASES);
    expect(rule.help.text).toContain(`Also known as: ${JSON5_ALIASES.join(', ')}`);
    expect(rule.help.markdown).toContain(`Also known as: ${JSON5_ALIASES.join(', ')}`);
    const result = results.find((r) => r.ruleId === 'NSWG-ECO-9001')!;
    expect(result.message.text).toContain(`NSWG-ECO-9001 (${JSON5_ALIASES.join(', ')})`);
    expect(result.message.text).toContain('Fix: upgrade json5 to >= 2.2.2.');
    expect(results).toHaveLength(2);
  });
});
