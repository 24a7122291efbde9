// The proof of concept on the report pages: code as the reporter wrote it, in a <pre><code> block on
// the participants' page and (once its disclosure was agreed) on the public page, never read as
// Markdown, which turns `__proto__` into a bold "proto" and drops the characters that make a payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  apiLogin,
  makeUser,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from '../helpers.js';

const POC = [
  'const merge = require("poc-widget").merge;',
  `merge({}, JSON.parse('{"__proto__": {"polluted": true}}'));`,
  'console.log({}.polluted); // __proto__ reached Object.prototype',
  '<script>alert("poc")</script> & *not emphasis* `not code` [not](a link)',
].join('\n');

/** The "Steps to reproduce" section of a report page. */
const reproductionSection = (page: string) =>
  /<section aria-labelledby="reproduction">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

/** The text of a section's code block, entities decoded as a browser decodes them. */
function codeBlockText(section: string): string | null {
  const m = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(section);
  if (!m) return null;
  return m[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

describe('the proof of concept on the report pages', () => {
  let s: TestServer;
  let reporter: Person;
  let triage: Person;

  beforeAll(async () => {
    s = await testServer('sqlite', { outbox: true });
    reporter = await makeUser(s, 'poc-reporter');
    triage = await makeUser(s, 'poc-triage', { roles: ['triage'], totp: true });
  });
  afterAll(async () => s?.close());

  it('shows it verbatim as code, escaped, to the participants and (once agreed) to everyone after publication', async () => {
    const rt = await apiLogin(s, reporter);
    const tt = await apiLogin(s, triage);
    const sent = await api(
      s,
      rt,
      'POST',
      '/api/reports',
      submission({ packageName: 'poc-widget', reproduction: POC }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().report.id as string;
    const here = `/disclosure/reports/${id}`;
    const b = new PageSession(s);
    await b.login(reporter);

    const check = (page: string, who: string) => {
      const section = reproductionSection(page);
      expect(section, who).toContain('__proto__');
      expect(section, who).toContain('&lt;script&gt;alert(&quot;poc&quot;)&lt;/script&gt;');
      expect(section, who).not.toMatch(/<script|<strong>|<em>|<a /);
      expect(codeBlockText(section), who).toBe(POC);
    };
    check((await b.get(here)).body, 'the reporter, before triage');

    for (const token of [rt, tt]) {
      const said = await api(s, token, 'POST', `/api/reports/${id}/disclosure-statements`, {
        proofOfConcept: true,
      });
      expect(said.statusCode, said.body).toBe(200);
    }
    const move = async (transition: string, extra: Record<string, string> = {}) => {
      const res = await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition, ...extra });
      expect(res.statusCode, `${transition}: ${res.body}`).toBe(200);
    };
    await move('accept');
    // an npm report's fix starts once a maintainer is invited (none needs to join)
    const invited = await api(s, tt, 'POST', `/api/reports/${id}/invitations`, {
      email: 'poc-maint@example.org',
    });
    expect(invited.statusCode, invited.body).toBe(201);
    await move('start-fix');
    await move('mark-fixed', { patchedVersions: '>=1.4.2' });
    await move('publish');

    check((await b.get(here)).body, 'the reporter, once published');
    const visitor = await s.app.inject({ method: 'GET', url: here });
    expect(visitor.statusCode).toBe(200);
    expect(visitor.body).toContain('Disclosed report');
    check(visitor.body, 'a visitor, once published');
    // the JSON form carries the same text, untouched
    expect((await api(s, null, 'GET', `/api/reports/${id}`)).json().report.reproduction).toBe(POC);
  });
});
