// The credit routes attacked over HTTP: another person's credit, a token without the scope, an
// unconfirmed account holding the address, a replayed decision, a huge name, a credit used to learn
// whether an address has an account or to read the report; and the pages escape what people typed.
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

describe.each(engines)('attacks on the credit routes (%s)', (engine) => {
  let s: TestServer;
  let people: Record<'triage' | 'reporter' | 'credited' | 'stranger' | 'unconfirmed', Person>;
  let t: Record<keyof typeof people, string>;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    people = {
      triage: await makeUser(s, 'crtriage', { roles: ['triage'], totp: true }),
      reporter: await makeUser(s, 'crreporter'),
      credited: await makeUser(s, 'crcredited'),
      stranger: await makeUser(s, 'crstranger'),
      unconfirmed: await makeUser(s, 'crunconfirmed', { verified: false }),
    };
    t = {} as typeof t;
    for (const [k, p] of Object.entries(people)) t[k as keyof typeof people] = await apiLogin(s, p);
  });
  afterAll(async () => s?.close());

  const report = async (over: Record<string, unknown> = {}) => {
    const sent = await api(s, t.reporter, 'POST', '/api/reports', submission(over));
    expect(sent.statusCode, sent.body).toBe(201);
    return sent.json().report as { id: string; title: string };
  };
  const propose = (who: string | null, reportId: string, body: Record<string, unknown>) =>
    api(s, who, 'POST', `/api/reports/${reportId}/credits`, body);
  const token = async (who: string, scopes: string[]) => {
    const made = await api(s, who, 'POST', '/api/tokens', { name: `t${scopes.join()}`, scopes });
    expect(made.statusCode, made.body).toBe(201);
    return made.json().token as string;
  };

  it('keeps a credit to the credited person: nobody else reads, accepts or declines it', async () => {
    const r = await report({ title: 'Credit secret title xq7' });
    const made = await propose(t.reporter, r.id, {
      role: 'analyst',
      name: 'Credited Person',
      email: people.credited.email,
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().credit.id as string;
    // the list of one's credits never names the report, and lists nobody else's
    const mine = await api(s, t.credited, 'GET', '/api/credits');
    expect(mine.json().credits.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(mine.body).not.toContain(r.id);
    expect(mine.body).not.toContain('xq7');
    expect((await api(s, t.stranger, 'GET', '/api/credits')).json().credits).toEqual([]);
    expect((await api(s, t.unconfirmed, 'GET', '/api/credits')).statusCode).toBe(403);
    expect((await api(s, null, 'GET', '/api/credits')).statusCode).toBe(401);
    // another user, the reporter who proposed it, the team, an unknown id: the same 404
    for (const who of [t.stranger, t.reporter, t.triage])
      for (const verb of ['accept', 'decline']) {
        const res = await api(s, who, 'POST', `/api/credits/${id}/${verb}`);
        expect(res.statusCode, `${verb}: ${res.body}`).toBe(404);
        expect(res.json().message).toBe('credit not found');
      }
    expect((await api(s, t.credited, 'POST', '/api/credits/not-a-credit/accept')).statusCode).toBe(404);
    // a token without reports:write decides nothing; one with it does
    const readOnly = await token(t.credited, ['reports:read']);
    expect((await api(s, readOnly, 'GET', '/api/credits')).statusCode).toBe(200);
    expect((await api(s, readOnly, 'POST', `/api/credits/${id}/accept`)).statusCode).toBe(403);
    const writer = await token(t.credited, ['reports:read', 'reports:write']);
    const ok = await api(s, writer, 'POST', `/api/credits/${id}/accept`, { name: 'C. Person' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().credit).toMatchObject({ state: 'accepted', name: 'C. Person' });
    // replayed: the same decision again is refused, the other one is taken
    expect((await api(s, t.credited, 'POST', `/api/credits/${id}/accept`)).statusCode).toBe(409);
    expect((await api(s, t.credited, 'POST', `/api/credits/${id}/decline`)).statusCode).toBe(200);
    // the credited person still does not see the report
    expect((await api(s, t.credited, 'GET', `/api/reports/${r.id}`)).statusCode).toBe(404);
  });

  it('lets an unconfirmed account with the address take nothing, and tells nobody who has an account', async () => {
    const r = await report();
    // an address nobody has, and the unconfirmed account's: the same answer as for a confirmed one
    const answers = [];
    for (const email of ['nobody-xx@example.org', people.unconfirmed.email, people.stranger.email]) {
      const res = await propose(t.reporter, r.id, { role: 'finder', name: 'Someone', email });
      expect(res.statusCode, res.body).toBe(201);
      const { id: _id, email: _e, ...rest } = res.json().credit;
      answers.push(rest);
    }
    expect(new Set(answers.map((a) => JSON.stringify({ ...a, proposedAt: null }))).size).toBe(1);
    const toUnconfirmed = (await api(s, t.triage, 'GET', `/api/reports/${r.id}`))
      .json()
      .credits.find((c: { email: string }) => c.email === people.unconfirmed.email).id as string;
    expect((await api(s, t.unconfirmed, 'POST', `/api/credits/${toUnconfirmed}/accept`)).statusCode).toBe(
      404,
    );
    // mail went to the confirmed account only
    const mail = await s.store.outbox.all({ limit: 1000 });
    expect(mail.filter((m) => m.to === 'nobody-xx@example.org' || m.to === people.unconfirmed.email)).toEqual(
      [],
    );
    expect(mail.filter((m) => m.to === people.stranger.email && /credit/.test(m.subject))).toHaveLength(1);
  });

  it('refuses proposals from outside the report, tokens without the scope, and oversized input', async () => {
    const r = await report();
    const body = { role: 'analyst', name: 'X', email: 'x@example.org' };
    expect((await propose(t.stranger, r.id, body)).statusCode).toBe(404);
    expect((await propose(t.unconfirmed, r.id, body)).statusCode).toBe(404);
    expect((await propose(null, r.id, body)).statusCode).toBe(401);
    const readOnly = await token(t.reporter, ['reports:read']);
    expect((await propose(readOnly, r.id, body)).statusCode).toBe(403);
    // the reporter may not enter a credit without an account: that is the team's word
    expect(
      (await propose(t.reporter, r.id, { role: 'analyst', name: 'X', withoutAccount: true })).statusCode,
    ).toBe(403);
    const huge = await propose(t.reporter, r.id, {
      role: 'analyst',
      name: 'x'.repeat(5000),
      email: 'x@example.org',
    });
    expect(huge.statusCode).toBe(400);
    const long = await propose(t.reporter, r.id, {
      role: 'analyst',
      name: 'x'.repeat(300),
      email: 'x@example.org',
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().field).toBe('name');
    expect((await propose(t.reporter, r.id, { ...body, extra: 1 })).statusCode).toBe(400);
    expect((await propose(t.reporter, r.id, { ...body, role: 'hacker' })).statusCode).toBe(400);
    // withdrawing: not another person's proposal, not from outside
    const teamCredit = (await propose(t.triage, r.id, body)).json().credit.id as string;
    expect((await api(s, t.reporter, 'POST', `/api/credits/${teamCredit}/withdraw`)).statusCode).toBe(403);
    expect((await api(s, t.stranger, 'POST', `/api/credits/${teamCredit}/withdraw`)).statusCode).toBe(404);
    expect((await api(s, t.triage, 'POST', `/api/credits/${teamCredit}/withdraw`)).statusCode).toBe(200);
    expect((await api(s, t.triage, 'POST', `/api/credits/${teamCredit}/withdraw`)).statusCode).toBe(409);
    // the audit log has every move
    const log = await s.store.auditLog.list({ reportId: r.id, limit: 1000 });
    expect(log.filter((e) => e.action.startsWith('credit.')).map((e) => e.action)).toEqual([
      'credit.propose',
      'credit.withdraw',
    ]);
  });

  it('escapes names on the report page and the credits page, and takes the pages’ decisions', async () => {
    const r = await report();
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const made = await propose(t.reporter, r.id, {
      role: 'sponsor',
      name: evil,
      email: people.credited.email,
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().credit.id as string;
    const reporterPage = new PageSession(s);
    await reporterPage.login(people.reporter);
    const page = await reporterPage.get(`/disclosure/reports/${r.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-credit="${id}"`);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const credited = new PageSession(s);
    await credited.login(people.credited);
    const list = await credited.get('/disclosure/credits');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`data-credit="${id}"`);
    expect(list.body).not.toContain('<script>alert(1)');
    expect(list.body).not.toContain(r.id);
    // without the CSRF token, nothing happens
    const forged = await credited.post(`/disclosure/credits/${id}/accept`, { name: 'Forged' }, '');
    expect(forged.statusCode).toBe(403);
    // another person's page session cannot accept it
    const stranger = new PageSession(s);
    await stranger.login(people.stranger);
    expect(
      (
        await stranger.post(
          `/disclosure/credits/${id}/accept`,
          {},
          await stranger.csrf('/disclosure/credits'),
        )
      ).statusCode,
    ).toBe(404);
    const accepted = await credited.post(
      `/disclosure/credits/${id}/accept`,
      { name: 'Sponsor Inc' },
      await credited.csrf('/disclosure/credits'),
    );
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/disclosure/credits?msg=credit-accepted');
    const after = (await api(s, t.reporter, 'GET', `/api/reports/${r.id}`)).json();
    expect(after.credits.find((c: { id: string }) => c.id === id)).toMatchObject({
      state: 'accepted',
      name: 'Sponsor Inc',
    });
  });
});
