// Every read of a private report, through any route, lands in the audit log with who, when and
// from where; and the server's scheduler publishes at the deadline, by its timer or when run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  multipart,
  PageSession,
  type Person,
  PNG,
  schedulerOf,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';

const engines = await testEngines();

describe.each(engines)('the audit log of reads (%s)', (engine) => {
  let s: TestServer;
  let reporter: Person;
  let triage: Person;
  let admin: Person;
  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    reporter = await makeUser(s, 'reporter');
    triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
    admin = await makeUser(s, 'admin', { roles: ['admin'], totp: true });
  });
  afterAll(async () => s?.close());

  it('records every read of a private report, by page, API and download, with who, when and from where', async () => {
    const rt = await apiLogin(s, reporter);
    const id = (await api(s, rt, 'POST', '/api/reports', submission({ packageName: 'audit-widget' }))).json()
      .report.id as string;
    const up = multipart({ name: 'shot.png', type: 'image/png', bytes: PNG });
    const att = await s.app.inject({
      method: 'POST',
      url: `/api/reports/${id}/attachments`,
      headers: { ...up.headers, authorization: `Bearer ${rt}` },
      payload: up.payload,
    });
    const attachmentId = att.json().id as string;
    const tt = await apiLogin(s, triage);
    const page = new PageSession(s);
    await page.login(triage);
    const from = { remoteAddress: '192.0.2.77', headers: { 'user-agent': 'reader/2.0' } };
    const seqBefore = (await s.store.auditLog.head()).seq;
    const reads: [string, string, Record<string, string>][] = [
      ['report.read', `/api/reports/${id}`, { authorization: `Bearer ${tt}` }],
      ['report.read', `/disclosure/reports/${id}`, { cookie: page.cookieHeader }],
      ['attachment.read', `/api/attachments/${attachmentId}`, { authorization: `Bearer ${tt}` }],
      ['attachment.read', `/disclosure/attachments/${attachmentId}`, { cookie: page.cookieHeader }],
      ['report.list', '/api/reports', { authorization: `Bearer ${tt}` }],
      ['report.list', '/api/dashboard', { authorization: `Bearer ${tt}` }],
      ['report.list', '/disclosure/triage', { cookie: page.cookieHeader }],
      ['report.read', `/api/reports/${id}/duplicates`, { authorization: `Bearer ${tt}` }],
    ];
    for (const [action, url, headers] of reads) {
      const before = (await s.store.auditLog.head()).seq;
      const res = await s.app.inject({
        method: 'GET',
        url,
        remoteAddress: from.remoteAddress,
        headers: { ...from.headers, ...headers },
      });
      expect(res.statusCode, url).toBe(200);
      const entries = await s.store.auditLog.list({ afterSeq: before });
      const entry = entries.find((e) => e.action === action);
      expect(entry, `${url} is recorded as ${action}`).toMatchObject({
        actorId: triage.user.id,
        actorKind: 'user',
        ip: '192.0.2.77',
        userAgent: 'reader/2.0',
      });
      expect(Date.parse(entry!.at)).toBe(s.clock.now().getTime());
      if (action !== 'report.list') expect(entry!.reportId).toBe(id);
      else expect(JSON.stringify(entry!.details)).toContain(id);
    }
    // the admins' view of the log, and the chain still verifies
    const at = await apiLogin(s, admin);
    const log = await api(s, at, 'GET', `/api/audit-log?afterSeq=${seqBefore}`);
    expect(log.json().filter((e: { action: string }) => e.action === 'report.read')).toHaveLength(3);
    expect(await s.store.auditLog.verify()).toMatchObject({ ok: true });
    // a refused read is not a read, but it is recorded as a refusal: who tried to see a private report
    const strangerPerson = await makeUser(s, 'stranger');
    const stranger = await apiLogin(s, strangerPerson);
    const before = (await s.store.auditLog.head()).seq;
    expect((await api(s, stranger, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    expect((await api(s, null, 'GET', `/api/reports/${id}`)).statusCode).toBe(404);
    const refusals = (await s.store.auditLog.list({ afterSeq: before })).filter((e) => e.reportId === id);
    expect(refusals.map((e) => [e.action, e.actorId, e.actorKind])).toEqual([
      ['report.read-refused', strangerPerson.user.id, 'user'],
      ['report.read-refused', null, 'anonymous'],
    ]);
    // an id that names no report is "not found" too, and there is nothing to record
    expect((await api(s, stranger, 'GET', '/api/reports/no-such-report')).statusCode).toBe(404);
  });
});

describe.each(engines)('the scheduler in the server (%s)', (engine) => {
  it('publishes an unanswered report at day 45 with no upper bound, when run after the clock moves', async () => {
    const s = await testServer(engine, { outbox: true });
    try {
      const reporter = await makeUser(s, 'reporter');
      const triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
      const rt = await apiLogin(s, reporter);
      const tt = await apiLogin(s, triage);
      const id = (
        await api(
          s,
          rt,
          'POST',
          '/api/reports',
          submission({ packageName: 'silent-widget', affectedVersions: '<=3.1.0' }),
        )
      ).json().report.id;
      expect(
        (await api(s, tt, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' })).statusCode,
      ).toBe(200);
      expect(
        (await api(s, tt, 'POST', `/api/reports/${id}/invitations`, { email: 'gone@example.org' }))
          .statusCode,
      ).toBe(201);
      s.clock.advanceDays(44);
      expect((await schedulerOf(s).runDue()).performed.map((a) => a.action)).toEqual([
        'publication-reminder',
      ]);
      // sessions last 14 days: log in again on the day
      expect((await api(s, await apiLogin(s, triage), 'GET', `/api/reports/${id}`)).json().report.state).toBe(
        'maintainer-invited',
      );
      s.clock.advanceDays(1);
      const run = await schedulerOf(s).runDue();
      expect(run.performed.map((a) => a.action)).toEqual(['auto-publish']);
      const report = (await api(s, await apiLogin(s, triage), 'GET', `/api/reports/${id}`)).json().report;
      expect(report).toMatchObject({ state: 'published', patchedVersions: null, publishedWithoutFix: true });
      const advisory = await s.store.advisories.get(report.advisoryId);
      expect(advisory!.affected[0]).toMatchObject({ vulnerable: '*', patched: null });
      const bulk = await s.app.inject({
        method: 'POST',
        url: '/-/npm/v1/security/advisories/bulk',
        payload: { 'silent-widget': ['99.0.0'] },
      });
      expect(bulk.json()['silent-widget'][0].vulnerable_versions).toBe('*');
      // a second run finds nothing to do
      expect((await schedulerOf(s).runDue()).performed).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('runs by itself on its timer, and stops when the server closes', async () => {
    const s = await testServer(engine, { outbox: true, disclosure: { schedulerIntervalMs: 40 } });
    let closed = false;
    try {
      const reporter = await makeUser(s, 'reporter');
      const triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
      const id = (
        await api(
          s,
          await apiLogin(s, reporter),
          'POST',
          '/api/reports',
          submission({ packageName: 'timer-widget' }),
        )
      ).json().report.id;
      expect(
        (
          await api(s, await apiLogin(s, triage), 'POST', `/api/reports/${id}/transitions`, {
            transition: 'accept',
          })
        ).statusCode,
      ).toBe(200);
      s.clock.advanceDays(46);
      let state = '';
      for (let i = 0; i < 100 && state !== 'published'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = (await s.store.reports.transaction((tx) => tx.getReport(id)))!.state;
      }
      expect(state).toBe('published');
      await s.app.close();
      closed = true;
      const seq = (await s.store.auditLog.head()).seq;
      s.clock.advanceDays(100);
      await new Promise((r) => setTimeout(r, 200));
      expect((await s.store.auditLog.head()).seq).toBe(seq);
    } finally {
      if (!closed) await s.app.close();
      await s.close();
    }
  });
});
