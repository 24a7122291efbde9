// The disclosure pages over HTTP (inject, with cookies): accounts, the report form, the report
// page and its actions, CSRF, sessions, and the attacks of the issue, each refused with a clear
// message that leaks nothing of a private report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../../src/server/index.js';
import {
  api,
  apiLogin,
  makeUser,
  multipart,
  PageSession,
  type Person,
  PNG,
  PUBLIC_URL,
  submission,
  type TestServer,
  testServer,
} from '../helpers.js';

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>"'><svg onload=alert(2)>`;

/** The report form's fields for a valid npm report, each overridable. */
const form = (over: Record<string, string> = {}) => ({
  kind: 'npm',
  packageName: 'form-widget',
  affectedVersions: '<2.0.0',
  title: 'Command injection in run()',
  description: 'run() passes its argument to a shell without quoting it, so input reaches the shell.',
  impact: 'Remote code execution where input reaches run().',
  reproduction: 'run("; touch /tmp/pwned") creates the file',
  contactedMaintainer: 'no',
  openedIssue: 'no',
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cwe: 'CWE-78',
  creditAs: 'handle',
  creditHandle: 'finder',
  ...over,
});

/** Text of a page without its tags. */
const reportIdOf = (location: string) => /\/disclosure\/reports\/([^?]+)/.exec(location)![1]!;

describe('the disclosure pages', () => {
  let s: TestServer;
  let reporter: Person;
  let triage: Person;
  let triage2: Person;
  let stranger: Person;

  beforeAll(async () => {
    s = await testServer('sqlite');
    reporter = await makeUser(s, 'reporter');
    triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
    triage2 = await makeUser(s, 'triage2', { roles: ['triage'], totp: true });
    stranger = await makeUser(s, 'stranger');
  });
  afterAll(async () => s?.close());

  it('signs up through the form, confirms the address from the e-mail, and keeps a safe session cookie', async () => {
    const b = new PageSession(s);
    const res = await b.post('/disclosure/signup', {
      email: 'newcomer@example.org',
      displayName: 'Newcomer',
      handle: 'newcomer',
      password: 'twelve chars at least',
    });
    // the same page whatever the address; no session yet: the address is not confirmed
    expect(res.statusCode, res.body).toBe(202);
    expect(res.body).toContain('a link to confirm it is on its way');
    expect(b.cookies.has('nswg_session')).toBe(false);
    const link = await s.inbox.link(
      'newcomer@example.org',
      /Confirm your e-mail/,
      `${PUBLIC_URL}/disclosure/verify-email/`,
    );
    const path = new URL(link).pathname;
    const page = await b.get(path);
    expect(page.statusCode).toBe(200);
    const confirmed = await b.post(path, {}, await b.csrf(path));
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/disclosure/login?msg=email-verified');
    const login = await b.post('/disclosure/login', {
      email: 'newcomer@example.org',
      password: 'twelve chars at least',
    });
    expect(login.statusCode).toBe(303);
    const cookie = (
      login.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string }[]
    ).find((c) => c.name === 'nswg_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await b.get('/disclosure/account')).body).toContain('(confirmed)');
    // the session is stored hashed: the cookie's value is in no table
    const rows = await s.store.db
      .selectFrom('sessions' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(rows)).not.toContain(b.cookies.get('nswg_session')!);
  });

  it('marks the session cookie Secure behind TLS', async () => {
    const tls = await testServer('sqlite', { inbox: s.inbox });
    try {
      const p = await makeUser(tls, 'tls-user');
      const { buildApp, serverConfig } = await import('../../../../src/server/index.js');
      const app = await buildApp({
        store: tls.store,
        clock: tls.clock,
        config: serverConfig({ logLevel: 'silent', rateLimit: null, secureCookies: true }),
        disclosure: { schedulerIntervalMs: null },
      });
      const login = await app.inject({ method: 'GET', url: '/disclosure/login' });
      const csrfCookie = login.cookies.find((c) => c.name.includes('csrf'))!;
      expect(csrfCookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      const token = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
      const res = await app.inject({
        method: 'POST',
        url: '/disclosure/login',
        headers: {
          cookie: `${csrfCookie.name}=${csrfCookie.value}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: token, email: p.email, password: p.password }).toString(),
      });
      expect(res.statusCode).toBe(303);
      expect(res.cookies.find((c) => c.name === 'nswg_session')).toMatchObject({
        secure: true,
        httpOnly: true,
      });
      await app.close();
    } finally {
      await tls.close();
    }
  });

  it('refuses a forged cross-site POST with 403 (no token, another session’s token, a token from before login)', async () => {
    const victim = new PageSession(s);
    await victim.login(reporter);
    const before = (await s.store.reports.transaction((tx) => tx.listReports({}))).length;
    // a page of another site can make the browser send the cookies, not read a token
    const forged = await victim.post('/disclosure/reports', form(), '');
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('did not come from this site');
    const attacker = new PageSession(s);
    await attacker.login(stranger);
    const stolen = await attacker.csrf('/disclosure/reports/new');
    expect((await victim.post('/disclosure/reports', form(), stolen)).statusCode).toBe(403);
    expect((await s.store.reports.transaction((tx) => tx.listReports({}))).length).toBe(before);
    // the same for logging out and for a JSON body claiming to be a form
    expect((await victim.post('/disclosure/logout', {}, '')).statusCode).toBe(403);
    const json = await s.app.inject({
      method: 'POST',
      url: '/disclosure/reports',
      headers: { cookie: victim.cookieHeader, 'content-type': 'text/plain' },
      payload: 'kind=npm',
    });
    expect(json.statusCode).toBe(403);
    // and the real form works
    const ok = await victim.post('/disclosure/reports', form(), await victim.csrf('/disclosure/reports/new'));
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303);
  });

  it('starts the form with the package a SECURITY.md links with, and only with a valid name', async () => {
    const page = new PageSession(s);
    await page.login(reporter);
    const named = await page.get('/disclosure/reports/new?package=%40acme%2Fwidget');
    expect(named.body).toMatch(/id="packageName"[^>]*value="@acme\/widget"/);
    for (const bad of ['%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', '%40acme', 'a%20b'])
      expect((await page.get(`/disclosure/reports/new?package=${bad}`)).body).not.toMatch(
        /id="packageName"[^>]*value="[^"]+"/,
      );
  });

  it('submits through the form, shows every bad field, and computes the CVSS score itself', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const bad = await b.post(
      '/disclosure/reports',
      form({ title: 'x', affectedVersions: 'not a range', cvssVector: 'CVSS:3.1/AV:N' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Please correct these 3 fields');
    expect(bad.body).toMatch(/id="title-error">must be at least 5 characters/);
    expect(bad.body).toMatch(/id="affectedVersions-error">must be an npm version range/);
    expect(bad.body).toMatch(/id="cvssVector-error">is not a complete, valid CVSS 3.1 vector/);
    // the values come back, escaped
    expect(bad.body).toContain('value="not a range"');
    const ok = await b.post('/disclosure/reports', { ...form(), cvssScore: '0.1' });
    expect(ok.statusCode).toBe(303);
    const page = await b.get(ok.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong>9.8</strong>');
    expect(page.body).toContain('Your report is submitted');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('renders a stored XSS payload in every text field escaped, on every page that shows it', async () => {
    const r = await makeUser(s, 'xss-reporter', { handle: 'xss' });
    await s.store.accounts.register(
      { email: 'xss-name@example.org', displayName: XSS, password: 'password password' },
      { ip: null },
    );
    const b = new PageSession(s);
    await b.login(r);
    const sent = await b.post(
      '/disclosure/reports',
      form({
        packageName: 'xss-widget',
        title: `Title ${XSS}`,
        description: `Description ${XSS} and more text to be long enough`,
        impact: `Impact ${XSS}`,
        reproduction: `Repro ${XSS}`,
        patch: `Patch ${XSS}`,
        envOs: `OS ${XSS}`,
        envNode: `Node ${XSS}`,
        envNpm: `npm ${XSS}`,
        references: 'https://example.org/a?x=%22%3E%3Cscript%3E',
        creditAs: 'name',
        creditName: `Name ${XSS}`,
      }),
    );
    expect(sent.statusCode, sent.body.slice(0, 400)).toBe(303);
    const id = reportIdOf(sent.headers.location as string);
    const t = new PageSession(s);
    await t.login(triage);
    const team = await t.csrf(`/disclosure/reports/${id}`);
    expect(
      (await t.post(`/disclosure/reports/${id}/comments`, { body: `Comment ${XSS}` }, team)).statusCode,
    ).toBe(303);
    const links =
      '[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) <a href="javascript:alert(2)">a</a>';
    expect((await t.post(`/disclosure/reports/${id}/comments`, { body: links }, team)).statusCode).toBe(303);
    expect((await t.post(`/disclosure/reports/${id}/notes`, { body: `Note ${XSS}` }, team)).statusCode).toBe(
      303,
    );
    expect(
      (
        await t.post(
          `/disclosure/reports/${id}/transition`,
          { transition: 'reject', closedAs: 'informative', reason: `Reason ${XSS}` },
          team,
        )
      ).statusCode,
    ).toBe(303);
    const up = multipart(
      { name: `${XSS}.png`, type: 'image/png', bytes: PNG },
      { _csrf: await b.csrf(`/disclosure/reports/${id}`) },
    );
    const att = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...up.headers, cookie: b.cookieHeader },
      payload: up.payload,
    });
    expect(att.statusCode).toBe(403); // a rejected report takes no more attachments
    expect(att.body).toContain('a report that is rejected takes no more attachments');

    for (const [who, url] of [
      [b, `/disclosure/reports/${id}`],
      [t, `/disclosure/reports/${id}`],
      [t, '/disclosure/triage'],
      [b, '/disclosure/reports'],
      [t, '/disclosure/triage?package=xss-widget'],
    ] as const) {
      const page = await who.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toMatch(/<script>alert|<img src=x|<svg onload|onerror=alert\(1\)>/);
      expect(page.body, url).not.toContain('"\'>');
      expect(page.body, url).not.toMatch(/<a [^>]*href="(javascript|data):/i);
    }
    const full = (await t.get(`/disclosure/reports/${id}`)).body;
    for (const field of [
      'Title',
      'Description',
      'Impact',
      'Repro',
      'Patch',
      'OS',
      'Node',
      'npm',
      'Comment',
      'Note',
      'Reason',
      'Name',
    ])
      expect(full, field).toContain(`${field} &lt;script&gt;alert(`);
    // a user whose display name is the payload, on the account page
    const n = new PageSession(s);
    await n.login({
      user: null as never,
      email: 'xss-name@example.org',
      password: 'password password',
      totpSecret: null,
      recoveryCodes: [],
    });
    expect((await n.get('/disclosure/account')).body).not.toMatch(/<script>alert/);
  });

  it('refuses an attachment that claims to be an image but is HTML, and serves others as downloads only', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const sent = await b.post('/disclosure/reports', form({ packageName: 'attach-widget' }));
    const id = reportIdOf(sent.headers.location as string);
    const token = await b.csrf(`/disclosure/reports/${id}`);
    const html = multipart(
      {
        name: 'screenshot.png',
        type: 'image/png',
        bytes: Buffer.from('<html><script>alert(document.cookie)</script></html>\u0000'),
      },
      { _csrf: token },
    );
    const refused = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...html.headers, cookie: b.cookieHeader },
      payload: html.payload,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('is refused: it is markup a browser would render');
    // code as text is text: it is stored as text/plain and only ever downloaded
    const page = multipart(
      {
        name: 'page.js',
        type: 'text/javascript',
        bytes: Buffer.from('document.body.innerHTML = "<script>alert(1)</script>";\n'),
      },
      { _csrf: token },
    );
    const kept = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...page.headers, cookie: b.cookieHeader },
      payload: page.payload,
    });
    expect(kept.statusCode, kept.body).toBe(303);
    const view = (await b.get(`/disclosure/reports/${id}`)).body;
    const href = /href="(\/disclosure\/attachments\/[^"]+)" download>page.js/.exec(view)![1]!;
    const dl = await b.get(href);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toContain('sandbox');
    // too large: 413 before it is stored
    const big = multipart(
      { name: 'big.zip', type: 'application/zip', bytes: Buffer.alloc(10 * 1024 * 1024 + 10, 0x50) },
      { _csrf: token },
    );
    const tooBig = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...big.headers, cookie: b.cookieHeader },
      payload: big.payload,
    });
    expect(tooBig.statusCode).toBe(413);
    // a stranger gets "not found" for the download, the same as for an id that does not exist
    const other = new PageSession(s);
    await other.login(stranger);
    const theirs = await other.get(href);
    const none = await other.get('/disclosure/attachments/00000000-0000-0000-0000-000000000000');
    expect(theirs.statusCode).toBe(404);
    const strip = (h: string) => h.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(strip(theirs.body)).toBe(strip(none.body));
  });

  it('answers a guessed report id exactly as a report that is not yours, and leaks nothing', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const sent = await b.post(
      '/disclosure/reports',
      form({ packageName: 'secret-widget', title: 'TOPSECRET-TITLE in secret-widget' }),
    );
    const id = reportIdOf(sent.headers.location as string);
    const o = new PageSession(s);
    await o.login(stranger);
    const mine = await o.get(`/disclosure/reports/${id}`);
    const guessed = await o.get('/disclosure/reports/3f1c2a9e-1111-4222-8333-944455556666');
    expect(mine.statusCode).toBe(404);
    expect(guessed.statusCode).toBe(404);
    const strip = (h: string) => h.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(strip(mine.body)).toBe(strip(guessed.body));
    expect(mine.body).not.toContain('TOPSECRET');
    const token = await o.csrf('/disclosure/reports');
    for (const path of [
      'comments',
      'notes',
      'transition',
      'invitations',
      'proposals',
      'assessment',
      'fix-proposals',
      'disclosure-statements',
    ]) {
      const a = await o.post(
        `/disclosure/reports/${id}/${path}`,
        { body: 'hi', transition: 'accept', email: 'x@example.org', days: '5', reason: 'r' },
        token,
      );
      const g = await o.post(
        `/disclosure/reports/3f1c2a9e-1111-4222-8333-944455556666/${path}`,
        { body: 'hi', transition: 'accept', email: 'x@example.org', days: '5', reason: 'r' },
        token,
      );
      expect(a.statusCode, path).toBe(404);
      expect(strip(a.body)).toBe(strip(g.body));
      expect(a.body).not.toContain('TOPSECRET');
    }
    const anon = await s.app.inject({ method: 'GET', url: `/disclosure/reports/${id}` });
    expect(anon.statusCode).toBe(404);
    expect(anon.body).not.toContain('TOPSECRET');
  });

  it('lets a team member file a report for a registered user, and nobody else', async () => {
    const t = new PageSession(s);
    await t.login(triage);
    const filed = await t.post(
      '/disclosure/reports',
      form({ packageName: 'filed-widget', onBehalfOf: reporter.email }),
      await t.csrf('/disclosure/reports/new'),
    );
    expect(filed.statusCode, filed.body.slice(0, 300)).toBe(303);
    const id = reportIdOf(filed.headers.location as string);
    const r = await s.store.reports.transaction((tx) => tx.getReport(id));
    expect(r).toMatchObject({ reporterId: reporter.user.id, filedById: triage.user.id });
    const b = new PageSession(s);
    await b.login(reporter);
    expect((await b.get(`/disclosure/reports/${id}`)).statusCode).toBe(200);
    const unknown = await t.post(
      '/disclosure/reports',
      form({ onBehalfOf: 'nobody@example.org' }),
      await t.csrf('/disclosure/reports/new'),
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('no registered user has this address');
    const o = new PageSession(s);
    await o.login(stranger);
    const refused = await o.post(
      '/disclosure/reports',
      form({ onBehalfOf: reporter.email }),
      await o.csrf('/disclosure/reports/new'),
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('only team members may do this');
  });

  it('refuses a reporter triaging their own report, saying why', async () => {
    const own = await makeUser(s, 'team-reporter', { roles: ['triage'], totp: true });
    const b = new PageSession(s);
    await b.login(own);
    const sent = await b.post(
      '/disclosure/reports',
      form({ packageName: 'own-widget' }),
      await b.csrf('/disclosure/reports/new'),
    );
    const id = reportIdOf(sent.headers.location as string);
    const page = await b.get(`/disclosure/reports/${id}`);
    expect(page.body).not.toContain('data-action="accept"');
    const res = await b.post(
      `/disclosure/reports/${id}/transition`,
      { transition: 'accept' },
      await b.csrf(`/disclosure/reports/${id}`),
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(
      'a report is triaged by a second team member, never by who reported or filed it',
    );
    const t = new PageSession(s);
    await t.login(triage2);
    expect(
      (
        await t.post(
          `/disclosure/reports/${id}/transition`,
          { transition: 'accept' },
          await t.csrf(`/disclosure/reports/${id}`),
        )
      ).statusCode,
    ).toBe(303);
  });

  it('takes the fix proposal and each party’s disclosure statements through the forms, and shows the agreed form once published', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const id = reportIdOf(
      (
        await b.post(
          '/disclosure/reports',
          form({ packageName: 'agreed-page-widget', affectedVersions: '<1.4.2' }),
        )
      ).headers.location as string,
    );
    const up = multipart(
      { name: 'trace.txt', type: 'text/plain', bytes: Buffer.from('PAGE-TRACE stack trace\n') },
      { _csrf: await b.csrf(`/disclosure/reports/${id}`) },
    );
    const attached = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...up.headers, cookie: b.cookieHeader },
      payload: up.payload,
    });
    expect(attached.statusCode).toBe(303);
    const attachmentId = /href="\/disclosure\/attachments\/([^"]+)" download>trace.txt/.exec(
      (await b.get(`/disclosure/reports/${id}`)).body,
    )![1]!;
    const tt = await apiLogin(s, triage);
    await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    await api(s, tt, 'POST', `/api/reports/${id}/invitations`, { email: 'page-maint@example.org' });
    const maint = await makeUser(s, 'page-maint');
    const link = await s.inbox.link(
      'page-maint@example.org',
      /invited/,
      `${PUBLIC_URL}/disclosure/invitations/`,
    );
    const m = new PageSession(s);
    await m.login(maint);
    const path = new URL(link).pathname;
    expect((await m.post(path, {}, await m.csrf(path))).statusCode).toBe(303);
    const here = `/disclosure/reports/${id}`;
    expect(
      (await m.post(`${here}/transition`, { transition: 'start-fix' }, await m.csrf(here))).statusCode,
    ).toBe(303);

    // the fix proposal: a date in the past is refused with the reason, a good one is shown
    const past = await m.post(
      `${here}/fix-proposals`,
      { patchedVersions: '>=1.4.2', releaseDate: '2026-01-01', note: '' },
      await m.csrf(here),
    );
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('releaseDate must not be in the past (today is 2026-01-05)');
    const proposed = await m.post(
      `${here}/fix-proposals`,
      { patchedVersions: '>=1.4.2', releaseDate: '2026-01-19', note: 'with a <b>test</b>' },
      await m.csrf(here),
    );
    expect(proposed.statusCode).toBe(303);
    const mine = (await m.get(here)).body;
    const fact = /<dd id="fix-proposal">([\s\S]*?)<\/dd>/.exec(mine)![1]!;
    expect(fact).toContain('<strong>2026-01-19</strong>');
    expect(fact).toContain('<code>&gt;=1.4.2</code>');
    expect(fact).toContain('with a &lt;b&gt;test&lt;/b&gt;');
    expect(mine).toContain('value="2026-01-19"');
    expect(mine).toContain('min="2026-01-05"');
    const t = new PageSession(s);
    await t.login(triage);
    const row = /<tr[^>]*data-report="([^"]+)"[\s\S]*?<\/tr>/g;
    const rows = [...(await t.get('/disclosure/triage')).body.matchAll(row)].filter((x) => x[1] === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toMatch(/<td class="release">2026-01-19 <code>&gt;=1.4.2<\/code><\/td>/);

    // the agreement: each party through the same form, speaking for itself
    const form1 = (await b.get(here)).body;
    expect(form1).toContain('You speak for the reporter.');
    expect(form1).toContain(`name="attachment-${attachmentId}"`);
    const say = async (who: PageSession, fields: Record<string, string>) =>
      who.post(`${here}/disclosure-statements`, fields, await who.csrf(here));
    expect((await say(b, { proofOfConcept: 'yes', [`attachment-${attachmentId}`]: 'yes' })).statusCode).toBe(
      303,
    );
    expect((await t.get(here)).body).toContain('You speak for the team.');
    expect((await say(t, { proofOfConcept: 'yes', [`attachment-${attachmentId}`]: 'yes' })).statusCode).toBe(
      303,
    );
    expect((await m.get(here)).body).toContain('You speak for yourself, as a maintainer.');
    expect((await say(m, { proofOfConcept: 'no' })).statusCode).toBe(303);
    const unknown = await say(b, { 'attachment-not-an-attachment': 'yes' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('names no attachment of this report');
    const nothing = await say(b, {});
    expect(nothing.statusCode).toBe(400);
    const page = (await b.get(here)).body;
    expect(page).toMatch(/<input type="radio" name="proofOfConcept" value="yes" checked>/);
    const verdicts = [
      ...page.matchAll(/<tr data-subject="([^"]+)">[\s\S]*?<td class="verdict">(.*?)<\/td><\/tr>/g),
    ];
    expect(verdicts.map((v) => [v[1], v[2]])).toEqual([
      ['proof-of-concept', 'no'],
      ['comments', 'no'],
      [attachmentId, '<strong>yes</strong>'],
    ]);

    // marked fixed with the proposal's versions (the form offers them), then published
    expect((await m.get(here)).body).toMatch(/id="patchedVersions"[^\n]*value="&gt;=1.4.2"/);
    expect(
      (await m.post(`${here}/transition`, { transition: 'mark-fixed' }, await m.csrf(here))).statusCode,
    ).toBe(303);
    const t2 = await apiLogin(s, triage2);
    const pub = await api(s, t2, 'POST', `/api/reports/${id}/transitions`, { transition: 'publish' });
    expect(pub.json().report.patchedVersions).toBe('>=1.4.2');

    const visitor = await s.app.inject({ method: 'GET', url: here });
    expect(visitor.statusCode).toBe(200);
    expect(visitor.body).toContain('<dt>Planned release</dt><dd>2026-01-19</dd>');
    expect(visitor.body).not.toContain('touch /tmp/pwned');
    expect(visitor.body).not.toContain('Steps to reproduce');
    expect(visitor.body).toContain(`href="/disclosure/attachments/${attachmentId}" download>trace.txt</a>`);
    expect(visitor.body).toContain(
      'The proof of concept, the comments, the environment, internal notes and the other attachments stay private.',
    );
    const dl = await s.app.inject({ method: 'GET', url: `/disclosure/attachments/${attachmentId}` });
    expect(dl.statusCode).toBe(200);
    expect(dl.body).toBe('PAGE-TRACE stack trace\n');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    // frozen once published
    const late = await say(b, { proofOfConcept: 'yes' });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('a report that is published takes no more disclosure statements');
  });

  it('refuses a replayed or expired invitation link, and a maintainer of report A asking for report B', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const a = reportIdOf(
      (
        await b.post(
          '/disclosure/reports',
          form({ packageName: 'a-widget', title: 'Report A about a-widget' }),
        )
      ).headers.location as string,
    );
    const bId = reportIdOf(
      (
        await b.post(
          '/disclosure/reports',
          form({ packageName: 'b-widget', title: 'SECRET-B about b-widget' }),
        )
      ).headers.location as string,
    );
    const t = new PageSession(s);
    await t.login(triage);
    for (const id of [a, bId])
      await t.post(
        `/disclosure/reports/${id}/transition`,
        { transition: 'accept' },
        await t.csrf(`/disclosure/reports/${id}`),
      );
    await t.post(
      `/disclosure/reports/${a}/invitations`,
      { email: 'maint-a@example.org' },
      await t.csrf(`/disclosure/reports/${a}`),
    );
    await t.post(
      `/disclosure/reports/${bId}/invitations`,
      { email: 'maint-late@example.org' },
      await t.csrf(`/disclosure/reports/${bId}`),
    );
    const link = await s.inbox.link(
      'maint-a@example.org',
      /invited/,
      `${PUBLIC_URL}/disclosure/invitations/`,
    );
    const path = new URL(link).pathname;
    const m = new PageSession(s);
    const anonymous = await m.get(path);
    expect(anonymous.body).toContain('log in');
    expect(anonymous.body).not.toContain('a-widget');
    await m.login(await makeUser(s, 'maint-a'));
    const joined = await m.post(path, {}, await m.csrf(path));
    expect(joined.statusCode).toBe(303);
    expect((await m.get(`/disclosure/reports/${a}`)).statusCode).toBe(200);
    const replay = await m.post(path, {}, await m.csrf(path));
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('this invitation is not valid (unknown, expired, revoked or already used)');
    const other = await m.get(`/disclosure/reports/${bId}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('SECRET-B');
    // the other link, 15 days later: expired
    const late = new URL(
      await s.inbox.link('maint-late@example.org', /invited/, `${PUBLIC_URL}/disclosure/invitations/`),
    ).pathname;
    s.clock.advanceDays(15);
    try {
      const n = new PageSession(s);
      await n.login(await makeUser(s, 'maint-late'));
      const expired = await n.post(late, {}, await n.csrf(late));
      expect(expired.statusCode).toBe(400);
      expect(expired.body).toContain('not valid');
      expect((await n.get(`/disclosure/reports/${bId}`)).statusCode).toBe(404);
    } finally {
      s.clock.advanceDays(-15);
    }
  });

  it('refuses a vote outside its window, and a second vote', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const id = reportIdOf(
      (await b.post('/disclosure/reports', form({ packageName: 'vote-widget' }))).headers.location as string,
    );
    const tt = await apiLogin(s, triage);
    expect(
      (await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' })).statusCode,
    ).toBe(200);
    const prop = await api(s, tt, 'POST', `/api/reports/${id}/proposals`, {
      days: 10,
      reason: 'the fix needs a major release',
      windowHours: 24,
    });
    expect(prop.statusCode, prop.body).toBe(201);
    const pid = prop.json().id;
    const token = await b.csrf(`/disclosure/reports/${id}`);
    expect((await b.post(`/disclosure/proposals/${pid}/vote`, { inFavour: 'yes' }, token)).statusCode).toBe(
      303,
    );
    const twice = await b.post(`/disclosure/proposals/${pid}/vote`, { inFavour: 'no' }, token);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('one vote per voter');
    s.clock.advance(25 * 3_600_000);
    try {
      const t2 = new PageSession(s);
      await t2.login(triage2);
      const late = await t2.post(
        `/disclosure/proposals/${pid}/vote`,
        { inFavour: 'no' },
        await t2.csrf(`/disclosure/reports/${id}`),
      );
      expect(late.statusCode).toBe(409);
      expect(late.body).toMatch(/the vote is open from .* until .* only/);
      const closed = await t2.post(
        `/disclosure/proposals/${pid}/close`,
        {},
        await t2.csrf(`/disclosure/reports/${id}`),
      );
      expect(closed.statusCode).toBe(303);
      const view = await api(s, tt, 'GET', `/api/reports/${id}`);
      expect(view.json().report.extensionDays).toBe(10);
    } finally {
      s.clock.advance(-25 * 3_600_000);
    }
  });

  it('limits login attempts per address with 429 and a clear message, pages and API together', async () => {
    const limited = await testServer('sqlite', {
      inbox: s.inbox,
      disclosure: {
        rateLimits: { login: { max: 3, timeWindowMs: 60_000 }, submit: { max: 1, timeWindowMs: 3_600_000 } },
      },
    });
    try {
      const b = new PageSession(limited);
      const token = await b.csrf('/disclosure/login');
      const wrong = { email: 'x@example.org', password: 'wrong password' };
      expect((await b.post('/disclosure/login', wrong, token)).statusCode).toBe(401);
      expect((await api(limited, null, 'POST', '/api/login', wrong)).statusCode).toBe(401);
      expect((await b.post('/disclosure/login', wrong, token)).statusCode).toBe(401);
      const page = await b.post('/disclosure/login', wrong, token);
      expect(page.statusCode).toBe(429);
      expect(page.body).toMatch(
        /too many login attempts from this address: at most 3 per minute; try again in/,
      );
      const viaApi = await api(limited, null, 'POST', '/api/login', wrong);
      expect(viaApi.statusCode).toBe(429);
      expect(viaApi.json()).toMatchObject({ code: 'E_RATE_LIMITED' });
      // another address is not held back
      const other = await limited.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: wrong,
        remoteAddress: '192.0.2.99',
      });
      expect(other.statusCode).toBe(401);
      // report submissions are limited too
      const p = await makeUser(limited, 'limited-reporter');
      const login = await limited.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: p.email, password: p.password },
        remoteAddress: '192.0.2.98',
      });
      const t = login.json().token as string;
      expect((await api(limited, t, 'POST', '/api/reports', submission())).statusCode).toBe(201);
      const second = await api(limited, t, 'POST', '/api/reports', submission());
      expect(second.statusCode).toBe(429);
      expect(second.json().message).toMatch(
        /too many report submissions from this address: at most 1 per hour/,
      );
    } finally {
      await limited.close();
    }
  });

  it('asks team members without TOTP to enrol, and lets them act as team once they have', async () => {
    const t = await makeUser(s, 'no-totp', { roles: ['triage'] });
    const b = new PageSession(s);
    await b.login(t);
    const dash = await b.get('/disclosure/triage');
    expect(dash.statusCode).toBe(403);
    expect(dash.body).toContain('needs two-factor authentication');
    const begun = await b.post('/disclosure/account/totp', {}, await b.csrf('/disclosure/account'));
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(begun.body)![1]!;
    // the QR code beside the key, as an image the CSP allows, of the same otpauth URI
    expect(begun.body).toMatch(/<img id="totp-qr" class="qr" src="data:image\/svg\+xml;base64,/);
    const { totpCode } = await import('../helpers.js');
    const other = new PageSession(s);
    await other.login(t);
    const on = await b.post(
      '/disclosure/account/totp/enable',
      { code: totpCode(secret, s.clock.now()) },
      /name="_csrf" value="([^"]+)"/.exec(begun.body)![1]!,
    );
    expect(on.statusCode).toBe(200);
    // ten one-time recovery codes, shown this once
    expect([...on.body.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)]).toHaveLength(10);
    // this browser has the new session (with two factors); the other session, opened before, ended
    expect((await b.get('/disclosure/triage')).statusCode).toBe(200);
    expect((await other.get('/disclosure/triage')).headers.location).toBe(
      '/disclosure/login?next=%2Fdisclosure%2Ftriage&msg=session-ended',
    );
  });

  it('keeps the strict CSP and serves the calculator as files', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const res = await b.get('/disclosure/reports/new');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    for (const bad of [/<script>/, /\sstyle="/, /\son[a-z]+="/]) expect(res.body).not.toMatch(bad);
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.some((x) => x.includes('cvss-lib'))).toBe(true);
    for (const src of scripts) expect((await s.app.inject({ method: 'GET', url: src })).statusCode).toBe(200);
    expect(CONTENT_SECURITY_POLICY.scriptSrc).toEqual(["'self'"]);
  });
});
