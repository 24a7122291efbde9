import { marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import {
  codeSpan,
  htmlText,
  linkUrl,
  markdownText,
  renderReport,
} from '../../../src/scan/reporters/index.js';
import {
  advisory,
  buildReport,
  byName,
  JSON5_ALIASES,
  malwareAndAliasedReport,
  NOW,
  pkg,
} from './helpers.js';

const HOSTILE =
  'Bad | title <script>alert(1)</script> <img src=x onerror=alert(1)> @octocat `x` **b** [l](javascript:alert(1))\n# heading | more';

/** The findings table, as a GFM parser reads it. */
function findingsTable(md: string): Tokens.Table {
  const table = marked.lexer(md).find((t): t is Tokens.Table => t.type === 'table');
  if (!table) throw new Error('no table');
  return table;
}

describe('--format markdown', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'trusted input only', expires: '2026-12-31' }],
    expiredIgnores: [{ id: 'NSWG-ECO-1', package: 'bassmaster', reason: 'legacy', expires: '2026-01-01' }],
    node: { version: '20.1.0', platform: 'linux' },
  });
  const md = await renderReport(report, 'markdown', { now: NOW });

  it('starts with a summary line', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('### nswg audit: 9 vulnerabilities in 7 packages');
    expect(lines[2]).toBe('2 **high**, 5 moderate, 1 low, 1 info; 9 packages scanned.');
  });

  it('has one table row per finding: package, version, severity, linked advisory, fix', () => {
    const table = findingsTable(md);
    expect(table.header.map((h) => h.text)).toEqual(['Package', 'Version', 'Severity', 'Advisory', 'Fix']);
    expect(table.rows).toHaveLength(report.findings.length);
    const row = table.rows.find((r) => r[0]!.text.includes('`send`') && r[3]!.text.includes('NSWG-ECO-56'))!;
    expect(row.map((c) => c.text)).toEqual([
      '`send`',
      '`0.1.0`',
      'moderate',
      '[NSWG-ECO-56](https://osv.dev/vulnerability/CVE-2015-8859) (CVE-2015-8859): Root Path Disclosure',
      'upgrade to >= 0.11.1',
    ]);
    expect(table.rows.find((r) => r[0]!.text.includes('ldapauth'))![4]!.text).toBe('no fixed version yet');
    expect(table.rows.find((r) => r[0]!.text.includes('lodash'))![0]!.text).toBe('`lodash` (dev)');
  });

  it('collapses the paths per package, with one combined fix', () => {
    expect(md).toContain('<details><summary>send 0.1.0: 2 advisories</summary>');
    const send = md.slice(
      md.indexOf('<summary>send 0.1.0'),
      md.indexOf('</details>', md.indexOf('<summary>send 0.1.0')),
    );
    expect(send).toContain('Fix: upgrade to >= 0.11.1');
    expect(send).toContain('- root &gt; express &gt; send');
    expect(md).toContain('- root &gt; packages/web (workspace) &gt; marked');
  });

  it('lists ignored findings, expired ignore entries and the Node.js check', () => {
    expect(md).toContain('#### Ignored (1)');
    expect(md).toMatch(
      /\| `qs` \| `0\.6\.6` \| \[NSWG-ECO-28\]\([^)]+\) \| trusted input only \| 2026-12-31 \|/,
    );
    expect(md).toContain('- NSWG-ECO-1 for `bassmaster`, expired 2026-01-01: legacy');
    expect(md).toContain('#### Node.js 20.1.0 (linux)');
    expect(md).toContain('> **End-of-life:** The 20.x line reached its end of life on 2026-04-30');
    expect(md).toContain(
      '| moderate | [NSWG-COR-171](https://osv.dev/vulnerability/CVE-2026-21717) (CVE-2026-21717): HashDoS in V8 |',
    );
    // a core advisory whose title is its CVE is not written twice
    expect(md).toContain('(CVE-2023-30581) | ');
    expect(md.trimEnd().split('\n').pop()).toBe(
      '<sub>Database: nswg.sqlite, 638 advisories; newest advisory: Working Group npm 2026-05-25 (7 days old), Working Group Node.js core 2026-03-24 (2 months old); 1 ignored.</sub>',
    );
  });

  it('a title with `|`, HTML, mentions and Markdown cannot break the table or inject anything', async () => {
    const a = advisory('NSWG-ECO-8');
    a.title = HOSTILE;
    const out = await renderReport(
      buildReport({ advisories: byName([a]), packages: [pkg('express', '4.4.5', [['root', 'express']])] }),
      'markdown',
      { now: NOW },
    );
    const table = findingsTable(out);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]).toHaveLength(5);
    expect(table.rows[0]![4]!.text).toBe('upgrade to >= 4.5.0');
    const html = marked.parse(out, { async: false });
    expect(html).not.toMatch(/<script|<img|href="javascript|<h1|<strong|<code>x/i);
    expect(html).not.toMatch(/@octocat/); // a zero-width space keeps GitHub from mentioning
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // what a reader sees is the title as written
    const cell = table.rows[0]![3]!.tokens;
    const seen = cell.map((t) => ('text' in t ? t.text : t.raw)).join('');
    expect(seen.replace(/&#8203;|\u200b/g, '')).toContain('Bad | title');
  });

  it('stays short enough for a pull-request comment: details go first, then table rows', async () => {
    const long = (i: number, d: number) => `a-rather-long-dependency-name-${i}-${d}`;
    const packagesOf = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        pkg(
          'lodash',
          `3.${i}.0`,
          Array.from({ length: 5 }, (_, p) => [
            'root',
            ...Array.from({ length: 8 }, (_, d) => long(i * 10 + p, d)),
            'lodash',
          ]),
          {
            location: `node_modules/x${i}/node_modules/lodash`,
          },
        ),
      );
    const some = await renderReport(buildReport({ packages: packagesOf(40) }), 'markdown', { now: NOW });
    expect(some).toContain('The paths per package are left out');
    expect(some.length).toBeLessThanOrEqual(60_000);
    expect(findingsTable(some).rows).toHaveLength(80);
    const many = await renderReport(buildReport({ packages: packagesOf(400) }), 'markdown', { now: NOW });
    expect(many.length).toBeLessThanOrEqual(60_000);
    expect(many).toMatch(/_…and \d+ more findings: the report is too long for a comment/);
    expect(many).not.toContain('<details>');
  });
});

describe('Markdown escaping', () => {
  it('escapes markup, encodes HTML and breaks mentions', () => {
    expect(markdownText('a|b <i>&amp; *x* _y_ [z](w) `c` ~s~ #1 !')).toBe(
      'a\\|b &lt;i&gt;&amp;amp; \\*x\\* \\_y\\_ \\[z\\](w) \\`c\\` \\~s\\~ \\#1 \\!',
    );
    expect(markdownText('line\nbreak\r\nand\u2028more')).toBe('line break and more');
    expect(markdownText('@user')).toBe('@&#8203;user');
    expect(htmlText('<b>"x" & \'y\'</b>')).toBe('&#60;b&#62;&#34;x&#34; &#38; &#39;y&#39;&#60;/b&#62;');
  });

  it('code spans hold any text, pipes escaped for tables', () => {
    expect(codeSpan('lodash')).toBe('`lodash`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('a|b')).toBe('`a\\|b`');
  });

  it('link destinations: http(s) only, with what would end the link encoded', () => {
    expect(linkUrl('https://osv.dev/vulnerability/X) [y](z')).toBe(
      'https://osv.dev/vulnerability/X%29%20%5By%5D%28z',
    );
    expect(linkUrl('javascript:alert(1)')).toBeNull();
  });
});

describe('--format markdown: malware and joined records', async () => {
  const md = await renderReport(malwareAndAliasedReport(), 'markdown', { now: NOW });
  const rows = findingsTable(md).rows.map((r) => r.map((c) => c.text));

  it('says malware is to be removed, in the summary, the table and the details', () => {
    expect(md.split('\n').slice(0, 4)).toEqual([
      '### nswg audit: 2 vulnerabilities in 2 packages',
      '',
      '> **Malware:** 1 package is malware: remove it.',
      '',
    ]);
    const chalk = rows.find((r) => r[0] === '`chalk`')!;
    expect(chalk[2]).toBe('**critical**');
    expect(chalk[4]).toBe('**malware: remove this package**');
    expect(md).toContain('Fix: **malware: remove this package**');
    expect(md).toMatch(/- \[GHSA-2v46-p5h4-248w\]\([^)]*\) \(MAL-2025-46969\) critical, \*\*malware\*\*: /);
    expect(md).not.toMatch(/upgrade to >= 5\.6/);
    // the ordinary finding keeps its upgrade
    expect(rows.find((r) => r[0] === '`json5`')![4]).toBe('upgrade to >= 2.2.2');
  });

  it('shows a joined finding once, with every other id of its records', () => {
    expect(rows).toHaveLength(2);
    const json5 = rows.find((r) => r[0] === '`json5`')!;
    expect(json5[3]).toMatch(
      new RegExp(
        `^\\[NSWG-ECO-9001\\]\\([^)]*\\) \\(${JSON5_ALIASES.join(', ')}\\): Prototype Pollution in json5$`,
      ),
    );
    expect(md).toMatch(
      new RegExp(`- \\[NSWG-ECO-9001\\]\\([^)]*\\) \\(${JSON5_ALIASES.join(', ')}\\) high: `),
    );
  });
});
