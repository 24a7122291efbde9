import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_RETRY } from '../../../src/disclosure/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { testEngines } from '../../helpers/db.js';
import { api, apiLogin, makeUser, PageSession, type Person, type TestServer, testServer } from './helpers.js';

const engines = await testEngines();

describe.each(engines)('the mail queue over HTTP, on %s', (engine) => {
  let s: TestServer;
  let admin: Person;
  let adminToken: string;
  beforeAll(async () => {
    s = await testServer(engine, { disclosure: { mailIntervalMs: null, mailDelivery: { random: () => 0 } } });
    admin = await makeUser(s, 'mail-admin', { roles: ['admin'], totp: true });
    adminToken = await apiLogin(s, admin);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps a sign-up mail the SMTP server refuses, shows it to admins without its link, and sends it on a retry', async () => {
    s.inbox.refuse = { stage: 'rcpt', code: 550 };
    const signup = await api(s, null, 'POST', '/api/signup', {
      email: 'new.person@example.org',
      displayName: 'New Person',
      handle: 'newperson',
      password: 'a long enough password',
    });
    expect(signup.statusCode).toBe(202);
    const pending = await api(s, adminToken, 'GET', '/api/mail-queue?state=pending');
    expect(pending.statusCode).toBe(200);
    const [m] = pending.json() as { id: string; to: string; attempts: number; lastError: string }[];
    expect(m).toMatchObject({ to: 'new.person@example.org', attempts: 1, state: 'pending' });
    expect(m!.lastError).toContain('550');
    expect(pending.body).not.toMatch(/verify-email\//);
    expect(pending.body).not.toContain('"text"');
    // the loop tries it until it gives it up
    const delivery = disclosureOf(s.app).mailDelivery!;
    for (let i = 1; i < MAIL_RETRY.maxAttempts; i++) {
      s.clock.advance(4 * 3_600_000);
      await delivery.runOnce();
    }
    expect(await s.store.mailQueue.counts()).toEqual({ pending: 0, failed: 1 });
    const failed = (await api(s, adminToken, 'GET', '/api/mail-queue?state=failed')).json();
    expect(failed).toMatchObject([{ id: m!.id, state: 'failed', attempts: MAIL_RETRY.maxAttempts }]);
    // the team sees it on the outbox page, with a way to try it again
    const b = new PageSession(s);
    await b.login(admin);
    const page = await b.get('/disclosure/admin/outbox');
    expect(page.body).toContain(`data-mail="${m!.id}"`);
    expect(page.body).toContain('new.person@example.org');
    expect(page.body).not.toMatch(/verify-email\//);
    // the SMTP server is fixed: the admin tries it again, and the audit log says so
    s.inbox.refuse = null;
    const retried = await b.post(
      `/disclosure/admin/mail/${m!.id}/retry`,
      {},
      await b.csrf('/disclosure/admin/outbox'),
    );
    expect(retried.statusCode).toBe(303);
    const mail = await s.inbox.last('new.person@example.org', /Confirm your e-mail/);
    expect(mail.text).toMatch(/\/disclosure\/verify-email\/\S+/);
    expect(await s.store.mailQueue.counts()).toEqual({ pending: 0, failed: 0 });
    const log = (await api(s, adminToken, 'GET', '/api/audit-log')).json() as {
      action: string;
      details: unknown;
    }[];
    expect(log.filter((e) => e.action === 'mail.retry')).toHaveLength(1);
    // sent: nothing to retry any more
    expect((await api(s, adminToken, 'POST', `/api/mail-queue/${m!.id}/retry`)).statusCode).toBe(404);
  });

  it('lets only admins, in a session with two factors, see the queue and retry', async () => {
    const p = await makeUser(s, 'mail-nobody');
    const t = await apiLogin(s, p);
    expect((await api(s, t, 'GET', '/api/mail-queue?state=failed')).statusCode).toBe(403);
    expect((await api(s, null, 'GET', '/api/mail-queue?state=failed')).statusCode).toBe(401);
    expect((await api(s, adminToken, 'GET', '/api/mail-queue?state=other')).statusCode).toBe(400);
  });
});
