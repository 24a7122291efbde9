import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/scan/reporters/index.js';
import { advisory, buildReport, byName, NOW, pkg } from './helpers.js';

const ESC = '\u001b';

describe('--format text', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'qs only parses trusted input', expires: '2026-12-31' }],
    expiredIgnores: [
      { id: 'NSWG-ECO-1', package: 'bassmaster', reason: 'legacy admin tool', expires: '2026-01-01' },
    ],
    node: { version: '20.1.0', platform: 'linux' },
  });
  const text = await renderReport(report, 'text', { now: NOW, color: false });
  const lines = text.split('\n');

  /** The lines of one package's block, from its heading to the blank line after it. */
  const block = (heading: string): string[] => {
    const start = lines.findIndex((l) => l.startsWith(heading));
    expect(start, heading).toBeGreaterThanOrEqual(0);
    const end = lines.indexOf('', start);
    return lines.slice(start, end);
  };

  it('lines up the id, alias and title columns across the whole report', () => {
    const rows = lines.filter(
      (l) => /^ {2}(critical|high|moderate|low|info) /.test(l) && !l.includes('NSWG-COR'),
    );
    expect(rows.length).toBeGreaterThan(3);
    const starts = (re: RegExp) => new Set(rows.map((l) => l.search(re)));
    expect(starts(/NSWG-ECO/)).toEqual(new Set([12]));
    const aliased = rows.filter((l) => /NSWG-ECO-\d+ +CVE-/.test(l));
    expect(new Set(aliased.map((l) => l.search(/ CVE-/) + 1)).size).toBe(1);
  });

  it('groups findings by package, with id, CVE, title, path and the fix', () => {
    expect(block('express 4.4.5')).toEqual([
      'express 4.4.5',
      '  moderate  NSWG-ECO-8    CVE-2014-6393   No Charset in Content-Type Header',
      '  via       root > express',
      '  fix       upgrade express to >= 4.5.0',
    ]);
  });

  it('gives a package with several findings one fix line: the highest fixed version', () => {
    expect(block('send 0.1.0')).toEqual([
      'send 0.1.0',
      '  moderate  NSWG-ECO-32   CVE-2014-6394   Directory Traversal',
      '  moderate  NSWG-ECO-56   CVE-2015-8859   Root Path Disclosure',
      '  via       root > express > send',
      '  fix       upgrade send to >= 0.11.1',
    ]);
  });

  it('marks dev and optional dependencies, shows workspaces in paths, and says when there is no fix', () => {
    expect(block('lodash 4.17.4')).toEqual([
      'lodash 4.17.4  (dev)',
      '  low       NSWG-ECO-368  CVE-2018-3721   lodash prototype pollution',
      '  high      NSWG-ECO-493  CVE-2018-16487  Denial of Service',
      '  via       root > lodash',
      '            root > packages/api (workspace) > lodash',
      '  fix       upgrade lodash to >= 4.17.11',
    ]);
    expect(block('marked 0.3.5')).toContain('  via       root > packages/web (workspace) > marked');
    expect(block('ldapauth 2.2.4')).toEqual([
      'ldapauth 2.2.4  (optional)',
      '  moderate  NSWG-ECO-19   CVE-2015-7294   LDAP Injection',
      '  via       root > ldapauth',
      '  fix       no fixed version yet',
    ]);
  });

  it('lists ignored findings and expired ignore entries', () => {
    expect(block('Ignored (1)')).toEqual([
      'Ignored (1)',
      '  qs 0.6.6  NSWG-ECO-28  moderate  reason: qs only parses trusted input  until 2026-12-31',
    ]);
    expect(block('Expired ignore entries (1)')).toEqual([
      'Expired ignore entries (1): they no longer ignore anything',
      '  NSWG-ECO-1 (bassmaster)  expired 2026-01-01  reason: legacy admin tool',
    ]);
  });

  it('has a Node.js section: version, platform, each core advisory and the end-of-life warning', () => {
    const node = block('Node.js 20.1.0 (linux)');
    expect(node).toContain(
      '  moderate  NSWG-COR-171  CVE-2026-21717  HashDoS in V8  (patched: ^20.20.2 || ^22.22.2 || ^24.14.1 || ^25.8.2)',
    );
    // a core advisory whose title is only its CVE does not repeat it
    expect(node).toContain(
      '  high      NSWG-COR-108  CVE-2023-30581  (patched: ^16.20.1 || ^18.16.1 || ^20.3.1)',
    );
    expect(node).toHaveLength(report.node!.findings.length + 2);
    expect(node[node.length - 1]).toBe(
      '  end-of-life: the 20.x line reached its end of life on 2026-04-30 and gets no more security fixes; upgrade to a supported release',
    );
  });

  it('ends with the summary: counts by severity, packages scanned, the database and its age', () => {
    expect(lines.slice(-5)).toEqual([
      '9 vulnerabilities (2 high, 5 moderate, 1 low, 1 info) in 7 packages; 9 packages scanned',
      '1 ignored; 1 expired ignore entry',
      `Node.js 20.1.0: ${report.node!.findings.length} core advisories, end-of-life`,
      'Database: nswg.sqlite (bundled), 638 advisories; newest advisory: Working Group npm 2026-05-25 (7 days old), Working Group Node.js core 2026-03-24 (2 months old)',
      '',
    ]);
  });

  it('says so when nothing is found', async () => {
    const clean = await renderReport(
      buildReport({ packages: [pkg('negotiator', '0.6.1', [['root', 'negotiator']])] }),
      'text',
      { now: NOW },
    );
    expect(clean).toBe(
      'No known vulnerabilities in 1 package scanned\nDatabase: nswg.sqlite (bundled), 638 advisories; newest advisory: Working Group npm 2026-05-25 (7 days old), Working Group Node.js core 2026-03-24 (2 months old)\n',
    );
  });

  it('warns when the npm advisories are more than 30 days old, naming the sync command', async () => {
    const old = buildReport({ packages: [pkg('negotiator', '0.6.1', [['root', 'negotiator']])] });
    // the Working Group's npm data ends in 2020; its core data is current: the core date must not hide that
    old.database = {
      ...old.database,
      newest: '2026-05-30T00:00:00Z',
      freshness: [
        { source: 'Working Group', ecosystem: 'npm', newest: '2020-08-10T00:00:00Z', advisories: 467 },
        { source: 'Working Group', ecosystem: 'core', newest: '2026-05-30T00:00:00Z', advisories: 171 },
      ],
    };
    const out = (await renderReport(old, 'text', { now: NOW })).trimEnd().split('\n');
    expect(out.at(-2)).toBe(
      'Database: nswg.sqlite (bundled), 638 advisories; newest advisory: Working Group npm 2020-08-10 (5 years old), Working Group Node.js core 2026-05-30 (2 days old)',
    );
    expect(out.at(-1)).toBe(
      'Warning: the newest npm advisory is from 2020-08-10, 2121 days ago: advisories published since are missing; bring them in with `nswg db sync https://osv-vulnerabilities.storage.googleapis.com/npm/`',
    );
    // a synced source's fresh npm advisories end the warning
    old.database.freshness.push({
      source: 'GHSA',
      ecosystem: 'npm',
      newest: '2026-05-31T00:00:00Z',
      advisories: 9,
    });
    const synced = await renderReport(old, 'text', { now: NOW });
    expect(synced).toContain('GHSA npm 2026-05-31 (1 day old)');
    expect(synced).not.toContain('Warning');
    expect(await renderReport(old, 'markdown', { now: NOW })).not.toContain('Warning');
    old.database.freshness.pop();
    expect(await renderReport(old, 'markdown', { now: NOW })).toContain(
      '> **Warning:** the newest npm advisory is from 2020-08-10, 2121 days ago',
    );
  });

  it('colours severities only when asked', async () => {
    expect(text).not.toContain(ESC);
    const coloured = await renderReport(report, 'text', { now: NOW, color: true });
    expect(coloured).toContain(`${ESC}[`);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(text);
  });

  it('is exactly stable: the same report gives the same text', async () => {
    expect(await renderReport(report, 'text', { now: NOW })).toBe(text);
  });

  it('cannot be steered by what an advisory says: control characters and bidi overrides are neutralized', async () => {
    const a = advisory('NSWG-ECO-8');
    a.title = `Evil${ESC}]8;;https://evil.example${ESC}\\ link\u202e reversed\nsecond line\u0007`;
    const out = await renderReport(
      buildReport({ advisories: byName([a]), packages: [pkg('express', '4.4.5', [['root', 'express']])] }),
      'text',
      {
        now: NOW,
        color: false,
      },
    );
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(out).toContain(
      '  moderate  NSWG-ECO-8  CVE-2014-6393  Evil ]8;;https://evil.example \\ link  reversed second line ',
    );
  });
});
