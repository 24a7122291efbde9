// The attacks a security review of the running server performed, each done again over HTTP: every
// one succeeded before the defence it now meets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore } from '../../../src/store/index.js';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  nextCode,
  PageSession,
  PUBLIC_URL,
  SECRET,
  submission,
  TEST_ARGON2,
  type TestServer,
  testServer,
  totpCode,
} from './helpers.js';

const engines = await testEngines();

/** The token of a link in a delivered message. */
const tokenOf = (link: string) => decodeURIComponent(link.split('/').pop()!);

describe.each(engines)('attacks on the disclosure program (%s)', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** An accepted npm report of `reporter`'s, triaged by `triage`; its id. */
  async function acceptedReport(
    reporterToken: string,
    triageToken: string,
    over: Record<string, unknown> = {},
  ): Promise<string> {
    const sent = await api(s, reporterToken, 'POST', '/api/reports', submission(over));
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().report.id as string;
    const ok = await api(s, triageToken, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    expect(ok.statusCode, ok.body).toBe(200);
    return id;
  }

  it('a pre-registered address: the squatter gets no token and reads nothing, and the owner’s sign-up replaces the account', async () => {
    const squat = await api(s, null, 'POST', '/api/signup', {
      email: 'victim@example.org',
      displayName: 'Victim',
      password: 'the squatter password',
    });
    expect(squat.statusCode).toBe(202);
    const attacker = (
      await api(s, null, 'POST', '/api/login', {
        email: 'victim@example.org',
        password: 'the squatter password',
      })
    ).json().token as string;
    // before: an API token (201) that later read the owner's report
    const token = await api(s, attacker, 'POST', '/api/tokens', { name: 'later', scopes: ['reports:read'] });
    expect(token.statusCode).toBe(403);
    expect(token.json().message).toMatch(/confirm your e-mail address first/);
    expect((await api(s, attacker, 'POST', '/api/reports', submission())).statusCode).toBe(403);
    // before: 409, which told the owner (and anyone) that the address was registered
    const owner = await api(s, null, 'POST', '/api/signup', {
      email: 'victim@example.org',
      displayName: 'The owner',
      password: 'the owner password!',
    });
    expect(owner.statusCode).toBe(202);
    expect(owner.json()).toEqual(squat.json());
    // the squatter's session is gone with the account it belonged to
    expect((await api(s, attacker, 'GET', '/api/me')).statusCode).toBe(401);
    const link = await s.inbox.link(
      'victim@example.org',
      /Confirm your e-mail/,
      `${PUBLIC_URL}/disclosure/verify-email/`,
    );
    expect((await api(s, null, 'POST', '/api/verify-email', { token: tokenOf(link) })).statusCode).toBe(200);
    const ownerToken = (
      await api(s, null, 'POST', '/api/login', {
        email: 'victim@example.org',
        password: 'the owner password!',
      })
    ).json().token as string;
    const report = await api(
      s,
      ownerToken,
      'POST',
      '/api/reports',
      submission({ title: 'The owner’s private report' }),
    );
    expect(report.statusCode).toBe(201);
    expect(
      (
        await api(s, null, 'POST', '/api/login', {
          email: 'victim@example.org',
          password: 'the squatter password',
        })
      ).statusCode,
    ).toBe(401);
    // a confirmed address signed up again: the same answer, nothing changed, and its owner is told
    const again = await api(s, null, 'POST', '/api/signup', {
      email: 'victim@example.org',
      displayName: 'Mallory',
      password: 'mallory password!',
    });
    expect(again.json()).toEqual(owner.json());
    expect((await s.inbox.last('victim@example.org', /Someone signed up with your address/)).text).toContain(
      'Nothing was changed',
    );
  });

  it('a password reset ends every session and API token, and voids every other reset link', async () => {
    const p = await makeUser(s, 'resetter');
    const session = await apiLogin(s, p);
    const token = (
      await api(s, session, 'POST', '/api/tokens', { name: 'ci', scopes: ['reports:read'] })
    ).json().token as string;
    expect((await api(s, token, 'GET', '/api/reports')).statusCode).toBe(200);
    expect((await api(s, null, 'POST', '/api/password-reset', { email: p.email })).statusCode).toBe(202);
    const first = tokenOf(
      await s.inbox.link(p.email, /Reset your password/, `${PUBLIC_URL}/disclosure/password-reset/`),
    );
    expect((await api(s, null, 'POST', '/api/password-reset', { email: p.email })).statusCode).toBe(202);
    const second = tokenOf(
      await s.inbox.link(p.email, /Reset your password/, `${PUBLIC_URL}/disclosure/password-reset/`),
    );
    expect(second).not.toBe(first);
    const set = await api(s, null, 'POST', '/api/password-reset/confirm', {
      token: second,
      password: 'the new password',
    });
    expect(set.statusCode).toBe(200);
    expect((await api(s, session, 'GET', '/api/me')).statusCode).toBe(401);
    expect((await api(s, token, 'GET', '/api/reports')).statusCode).toBe(401);
    // before: the older link still worked after the later reset
    const older = await api(s, null, 'POST', '/api/password-reset/confirm', {
      token: first,
      password: 'an attacker password',
    });
    expect(older.statusCode).toBe(400);
    expect(older.json().code).toBe('E_TOKEN');
  });

  it('a read-only token of an admin cannot read the outbox or administer accounts; the outbox keeps no usable link', async () => {
    const box = await testServer(engine, { outbox: true, inbox: s.inbox });
    try {
      const admin = await makeUser(box, 'outbox-admin', { roles: ['admin'], totp: true });
      const session = await apiLogin(box, admin);
      const made = await api(box, session, 'POST', '/api/tokens', {
        name: 'read',
        scopes: ['reports:read', 'advisories:read', 'audit:read'],
      });
      const token = made.json().token as string;
      const user = await makeUser(box, 'outbox-user');
      expect((await api(box, null, 'POST', '/api/password-reset', { email: user.email })).statusCode).toBe(
        202,
      );
      for (const [method, url, body] of [
        ['GET', '/api/outbox', undefined],
        ['GET', '/api/users', undefined],
        ['GET', '/api/team', undefined],
        ['PUT', `/api/users/${user.user.id}/roles`, { roles: ['admin'] }],
        ['POST', `/api/users/${user.user.id}/links`, { purpose: 'reset-password' }],
      ] as const) {
        const res = await api(box, token, method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().message).toMatch(/login session with two factors, not an API token/);
      }
      // the admin's own session reads it: the reset link is not there
      const outbox = await api(box, session, 'GET', '/api/outbox');
      expect(outbox.statusCode).toBe(200);
      const reset = (outbox.json() as { to: string; text: string }[]).find((m) => m.to === user.email)!;
      expect(reset.text).toContain('[link withheld');
      expect(reset.text).not.toMatch(/\/disclosure\/password-reset\/\S/);
      const rows = await box.store.db
        .selectFrom('outbox' as never)
        .selectAll()
        .execute();
      expect(JSON.stringify(rows)).not.toMatch(/password-reset\/[A-Za-z0-9_-]{20}/);
    } finally {
      await box.close();
    }
  });

  it('a maintainer cannot shrink a published advisory: after the fix, the fixed versions are the team’s word', async () => {
    const reporter = await makeUser(s, 'shrink-reporter');
    const t1 = await makeUser(s, 'shrink-triage', { roles: ['triage'], totp: true });
    const t2 = await makeUser(s, 'shrink-triage2', { roles: ['triage'], totp: true });
    const maint = await makeUser(s, 'shrink-maint');
    const tt = await apiLogin(s, t1);
    const id = await acceptedReport(await apiLogin(s, reporter), tt, {
      packageName: 'shrink-widget',
      affectedVersions: '<2.0.0',
    });
    const inv = await api(s, tt, 'POST', `/api/reports/${id}/invitations`, { email: maint.email });
    expect(inv.statusCode).toBe(201);
    const link = await s.inbox.link(maint.email, /invited/, `${PUBLIC_URL}/disclosure/invitations/`);
    const mt = await apiLogin(s, maint);
    expect((await api(s, mt, 'POST', '/api/invitations/accept', { token: tokenOf(link) })).statusCode).toBe(
      200,
    );
    expect(
      (await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'start-fix' })).statusCode,
    ).toBe(200);
    const fixed = await api(s, mt, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'mark-fixed',
      patchedVersions: '>=2.0.0',
    });
    expect(fixed.json().report.patchedVersions).toBe('>=2.0.0');
    // the attack: a new proposal claiming almost every version fixed
    const shrink = await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=0.0.1',
      releaseDate: '2026-01-06',
    });
    expect(shrink.statusCode).toBe(201);
    expect(shrink.json().report.patchedVersions).toBe('>=2.0.0');
    expect(shrink.json().report.fixProposal).toMatchObject({
      patchedVersions: '>=0.0.1',
      awaitsConfirmation: true,
    });
    // the maintainer cannot confirm it themselves
    expect((await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals/confirm`)).statusCode).toBe(403);
    const published = await api(s, await apiLogin(s, t2), 'POST', `/api/reports/${id}/transitions`, {
      transition: 'publish',
    });
    expect(published.statusCode).toBe(200);
    const bulk = await s.app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: { 'shrink-widget': ['1.0.0', '1.9.9', '2.0.0'] },
    });
    expect(bulk.json()['shrink-widget'][0].vulnerable_versions).toBe('<2.0.0');
  });

  it('the team confirms a maintainer’s later proposal when it is right, and only then is it published', async () => {
    const reporter = await makeUser(s, 'confirm-reporter');
    const t1 = await makeUser(s, 'confirm-triage', { roles: ['triage'], totp: true });
    const tt = await apiLogin(s, t1);
    const id = await acceptedReport(await apiLogin(s, reporter), tt, { packageName: 'confirm-widget' });
    await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'invite-maintainer' });
    const maint = await makeUser(s, 'confirm-maint');
    await api(s, tt, 'POST', `/api/reports/${id}/invitations`, { email: maint.email });
    const link = await s.inbox.link(maint.email, /invited/, `${PUBLIC_URL}/disclosure/invitations/`);
    const mt = await apiLogin(s, maint);
    await api(s, mt, 'POST', '/api/invitations/accept', { token: tokenOf(link) });
    await api(s, mt, 'POST', `/api/reports/${id}/transitions`, { transition: 'start-fix' });
    await api(s, mt, 'POST', `/api/reports/${id}/transitions`, {
      transition: 'mark-fixed',
      patchedVersions: '>=1.4.2',
    });
    await api(s, mt, 'POST', `/api/reports/${id}/fix-proposals`, {
      patchedVersions: '>=1.4.3',
      releaseDate: '2026-01-08',
    });
    const confirmed = await api(s, tt, 'POST', `/api/reports/${id}/fix-proposals/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().report.patchedVersions).toBe('>=1.4.3');
    const log = await s.store.auditLog.list({ reportId: id, limit: 1000 });
    expect(log.find((e) => e.action === 'report.fix-confirm')).toMatchObject({
      actorId: t1.user.id,
      details: { patchedVersions: '>=1.4.3', previous: '>=1.4.2' },
    });
  });

  it('a TOTP code is accepted once, and a failed login does not say which part was wrong', async () => {
    const t = await makeUser(s, 'once-triage', { roles: ['triage'], totp: true });
    const code = nextCode(s, t);
    const ok = await api(s, null, 'POST', '/api/login', { email: t.email, password: t.password, code });
    expect(ok.statusCode).toBe(200);
    // before: the same code, within its 30-second window, opened a second session
    const replay = await api(s, null, 'POST', '/api/login', { email: t.email, password: t.password, code });
    expect(replay.statusCode).toBe(401);
    const wrongPassword = await api(s, null, 'POST', '/api/login', {
      email: t.email,
      password: 'not the password!',
      code: nextCode(s, t),
    });
    const wrongCode = await api(s, null, 'POST', '/api/login', {
      email: t.email,
      password: t.password,
      code: totpCode(t.totpSecret!, new Date(s.clock.now().getTime() + 3_600_000)),
    });
    const noCode = await api(s, null, 'POST', '/api/login', { email: t.email, password: t.password });
    for (const res of [replay, wrongPassword, wrongCode, noCode]) expect(res.json()).toEqual(replay.json());
    expect(replay.json()).toMatchObject({
      field: 'credentials',
      message: 'wrong e-mail address, password or code',
    });
    // a recovery code stands in for a lost phone, once
    const recovery = await api(s, null, 'POST', '/api/login', {
      email: t.email,
      password: t.password,
      code: t.recoveryCodes[3],
    });
    expect(recovery.statusCode).toBe(200);
    const again = await api(s, null, 'POST', '/api/login', {
      email: t.email,
      password: t.password,
      code: t.recoveryCodes[3],
    });
    expect(again.statusCode).toBe(401);
  });

  it('locks an address after repeated failures on one instance, and the other instance knows it', async () => {
    const target = await makeUser(s, 'brute-target');
    const store2 = await openStore(s.tdb.target, {
      mode: 'existing',
      clock: s.clock,
      argon2: TEST_ARGON2,
      secret: SECRET,
    });
    const app2 = await buildApp({
      store: store2,
      config: serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: PUBLIC_URL }),
      clock: s.clock,
      disclosure: {
        schedulerIntervalMs: null,
        rateLimits: { login: null, signup: null, reset: null, submit: null },
      },
    });
    try {
      const other = { ...s, app: app2 };
      for (let i = 0; i < 5; i++) {
        const res = await api(i % 2 ? other : s, null, 'POST', '/api/login', {
          email: target.email,
          password: `guess number ${i}!`,
        });
        expect(res.statusCode).toBe(401);
      }
      for (const server of [s, other]) {
        const locked = await api(server, null, 'POST', '/api/login', {
          email: target.email,
          password: target.password,
        });
        expect(locked.statusCode).toBe(429);
        expect(locked.json()).toMatchObject({
          code: 'E_LOCKED',
          message: expect.stringMatching(/try again in 1 minute/),
        });
      }
      // the page says the same
      const page = new PageSession(s);
      const form = await page.post('/disclosure/login', { email: target.email, password: target.password });
      expect(form.statusCode).toBe(429);
      expect(form.body).toContain('Too many failed logins for this address');
      s.clock.advance(61_000);
      expect(
        (await api(other, null, 'POST', '/api/login', { email: target.email, password: target.password }))
          .statusCode,
      ).toBe(200);
    } finally {
      await app2.close();
      await store2.close();
    }
  });

  it('an invitation is accepted only by the account of the address it was sent to, and the team revokes, re-sends and removes', async () => {
    const reporter = await makeUser(s, 'inv-reporter');
    const t = await makeUser(s, 'inv-triage', { roles: ['triage'], totp: true });
    const tt = await apiLogin(s, t);
    const id = await acceptedReport(await apiLogin(s, reporter), tt, { packageName: 'bound-widget' });
    const sent = await api(s, tt, 'POST', `/api/reports/${id}/invitations`, {
      email: 'bound-maint@example.org',
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.json().link).toBeUndefined();
    const link = tokenOf(
      await s.inbox.link('bound-maint@example.org', /invited/, `${PUBLIC_URL}/disclosure/invitations/`),
    );
    // before: any account holding the link became a maintainer
    const holder = await apiLogin(s, await makeUser(s, 'link-holder'));
    const stolen = await api(s, holder, 'POST', '/api/invitations/accept', { token: link });
    expect(stolen.statusCode).toBe(403);
    expect(stolen.json().message).toMatch(/this invitation was sent to b…@example\.org/);
    expect((await api(s, holder, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    // an unconfirmed account with that address cannot either
    const unconfirmed = await makeUser(s, 'bound-maint', { verified: false });
    const early = await api(s, await apiLogin(s, unconfirmed), 'POST', '/api/invitations/accept', {
      token: link,
    });
    expect(early.statusCode).toBe(403);
    // re-sent: the old link stops working, the new one works for the right account
    const view = await api(s, tt, 'GET', `/api/reports/${id}`);
    const invitationId = sent.json().invitationId as string;
    const resent = await api(s, tt, 'POST', `/api/reports/${id}/invitations/${invitationId}/resend`);
    expect(resent.statusCode, resent.body).toBe(201);
    expect(view.statusCode).toBe(200);
    const fresh = tokenOf(
      await s.inbox.link('bound-maint@example.org', /invited/, `${PUBLIC_URL}/disclosure/invitations/`),
    );
    expect(fresh).not.toBe(link);
    await s.store.accounts.verifyEmail(await s.store.accounts.startEmailVerification(unconfirmed.user.id), {
      ip: null,
    });
    const mt = await apiLogin(s, unconfirmed);
    expect((await api(s, mt, 'POST', '/api/invitations/accept', { token: link })).statusCode).toBe(400);
    expect((await api(s, mt, 'POST', '/api/invitations/accept', { token: fresh })).statusCode).toBe(200);
    expect((await api(s, mt, 'GET', `/api/reports/${id}`)).json().form).toBe('full');
    // a second invitation, revoked before it is used
    const second = await api(s, tt, 'POST', `/api/reports/${id}/invitations`, {
      email: 'second@example.org',
    });
    const secondLink = tokenOf(
      await s.inbox.link('second@example.org', /invited/, `${PUBLIC_URL}/disclosure/invitations/`),
    );
    const revoked = await api(
      s,
      tt,
      'POST',
      `/api/reports/${id}/invitations/${second.json().invitationId}/revoke`,
    );
    expect(revoked.statusCode).toBe(200);
    const second2 = await apiLogin(s, await makeUser(s, 'second'));
    expect((await api(s, second2, 'POST', '/api/invitations/accept', { token: secondLink })).statusCode).toBe(
      400,
    );
    // the maintainer cannot manage invitations; the team removes the maintainer, who then sees nothing
    expect(
      (await api(s, mt, 'POST', `/api/reports/${id}/invitations/${invitationId}/revoke`)).statusCode,
    ).toBe(403);
    const removed = await api(s, tt, 'DELETE', `/api/reports/${id}/maintainers/${unconfirmed.user.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await api(s, mt, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    const actions = (await s.store.auditLog.list({ reportId: id, limit: 1000 })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'maintainer.invite',
        'maintainer.invite-resend',
        'maintainer.join',
        'maintainer.invite-revoke',
        'maintainer.remove',
      ]),
    );
  });

  it('keeps no TOTP secret and no signing secret in the database', async () => {
    const t = await makeUser(s, 'sealed', { roles: ['triage'], totp: true });
    const row = await s.store.db
      .selectFrom('users' as never)
      .select(['totp_secret' as never])
      .where('id' as never, '=', t.user.id as never)
      .executeTakeFirst();
    const sealed = (row as { totp_secret: string }).totp_secret;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(t.totpSecret!);
    const meta = await s.store.meta.all();
    expect(Object.keys(meta)).not.toContain('disclosure.secret');
    expect(JSON.stringify(meta)).not.toContain(SECRET);
  });

  it('publishes early, before a fix, on the word of two team members, and the advisory says why', async () => {
    const reporter = await makeUser(s, 'early-reporter');
    const t1 = await makeUser(s, 'early-triage', { roles: ['triage'], totp: true });
    const t2 = await makeUser(s, 'early-triage2', { roles: ['triage'], totp: true });
    const tt = await apiLogin(s, t1);
    const rt = await apiLogin(s, reporter);
    const id = await acceptedReport(rt, tt, { packageName: 'early-widget', affectedVersions: '>=1.0.0' });
    // before: no way to publish an unfixed report before its deadline
    const refused = await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'publish' });
    expect(refused.statusCode).toBe(403);
    expect(
      (
        await api(s, rt, 'PUT', `/api/reports/${id}/early-publication`, {
          reason: 'already-public',
          details: 'x'.repeat(20),
        })
      ).statusCode,
    ).toBe(403);
    const asked = await api(s, tt, 'PUT', `/api/reports/${id}/early-publication`, {
      reason: 'actively-exploited',
      details: 'exploited in the wild against CI systems since 2026-01-04',
    });
    expect(asked.statusCode, asked.body).toBe(200);
    // who asked cannot also publish it: a second member must
    const same = await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'publish' });
    expect(same.statusCode).toBe(403);
    expect(same.json().message).toMatch(/needs a second team member/);
    const published = await api(s, await apiLogin(s, t2), 'POST', `/api/reports/${id}/transitions`, {
      transition: 'publish',
    });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().report.withoutFix).toBe('early-publication');
    const advisory = await s.store.advisories.get(published.json().report.advisoryId);
    expect(advisory!.recommendation).toMatch(
      /published before a fix, ahead of its deadline, because the vulnerability is being exploited: exploited in the wild/,
    );
    expect(advisory!.affected[0]).toMatchObject({ vulnerable: '>=1.0.0', patched: null });
    const pub = await api(s, null, 'GET', `/api/reports/${id}`);
    expect(pub.json().report).toMatchObject({
      withoutFix: 'early-publication',
      earlyPublication: { reason: 'actively-exploited' },
    });
  });

  it('keeps a session alive while it is used, and a form sent after it ended says so and gives the text back', async () => {
    const p = await makeUser(s, 'away');
    const b = new PageSession(s);
    await b.login(p);
    const sent = await b.post('/disclosure/reports', {
      kind: 'npm',
      packageName: 'away-widget',
      affectedVersions: '<1.0.0',
      title: 'A report before the holidays',
      description: 'A description that is long enough to pass the form.',
      impact: 'Impact.',
      reproduction: 'Steps: call merge() with a __proto__ key.',
      contactedMaintainer: 'no',
      openedIssue: 'no',
      creditAs: 'anonymous',
    });
    expect(sent.statusCode, sent.body.slice(0, 300)).toBe(303);
    const report = (sent.headers.location as string).replace(/\?.*$/, '');
    // used every few days: the session is renewed, well past 14 days
    for (let day = 0; day < 30; day += 5) {
      s.clock.advanceDays(5);
      expect((await b.get('/disclosure/reports')).statusCode, `day ${day + 5}`).toBe(200);
    }
    const csrf = await b.csrf(report);
    // away for 15 days: the session ends; before, the comment was lost on a silent redirect to login
    s.clock.advanceDays(15);
    const lost = await b.post(`${report}/comments`, { body: 'A long comment I wrote for an hour.' }, csrf);
    expect(lost.statusCode).toBe(401);
    expect(lost.body).toContain('Your session ended');
    expect(lost.body).toContain('<strong>not saved</strong>');
    expect(lost.body).toContain('A long comment I wrote for an hour.');
    const again = await b.get(report);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toMatch(/^\/disclosure\/login\?next=.*&msg=session-ended$/);
    expect((await b.get(again.headers.location as string)).body).toContain('Your session ended');
    // over the API, a session that ended says to log in again
    const token = await apiLogin(s, p);
    s.clock.advanceDays(15);
    const res = await api(s, token, 'GET', '/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/log in again/);
  });

  it('without a mail server, every page that promises mail says where it goes and how an admin helps', async () => {
    const box = await testServer(engine, { outbox: true, inbox: s.inbox });
    try {
      const b = new PageSession(box);
      for (const url of ['/disclosure/signup', '/disclosure/password-reset'])
        expect((await b.get(url)).body, url).toContain(
          'This server sends no e-mail (no SMTP server is configured)',
        );
      const signed = await b.post('/disclosure/signup', {
        email: 'nomail@example.org',
        displayName: 'No Mail',
        password: 'a long enough password',
      });
      expect(signed.statusCode).toBe(202);
      expect(signed.body).toContain('an admin of the program confirms your address');
      const api202 = await api(box, null, 'POST', '/api/signup', {
        email: 'nomail2@example.org',
        displayName: 'No Mail',
        password: 'a long enough password',
      });
      expect(api202.json().message).toMatch(/This server sends no e-mail/);
      await b.login({
        email: 'nomail@example.org',
        password: 'a long enough password',
        totpSecret: null,
      } as never);
      const account = (await b.get('/disclosure/account')).body;
      expect(account).toContain('Your e-mail address is not confirmed yet');
      expect(account).toContain('nswg user confirm');
      // an invitation made here comes back to the inviter to hand over: only its address can accept it
      const reporter = await makeUser(box, 'nm-reporter');
      const t = await makeUser(box, 'nm-triage', { roles: ['triage'], totp: true });
      const tt = await apiLogin(box, t);
      const rep = await api(box, await apiLogin(box, reporter), 'POST', '/api/reports', submission());
      const id = rep.json().report.id as string;
      await api(box, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
      const inv = await api(box, tt, 'POST', `/api/reports/${id}/invitations`, {
        email: 'nm-maint@example.org',
      });
      expect(inv.json().link).toMatch(new RegExp(`^${PUBLIC_URL}/disclosure/invitations/`));
    } finally {
      await box.close();
    }
  });
});
