// Against junk, attacked over HTTP and driven through the pages: another user's report, a token
// without the scope, an unconfirmed account, a maintainer or a reporter after someone's signal, a note
// carrying the private report, a huge or hostile note; and the team's moves on the pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';

const engines = await testEngines();
const SECRET_POC = 'require("leaky-widget").run(SECRET-POC-7a1c)';

describe.each(engines)('attacks on what stands against junk (%s)', (engine) => {
  let s: TestServer;
  let people: Record<'triage' | 'triage2' | 'reporter' | 'stranger' | 'unconfirmed', Person>;
  let t: Record<keyof typeof people, string>;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    people = {
      triage: await makeUser(s, 'jtriage', { roles: ['triage'], totp: true }),
      triage2: await makeUser(s, 'jtriage2', { roles: ['triage'], totp: true }),
      reporter: await makeUser(s, 'jreporter'),
      stranger: await makeUser(s, 'jstranger'),
      unconfirmed: await makeUser(s, 'junconfirmed', { verified: false }),
    };
    t = {} as typeof t;
    for (const [k, p] of Object.entries(people)) t[k as keyof typeof people] = await apiLogin(s, p);
  });
  afterAll(async () => s?.close());

  const informative = async (title: string) => {
    const sent = await api(
      s,
      t.reporter,
      'POST',
      '/api/reports',
      submission({ title, reproduction: SECRET_POC }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().report.id as string;
    const closed = await api(s, t.triage, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'reject',
      closedAs: 'informative',
      reason: 'True, but not a vulnerability.',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    return id;
  };
  const note = { title: 'A hint', text: 'Validate the option before use, please.' };

  it("keeps another user's report out of reach: a stranger's note is 'not found', and so is a made-up id", async () => {
    const id = await informative('Stranger target');
    const res = await api(s, t.stranger, 'POST', `/api/reports/${id}/public-note`, note);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Stranger target');
    expect(
      (await api(s, t.stranger, 'POST', '/api/reports/no-such-report/public-note', note)).statusCode,
    ).toBe(404);
    // the reporter may not write the note about their own report either
    expect((await api(s, t.reporter, 'POST', `/api/reports/${id}/public-note`, note)).statusCode).toBe(403);
  });

  it('refuses a token without the scope, and an unconfirmed account', async () => {
    const made = await api(s, t.triage, 'POST', '/api/tokens', {
      name: 'read only',
      scopes: ['reports:read'],
    });
    expect(made.statusCode, made.body).toBe(201);
    const read = made.json().token as string;
    const id = await informative('Scoped target');
    expect((await api(s, read, 'POST', `/api/reports/${id}/public-note`, note)).statusCode).toBe(403);
    expect((await api(s, t.unconfirmed, 'GET', '/api/me/signal')).statusCode).toBe(403);
    expect((await api(s, null, 'GET', '/api/me/signal')).statusCode).toBe(401);
    const noScope = await api(s, t.reporter, 'POST', '/api/tokens', {
      name: 'write only',
      scopes: ['reports:write'],
    });
    expect((await api(s, noScope.json().token as string, 'GET', '/api/me/signal')).statusCode).toBe(403);
  });

  it("shows nobody but the team another person's signal: not on the report, the queue or any route", async () => {
    const id = await informative('Signal target');
    const own = (await api(s, t.reporter, 'GET', `/api/reports/${id}`)).json();
    expect(own.reporterSignal).toBeNull();
    // one's own signal is about oneself only, whatever is asked
    const mine = await api(s, t.stranger, 'GET', `/api/me/signal?reporterId=${people.reporter.user.id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ reporterId: people.stranger.user.id, reports: 0 });
    const queue = (await api(s, t.reporter, 'GET', '/api/reports')).json() as { reporterSignal: unknown }[];
    expect(queue.every((i) => i.reporterSignal === null)).toBe(true);
    const team = (await api(s, t.triage2, 'GET', `/api/reports/${id}`)).json();
    expect(team.reporterSignal.informative).toBeGreaterThan(0);
  });

  it('never lets a note carry the report: only what the team wrote, escaped, bounded', async () => {
    const id = await informative('Leaky widget report');
    const huge = await api(s, t.triage, 'POST', `/api/reports/${id}/public-note`, {
      title: 'A hint',
      text: 'x'.repeat(6000),
    });
    expect(huge.statusCode).toBe(400);
    const extra = await api(s, t.triage, 'POST', `/api/reports/${id}/public-note`, {
      ...note,
      reproduction: SECRET_POC,
    });
    expect(extra.statusCode).toBe(400);
    const hostile = {
      title: '<script>alert(1)</script> note',
      text: 'See <img src=x onerror=alert(1)> here, maintainers.',
    };
    expect((await api(s, t.triage, 'POST', `/api/reports/${id}/public-note`, hostile)).statusCode).toBe(201);
    const list = await api(s, null, 'GET', '/api/public-notes');
    expect(list.body).not.toContain('SECRET-POC');
    expect(list.body).not.toContain('Leaky widget report');
    const pages = new PageSession(s);
    await pages.login(people.reporter);
    const page = await pages.get(`/disclosure/reports/${id}`);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; note');
    expect(page.body).not.toContain('<img src=x');
  });

  it('lets the team close as spam, see the signal and filter on the pages; the reporter sees the category and message', async () => {
    const sent = await api(
      s,
      t.reporter,
      'POST',
      '/api/reports',
      submission({ title: 'Page spam', toolsUsed: 'ai' }),
    );
    const id = sent.json().report.id as string;
    const team = new PageSession(s);
    await team.login(people.triage);
    const before = await team.get(`/disclosure/reports/${id}`);
    expect(before.body).toContain('id="reporter-signal"');
    expect(before.body).toContain('name="closedAs"');
    const csrf = await team.csrf(`/disclosure/reports/${id}`);
    const none = await team.post(
      `/disclosure/reports/${id}/transition`,
      { transition: 'reject', reason: 'Generated text.' },
      csrf,
    );
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('a rejection says how the report is closed');
    const done = await team.post(
      `/disclosure/reports/${id}/transition`,
      { transition: 'reject', closedAs: 'spam', reason: 'Generated text: the function does not exist.' },
      await team.csrf(`/disclosure/reports/${id}`),
    );
    expect(done.statusCode).toBe(303);
    const triage = await team.get('/disclosure/triage?toolsUsed=ai');
    expect(triage.body).toContain(`data-report="${id}"`);
    expect(triage.body).toContain("Reporter's signal");
    expect((await team.get('/disclosure/triage?toolsUsed=tools')).body).not.toContain(`data-report="${id}"`);
    const reporter = new PageSession(s);
    await reporter.login(people.reporter);
    const seen = await reporter.get(`/disclosure/reports/${id}`);
    expect(seen.body).toContain('<dd id="closed-as">spam</dd>');
    expect(seen.body).toContain('Generated text: the function does not exist.');
    expect(seen.body).not.toContain('id="reporter-signal"');
    expect((await reporter.get('/disclosure/reports')).body).not.toContain("Reporter's signal");
  });
});
