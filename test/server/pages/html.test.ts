import { describe, expect, it } from 'vitest';
import { explainCvss } from '../../../src/server/pages/cvss-explain.js';
import { escapeHtml, html, packagePath, raw, safeUrl } from '../../../src/server/pages/html.js';
import { renderMarkdown } from '../../../src/server/pages/markdown.js';
import { unsafeMarkup } from './html-check.js';

describe('the html template', () => {
  it('escapes every interpolation, lists included, and keeps SafeHtml as it is', () => {
    const evil = `<script>alert('x')</script>"&\``;
    const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${raw('<i>ok</i>')}${null}${undefined}${false}${3}</p>`;
    const e = '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;&#96;';
    expect(out.value).toBe(`<p title="${e}">${e}${e}<b>${e}</b><i>ok</i>3</p>`);
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('lets only http(s) and mailto URLs be links', () => {
    expect(safeUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeUrl('mailto:security@example.com')).toBe('mailto:security@example.com');
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '//evil.com',
      'relative',
      '',
      null,
    ]) {
      expect(safeUrl(bad), String(bad)).toBeNull();
    }
  });

  it('builds package paths for plain and scoped names', () => {
    expect(packagePath('lodash')).toBe('/packages/lodash');
    expect(packagePath('@babel/core')).toBe('/packages/@babel/core');
    expect(packagePath('a b/"c')).toBe('/packages/a%20b%2F%22c');
  });
});

describe('advisory Markdown', () => {
  it('renders Markdown, shows raw HTML as text and drops dangerous links', () => {
    const out = renderMarkdown(
      '# Title\n\nSome *text* <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) [ok](https://example.com)\n\n<div style="color:red" onclick="alert(4)">x</div>\n\n![i](https://evil.example/p.png)\n\n- [ ] task',
    ).value;
    expect(out).toContain('<h3>Title</h3>');
    expect(out).toContain('<em>text</em>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<a rel="nofollow noopener" href="https://example.com">ok</a>');
    expect(out).toContain('<a rel="nofollow noopener" href="https://evil.example/p.png">i</a>');
    expect(out).not.toMatch(/<script|<img|<div|<input|javascript:/i);
    expect(unsafeMarkup(out)).toEqual([]);
  });

  it('keeps code blocks and tables', () => {
    const out = renderMarkdown('```js\nconst a = "<b>";\n```\n\n| a | b |\n|:-|-:|\n| 1 | 2 |').value;
    expect(out).toContain('<pre><code>const a = "&lt;b&gt;";');
    expect(out).toContain('<th align="left">a</th>');
  });
});

describe('the HTML checker the page tests rely on', () => {
  it('finds what the CSP would block', () => {
    expect(unsafeMarkup('<p>fine</p><script src="/a.js"></script><a href="/x">x</a>')).toEqual([]);
    expect(unsafeMarkup('<script>alert(1)</script>')).toHaveLength(1);
    expect(unsafeMarkup('<p style="color:red">x</p>')).toHaveLength(1);
    expect(unsafeMarkup('<img src=x onerror=alert(1)>')).toHaveLength(2);
    expect(unsafeMarkup('<a href="jav&#x61;script:alert(1)">x</a>')).toHaveLength(1);
    expect(unsafeMarkup('<style>p{}</style>')).toHaveLength(1);
    expect(unsafeMarkup('<p>&lt;script&gt; onerror=x</p>')).toEqual([]);
  });
});

describe('CVSS vectors explained', () => {
  it('names every metric of a 3.1 vector', () => {
    const e = explainCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N');
    expect(e.version).toBe('3.1');
    expect(e.metrics.map((m) => `${m.name}: ${m.value}`)).toEqual([
      'Attack Vector: Network',
      'Attack Complexity: Low',
      'Privileges Required: None',
      'User Interaction: Required',
      'Scope: Changed',
      'Confidentiality Impact: Low',
      'Integrity Impact: Low',
      'Availability Impact: None',
    ]);
  });

  it('names every metric of a 3.0 and a 4.0 vector, and tells apart the 4.0 impacts', () => {
    expect(explainCvss('CVSS:3.0/AV:P/AC:H/PR:H/UI:N/S:U/C:N/I:N/A:H').metrics[0]).toMatchObject({
      name: 'Attack Vector',
      value: 'Physical',
    });
    const e = explainCvss('CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:H/VI:L/VA:N/SC:L/SI:N/SA:H');
    expect(e.version).toBe('4.0');
    expect(e.metrics.map((m) => `${m.name}: ${m.value}`)).toEqual([
      'Attack Vector: Adjacent Network',
      'Attack Complexity: High',
      'Attack Requirements: Present',
      'Privileges Required: Low',
      'User Interaction: Active',
      'Confidentiality (Vulnerable System): High',
      'Integrity (Vulnerable System): Low',
      'Availability (Vulnerable System): None',
      'Confidentiality (Subsequent System): Low',
      'Integrity (Subsequent System): None',
      'Availability (Subsequent System): High',
    ]);
  });

  it('keeps what it cannot read, marked unknown (a core vector written without CVSS:, a bad value)', () => {
    const e = explainCvss('3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U');
    expect(e.version).toBe('3.1');
    expect(e.metrics.find((m) => m.key === 'I')).toMatchObject({
      name: 'Integrity Impact',
      value: 'unknown value U',
    });
  });
});
