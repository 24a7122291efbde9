// The JSON API of the disclosure program, end to end, on SQLite and PostgreSQL: sign-up with the
// e-mail link from a real SMTP server, TOTP for the team, the whole workflow to publication, and
// the advisory showing up in the public APIs the moment it is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  multipart,
  type Person,
  PNG,
  PUBLIC_URL,
  submission,
  type TestServer,
  testServer,
  totpCode,
} from '../helpers.js';

const engines = await testEngines();

describe.each(engines)('the disclosure API (%s)', (engine) => {
  let s: TestServer;
  let triage: Person;
  let triage2: Person;
  let admin: Person;
  let teamToken: string;
  let team2Token: string;
  let adminToken: string;

  beforeAll(async () => {
    s = await testServer(engine);
    triage = await makeUser(s, 'triage1', { roles: ['triage'], totp: true });
    triage2 = await makeUser(s, 'triage2', { roles: ['triage'], totp: true });
    admin = await makeUser(s, 'admin', { roles: ['admin'], totp: true });
    teamToken = await apiLogin(s, triage);
    team2Token = await apiLogin(s, triage2);
    adminToken = await apiLogin(s, admin);
  });
  afterAll(async () => s?.close());

  it('signs up, confirms the address with the link from the delivered e-mail, and logs in', async () => {
    const signup = await api(s, null, 'POST', '/api/signup', {
      email: 'Researcher@Example.org',
      displayName: 'Ada Researcher',
      handle: 'ada',
      password: 'a long enough password',
    });
    expect(signup.statusCode, signup.body).toBe(202);
    expect(signup.json()).toMatchObject({ ok: true, message: expect.stringMatching(/link to confirm it/) });
    const link = await s.inbox.link(
      'researcher@example.org',
      /Confirm your e-mail/,
      `${PUBLIC_URL}/disclosure/verify-email/`,
    );
    const token = decodeURIComponent(link.split('/').pop()!);
    const ok = await api(s, null, 'POST', '/api/verify-email', { token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user.emailVerified).toBe(true);
    // the link works once
    const again = await api(s, null, 'POST', '/api/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'E_TOKEN' });

    const bad = await api(s, null, 'POST', '/api/login', {
      email: 'researcher@example.org',
      password: 'wrong password!!',
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('E_AUTH');
    const login = await api(s, null, 'POST', '/api/login', {
      email: 'researcher@example.org',
      password: 'a long enough password',
    });
    expect(login.statusCode).toBe(200);
    const me = await api(s, login.json().token, 'GET', '/api/me');
    expect(me.json()).toMatchObject({
      user: { handle: 'ada' },
      actingRoles: [],
      totpRequired: false,
      via: 'session',
    });
    const out = await api(s, login.json().token, 'POST', '/api/logout');
    expect(out.statusCode).toBe(200);
    expect((await api(s, login.json().token, 'GET', '/api/me')).statusCode).toBe(401);
  });

  it('resets a password with the link from the e-mail, once', async () => {
    const p = await makeUser(s, 'forgetful');
    const asked = await api(s, null, 'POST', '/api/password-reset', { email: p.email });
    expect(asked.statusCode).toBe(202);
    // an unknown address gets the same answer, and no message
    const unknown = await api(s, null, 'POST', '/api/password-reset', { email: 'nobody@example.org' });
    expect(unknown.statusCode).toBe(202);
    const link = await s.inbox.link(
      p.email,
      /Reset your password/,
      `${PUBLIC_URL}/disclosure/password-reset/`,
    );
    const token = decodeURIComponent(link.split('/').pop()!);
    const set = await api(s, null, 'POST', '/api/password-reset/confirm', {
      token,
      password: 'a brand new password',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(
      (await api(s, null, 'POST', '/api/password-reset/confirm', { token, password: 'another new password' }))
        .statusCode,
    ).toBe(400);
    const login = await api(s, null, 'POST', '/api/login', {
      email: p.email,
      password: 'a brand new password',
    });
    expect(login.statusCode).toBe(200);
    expect(s.inbox.messages.some((m) => m.to.includes('nobody@example.org'))).toBe(false);
  });

  it('answers a bad account field with 400 naming the field, keeping 401 for "who are you?"', async () => {
    const bad = async (path: string, body: object, token: string | null = null) => {
      const res = await api(s, token, 'POST', path, body);
      expect(res.statusCode, res.body).toBe(400);
      return res.json() as { code: string; field: string };
    };
    const signup = { email: 'fields@example.org', displayName: 'Fields', password: 'a long enough password' };
    expect(await bad('/api/signup', { ...signup, displayName: ' ' })).toMatchObject({
      code: 'E_ACCOUNT_INVALID',
      field: 'displayName',
    });
    expect(await bad('/api/signup', { ...signup, email: 'not an address' })).toMatchObject({
      code: 'E_ACCOUNT_INVALID',
      field: 'email',
    });
    expect(await bad('/api/signup', { ...signup, handle: 'no spaces' })).toMatchObject({
      code: 'E_ACCOUNT_INVALID',
      field: 'handle',
    });
    expect(await bad('/api/signup', { ...signup, password: 'short' })).toMatchObject({
      code: 'E_ACCOUNT_INVALID',
      field: 'password',
    });
    const p = await makeUser(s, 'fields');
    const session = await apiLogin(s, p);
    expect(await bad('/api/tokens', { name: ' ', scopes: ['reports:read'] }, session)).toMatchObject({
      code: 'E_ACCOUNT_INVALID',
      field: 'name',
    });
    const admins = await api(s, adminToken, 'PUT', `/api/users/${p.user.id}/roles`, { roles: ['root'] });
    expect(admins.statusCode).toBe(400);
    expect((await api(s, null, 'POST', '/api/logout')).statusCode).toBe(401);
  });

  it('lets a team member act as team only once TOTP is on', async () => {
    const t = await makeUser(s, 'newtriage', { roles: ['triage'] });
    const token = await apiLogin(s, t);
    const me = await api(s, token, 'GET', '/api/me');
    expect(me.json()).toMatchObject({ actingRoles: [], pendingRoles: ['triage'], totpRequired: true });
    const refused = await api(s, token, 'GET', '/api/dashboard');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ field: 'totp', message: expect.stringMatching(/two-factor/) });
    const begin = await api(s, token, 'POST', '/api/me/totp');
    expect(begin.statusCode).toBe(200);
    const { secret, uri } = begin.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    // a wrong code is bad input from someone known: 400 naming the field, never 401 ("who are you?")
    const wrong = await api(s, token, 'POST', '/api/me/totp/enable', { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'E_ACCOUNT_INVALID', field: 'code' });
    const on = await api(s, token, 'POST', '/api/me/totp/enable', { code: totpCode(secret, s.clock.now()) });
    expect(on.statusCode).toBe(200);
    expect(on.json().recoveryCodes).toHaveLength(10);
    // enrolment ended the session it was made in (opened without a second factor): the new one works
    expect((await api(s, token, 'GET', '/api/me')).statusCode).toBe(401);
    const fresh = on.json().token as string;
    expect((await api(s, fresh, 'GET', '/api/me')).json()).toMatchObject({
      actingRoles: ['triage'],
      totpRequired: false,
      twoFactors: true,
    });
    expect((await api(s, fresh, 'GET', '/api/dashboard')).statusCode).toBe(200);
    // from now on a login needs the code, and the failure does not say which part was wrong
    const noCode = await api(s, null, 'POST', '/api/login', { email: t.email, password: t.password });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json()).toMatchObject({
      field: 'credentials',
      message: 'wrong e-mail address, password or code',
    });
    // enrolling again would turn it off: refused, and so is enabling it again
    expect((await api(s, fresh, 'POST', '/api/me/totp')).statusCode).toBe(409);
    expect((await api(s, fresh, 'POST', '/api/me/totp/enable', { code: '000000' })).statusCode).toBe(409);
  });

  it('issues scoped, revocable API tokens', async () => {
    const p = await makeUser(s, 'scripter');
    const session = await apiLogin(s, p);
    const created = await api(s, session, 'POST', '/api/tokens', { name: 'ci', scopes: ['reports:read'] });
    expect(created.statusCode).toBe(201);
    const token = created.json().token as string;
    expect(token).toMatch(/^nswg_/);
    expect((await api(s, token, 'GET', '/api/reports')).statusCode).toBe(200);
    const write = await api(s, token, 'POST', '/api/reports', submission());
    expect(write.statusCode).toBe(403);
    expect(write.json().message).toContain('reports:write');
    // a token cannot mint tokens
    expect(
      (await api(s, token, 'POST', '/api/tokens', { name: 'x', scopes: ['reports:read'] })).statusCode,
    ).toBe(403);
    const list = await api(s, session, 'GET', '/api/tokens');
    expect(list.json()).toHaveLength(1);
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect((await api(s, session, 'DELETE', `/api/tokens/${created.json().id}`)).statusCode).toBe(200);
    expect((await api(s, token, 'GET', '/api/reports')).statusCode).toBe(401);
    // hashed at rest
    const rows = await s.store.db
      .selectFrom('api_tokens' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('runs a report through the workflow to publication, and the advisory is public at once', async () => {
    const reporter = await makeUser(s, 'finder');
    const maint = await makeUser(s, 'maint');
    const rt = await apiLogin(s, reporter);
    const mt = await apiLogin(s, maint);

    const sent = await api(
      s,
      rt,
      'POST',
      '/api/reports',
      submission({
        packageName: 'nswg-api-widget',
        cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        score: 1.0,
      }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    const report = sent.json().report;
    expect(report.cvss.score).toBe(9.8);
    expect(report.state).toBe('new');
    const id = report.id as string;

    // the reporter may not triage; the triage team may
    const self = await api(s, rt, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    expect(self.statusCode).toBe(403);
    const accepted = await api(s, teamToken, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'accept',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().report.state).toBe('accepted');
    expect(Date.parse(accepted.json().report.firstAnswerAt)).toBeLessThanOrEqual(
      Date.parse(report.firstAnswerDue),
    );

    const note = await api(s, teamToken, 'POST', `/api/reports/${id}/notes`, {
      body: 'internal: looks real',
    });
    expect(note.statusCode).toBe(201);
    expect((await api(s, rt, 'POST', `/api/reports/${id}/notes`, { body: 'x' })).statusCode).toBe(403);

    const inv = await api(s, teamToken, 'POST', `/api/reports/${id}/invitations`, { email: maint.email });
    expect(inv.statusCode, inv.body).toBe(201);
    expect(inv.json()).not.toHaveProperty('token');
    const link = await s.inbox.link(maint.email, /you are invited/, `${PUBLIC_URL}/disclosure/invitations/`);
    const invitation = decodeURIComponent(link.split('/').pop()!);
    expect((await api(s, mt, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    const joined = await api(s, mt, 'POST', '/api/invitations/accept', { token: invitation });
    expect(joined.statusCode, joined.body).toBe(200);
    const replay = await api(s, mt, 'POST', '/api/invitations/accept', { token: invitation });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('E_TOKEN');

    const view = await api(s, mt, 'GET', `/api/reports/${id}`);
    expect(view.statusCode).toBe(200);
    expect(view.json().form).toBe('full');
    expect(view.json().notes).toBeNull();
    expect(view.body).not.toContain('internal: looks real');

    expect(
      (await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'start-fix' })).statusCode,
    ).toBe(200);
    const fix = await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=1.4.2',
      releaseDate: '2026-01-20',
    });
    expect(fix.statusCode, fix.body).toBe(201);
    expect(fix.json().report.fixProposal).toMatchObject({
      patchedVersions: '>=1.4.2',
      releaseDate: '2026-01-20',
    });
    expect(
      (await api(s, mt, 'POST', `/api/reports/${id}/comments`, { body: 'Fixed in 1.4.2, thanks.' }))
        .statusCode,
    ).toBe(201);

    const up = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG });
    const att = await s.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/attachments`,
      headers: { ...up.headers, authorization: `Bearer ${rt}` },
      payload: up.payload,
    });
    expect(att.statusCode, att.body).toBe(201);
    expect(att.json().contentType).toBe('image/png');
    const dl = await api(s, mt, 'GET', `/api/attachments/${att.json().id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="poc.png"/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.rawPayload.equals(PNG)).toBe(true);

    const fixed = await api(s, mt, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'mark-fixed',
      patchedVersions: '>=1.4.2',
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    // before publication: nothing public
    expect((await api(s, null, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    const bulkBefore = await s.app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: { 'nswg-api-widget': ['1.3.0'] },
    });
    expect(bulkBefore.json()).toEqual({});

    const published = await api(s, team2Token, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'publish',
    });
    expect(published.statusCode, published.body).toBe(200);
    const advisoryId = published.json().report.advisoryId as string;
    expect(advisoryId).toMatch(/^NSWG-ECO-\d+$/);

    // served at once by the npm bulk endpoint, OSV, and the pages
    const bulk = await s.app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: { 'nswg-api-widget': ['1.3.0', '1.4.2'] },
    });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.json()['nswg-api-widget']).toHaveLength(1);
    expect(bulk.json()['nswg-api-widget'][0]).toMatchObject({
      vulnerable_versions: '>=1.0.0 <1.4.2',
      severity: 'critical',
    });
    const osv = await s.app.inject({
      method: 'POST',
      url: '/v1/query',
      payload: { package: { name: 'nswg-api-widget', ecosystem: 'npm' }, version: '1.3.0' },
    });
    expect(osv.json().vulns?.length).toBe(1);
    const pageRes = await s.app.inject({ method: 'GET', url: `/advisories/${advisoryId}` });
    expect(pageRes.statusCode).toBe(200);
    expect(pageRes.body).toContain('Prototype pollution in merge()');

    // and the report is readable by everyone, disclosed: nobody agreed to disclose the proof of
    // concept or the attachment, so neither is there; notes never are
    const pub = await api(s, null, 'GET', `/api/reports/${id}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json().form).toBe('disclosed');
    expect(pub.json().report.reproduction).toBeUndefined();
    expect(pub.json().attachments).toEqual([]);
    expect(pub.body).not.toContain('__proto__":{"x"');
    expect(pub.body).not.toContain('internal: looks real');
    // nor the comments: nobody agreed to disclose the thread either
    expect(pub.json().comments).toEqual([]);
    expect(pub.body).not.toContain('Fixed in 1.4.2, thanks.');
    expect(pub.json().report.releaseDate).toBe('2026-01-20');
    expect((await api(s, null, 'GET', `/api/attachments/${att.json().id}`)).statusCode).toBe(404);
    const stranger = await apiLogin(s, await makeUser(s, 'nosy'));
    expect((await api(s, stranger, 'GET', `/api/attachments/${att.json().id}`)).statusCode).toBe(404);
  });

  /** A report by a new reporter, accepted, with a new maintainer invited and joined: the tokens and id. */
  async function invitedReport(name: string, over: Record<string, unknown> = {}) {
    const reporter = await makeUser(s, `${name}-finder`);
    const maint = await makeUser(s, `${name}-maint`);
    const rt = await apiLogin(s, reporter);
    const mt = await apiLogin(s, maint);
    const sent = await api(
      s,
      rt,
      'POST',
      '/api/reports',
      submission({ packageName: `${name}-widget`, ...over }),
    );
    const id = sent.json().report.id as string;
    await api(s, teamToken, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    await api(s, teamToken, 'POST', `/api/reports/${id}/invitations`, { email: maint.email });
    const link = await s.inbox.link(maint.email, /you are invited/, `${PUBLIC_URL}/disclosure/invitations/`);
    const joined = await api(s, mt, 'POST', '/api/invitations/accept', {
      token: decodeURIComponent(link.split('/').pop()!),
    });
    expect(joined.statusCode, joined.body).toBe(200);
    return { id, rt, mt, reporter, maint };
  }

  it('keeps the proposed fixed versions and release date on the report: validated, on the dashboard, used to publish', async () => {
    const { id, rt, mt, reporter } = await invitedReport('plan');
    const today = s.clock.now().toISOString().slice(0, 10);
    const bad = await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: 'soon',
      releaseDate: '2026-01-04',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'E_REPORT_INVALID' });
    expect(bad.json().problems).toEqual([
      { field: 'patchedVersions', message: 'must be an npm version range such as >=1.4.2' },
      { field: 'releaseDate', message: `must not be in the past (today is ${today})` },
    ]);
    const notADate = await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=2.0.1',
      releaseDate: '2026-02-30',
    });
    expect(notADate.json().problems).toEqual([
      { field: 'releaseDate', message: 'must be a date such as 2026-03-01' },
    ]);
    // the reporter does not propose the fix
    const byReporter = await api(s, rt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=2.0.1',
      releaseDate: '2026-01-30',
    });
    expect(byReporter.statusCode).toBe(403);
    expect((await api(s, rt, 'GET', `/api/reports/${id}`)).json().report.fixProposal).toBeNull();

    const ok = await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=1.4.2',
      releaseDate: today,
      note: 'a backport too',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const later = await api(s, teamToken, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=1.4.2',
      releaseDate: '2026-03-30',
    });
    expect(later.statusCode).toBe(201);
    const full = (await api(s, rt, 'GET', `/api/reports/${id}`)).json();
    expect(full.report.fixProposal).toMatchObject({
      patchedVersions: '>=1.4.2',
      releaseDate: '2026-03-30',
      note: null,
      proposedBy: triage.user.id,
    });
    // the dashboard shows it, flagged: 30 March is after the deadline (45 days after triage)
    const dash = (await api(s, teamToken, 'GET', '/api/dashboard')).json();
    expect(dash.queue.find((q: { id: string }) => q.id === id).fixProposal).toEqual({
      patchedVersions: '>=1.4.2',
      releaseDate: '2026-03-30',
      afterDeadline: true,
    });
    // each proposal is in the audit log; every participant was told
    const log = (await api(s, adminToken, 'GET', `/api/audit-log?reportId=${id}`)).json();
    expect(
      log
        .filter((e: { action: string }) => e.action === 'report.fix-proposal')
        .map((e: { details: { releaseDate: string } }) => e.details.releaseDate),
    ).toEqual([today, '2026-03-30']);
    await s.inbox.last(reporter.email, new RegExp(`${id}: fix planned for 2026-03-30`));

    // marked fixed with no versions given: the proposal's, and publication uses them
    await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'start-fix' });
    const fixed = await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'mark-fixed' });
    expect(fixed.json().report.patchedVersions).toBe('>=1.4.2');
    const published = await api(s, team2Token, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'publish',
    });
    const advisory = await s.store.advisories.get(published.json().report.advisoryId);
    expect(advisory!.affected[0]).toMatchObject({ vulnerable: '>=1.0.0 <1.4.2', patched: '>=1.4.2' });
    expect(
      (
        await api(s, teamToken, 'POST', `/api/reports/${id}/fix-proposals`, {
          patchedVersions: '>=1.4.3',
          releaseDate: '2026-03-30',
        })
      ).statusCode,
    ).toBe(409);
  });

  it('discloses on publication exactly what the participants agreed, attachments as downloads for anyone', async () => {
    const { id, rt, mt } = await invitedReport('agreed', { reproduction: 'AGREED-POC: call merge() twice' });
    const upload = async (name: string, type: string, bytes: Buffer) => {
      const m = multipart({ name, type, bytes });
      const res = await s.app.inject({
        method: 'POST',
        url: `/api/reports/${id}/attachments`,
        headers: { ...m.headers, authorization: `Bearer ${rt}` },
        payload: m.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const shot = await upload('shot.png', 'image/png', PNG);
    const page = await upload(
      'poc.js',
      'text/javascript',
      Buffer.from('document.write("<script>alert(1)</script>") // AGREED-SECRET\n'),
    );
    const both = (disclosable: boolean) => [
      { id: shot, disclosable },
      { id: page, disclosable },
    ];
    const said = async (token: string, body: unknown) => {
      const res = await api(s, token, 'POST', `/api/reports/${id}/disclosure-statements`, body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect((await said(rt, { proofOfConcept: true, attachments: both(true) })).party).toBe('reporter');
    expect((await said(teamToken, { proofOfConcept: true, attachments: both(true) })).party).toBe('team');
    const last = await said(mt, { attachments: [{ id: page, disclosable: false }] });
    expect(last.party).toMatch(/^maintainer:/);
    // the proof of concept, the comments (nobody spoke of them), the screenshot, the script
    expect(
      last.agreement.map((a: { attachmentId: string | null; disclosable: boolean }) => a.disclosable),
    ).toEqual([true, false, true, false]);
    const bad = await api(s, rt, 'POST', `/api/reports/${id}/disclosure-statements`, {
      attachments: [{ id: 'no-such-attachment', disclosable: true }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual([
      { field: 'attachments[0].id', message: 'names no attachment of this report' },
    ]);
    const full = (await api(s, rt, 'GET', `/api/reports/${id}`)).json();
    expect(full.party).toBe('reporter');
    expect(full.agreement).toEqual(last.agreement);

    // before publication: nothing is public
    expect((await api(s, null, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    expect((await api(s, null, 'GET', `/api/attachments/${shot}`)).statusCode).toBe(404);

    await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'start-fix' });
    await api(s, mt, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'mark-fixed',
      patchedVersions: '>=1.4.2',
    });
    const published = await api(s, team2Token, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'publish',
    });
    expect(published.statusCode, published.body).toBe(200);

    const pub = await api(s, null, 'GET', `/api/reports/${id}`);
    expect(pub.json().form).toBe('disclosed');
    expect(pub.json().report.reproduction).toBe('AGREED-POC: call merge() twice');
    expect(pub.json().report.environment).toBeUndefined();
    expect(pub.json().attachments).toEqual([
      {
        id: shot,
        filename: 'shot.png',
        contentType: 'image/png',
        size: PNG.length,
        sha256: expect.any(String),
        createdAt: expect.any(String),
        uploadedBy: 'reporter',
      },
    ]);
    expect(pub.body).not.toContain('poc.js');
    const dl = await api(s, null, 'GET', `/api/attachments/${shot}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="shot.png"/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toContain('sandbox');
    expect(dl.rawPayload.equals(PNG)).toBe(true);
    // the one a maintainer objected to stays private: the same answer as an attachment that does not exist
    const kept = await api(s, null, 'GET', `/api/attachments/${page}`);
    const none = await api(s, null, 'GET', '/api/attachments/00000000-0000-0000-0000-000000000000');
    expect(kept.statusCode).toBe(404);
    expect(kept.body).toBe(none.body);
    expect(kept.body).not.toContain('AGREED-SECRET');
    // the agreement is frozen at publication
    const late = await api(s, rt, 'POST', `/api/reports/${id}/disclosure-statements`, {
      proofOfConcept: false,
    });
    expect(late.statusCode).toBe(409);
    // every statement is in the audit log, with who and from where
    const log = (await api(s, adminToken, 'GET', `/api/audit-log?reportId=${id}`)).json();
    const statements = log.filter((e: { action: string }) => e.action === 'disclosure.statement');
    expect(statements).toHaveLength(3 + 3 + 1);
    expect(statements.at(-1)).toMatchObject({
      userAgent: 'api-test',
      details: { subject: `attachment:${page}`, disclosable: false },
    });
  });

  it('shows possible duplicates on submission', async () => {
    const a = await makeUser(s, 'dupe-a');
    const at = await apiLogin(s, a);
    const first = await api(
      s,
      at,
      'POST',
      '/api/reports',
      submission({ packageName: 'dupe-pkg', affectedVersions: '<2.0.0' }),
    );
    expect(first.json().possibleDuplicates).toEqual([]);
    const second = await api(
      s,
      at,
      'POST',
      '/api/reports',
      submission({ packageName: 'dupe-pkg', affectedVersions: '>=1.5.0 <3' }),
    );
    expect(second.json().possibleDuplicates.map((d: { id: string }) => d.id)).toEqual([
      first.json().report.id,
    ]);
    // another reporter does not learn of someone else's report; the team does
    const b = await makeUser(s, 'dupe-b');
    const bt = await apiLogin(s, b);
    const third = await api(
      s,
      bt,
      'POST',
      '/api/reports',
      submission({ packageName: 'dupe-pkg', affectedVersions: '1.9.0' }),
    );
    expect(third.json().possibleDuplicates).toEqual([]);
    const forTeam = await api(s, teamToken, 'GET', `/api/reports/${third.json().report.id}/duplicates`);
    expect(
      forTeam
        .json()
        .map((d: { id: string }) => d.id)
        .sort(),
    ).toEqual([first.json().report.id, second.json().report.id].sort());
    // an existing advisory of the package is named too
    const lodash = await api(
      s,
      at,
      'POST',
      '/api/reports',
      submission({ packageName: 'nswg-api-widget', affectedVersions: '1.2.0' }),
    );
    expect(lodash.json().possibleDuplicates.some((d: { kind: string }) => d.kind === 'advisory')).toBe(true);
  });

  it('sends each notice by e-mail, only to those who want that kind', async () => {
    const p = await makeUser(s, 'quiet');
    const t = await apiLogin(s, p);
    expect((await api(s, t, 'GET', '/api/me/notifications')).json()).toEqual({
      'state-change': true,
      comment: true,
      reminder: true,
      vote: true,
    });
    const set = await api(s, t, 'PUT', '/api/me/notifications', { comment: false });
    expect(set.json()).toMatchObject({ comment: false, 'state-change': true });
    const id = (await api(s, t, 'POST', '/api/reports', submission({ packageName: 'quiet-widget' }))).json()
      .report.id;
    await api(s, teamToken, 'POST', `/api/reports/${id}/comments`, { body: 'Thanks, looking into it.' });
    await api(s, teamToken, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    await s.inbox.last(p.email, new RegExp(`${id} is now accepted`));
    expect(s.inbox.messages.some((m) => m.to.includes(p.email) && m.subject.includes('New comment'))).toBe(
      false,
    );
    expect(
      s.inbox.messages.some(
        (m) => m.to.includes(triage2.email) && m.subject === `[nswg] New comment on ${id}`,
      ),
    ).toBe(true);
  });

  it('names every bad field of a submission at once', async () => {
    const p = await makeUser(s, 'sloppy');
    const t = await apiLogin(s, p);
    const res = await api(s, t, 'POST', '/api/reports', {
      kind: 'npm',
      packageName: 'Not A Name',
      title: 'x',
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().problems.map((x: { field: string }) => x.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'packageName',
        'affectedVersions',
        'title',
        'description',
        'impact',
        'reproduction',
        'contactedMaintainer',
        'openedIssue',
        'credit',
      ]),
    );
  });

  it('refuses a report from an account whose address is not confirmed', async () => {
    const p = await makeUser(s, 'unconfirmed', { verified: false });
    const res = await api(s, await apiLogin(s, p), 'POST', '/api/reports', submission());
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/confirm your e-mail address/);
  });

  it('gives admins the audit log with who, when and from where of every read', async () => {
    const p = await makeUser(s, 'audited');
    const t = await apiLogin(s, p);
    const id = (await api(s, t, 'POST', '/api/reports', submission({ packageName: 'audited-pkg' }))).json()
      .report.id;
    await s.app.inject({
      method: 'GET',
      url: `/api/reports/${id}`,
      headers: { authorization: `Bearer ${teamToken}`, 'user-agent': 'curious-agent/1.0' },
      remoteAddress: '192.0.2.44',
    });
    expect((await api(s, teamToken, 'GET', '/api/audit-log')).statusCode).toBe(403);
    const log = await api(s, adminToken, 'GET', `/api/audit-log?reportId=${id}`);
    expect(log.statusCode).toBe(200);
    const read = log
      .json()
      .find(
        (e: { action: string; actorId: string }) =>
          e.action === 'report.read' && e.actorId === triage.user.id,
      );
    expect(read).toMatchObject({ ip: '192.0.2.44', userAgent: 'curious-agent/1.0', reportId: id });
  });

  it('appears in the OpenAPI document, every /api route with its schema', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/signup',
      '/api/login',
      '/api/reports',
      '/api/reports/{id}',
      '/api/reports/{id}/transitions',
      '/api/reports/{id}/invitations',
      '/api/proposals/{id}/votes',
      '/api/audit-log',
      '/api/reports/{id}/fix-proposals',
      '/api/reports/{id}/disclosure-statements',
      '/api/cve-requests',
      '/api/cve-requests/{id}',
      '/api/cve-requests/{id}/refuse',
    ])
      expect(paths).toContain(p);
    expect(doc.paths['/api/reports'].post.requestBody).toBeDefined();
    const statements = doc.paths['/api/reports/{id}/disclosure-statements'].post;
    expect(Object.keys(statements.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'attachments',
      'comments',
      'proofOfConcept',
    ]);
    const fix = doc.paths['/api/reports/{id}/fix-proposals'].post;
    expect(fix.requestBody.content['application/json'].schema.required).toEqual([
      'patchedVersions',
      'releaseDate',
    ]);
    expect(fix.responses['201']).toBeDefined();
    expect(paths.some((p) => p.startsWith('/disclosure'))).toBe(false);
  });
});
