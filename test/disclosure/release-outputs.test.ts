import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Severity } from '../../src/advisories/index.js';
import { type AnnouncedFix, newRelease, type SecurityRelease } from '../../src/disclosure/releases.js';
import {
  announcementMail,
  announcementMarkdown,
  cancellationMail,
  postponementMail,
  preAnnouncementMail,
  preAnnouncementMarkdown,
} from './imports.js';

const NOW = new Date('2027-01-14T10:00:00Z');
const URLS = { releaseUrl: (v: string) => `https://nodejs.org/en/blog/release/v${v}` };

/** The release of 2027-01-21 (a Thursday): 24.x, 22.x and 20.x get versions, 18.x is past its end. */
function release(): SecurityRelease {
  const lines = [
    { line: 'v18', version: null, endOfLife: true },
    { line: 'v20', version: '20.19.1', endOfLife: false },
    { line: 'v22', version: '22.13.1', endOfLife: false },
    { line: 'v24', version: '24.3.1', endOfLife: false },
  ];
  const plan = { targetDate: '2027-01-21', stewardId: 'u-steward', releaserIds: ['u-releaser'], lines };
  return newRelease('rel-1', plan, 'u-steward', new Date('2027-01-02T00:00:00Z'));
}

/** A fixed report `n`: every field that names it says so, to find leaks. */
function fix(
  n: number,
  severity: Severity,
  score: number | null,
  lines: string[],
  over: Partial<AnnouncedFix> = {},
) {
  const f: AnnouncedFix = {
    fix: {
      reportId: `r-${n}`,
      summary: `Secret summary number ${n}: the parser trusts the length field.\n\nIt affects servers.`,
      lines,
      patchAuthors: [`Patcher Number${n}`],
      addedBy: 'u-steward',
      addedAt: '2027-01-03T00:00:00Z',
    },
    title: `Secret title number ${n}`,
    cveId: `CVE-2027-${String(1000 + n)}`,
    cvss: score === null ? null : { vector: `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/${n}`, score },
    cwe: `CWE-${400 + n}`,
    severity,
    reporters: [`Finder Number${n}`],
    advisoryId: null,
    ...over,
  };
  return f;
}

/** Two high, one moderate, one critical; none low. 18.x (end of life) is affected by one high issue. */
function fixes(): AnnouncedFix[] {
  return [
    fix(1, 'high', 7.5, ['v18', 'v20', 'v22', 'v24']),
    fix(2, 'moderate', 5.3, ['v22', 'v24']),
    fix(3, 'critical', 9.8, ['v24']),
    fix(4, 'high', 8.1, ['v20', 'v22']),
  ];
}

/** The lines between a heading and the next one, without blank lines. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^#{1,6} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim());
}

/** The front matter as YAML, and the body after it. */
function split(post: string): { meta: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(post);
  expect(m).not.toBeNull();
  return { meta: parseYaml(m![1]!), body: post.slice(m![0].length) };
}

const html = (markdown: string) => new Marked({ async: false, gfm: true }).parse(markdown) as string;
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('the pre-announcement', () => {
  it('has the blog front matter, dated now and titled by the release day', () => {
    const { meta } = split(preAnnouncementMarkdown(release(), fixes(), NOW));
    expect(meta).toEqual({
      date: '2027-01-14T10:00:00.000Z',
      category: 'vulnerability',
      title: 'Thursday, January 21, 2027 Security Releases',
      slug: 'january-21-2027-security-releases',
      layout: 'blog-post',
      author: 'The Node.js Project',
    });
  });

  it('names the lines that get versions and the date, and counts the issues of each severity in Node.js words', () => {
    const post = preAnnouncementMarkdown(release(), fixes(), NOW);
    expect(section(post, '# Summary')).toEqual([
      'The Node.js project will publish new versions of the 24.x, 22.x and 20.x release lines on or shortly after Thursday, January 21, 2027. They fix:',
      // most severe first; moderate is medium; no low issue, so no low line
      '- 1 critical severity issue',
      '- 2 high severity issues',
      '- 1 medium severity issue',
    ]);
    const info = preAnnouncementMarkdown(
      release(),
      [fix(1, 'info', 0, ['v24']), fix(2, 'low', 2, ['v24'])],
      NOW,
    );
    expect(section(info, '# Summary').slice(1)).toEqual([
      '- 1 low severity issue',
      '- 1 issue without a severity rating',
    ]);
  });

  it('says per line, newest first, how many issues affect it, and flags the end-of-life line as getting no fix', () => {
    const impact = section(preAnnouncementMarkdown(release(), fixes(), NOW), '## Impact');
    expect(impact.slice(0, 4)).toEqual([
      'The 24.x release line of Node.js is affected by 1 critical severity issue, 1 high severity issue and 1 medium severity issue.',
      'The 22.x release line of Node.js is affected by 2 high severity issues and 1 medium severity issue.',
      'The 20.x release line of Node.js is affected by 2 high severity issues.',
      'The 18.x release line of Node.js has reached its end of life: it is affected by 1 high severity issue, and it gets no fix.',
    ]);
  });

  it('has the release timing and the contact sections, pointing to the policy and the list', () => {
    const post = preAnnouncementMarkdown(release(), fixes(), NOW);
    expect(section(post, '## Release timing').join(' ')).toContain('Thursday, January 21, 2027');
    const contact = section(post, '## Contact and future updates').join(' ');
    expect(contact).toContain('(https://github.com/nodejs/node/security/policy)');
    expect(contact).toContain('(https://groups.google.com/g/nodejs-sec)');
  });

  it('gives no detail away: no title, CVE, summary, weakness, vector or name', () => {
    const all = fixes();
    const post = preAnnouncementMarkdown(release(), all, NOW);
    const mail = preAnnouncementMail(release(), all, NOW);
    for (const text of [post, mail.subject, mail.text])
      for (const f of all) {
        for (const secret of [
          f.title,
          f.cveId!,
          f.cwe!,
          f.cvss!.vector,
          'Secret',
          'length field',
          ...f.reporters,
          ...f.fix.patchAuthors,
        ])
          expect(text).not.toContain(secret);
      }
    // the announcement, by contrast, names them
    const announced = announcementMarkdown(release(), all, URLS, NOW);
    for (const f of all)
      for (const name of [f.title, f.cveId!, ...f.reporters]) expect(announced).toContain(name);
  });
});

describe('the announcement', () => {
  it('lists the versions released, and the end-of-life line that gets none', () => {
    const summary = section(announcementMarkdown(release(), fixes(), URLS, NOW), '# Summary');
    expect(summary).toEqual([
      'The Node.js project has released Node.js 24.3.1, 22.13.1 and 20.19.1, new versions of the 24.x, 22.x and 20.x release lines. They fix 1 critical severity issue, 2 high severity issues and 1 medium severity issue, described below.',
      'The 18.x release line has reached end of life and gets no new version: upgrade to a supported line.',
    ]);
  });

  it('has a section per vulnerability, most severe first and the higher score first among equals', () => {
    const post = announcementMarkdown(release(), fixes(), URLS, NOW);
    expect(post.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## Secret title number 3 (CVE-2027-1003) - (Critical)',
      // both high: the 8.1 one (given fourth) before the 7.5 one (given first)
      '## Secret title number 4 (CVE-2027-1004) - (High)',
      '## Secret title number 1 (CVE-2027-1001) - (High)',
      '## Secret title number 2 (CVE-2027-1002) - (Medium)',
      '## Downloads and release details',
      '## Contact and future updates',
    ]);
  });

  it('says which lines each vulnerability affects, the end-of-life ones apart, with its CWE and CVSS', () => {
    const all = fixes();
    const post = announcementMarkdown(release(), all, URLS, NOW);
    const first = section(post, `## ${all[0]!.title} (${all[0]!.cveId}) - (High)`);
    expect(first).toEqual([
      expect.stringContaining(all[0]!.fix.summary.split('\n')[0]!),
      'It affects servers.',
      'Impact:',
      '- This vulnerability affects all users in active release lines: 20.x, 22.x, 24.x',
      '- It also affects end-of-life release lines, which get no fix: 18.x',
      `Weakness: ${all[0]!.cwe}. CVSS score 7.5 (${all[0]!.cvss!.vector}).`,
      `Thank you to ${all[0]!.reporters[0]} for reporting this vulnerability, and to ${all[0]!.fix.patchAuthors[0]} for fixing it.`,
    ]);
    const medium = section(post, `## ${all[1]!.title} (${all[1]!.cveId}) - (Medium)`);
    expect(medium).toContain('- This vulnerability affects all users in active release lines: 22.x, 24.x');
    expect(medium.join('\n')).not.toContain('end-of-life');
  });

  it('thanks the reporters and patch authors named, and only them', () => {
    const cases: [Partial<AnnouncedFix>, string[], string | undefined][] = [
      [
        { reporters: ['Ann', 'Ben', 'Cy'] },
        ['Pat'],
        'Thank you to Ann, Ben and Cy for reporting this vulnerability, and to Pat for fixing it.',
      ],
      [{ reporters: [] }, ['Pat', 'Quinn'], 'Thank you to Pat and Quinn for fixing this vulnerability.'],
      [{ reporters: ['Ann'] }, [], 'Thank you to Ann for reporting this vulnerability.'],
      [{ reporters: [] }, [], undefined],
    ];
    for (const [over, authors, line] of cases) {
      const f = fix(5, 'high', 7.5, ['v22'], over);
      f.fix.patchAuthors = authors;
      const lines = section(
        announcementMarkdown(release(), [f], URLS, NOW),
        `## ${f.title} (${f.cveId}) - (High)`,
      );
      const thanks = lines.filter((l) => l.startsWith('Thank you'));
      expect(thanks).toEqual(line ? [line] : []);
    }
  });

  it('leaves out what a vulnerability lacks: CVE, CWE, CVSS', () => {
    const f = fix(5, 'info', null, ['v22'], { cveId: null, cwe: null });
    const post = announcementMarkdown(release(), [f], URLS, NOW);
    expect(post).toContain(`\n## ${f.title} - (None)\n`);
    expect(post).not.toMatch(/Weakness|CVSS/);
  });

  it('links each shipped version, newest first, and only to http(s) addresses', () => {
    const post = announcementMarkdown(release(), fixes(), URLS, NOW);
    expect(section(post, '## Downloads and release details')).toEqual([
      '- [Node.js 24.3.1](https://nodejs.org/en/blog/release/v24.3.1)',
      '- [Node.js 22.13.1](https://nodejs.org/en/blog/release/v22.13.1)',
      '- [Node.js 20.19.1](https://nodejs.org/en/blog/release/v20.19.1)',
    ]);
    const odd = announcementMarkdown(release(), fixes(), { releaseUrl: () => 'javascript:alert(1)' }, NOW);
    expect(section(odd, '## Downloads and release details')[0]).toBe('- Node.js 24.3.1');
  });
});

describe('text from people in the posts', () => {
  const HOSTILE_TITLE =
    '</h2><script>alert(1)</script> [click](https://evil.example) `x`\n# Injected heading';
  const HOSTILE_SUMMARY = [
    '---\ntitle: pwned\n---',
    '# Not a heading',
    '<img src=x onerror=alert(1)>',
    '1. not a list',
    '- not a list either',
    '    not code',
    '> not a quote',
    'Text\n===',
    '```\nnot a fence\n```',
    '[a link](javascript:alert(1)) and ![an image](https://evil.example/x.png)',
  ].join('\n\n');
  const hostile = () =>
    fix(6, 'high', 7.5, ['v22'], {
      title: HOSTILE_TITLE,
      cveId: 'CVE-2027-9999](https://evil.example)',
      cwe: '<b>CWE-1</b>',
      reporters: ['[Alice](https://evil.example)', '<b>Bob</b>', '# Carol', '---'],
      fix: {
        ...fix(6, 'high', 7.5, ['v22']).fix,
        summary: HOSTILE_SUMMARY,
        patchAuthors: ['`Dan`\n---'],
      },
    });

  it('cannot add front matter, headings, links, images, HTML or blocks to the announcement', () => {
    const post = announcementMarkdown(release(), [hostile()], URLS, NOW);
    const { meta, body } = split(post);
    expect(Object.keys(meta)).toEqual(['date', 'category', 'title', 'slug', 'layout', 'author']);
    expect(body.split('\n').filter((l) => l === '---')).toEqual([]);
    const out = html(body);
    // the generated structure only: one h1, the vulnerability's h2 and the two closing ones
    expect(count(out, /<h1/g)).toBe(1);
    expect(count(out, /<h2/g)).toBe(3);
    expect(out).not.toMatch(/<(script|img|b|ol|blockquote|pre|code|hr|h3|h4)[\s>]/);
    // links: the three downloads, the policy and the list; none to the attacker
    expect(count(out, /<a /g)).toBe(5);
    expect(out).not.toContain('href="https://evil.example');
    expect(out).not.toContain('href="javascript:');
    // shown as written, as text
    expect(out).toContain(
      '&lt;/h2&gt;&lt;script&gt;alert(1)&lt;/script&gt; [click](https://evil.example) `x` # Injected heading',
    );
    expect(out).toContain('[Alice](https://evil.example), &lt;b&gt;Bob&lt;/b&gt;, # Carol and ---');
    expect(out).toContain('<p>1. not a list</p>');
    expect(out).toContain('<p>- not a list either</p>');
    expect(out).toContain('<p>Text ===</p>');
  });

  it('keeps a summary’s paragraphs as paragraphs', () => {
    const f = fix(5, 'high', 7.5, ['v22']);
    f.fix.summary = 'First line\nwraps here.\n\n\nSecond paragraph.';
    const out = html(split(announcementMarkdown(release(), [f], URLS, NOW)).body);
    expect(out).toContain('<p>First line wraps here.</p>\n<p>Second paragraph.</p>');
  });

  it('reaches the mails as plain text without control characters', () => {
    const f = hostile();
    f.fix.summary = 'Colours \u001b[31mred\u001b[0m here.\r\n\r\nAnd a \u202eright-to-left override.';
    const mail = announcementMail(release(), [f], URLS, NOW);
    expect(mail.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(mail.text).toContain('Colours [31mred [0m here.');
    expect(mail.text).toContain(
      '</h2><script>alert(1)</script> [click](https://evil.example) `x` # Injected heading',
    );
    const reason = postponementMail(release(), {
      from: '2027-01-21',
      to: '2027-01-23',
      reason: 'Build\u0007 broke',
      by: 'u-steward',
      at: '2027-01-15T00:00:00Z',
    });
    expect(reason.text).toContain('Build broke');
  });
});

describe('the mails to the list', () => {
  it('pre-announce what the post says, as plain text', () => {
    const mail = preAnnouncementMail(release(), fixes(), NOW);
    expect(mail.subject).toBe('Node.js security releases pre-announcement: Thursday, January 21, 2027');
    const post = preAnnouncementMarkdown(release(), fixes(), NOW);
    for (const line of section(post, '## Impact')) expect(mail.text).toContain(line);
    expect(mail.text).toContain('Summary\n=======\n');
    expect(mail.text).toContain('- 2 high severity issues');
    expect(mail.text).toContain(
      'the Node.js security policy (https://github.com/nodejs/node/security/policy)',
    );
    expect(mail.text).not.toMatch(/^#|\]\(|^---$/m);
  });

  it('announce the release with each vulnerability and the downloads, as plain text', () => {
    const all = fixes();
    const mail = announcementMail(release(), all, URLS, NOW);
    expect(mail.subject).toBe('Node.js security releases available: Thursday, January 21, 2027');
    const critical = `${all[2]!.title} (${all[2]!.cveId}) - (Critical)`;
    expect(mail.text).toContain(`${critical}\n${'-'.repeat(critical.length)}\n`);
    expect(mail.text).toContain('- Node.js 24.3.1 (https://nodejs.org/en/blog/release/v24.3.1)');
    expect(mail.text.indexOf(critical)).toBeLessThan(mail.text.indexOf(all[0]!.title));
  });

  it('tell of a postponement: the old date, the new one and the reason', () => {
    const mail = postponementMail(release(), {
      from: '2027-01-21',
      to: '2027-01-26',
      reason: 'A fix broke the Windows build.\n\nWe need more time to test.',
      by: 'u-steward',
      at: '2027-01-15T00:00:00Z',
    });
    expect(mail.subject).toBe(
      'Node.js security releases postponed: Thursday, January 21, 2027 to Tuesday, January 26, 2027',
    );
    expect(mail.text).toContain(
      'The Node.js security releases planned for Thursday, January 21, 2027 (2027-01-21) are postponed to Tuesday, January 26, 2027 (2027-01-26).',
    );
    expect(mail.text).toContain('A fix broke the Windows build.\n\nWe need more time to test.');
  });

  it('tell of a cancellation, with the reason', () => {
    const mail = cancellationMail(release(), 'The fixes turned out to be incomplete.');
    expect(mail.subject).toBe('Node.js security releases cancelled: Thursday, January 21, 2027');
    expect(mail.text).toContain(
      'The Node.js security releases announced for Thursday, January 21, 2027 (2027-01-21) will not happen as announced.',
    );
    expect(mail.text).toContain('The fixes turned out to be incomplete.');
  });
});
