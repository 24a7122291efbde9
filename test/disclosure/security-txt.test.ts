// RFC 9116's checker and the server's own security.txt: the file the server makes passes, and each
// rule of the RFC is caught when broken.
import { describe, expect, it } from 'vitest';
import { checkSecurityTxt, securityTxt } from '../../src/disclosure/index.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const URL_ = 'https://nswg.example/.well-known/security.txt';
const GOOD = [
  'Contact: mailto:security@nswg.example',
  'Expires: 2026-11-01T00:00:00Z',
  'Policy: https://nswg.example/policy',
  'Canonical: https://nswg.example/.well-known/security.txt',
  'Preferred-Languages: en, fr',
  '',
].join('\r\n');
const messages = (text: string, ctx: Partial<Parameters<typeof checkSecurityTxt>[1]> = {}) =>
  checkSecurityTxt(text, { now: NOW, url: URL_, ...ctx }).problems.map(
    (p) => `${p.field ?? ''}: ${p.message}`,
  );

describe('security.txt (RFC 9116)', () => {
  it("the server's own file passes, expiring in less than a year", () => {
    const text = securityTxt({
      publicUrl: 'https://nswg.example/',
      contacts: ['mailto:security@nswg.example'],
      now: NOW,
    });
    const c = checkSecurityTxt(text, { now: NOW, url: URL_, contentType: 'text/plain; charset=utf-8' });
    expect(c.problems).toEqual([]);
    expect(c.expires!.getTime() - NOW.getTime()).toBeLessThan(365 * 86_400_000);
    expect(c.fields.filter((f) => f.name === 'contact').map((f) => f.value)).toEqual([
      'mailto:security@nswg.example',
      'https://nswg.example/disclosure/reports/new',
    ]);
    for (const f of ['policy', 'acknowledgments', 'preferred-languages', 'canonical'])
      expect(
        c.fields.some((x) => x.name === f),
        f,
      ).toBe(true);
  });

  it('passes a good file with CRLF or LF, comments and unknown fields', () => {
    expect(messages(GOOD)).toEqual([]);
    expect(messages(`# comment\nX-Whatever: 1\n${GOOD.replaceAll('\r\n', '\n')}`)).toEqual([]);
    expect(checkSecurityTxt(`X-Whatever: 1\n${GOOD}`, { now: NOW }).unknown).toEqual(['X-Whatever']);
  });

  it('reads the signed part of a PGP cleartext message', () => {
    const signed = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${GOOD}-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n`;
    const c = checkSecurityTxt(signed, { now: NOW, url: URL_ });
    expect(c.signed).toBe(true);
    expect(c.problems).toEqual([]);
  });

  it('names each broken rule', () => {
    const without = (field: string) =>
      GOOD.split('\r\n')
        .filter((l) => !l.startsWith(field))
        .join('\n');
    expect(messages(without('Contact'))).toEqual([expect.stringMatching(/^Contact: no Contact/)]);
    expect(messages(without('Expires'))).toEqual([expect.stringMatching(/^Expires: no Expires/)]);
    expect(messages(`${GOOD}Expires: 2026-10-01T00:00:00Z\n`)).toEqual([expect.stringMatching(/2 times/)]);
    expect(messages(GOOD.replace('2026-11-01T00:00:00Z', '2026-04-01T00:00:00Z'))).toEqual([
      expect.stringMatching(/^Expires: expired/),
    ]);
    expect(messages(GOOD.replace('2026-11-01T00:00:00Z', '2027-05-02T00:00:00Z'))).toEqual([
      expect.stringMatching(/a year or more ahead/),
    ]);
    expect(messages(GOOD.replace('2026-11-01T00:00:00Z', 'next week'))).toEqual([
      expect.stringMatching(/RFC 3339/),
    ]);
    expect(messages(GOOD.replace('https://nswg.example/policy', 'http://nswg.example/policy'))).toEqual([
      expect.stringMatching(/^Policy: .*https/),
    ]);
    expect(messages(GOOD.replace('mailto:security@nswg.example', 'security@nswg.example'))).toEqual([
      expect.stringMatching(/^Contact: .*not a URI/),
    ]);
    expect(messages(GOOD, { url: 'https://other.example/.well-known/security.txt' })).toEqual([
      expect.stringMatching(/^Canonical: no Canonical names/),
    ]);
    expect(messages(`${GOOD}Preferred-Languages: de\n`)).toEqual([
      expect.stringMatching(/^Preferred-Languages: appears more than once/),
    ]);
    expect(messages(`${GOOD}this is not a field\n`)).toEqual([expect.stringMatching(/not "Field: value"/)]);
    expect(messages(GOOD, { url: 'http://nswg.example/.well-known/security.txt' })).toEqual([
      expect.stringMatching(/served over HTTPS/),
      expect.stringMatching(/^Canonical/),
    ]);
    expect(messages(GOOD, { contentType: 'text/html' })).toEqual([
      expect.stringMatching(/text\/plain; charset=utf-8/),
    ]);
  });
});
