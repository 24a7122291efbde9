import { describe, expect, it } from 'vitest';
import { AUDIT_JSON_VERSION, renderReport } from '../../../src/scan/reporters/index.js';
import { advisory, buildReport, byName, DATABASE, NOW, pkg } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read parsed JSON documents field by field
type Json = Record<string, any>;

describe('--format json', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'trusted input only', expires: null }],
    expiredIgnores: [{ id: 'NSWG-ECO-1', package: null, reason: 'legacy', expires: '2026-01-01' }],
    node: { version: '22.1.0', platform: 'win32' },
    auditLevel: 'high',
  });
  const out = JSON.parse(await renderReport(report, 'json', { now: NOW })) as Json;

  it('has the documented top-level shape', () => {
    expect(Object.keys(out)).toEqual([
      'auditJsonVersion',
      'findings',
      'ignored',
      'expiredIgnores',
      'node',
      'summary',
      'database',
      'project',
      'dependencies',
    ]);
    expect(out.auditJsonVersion).toBe(AUDIT_JSON_VERSION);
    expect(out.database).toEqual(DATABASE);
    expect(out.project).toEqual({
      root: '/work/project',
      name: 'demo-app',
      lockfiles: [{ file: '/work/project/package-lock.json', format: 'npm-v3' }],
      workspaces: ['packages/api', 'packages/web'],
    });
  });

  it('writes each finding with name, version, id, aliases, severity, title, paths, dev, workspace and fix', () => {
    const lodash = out.findings.find((f: Json) => f.id === 'NSWG-ECO-493');
    expect(lodash).toEqual({
      name: 'lodash',
      version: '4.17.4',
      id: 'NSWG-ECO-493',
      aliases: ['CVE-2018-16487'],
      severity: 'high',
      malicious: false,
      title: 'Denial of Service',
      url: 'https://osv.dev/vulnerability/CVE-2018-16487',
      range: '<4.17.11',
      paths: [
        ['root', 'lodash'],
        ['root', 'packages/api', 'lodash'],
      ],
      dev: true,
      optional: false,
      workspace: 'packages/api',
      workspaces: ['packages/api'],
      locations: ['node_modules/lodash'],
      installedAs: [],
      fix: { version: '4.17.11', patched: '>=4.17.11' },
    });
    expect(out.findings.find((f: Json) => f.name === 'ldapauth').fix).toEqual({
      version: null,
      patched: '<0.0.0',
    });
    expect(out.findings.find((f: Json) => f.name === 'express').workspace).toBeNull();
  });

  it('sorts findings by name, version and id, whatever order the report has', async () => {
    const shuffled = { ...report, findings: [...report.findings].reverse() };
    const again = JSON.parse(await renderReport(shuffled, 'json')) as Json;
    const keys = (x: Json) => x.findings.map((f: Json) => `${f.name}@${f.version} ${f.id}`);
    expect(keys(again)).toEqual(keys(out));
    expect(keys(out)).toEqual([
      'decamelize@1.1.1 NSWG-ECO-308',
      'express@4.4.5 NSWG-ECO-8',
      'ldapauth@2.2.4 NSWG-ECO-19',
      'lodash@4.17.4 NSWG-ECO-368',
      'lodash@4.17.4 NSWG-ECO-493',
      'marked@0.3.5 NSWG-ECO-101',
      'qs@0.6.6 NSWG-ECO-29',
      'send@0.1.0 NSWG-ECO-32',
      'send@0.1.0 NSWG-ECO-56',
    ]);
  });

  it('writes ignored findings with their reason, and expired ignore entries', () => {
    expect(out.ignored).toEqual([
      expect.objectContaining({ name: 'qs', id: 'NSWG-ECO-28', reason: 'trusted input only', expires: null }),
    ]);
    expect(out.expiredIgnores).toEqual([
      { id: 'NSWG-ECO-1', package: null, reason: 'legacy', expires: '2026-01-01' },
    ]);
  });

  it('writes the Node.js check and the summary', async () => {
    expect(out.node).toMatchObject({
      version: '22.1.0',
      platform: 'win32',
      endOfLife: false,
      line: { name: '22.x', lts: true },
    });
    expect(out.node.findings.length).toBe(report.node!.findings.length);
    expect(Object.keys(out.node.findings[0])).toEqual([
      'id',
      'aliases',
      'severity',
      'title',
      'url',
      'patched',
    ]);
    const coreHighOrAbove = report.node!.findings.filter(
      (f) => f.severity === 'high' || f.severity === 'critical',
    ).length;
    expect(out.summary).toEqual({
      total: 9,
      bySeverity: { info: 1, low: 1, moderate: 5, high: 2, critical: 0 },
      packages: 9,
      vulnerablePackages: 7,
      maliciousPackages: 0,
      ignored: 1,
      expiredIgnores: 1,
      auditLevel: 'high',
      atOrAboveAuditLevel: 2 + coreHighOrAbove,
    });
    expect(JSON.parse(await renderReport(buildReport(), 'json')).node).toBeNull();
  });

  it('keeps an advisory title as data: whatever it holds comes back unchanged', async () => {
    const a = advisory('NSWG-ECO-8');
    a.title = '"}], "findings": [] <script>\u2028\u0000';
    const text = await renderReport(
      buildReport({ advisories: byName([a]), packages: [pkg('express', '4.4.5', [['root', 'express']])] }),
      'json',
    );
    const parsed = JSON.parse(text) as Json;
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0].title).toBe(a.title);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
