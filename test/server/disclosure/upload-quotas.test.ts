// The attack of a participant who fills the database with attachments: twenty 1 MiB files in a row
// must meet the upload quota (429 E_QUOTA, saying which limit and when it frees up), counted in the
// database so that two server instances on it share the count, while other users are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../../src/mail/index.js';
import type { DisclosureOptions } from '../../../src/server/deps.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  PageSession,
  type Person,
  PNG,
  SECRET,
  submission,
  TEST_ARGON2,
  type TestServer,
  testServer,
} from './helpers.js';
import { apiUpload, pageMessage, pageUpload } from './upload-helpers.js';

const engines = await testEngines();
const MiB = 1024 * 1024;
/** A 1 MiB PNG (its signature, then padding). */
const png = (i: number) => ({
  name: `shot-${i}.png`,
  type: 'image/png',
  bytes: Buffer.concat([PNG, Buffer.alloc(MiB - PNG.length, i)]),
});

describe.each(engines)('upload quotas (%s)', (engine) => {
  let s: TestServer;
  /** Another server instance on the same database, as behind a load balancer. */
  let other: { app: App; store: Store };
  let reporter: Person;
  let triage: Person;
  let rt: string;
  let id: string;

  /** Another instance on the test server's database, with these disclosure options. */
  async function instance(disclosure: DisclosureOptions = {}) {
    const store = await openStore(s.tdb.target, {
      mode: 'existing',
      clock: s.clock,
      argon2: TEST_ARGON2,
      secret: SECRET,
    });
    const app = await buildApp({
      store,
      config: serverConfig({ logLevel: 'silent', rateLimit: null }),
      clock: s.clock,
      mailer: new OutboxMailer(store.outbox),
      disclosure: {
        schedulerIntervalMs: null,
        rateLimits: { login: null, signup: null, reset: null, submit: null },
        ...disclosure,
      },
    });
    await app.ready();
    return { app, store };
  }
  const on = (app: App): TestServer => ({ ...s, app });
  /** When a file refused now may be attached, as the quota says it: 10 minutes on, rounded up to the minute. */
  const inTenMinutes = () => {
    const t = new Date(Math.ceil((s.clock.now().getTime() + 10 * 60_000) / 60_000) * 60_000);
    return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC (in 10 minutes)`;
  };
  const count = async () =>
    (await api(s, rt, 'GET', `/api/reports/${id}`)).json().attachments.length as number;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    other = await instance();
    reporter = await makeUser(s, 'quota-reporter');
    triage = await makeUser(s, 'quota-triage', { roles: ['triage'], totp: true });
    rt = await apiLogin(s, reporter);
    const sent = await api(s, rt, 'POST', '/api/reports', submission({ packageName: 'quota-widget' }));
    expect(sent.statusCode, sent.body).toBe(201);
    id = sent.json().report.id;
  });
  afterAll(async () => {
    await other?.app.close();
    await other?.store.close();
    await s?.close();
  });

  it('stops twenty 1 MiB attachments in a row after ten, across two instances, saying which limit and when it frees up', async () => {
    const statuses: number[] = [];
    let refused: { code: string; message: string; field: string } | null = null;
    for (let i = 0; i < 20; i++) {
      // alternate between the instances: the count lives in the database, not in either process
      const res = await apiUpload(on(i % 2 ? other.app : s.app), rt, id, png(i));
      statuses.push(res.statusCode);
      if (res.statusCode !== 201) refused ??= res.json();
    }
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(429)]);
    expect(refused).toEqual({
      statusCode: 429,
      code: 'E_QUOTA',
      error: 'Too Many Requests',
      field: 'file',
      message: `upload quota: at most 10 files per 10 minutes per person; this file may be attached from ${inTenMinutes()}`,
    });
    expect(await count()).toBe(10);
  });

  it('stops them through the report page too, with the same message', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    const res = await pageUpload(s, b, id, png(20));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(429);
    expect(pageMessage(res)).toBe(
      `upload quota: at most 10 files per 10 minutes per person; this file may be attached from ${inTenMinutes()}`,
    );
    expect(await count()).toBe(10);
  });

  it('leaves other users alone: the team on the same report, another reporter on theirs', async () => {
    const tt = await apiLogin(s, triage);
    const team = await apiUpload(s, tt, id, png(30));
    expect(team.statusCode, team.body).toBe(201);
    const someone = await makeUser(s, 'quota-other');
    const ot = await apiLogin(s, someone);
    const theirs = await api(s, ot, 'POST', '/api/reports', submission({ packageName: 'other-widget' }));
    for (let i = 0; i < 3; i++) {
      const res = await apiUpload(on(other.app), ot, theirs.json().report.id, png(40 + i));
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('frees up when it said, then stops the 31st file of the day until a day after the first', async () => {
    const first = s.clock.now().getTime();
    s.clock.advance(10 * 60_000);
    for (let batch = 0; batch < 2; batch++) {
      for (let i = 0; i < 10; i++) {
        const res = await apiUpload(s, rt, id, png(50 + batch * 10 + i));
        expect(res.statusCode, `batch ${batch} file ${i}: ${res.body}`).toBe(201);
      }
      s.clock.advance(10 * 60_000);
    }
    const res = await apiUpload(on(other.app), rt, id, png(99));
    expect(res.statusCode, res.body).toBe(429);
    const free = new Date(first + 86_400_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(res.json().message).toBe(
      `upload quota: at most 30 files per day (any 24 hours) per person; this file may be attached from ${free} UTC (in 23 hours 30 minutes)`,
    );
  });

  it('takes its limits from the server’s options', async () => {
    const strict = await instance({
      uploadQuotas: { burst: { files: 2, windowMs: 60_000 }, reportFiles: 31 },
    });
    try {
      const someone = await makeUser(s, 'quota-strict');
      const token = await apiLogin(s, someone);
      const theirs = (
        await api(s, token, 'POST', '/api/reports', submission({ packageName: 'strict-widget' }))
      ).json().report.id;
      const up = (i: number) => apiUpload(on(strict.app), token, theirs, png(i));
      expect((await up(1)).statusCode).toBe(201);
      expect((await up(2)).statusCode).toBe(201);
      expect((await up(3)).json().message).toMatch(/^upload quota: at most 2 files per minute per person;/);
      // the report of the first test holds 31 files: over this instance's cap for anyone
      const tt = await apiLogin(s, triage);
      const capped = await apiUpload(on(strict.app), tt, id, png(4));
      expect(capped.statusCode, capped.body).toBe(429);
      expect(capped.json().message).toBe(
        'upload quota: this report holds 31 files, the most one report may hold; put further files together in a ZIP archive',
      );
    } finally {
      await strict.app.close();
      await strict.store.close();
    }
  });
});
