// The Scorecard probes, the SECURITY.md template and the package-name rules: the template scores
// 10/10, files Scorecard scores lower score the same here, each lost point named.
import { describe, expect, it } from 'vitest';
import {
  isSecurityPolicyPath,
  packageNameProblem,
  packagePath,
  policyHits,
  scoreSecurityPolicy,
  securityPolicyMarkdown,
} from '../../src/disclosure/index.js';

describe('the Security-Policy probes', () => {
  it('score the template 10/10 for a plain, a scoped and a legacy name, with and without an e-mail', () => {
    for (const packageName of ['left-pad', '@nodejs/undici', 'JSONStream', "it's(ok)!"])
      for (const email of [null, 'security@example.org']) {
        const text = securityPolicyMarkdown({ packageName, publicUrl: 'https://nswg.example', email });
        const s = scoreSecurityPolicy(text);
        expect(s.problems, packageName).toEqual([]);
        expect(s.score).toBe(10);
        expect(Object.values(s.probes).every(Boolean)).toBe(true);
      }
  });

  it('find links, addresses and disclosure hints line by line, as Scorecard does', () => {
    const hits = policyHits(
      'Report to https://x.example/a?b=c or sec@x.example.org.\r\nVulnerabilities are DISCLOSED in 90 days\n12345',
    );
    expect(hits.links).toEqual(['https://x.example/a?b=c']);
    expect(hits.emails).toEqual(['sec@x.example.org']);
    // "12345" yields its last four digits: the pattern needs a boundary only after the number
    expect(hits.hints).toEqual(['Vuln', 'DISCLOS', '90', '2345']);
  });

  it('score files Scorecard scores below 10, naming each lost point', () => {
    expect(scoreSecurityPolicy(null)).toMatchObject({ score: 0, probes: { securityPolicyPresent: false } });
    // only a link: 6 (the text is no longer than the link and its two characters)
    const link = scoreSecurityPolicy('https://x.example/report');
    expect(link.score).toBe(6);
    expect(link.probes.securityPolicyContainsText).toBe(false);
    expect(link.problems.join('\n')).toMatch(/no text beyond/);
    // text and hints but nowhere to report: 4
    const words = scoreSecurityPolicy(
      'Please report vulnerabilities privately; we disclose them after a fix.',
    );
    expect(words.score).toBe(4);
    expect(words.problems.join('\n')).toMatch(/no link/);
    // a link and text, but a single hint: 9
    const one = scoreSecurityPolicy('Report security problems at https://x.example/report, thank you.');
    expect(one.score).toBe(9);
    expect(one.problems).toEqual([expect.stringMatching(/fewer than two hints/)]);
    // an empty file is present and scores nothing
    expect(scoreSecurityPolicy('')).toMatchObject({ score: 0, probes: { securityPolicyPresent: true } });
  });

  it('count repeated links once when weighing the text', () => {
    const l = 'https://x.example/r';
    // 3 copies of a 19-character link on 3 lines: 59 bytes against 19 + 2 counted
    expect(scoreSecurityPolicy(`${l}\n${l}\n${l}`).probes.securityPolicyContainsText).toBe(true);
    expect(scoreSecurityPolicy(`${l}\n`).probes.securityPolicyContainsText).toBe(false);
  });

  it('know the paths Scorecard reads, in any case', () => {
    for (const p of [
      'SECURITY.md',
      'security.md',
      '.github/Security.md',
      'docs/SECURITY.md',
      'doc/security.rst',
      'SECURITY.adoc',
    ])
      expect(isSecurityPolicyPath(p), p).toBe(true);
    for (const p of ['doc/SECURITY.md', 'SECURITY.txt', 'src/SECURITY.md', 'SECURITY'])
      expect(isSecurityPolicyPath(p), p).toBe(false);
  });
});

describe('package names', () => {
  it("take npm's names, scoped and legacy ones included", () => {
    for (const n of ['left-pad', '@babel/core', 'JSONStream', 'a.b_c~d', "it's(ok)!*"])
      expect(packageNameProblem(n), n).toBeNull();
  });
  it('refuse what npm refuses, saying why', () => {
    for (const n of [
      '',
      ' x',
      '.hidden',
      '_under',
      'a b',
      'a/b',
      '@/x',
      '@s/',
      'a<b',
      'node_modules',
      'x'.repeat(215),
      '@s/.x',
    ])
      expect(packageNameProblem(n), JSON.stringify(n)).toMatch(/./);
  });
  it("make URL paths that keep a scope's @ and / and encode what Markdown trips on", () => {
    expect(packagePath('@babel/core')).toBe('@babel/core');
    expect(packagePath("it's(ok)!")).toBe('it%27s%28ok%29%21');
  });
});
