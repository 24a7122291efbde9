// Against junk reports over the API, on SQLite and PostgreSQL: the intake rules answered field by
// field, a spam report closed with a message and the reporter's signal lowered, the statement on tools
// and AI as a filter, the tighter limits on a new account, and a public note with no advisory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../helpers/db.js';
import { api, apiLogin, makeUser, type Person, submission, type TestServer, testServer } from '../helpers.js';

const engines = await testEngines();

describe.each(engines)('against junk reports, over the API (%s)', (engine) => {
  let s: TestServer;
  let reporter: Person;
  let rt: string;
  let tt: string;
  let t2: string;
  let nt: string;

  beforeAll(async () => {
    // the server's own limits on new accounts, as in production
    s = await testServer(engine, { outbox: true, disclosure: { intakeLimits: {} } });
    reporter = await makeUser(s, 'reporter');
    const triage = await makeUser(s, 'triage1', { roles: ['triage'], totp: true });
    const triage2 = await makeUser(s, 'triage2', { roles: ['triage'], totp: true });
    rt = await apiLogin(s, reporter);
    tt = await apiLogin(s, triage);
    t2 = await apiLogin(s, triage2);
    nt = await apiLogin(s, await makeUser(s, 'newcomer'));
    // a week later, the reporter has one accepted report: no longer new
    s.clock.advance(8 * 86_400_000);
    const first = await api(s, rt, 'POST', '/api/reports', submission({ title: 'A real finding' }));
    expect(first.statusCode, first.body).toBe(201);
    await api(s, tt, 'POST', `/api/reports/${first.json().report.id}/transitions`, { transition: 'accept' });
  });
  afterAll(async () => s?.close());

  const submit = async (token: string, over: Record<string, unknown> = {}) => {
    const res = await api(s, token, 'POST', '/api/reports', submission(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().report as { id: string; toolsUsed: string | null };
  };

  it('names the trivial reproduction, the missing versions and an unknown statement on tools', async () => {
    const res = await api(
      s,
      rt,
      'POST',
      '/api/reports',
      submission({ reproduction: 'see PoC', affectedVersions: '' }),
    );
    expect(res.statusCode).toBe(400);
    const fields = (res.json().problems as { field: string }[]).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['affectedVersions', 'reproduction']));
    const tools = await api(s, rt, 'POST', '/api/reports', submission({ toolsUsed: 'magic' }));
    expect(tools.statusCode).toBe(400);
    expect(tools.body).toContain('toolsUsed');
  });

  it('closes a spam report with a message, and the signal the team sees drops', async () => {
    const junk = await submit(rt, { title: 'Everything is vulnerable', toolsUsed: 'ai' });
    expect(junk.toolsUsed).toBe('ai');
    const noCategory = await api(s, tt, 'POST', `/api/reports/${junk.id}/transitions`, {
      transition: 'reject',
      reason: 'Generated.',
    });
    expect(noCategory.statusCode).toBe(400);
    expect(noCategory.json().field).toBe('closedAs');
    const closed = await api(s, tt, 'POST', `/api/reports/${junk.id}/transitions`, {
      transition: 'reject',
      closedAs: 'spam',
      reason: 'The function named in the steps does not exist.',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().report).toMatchObject({ state: 'rejected', closedAs: 'spam' });
    const team = (await api(s, t2, 'GET', `/api/reports/${junk.id}`)).json();
    expect(team.reporterSignal).toMatchObject({ valid: 1, spam: 1, validShare: 0.5 });
    const own = (await api(s, rt, 'GET', `/api/reports/${junk.id}`)).json();
    expect(own.reporterSignal).toBeNull();
    expect(own.report.rejectReason).toBe('The function named in the steps does not exist.');
    expect((await api(s, rt, 'GET', '/api/me/signal')).json()).toMatchObject({ spam: 1, validShare: 0.5 });
    // the queue: the team sees the signal on each item and filters on the statement
    const ai = (await api(s, tt, 'GET', '/api/reports?toolsUsed=ai')).json() as {
      id: string;
      reporterSignal: { spam: number } | null;
    }[];
    expect(ai.map((i) => i.id)).toEqual([junk.id]);
    expect(ai[0]!.reporterSignal?.spam).toBe(1);
    const mine = (await api(s, rt, 'GET', '/api/reports')).json() as { reporterSignal: unknown }[];
    expect(mine.every((i) => i.reporterSignal === null)).toBe(true);
    const dash = (await api(s, tt, 'GET', '/api/dashboard?toolsUsed=none')).json();
    expect(dash.queue).toEqual([]);
  });

  it('holds a new account to two reports waiting', async () => {
    await submit(nt, { title: 'First report' });
    await submit(nt, { title: 'Second report' });
    const third = await api(s, nt, 'POST', '/api/reports', submission({ title: 'Third report' }));
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({
      code: 'E_QUOTA',
      message: expect.stringMatching(/at most 2 may wait/),
    });
  });

  it('publishes a note from an informative report, for everyone, with no advisory', async () => {
    const r = await submit(rt, { packageName: 'hint-widget', title: 'Verbose errors' });
    await api(s, tt, 'POST', `/api/reports/${r.id}/transitions`, {
      transition: 'reject',
      closedAs: 'informative',
      reason: 'Not a vulnerability, but worth a note.',
    });
    const body = { title: 'Error messages', text: 'Errors include the file system path of the module.' };
    expect((await api(s, rt, 'POST', `/api/reports/${r.id}/public-note`, body)).statusCode).toBe(403);
    const made = await api(s, tt, 'POST', `/api/reports/${r.id}/public-note`, body);
    expect(made.statusCode, made.body).toBe(201);
    expect((await api(s, tt, 'POST', `/api/reports/${r.id}/public-note`, body)).statusCode).toBe(409);
    const list = await api(s, null, 'GET', '/api/public-notes?package=hint-widget');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ packageName: 'hint-widget', ...body })]);
    expect(list.body).not.toContain(r.id);
    // no advisory: what npm audit asks about the package finds nothing
    const audit = await s.app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: { 'hint-widget': ['1.0.0'] },
    });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json()).toEqual({});
    // the package's page shows the note to its maintainer, with no advisory and nothing of the report
    const page = await s.app.inject({ url: '/packages/hint-widget' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Notes for the maintainer');
    expect(page.body).toContain('Errors include the file system path of the module.');
    expect(page.body).toContain('0 advisories');
    expect(page.body).not.toContain('Verbose errors');
    expect((await s.app.inject({ url: '/packages/no-note-widget' })).statusCode).toBe(404);
  });
});
