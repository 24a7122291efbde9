// The bounty's routes attacked over HTTP: a researcher on the team approving their own reward, a token
// without the scope, an admin's token where a session is needed, an unconfirmed account, a replayed
// payment, two approvals at once with budget for one, a huge body; then the whole bounty through the
// pages alone: a module and a deposit on the admin page, a published report's reward approved by a
// second member and paid, the researcher reading it, the hall of fame naming them as they chose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type DisclosureProgram, userActor } from '../../../src/disclosure/index.js';
import { disclosureOf } from '../../../src/server/disclosure/index.js';
import { testEngines } from '../../helpers/db.js';
import { setRegistryOverride } from '../../helpers/registry.js';
import {
  api,
  apiLogin,
  makeUser,
  ORIGIN,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';

const engines = await testEngines();

describe.each(engines)('attacks on the bounty routes (%s)', (engine) => {
  let s: TestServer;
  let program: DisclosureProgram;
  let people: Record<'admin' | 'triage' | 'triage2' | 'reporter' | 'maintainer' | 'unconfirmed', Person>;
  let t: Record<keyof typeof people, string>;
  const as = (p: Person): Actor => userActor(p.user.id, [...p.user.roles]);

  /** A report of `reporter` in the left-pad-ng module taken to publication by a triager who did not report it. */
  const published = async (reporter: Person, over: Record<string, unknown> = {}) => {
    const team = reporter === people.triage ? people.triage2 : people.triage;
    const { report: r } = await program.reports.submit(as(reporter), submission(over), ORIGIN);
    await program.workflow.transition(as(team), r.id, 'accept', {}, ORIGIN);
    const inv = await program.invitations.invite(as(team), r.id, people.maintainer.email, ORIGIN);
    await program.invitations.accept(as(people.maintainer), inv.token, ORIGIN);
    await program.workflow.transition(as(people.maintainer), r.id, 'start-fix', {}, ORIGIN);
    await program.workflow.transition(
      as(people.maintainer),
      r.id,
      'mark-fixed',
      { patchedVersions: '>=1.4.2' },
      ORIGIN,
    );
    const p = await program.workflow.transition(as(team), r.id, 'publish', {}, ORIGIN);
    const rewards = (await api(s, t.admin, 'GET', '/api/bounty/rewards')).json().rewards as {
      id: string;
      reportId: string;
    }[];
    return { report: p, rewardId: rewards.find((x) => x.reportId === p.id)!.id };
  };
  const token = async (who: string, scopes: string[]) => {
    const made = await api(s, who, 'POST', '/api/tokens', { name: `t${scopes.join('')}`, scopes });
    expect(made.statusCode, made.body).toBe(201);
    return made.json().token as string;
  };

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true, cveIds: 50 });
    program = disclosureOf(s.app).program;
    people = {
      admin: await makeUser(s, 'bountyadmin', { roles: ['admin'], totp: true }),
      triage: await makeUser(s, 'bountytriage', { roles: ['triage'], totp: true }),
      triage2: await makeUser(s, 'bountytriage2', { roles: ['triage'], totp: true }),
      reporter: await makeUser(s, 'bountyreporter', { handle: 'bountyfinder' }),
      maintainer: await makeUser(s, 'bountymaintainer'),
      unconfirmed: await makeUser(s, 'bountyunconfirmed', { verified: false }),
    };
    t = {} as typeof t;
    for (const [k, p] of Object.entries(people)) t[k as keyof typeof people] = await apiLogin(s, p);
    await setRegistryOverride(s.store, 'left-pad-ng', { monthlyDownloads: 250_000 });
  });
  afterAll(async () => s?.close());

  it('keeps the modules and the budget to an admin session: not a token, the team or an unconfirmed account', async () => {
    const module = {
      name: 'left-pad-ng',
      section: 'confirmed',
      approvedBy: 'The maintainer',
      approvedOn: '2026-01-02',
    };
    const adminToken = await token(t.admin, ['reports:read', 'reports:write', 'audit:read']);
    for (const who of [adminToken, t.triage, t.reporter, t.unconfirmed]) {
      expect((await api(s, who, 'POST', '/api/bounty/modules', module)).statusCode).toBe(403);
      expect(
        (await api(s, who, 'POST', '/api/bounty/deposits', { amount: 100, reason: 'no, not you' }))
          .statusCode,
      ).toBe(403);
    }
    expect((await api(s, null, 'POST', '/api/bounty/modules', module)).statusCode).toBe(401);
    const made = await api(s, t.admin, 'POST', '/api/bounty/modules', module);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().module).toMatchObject({
      downloads: 250_000,
      downloadsSource: 'override',
      eligible: true,
    });
    expect((await api(s, t.admin, 'POST', '/api/bounty/modules', module)).statusCode).toBe(409);
    const bad = await api(s, t.admin, 'POST', '/api/bounty/modules', { ...module, name: 'Bad Name!' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'E_BOUNTY_INVALID', field: 'name' });
    // a huge body is refused before anything is parsed into the program
    const huge = await api(s, t.admin, 'POST', '/api/bounty/deposits', {
      amount: 100,
      reason: 'x'.repeat(2_000_000),
    });
    expect([400, 413]).toContain(huge.statusCode);
    expect((await api(s, t.admin, 'GET', '/api/bounty/ledger')).json().entries).toEqual([]);
    const pub = await api(s, null, 'GET', '/api/bounty');
    expect(pub.json()).toMatchObject({ paid: 0, table: { critical: 50_000, high: 25_000 } });
    expect(pub.json().modules.map((m: { name: string }) => m.name)).toEqual(['left-pad-ng']);
  });

  it('refuses the researcher approving their own reward, a read-only token, and a replayed payment', async () => {
    const own = await published(people.triage);
    const refused = await api(s, t.triage, 'POST', `/api/bounty/rewards/${own.rewardId}/approve`, {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toContain('never approves their own');
    const readOnly = await token(t.triage2, ['reports:read']);
    expect(
      (await api(s, readOnly, 'POST', `/api/bounty/rewards/${own.rewardId}/approve`, {})).statusCode,
    ).toBe(403);
    expect(
      (await api(s, t.reporter, 'POST', `/api/bounty/rewards/${own.rewardId}/approve`, {})).statusCode,
    ).toBe(403);
    expect((await api(s, t.unconfirmed, 'GET', '/api/bounty/rewards/mine')).statusCode).toBe(403);
    expect((await api(s, t.reporter, 'GET', '/api/bounty/rewards')).statusCode).toBe(403);
    await api(s, t.admin, 'POST', '/api/bounty/deposits', {
      amount: 50_000,
      reason: 'the grant for this test',
    });
    const ok = await api(s, t.triage2, 'POST', `/api/bounty/rewards/${own.rewardId}/approve`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().reward.state).toBe('approved');
    // paid once: a replayed payment is refused; an admin token is no session
    const pay = () =>
      api(s, t.admin, 'POST', `/api/bounty/rewards/${own.rewardId}/paid`, { reference: 'WIRE-77' });
    expect((await pay()).statusCode).toBe(200);
    expect((await pay()).statusCode).toBe(409);
    const adminToken = await token(t.admin, ['reports:read', 'reports:write']);
    expect(
      (await api(s, adminToken, 'POST', `/api/bounty/rewards/${own.rewardId}/paid`, { reference: 'WIRE-78' }))
        .statusCode,
    ).toBe(403);
    const mine = (await api(s, t.triage, 'GET', '/api/bounty/rewards/mine')).json().rewards;
    expect(mine).toEqual([expect.objectContaining({ state: 'paid', amount: 50_000 })]);
    expect(mine[0]).not.toHaveProperty('paymentReference');
    expect(mine[0]).not.toHaveProperty('approvedBy');
  });

  it('approves two rewards at once with budget for one: one approved, one waiting, never below zero', async () => {
    const a = await published(people.reporter);
    const b = await published(people.reporter);
    await api(s, t.admin, 'POST', '/api/bounty/deposits', { amount: 60_000, reason: 'room for one reward' });
    const got = await Promise.all([
      api(s, t.triage, 'POST', `/api/bounty/rewards/${a.rewardId}/approve`, {}),
      api(s, t.triage2, 'POST', `/api/bounty/rewards/${b.rewardId}/approve`, {}),
    ]);
    expect(got.map((r) => r.json().reward.state).sort()).toEqual(['approved', 'waiting-for-budget']);
    const { entries, figures } = (await api(s, t.admin, 'GET', '/api/bounty/ledger')).json();
    expect(figures.balance).toBe(10_000);
    expect(entries.every((e: { balance: number }) => e.balance >= 0)).toBe(true);
  });

  it('runs the bounty through the pages alone, to the hall of fame', async () => {
    const admin = new PageSession(s);
    await admin.login(people.admin);
    await setRegistryOverride(s.store, '@walk', { monthlyDownloads: 3_000 });
    const added = await admin.post(
      '/disclosure/admin/bounty/modules',
      {
        name: '@walk',
        section: 'work-in-progress',
        approvedBy: 'Walk Maintainer',
        approvedOn: '2026-01-03',
      },
      await admin.csrf('/disclosure/admin/bounty'),
    );
    expect(added.statusCode, added.body).toBe(303);
    // the maintainer's approval came through: the module moves to Confirmed
    const moved = await admin.post(
      `/disclosure/admin/bounty/modules/${encodeURIComponent('@walk')}`,
      { section: 'confirmed', approvedBy: 'Walk Maintainer', approvedOn: '2026-01-04' },
      await admin.csrf('/disclosure/admin/bounty'),
    );
    expect(moved.statusCode, moved.body).toBe(303);
    const deposited = await admin.post(
      '/disclosure/admin/bounty/deposits',
      { amount: '1,000.00', reason: 'the walk grant of the year' },
      await admin.csrf('/disclosure/admin/bounty'),
    );
    expect(deposited.statusCode, deposited.body).toBe(303);
    const page = await admin.get('/disclosure/admin/bounty');
    expect(page.body).toContain('data-module="@walk"');
    expect(page.body).toMatch(/id="budget-balance" data-cents="\d+"/);
    const { report, rewardId } = await published(people.reporter, { packageName: '@walk/widget' });
    const triage = new PageSession(s);
    await triage.login(people.triage2);
    const queue = await triage.get('/disclosure/bounty/rewards');
    expect(queue.body).toContain(`data-reward="${rewardId}"`);
    const approved = await triage.post(
      `/disclosure/bounty/rewards/${rewardId}/approve`,
      { maintainerShare: '50' },
      await triage.csrf('/disclosure/bounty/rewards'),
    );
    expect(approved.statusCode, approved.body).toBe(303);
    const paid = await admin.post(
      `/disclosure/bounty/rewards/${rewardId}/paid`,
      { reference: 'WALK-0001' },
      await admin.csrf('/disclosure/bounty/rewards'),
    );
    expect(paid.statusCode, paid.body).toBe(303);
    const researcher = new PageSession(s);
    await researcher.login(people.reporter);
    const mine = await researcher.get('/disclosure/rewards');
    expect(mine.body).toMatch(new RegExp(`data-reward="${rewardId}">[\\s\\S]*?data-state="paid"`));
    expect(mine.body).toContain('$50 to the maintainer');
    const optIn = await researcher.post(
      '/disclosure/rewards/profile',
      { public: 'yes' },
      await researcher.csrf('/disclosure/rewards'),
    );
    expect(optIn.statusCode).toBe(303);
    const hall = await new PageSession(s).get('/disclosure/hall-of-fame');
    expect(hall.body).toContain(`data-advisory="${report.advisoryId}"`);
    expect(hall.body).toContain('data-researcher="finder"');
    expect(hall.body).toContain('/disclosure/researchers/bountyfinder');
    expect(hall.body).not.toContain('bountyreporter');
    const profile = await new PageSession(s).get('/disclosure/researchers/bountyfinder');
    expect(profile.statusCode).toBe(200);
    expect(profile.body).toContain(report.advisoryId!);
    const pub = await new PageSession(s).get('/disclosure/bounty');
    expect(pub.body).toContain('data-module="@walk"');
    expect(pub.body).toMatch(/id="bounty-paid" data-cents="[1-9]\d*"/);
  });
});
