import type { Advisory } from '../../../src/advisories/index.js';
import { npmAffected } from '../../helpers/ranges.js';

/** A complete advisory record with defaults for everything not given. */
export function advisory(partial: Partial<Advisory> & Pick<Advisory, 'id'>): Advisory {
  return {
    kind: 'npm',
    modified: '2026-01-02T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    created: null,
    withdrawn: null,
    aliases: [],
    related: [],
    title: null,
    details: null,
    recommendation: null,
    affected: [],
    cvss: null,
    declaredSeverity: null,
    weaknesses: [],
    references: [],
    credits: [],
    coordinatingVendor: null,
    asWritten: {},
    ...partial,
  };
}

/** A package name that is an attack (npm would refuse it; an import from elsewhere might not). */
export const EVIL_PACKAGE = '"><img src=x onerror=alert(5)>';

/**
 * A stored-XSS attempt in every field a page shows: title, Markdown details (script, javascript:
 * links, event handlers, raw HTML), package name, references, credits, aliases, CWE, CVSS vector.
 */
export const XSS_ADVISORY = advisory({
  id: 'GHSA-xss1-xss1-xss1',
  aliases: ['CVE-2099-0001', '"><script>alert("alias")</script>'],
  title: '<script>alert("title")</script><img src=x onerror=alert(1)>',
  details: [
    '# Heading <script>alert("h1")</script>',
    '',
    'Text <script>alert("details")</script> and <img src=x onerror="alert(2)"> and <svg onload=alert(3)>.',
    '',
    '[click me](javascript:alert(4)) [also](JaVaScRiPt:alert(4)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(4))',
    '',
    '<a href="javascript:alert(6)" onclick="alert(6)">raw link</a>',
    '',
    '<div style="position:fixed;inset:0">overlay</div>',
    '',
    '<iframe src="https://evil.example/"></iframe>',
    '',
    '![tracker](https://evil.example/pixel.png "x") [a fine link](https://example.com/fine)',
  ].join('\n'),
  recommendation: 'Upgrade <script>alert("rec")</script>.',
  affected: [npmAffected(EVIL_PACKAGE, '<1.0.0', '>=1.0.0')],
  cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/X:"><script>alert(7)</script>', score: 9.8 },
  weaknesses: [{ id: 'CWE-79"><script>alert(8)</script>', name: '<script>alert(8)</script>' }],
  references: [
    { type: 'WEB', url: 'javascript:alert(9)' },
    { type: 'WEB', url: 'https://example.com/"><script>alert(10)</script>' },
    { type: 'WEB', url: 'data:text/html,<script>alert(11)</script>' },
  ],
  credits: [
    {
      name: '<b onmouseover=alert(12)>Mallory</b>',
      type: 'FINDER',
      website: 'javascript:alert(13)',
      username: '<script>',
      contact: [],
    },
  ],
  coordinatingVendor: '<script>alert(14)</script>',
});

/** A scoped package with a CVSS 4.0 vector, two ranges and a CVE it shares with another advisory. */
export const SCOPED_ADVISORY = advisory({
  id: 'GHSA-scop-scop-scop',
  aliases: ['CVE-2099-0002'],
  title: 'Prototype pollution in @nswg-test/widget',
  details: 'A *crafted* object pollutes `Object.prototype`. See [the fix](https://example.com/fix).',
  affected: [npmAffected('@nswg-test/widget', '>=1.0.0 <1.4.2 || >=2.0.0-0 <2.1.0', '^1.4.2 || >=2.1.0')],
  cvss: { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3 },
  weaknesses: [{ id: 'CWE-1321', name: null }],
  references: [{ type: 'FIX', url: 'https://example.com/fix' }],
});

/** Another advisory with the same CVE (the alias then names two). */
export const TWIN_ADVISORY = advisory({
  id: 'GHSA-twin-twin-twin',
  aliases: ['CVE-2099-0002'],
  title: 'The same flaw in @nswg-test/widget-lite',
  affected: [npmAffected('@nswg-test/widget-lite', '<3.0.0', null)],
  cvss: { vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:N', score: 3.4 },
});
