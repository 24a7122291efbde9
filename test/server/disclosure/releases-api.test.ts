// The security release routes attacked over HTTP, on SQLite and PostgreSQL: a release under embargo
// asked for by everyone outside the core security team (the reporter of its report among them, an
// account whose address is not confirmed, the triage team), a token that may only read, bodies too large or with
// unknown fields, a plan wrong in many fields, the seven days' rule, the release date, reports of
// the wrong kind or held twice. And on the release day, its advisories, their OSV records and the
// CVE records of their ids served by the public APIs at once — and not a moment before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_OSV_PACKAGE, osvIdOf } from '../../../src/advisories/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { cveSchemaErrors } from '../../helpers/cve.js';
import { testEngines } from '../../helpers/db.js';
import { PUBLIC_URL } from '../../helpers/server.js';
import { api, apiLogin, makeUser, type Person, submission, type TestServer, testServer } from './helpers.js';

const CNA = { orgId: '3c1d8aa1-5a33-4b6c-a5a3-6a1c0c5ff1e4', shortName: 'nswg' };
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const PLAN_STEPS = ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers'];
const NOT_FOUND = 'security release not found';
type Who = 'core' | 'admin' | 'triage' | 'reporter' | 'stranger' | 'unconfirmed';

describe.each(await testEngines())('the security release routes, attacked (%s)', (engine) => {
  let s: TestServer;
  let cnaApp: App;
  const p = {} as Record<Who, Person>;
  const t = {} as Record<Who, string>;
  /** The release every test but the last works on: a week ahead, fixing one core report. */
  let release: string;
  let report: string;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true, cveIds: 5 });
    p.core = await makeUser(s, 'rcore', { roles: ['core-security'], totp: true });
    p.admin = await makeUser(s, 'radmin', { roles: ['admin'], totp: true });
    p.triage = await makeUser(s, 'rtriage', { roles: ['triage'], totp: true });
    p.reporter = await makeUser(s, 'rreporter');
    p.stranger = await makeUser(s, 'rstranger');
    p.unconfirmed = await makeUser(s, 'runconfirmed', { verified: false });
    for (const [k, person] of Object.entries(p)) t[k as Who] = await apiLogin(s, person);
    // the same database served as the program's CNA, which publishes CVE records
    cnaApp = await buildApp({
      store: s.store,
      config: serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: PUBLIC_URL, cna: CNA }),
      clock: s.clock,
      disclosure: { schedulerIntervalMs: null },
    });
  });
  afterAll(async () => {
    await cnaApp?.close();
    await s?.close();
  });

  const plan = (over: Record<string, unknown> = {}) => ({
    targetDate: '2026-01-12',
    stewardId: p.core.user.id,
    releaserIds: [p.admin.user.id],
    lines: [
      { line: 'v22', version: '22.99.1' },
      { line: 'v24', version: '24.99.1' },
    ],
    ...over,
  });
  const planned = async (over: Record<string, unknown> = {}) => {
    const res = await api(s, t.core, 'POST', '/api/releases', plan(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().release.id as string;
  };
  /** A core report of the reporter's, accepted by the core security team. */
  const coreReport = async (title: string) => {
    const sent = await api(
      s,
      t.reporter,
      'POST',
      '/api/reports',
      submission({
        kind: 'core',
        packageName: undefined,
        component: 'http',
        affectedVersions: '>=22.0.0',
        title,
      }),
    );
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json().report.id as string;
    const ok = await api(s, t.core, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' });
    expect(ok.statusCode, ok.body).toBe(200);
    return id;
  };
  const token = async (who: string, scopes: string[]) => {
    const made = await api(s, who, 'POST', '/api/tokens', { name: `r${scopes.join()}`, scopes });
    expect(made.statusCode, made.body).toBe(201);
    return made.json().token as string;
  };
  const refusals = async (releaseId: string) =>
    (await s.store.auditLog.list({ limit: 5000 })).filter(
      (e) => e.action === 'release.read-refused' && e.details.releaseId === releaseId,
    );

  it('keeps a release under embargo from everyone outside the core security team, and logs each refusal', async () => {
    release = await planned();
    report = await coreReport('Request smuggling in the HTTP parser');
    const added = await api(s, t.core, 'POST', `/api/releases/${release}/reports`, {
      reportId: report,
      summary: 'A crafted request splits in two.',
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().release.fixes).toMatchObject([{ reportId: report, lines: ['v22', 'v24'] }]);
    const unknown = await api(s, t.stranger, 'GET', `/api/releases/${crypto.randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    const outside = ['reporter', 'stranger', 'triage', 'unconfirmed'] as const;
    for (const who of outside) {
      // the reporter of its report included: the same answer as for a release that does not exist
      const got = await api(s, t[who], 'GET', `/api/releases/${release}`);
      expect(got.statusCode, who).toBe(404);
      expect(got.json()).toEqual(unknown.json());
      expect(got.json().message).toBe(NOT_FOUND);
      const tick = await api(s, t[who], 'PUT', `/api/releases/${release}/checklist/plan-lines`, {
        done: true,
      });
      expect(tick.statusCode, who).toBe(404);
      const list = await api(s, t[who], 'GET', '/api/releases');
      expect(list.statusCode, who).toBe(200);
      expect(list.body).not.toContain(release);
      expect(list.body).not.toContain('crafted request');
    }
    const refused = await refusals(release);
    expect(refused.map((e) => e.actorId).sort()).toEqual(
      outside.flatMap((who) => [p[who].user.id, p[who].user.id]).sort(),
    );
    // nor do they plan one (403: planning reveals nothing of another release)
    for (const who of outside)
      expect((await api(s, t[who], 'POST', '/api/releases', plan())).statusCode, who).toBe(403);
    expect((await api(s, null, 'POST', '/api/releases', plan())).statusCode).toBe(401);
    // the reporter's own report says nothing of the release it is in
    const own = await api(s, t.reporter, 'GET', `/api/reports/${report}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain(release);
    // the announcement is "not found" before publication, whoever asks: the team too
    for (const who of [null, t.stranger, t.core])
      expect((await api(s, who, 'GET', `/api/releases/${release}/announcement`)).statusCode).toBe(404);
    // the team reads it, and an admin
    for (const who of [t.core, t.admin]) {
      const seen = await api(s, who, 'GET', `/api/releases/${release}`);
      expect(seen.statusCode, seen.body).toBe(200);
      expect(seen.json().fixes[0]).toMatchObject({ title: 'Request smuggling in the HTTP parser' });
    }
  });

  it('lets a token that may only read, read, and change nothing', async () => {
    const readOnly = await token(t.core, ['reports:read']);
    expect((await api(s, readOnly, 'GET', `/api/releases/${release}`)).statusCode).toBe(200);
    expect((await api(s, readOnly, 'GET', '/api/releases')).json().releases[0].id).toBe(release);
    for (const [method, url, body] of [
      ['PUT', `/api/releases/${release}/checklist/plan-lines`, { done: true }],
      ['PUT', `/api/releases/${release}/plan`, plan({ targetDate: undefined })],
      ['POST', `/api/releases/${release}/postpone`, { targetDate: '2026-02-02', reason: 'a token moves it' }],
      ['POST', `/api/releases/${release}/cancel`, { reason: 'a token cancels it' }],
      ['DELETE', `/api/releases/${release}/reports/${report}`, undefined],
      ['POST', '/api/releases', plan()],
    ] as const) {
      const res = await api(s, readOnly, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().message).toMatch(/reports:write/);
    }
    const noScope = await token(t.core, ['advisories:read']);
    expect((await api(s, noScope, 'GET', `/api/releases/${release}`)).statusCode).toBe(403);
    const readWrite = await token(t.core, ['reports:read', 'reports:write']);
    const tick = await api(s, readWrite, 'PUT', `/api/releases/${release}/checklist/plan-lines`, {
      done: true,
    });
    expect(tick.statusCode, tick.body).toBe(200);
    const view = (await api(s, t.core, 'GET', `/api/releases/${release}`)).json();
    expect(view.release.ticks).toEqual([{ step: 'plan-lines', by: p.core.user.id, at: expect.any(String) }]);
  });

  it('refuses bodies too large or with unknown fields, and a plan wrong in many fields, naming each', async () => {
    const long = await api(s, t.core, 'POST', '/api/releases', plan({ stewardId: 'x'.repeat(900_000) }));
    expect(long.statusCode).toBe(400);
    expect(long.json().field).toBe('body.stewardId');
    // the answer names the field, without repeating what was sent
    expect(long.body.length).toBeLessThan(2000);
    const huge = await api(s, t.core, 'POST', '/api/releases', plan({ stewardId: 'x'.repeat(3_000_000) }));
    expect(huge.statusCode).toBe(413);
    const extra = await api(s, t.core, 'POST', '/api/releases', plan({ embargoLifted: true }));
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ field: 'body.embargoLifted' });
    expect(extra.json().message).toContain('embargoLifted');
    const deep = await api(
      s,
      t.core,
      'POST',
      '/api/releases',
      plan({ lines: [{ line: 'v24', version: '24.99.1', secret: 'x' }] }),
    );
    expect(deep.statusCode).toBe(400);
    expect(deep.json().field).toBe('body.lines.0.secret');
    const fixExtra = await api(s, t.core, 'PUT', `/api/releases/${release}/reports/${report}`, {
      summary: 'fine',
      exploit: 'curl …',
    });
    expect(fixExtra.statusCode).toBe(400);
    expect(fixExtra.json().field).toBe('body.exploit');
    const bad = await api(s, t.core, 'POST', '/api/releases', {
      targetDate: '2025-12-31',
      stewardId: ' ',
      releaserIds: [p.admin.user.id, p.admin.user.id],
      lines: [{ line: 'v21x', version: '1' }, { line: 'v22', version: '24.1.0' }, { line: 'v24' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((x: { field: string }) => x.field)).toEqual([
      'targetDate',
      'stewardId',
      'releaserIds',
      'lines[0].line',
      'lines[1].version',
      'lines[2].version',
    ]);
    const triager = await api(s, t.core, 'POST', '/api/releases', plan({ releaserIds: [p.triage.user.id] }));
    expect(triager.statusCode).toBe(400);
    expect(triager.json().field).toBe('releaserIds');
    const summary = await api(s, t.core, 'PUT', `/api/releases/${release}/reports/${report}`, {
      summary: 'x'.repeat(5001),
    });
    expect(summary.statusCode).toBe(400);
    expect(summary.json().field).toBe('summary');
  });

  it('refuses a report of another kind, one in the release already, and one another release holds', async () => {
    const npm = await api(
      s,
      t.reporter,
      'POST',
      '/api/reports',
      submission({ title: 'An npm package flaw' }),
    );
    const npmId = npm.json().report.id as string;
    const wrongKind = await api(s, t.admin, 'POST', `/api/releases/${release}/reports`, { reportId: npmId });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json()).toMatchObject({ code: 'E_RELEASE_INVALID', field: 'reportId' });
    // the core security team does not see npm reports: for them it does not exist
    const unseen = await api(s, t.core, 'POST', `/api/releases/${release}/reports`, { reportId: npmId });
    expect(unseen.statusCode).toBe(404);
    const twice = await api(s, t.core, 'POST', `/api/releases/${release}/reports`, { reportId: report });
    expect(twice.statusCode).toBe(409);
    const other = await planned({ targetDate: '2026-03-03' });
    const held = await api(s, t.core, 'POST', `/api/releases/${other}/reports`, { reportId: report });
    expect(held.statusCode).toBe(409);
    expect(held.json().message).toContain('another security release');
    const cancelled = await api(s, t.core, 'POST', `/api/releases/${other}/cancel`, {
      reason: 'planned to test the rules',
    });
    expect(cancelled.statusCode).toBe(200);
    // and once cancelled, it is nobody's to see but the team's
    expect((await api(s, t.stranger, 'GET', `/api/releases/${other}/announcement`)).statusCode).toBe(404);
  });

  it('pre-announces a week ahead, earlier only with a reason, and publishes on the day, not before', async () => {
    const assigned = await api(s, t.core, 'POST', `/api/reports/${report}/cve`);
    expect(assigned.statusCode, assigned.body).toBe(200);
    const cve = assigned.json().report.cveId as string;
    const assessed = await api(s, t.core, 'PATCH', `/api/reports/${report}/assessment`, {
      cvssVector: VECTOR,
      cwe: 'CWE-444',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    for (const step of PLAN_STEPS)
      expect(
        (await api(s, t.core, 'PUT', `/api/releases/${release}/checklist/${step}`, { done: true }))
          .statusCode,
      ).toBe(200);
    // Monday 2026-01-05 09:00: the 12th is six whole days away
    const early = await api(s, t.core, 'POST', `/api/releases/${release}/pre-announce`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      field: 'override',
      message: expect.stringContaining('6 days away'),
    });
    const short = await api(s, t.core, 'POST', `/api/releases/${release}/pre-announce`, { override: 'soon' });
    expect(short.statusCode).toBe(400);
    expect(short.json().field).toBe('override');
    const reason = 'the fix landed in a public branch by mistake';
    const pre = await api(s, t.core, 'POST', `/api/releases/${release}/pre-announce`, { override: reason });
    expect(pre.statusCode, pre.body).toBe(200);
    expect(pre.json().release).toMatchObject({ state: 'pre-announced', override: { reason } });
    for (const step of ['announce-downstream', 'release-builds'])
      await api(s, t.core, 'PUT', `/api/releases/${release}/checklist/${step}`, { done: true });

    // the eve of the release: everything ready, and still under embargo
    s.clock.set(new Date('2026-01-11T23:59:00.000Z'));
    const eve = await api(s, t.core, 'POST', `/api/releases/${release}/publish`);
    expect(eve.statusCode).toBe(409);
    expect(eve.json().message).toContain('under embargo until 2026-01-12');
    const nodeQuery = { package: { ecosystem: NODE_OSV_PACKAGE.ecosystem, name: NODE_OSV_PACKAGE.name } };
    const before = await api(s, null, 'POST', '/v1/query', { ...nodeQuery, version: '24.99.0' });
    expect(before.statusCode).toBe(200);
    expect(before.body).not.toContain(cve);
    expect(before.body).not.toContain('Request smuggling');
    expect((await api(s, null, 'GET', `/v1/vulns/${cve}`)).statusCode).toBe(404);
    expect((await cnaApp.inject({ url: `/cve/${cve}.json` })).statusCode).toBe(404);
    expect((await api(s, null, 'GET', `/api/releases/${release}/announcement`)).statusCode).toBe(404);
    expect((await api(s, t.stranger, 'GET', '/api/releases')).json().releases).toEqual([]);

    s.clock.set(new Date('2026-01-12T00:00:00.000Z'));
    const published = await api(s, t.core, 'POST', `/api/releases/${release}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    const [advisoryId] = published.json().release.advisoryIds as string[];
    expect(advisoryId).toMatch(/^NSWG-COR-\d+$/);
    // served at once by every public API
    const byId = await api(s, null, 'GET', `/v1/vulns/${osvIdOf(advisoryId!)}`);
    expect(byId.statusCode, byId.body).toBe(200);
    expect(byId.json()).toMatchObject({ summary: 'Request smuggling in the HTTP parser', aliases: [cve] });
    expect((await api(s, null, 'GET', `/v1/vulns/${cve}`)).json().id).toBe(osvIdOf(advisoryId!));
    const affected = await api(s, null, 'POST', '/v1/query', { ...nodeQuery, version: '24.99.0' });
    expect(affected.json().vulns.map((v: { id: string }) => v.id)).toContain(osvIdOf(advisoryId!));
    const fixed = await api(s, null, 'POST', '/v1/query', { ...nodeQuery, version: '24.99.1' });
    expect(fixed.json().vulns.map((v: { id: string }) => v.id)).not.toContain(osvIdOf(advisoryId!));
    const rec = await cnaApp.inject({ url: `/cve/${cve}.json` });
    expect(rec.statusCode, rec.body).toBe(200);
    expect(cveSchemaErrors(rec.json())).toEqual([]);
    expect(rec.json().cveMetadata).toMatchObject({
      cveId: cve,
      state: 'PUBLISHED',
      assignerOrgId: CNA.orgId,
    });
    const announced = await api(s, null, 'GET', `/api/releases/${release}/announcement`);
    expect(announced.statusCode).toBe(200);
    expect(announced.json()).toMatchObject({ state: 'released', advisoryIds: [advisoryId] });
    expect(announced.json().announcement).toContain(cve);
    expect(announced.json().announcement).toContain('A crafted request splits in two.');
    // public now, in its public form: not the team's reason for pre-announcing early, nor its people
    const listed = await api(s, t.stranger, 'GET', '/api/releases');
    expect(listed.json().releases.map((r: { id: string }) => r.id)).toEqual([release]);
    expect(listed.body).not.toContain(reason);
    expect(listed.body).not.toContain(p.core.user.id);
    // the full view stays the team's
    expect((await api(s, t.reporter, 'GET', `/api/releases/${release}`)).statusCode).toBe(404);
    const again = await api(s, t.core, 'POST', `/api/releases/${release}/publish`);
    expect(again.statusCode).toBe(409);
  });
});
