// The bug bounty through the program on both engines: admins keep the modules, the table and the
// budget; publication proposes a reward from the CVSS severity (or records it ineligible, with the
// reason); a second team member approves it (never the researcher, the filer or the proposer), which
// reserves its money or leaves it waiting for budget; an admin records the payment once; the ledger
// holds every movement and the balance never goes below zero, even with approvals at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, DisclosureProgram, operatorActor, type Reward } from '../../src/disclosure/index.js';
import { registryFacts } from '../../src/server/disclosure/registry-facts.js';
import { testEngines } from '../helpers/db.js';
import { setRegistryOverride } from '../helpers/registry.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N';
const MODERATE = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N';

describe.each(engines)('the bug bounty through the program, on %s', (engine) => {
  let w: World;
  const log = async () =>
    (await w.store.auditLog.list({ limit: 5000 }))
      .map((e) => e.action)
      .filter((a) => a.startsWith('bounty.'));
  const module = (name: string, section = 'confirmed') => ({
    name,
    section,
    approvedBy: 'Jane Maintainer (@jane)',
    approvedOn: '2026-01-02',
  });
  /** Sets a module's downloads as an admin's override of the registry, and refreshes its count. */
  const counted = async (name: string, downloads: number) => {
    await setRegistryOverride(w.store, name, { monthlyDownloads: downloads });
    return w.program.bounty.refreshDownloads(w.users.admin, name, ORIGIN);
  };
  /** A report of `over` taken from submission to publication: triaged, fixed by its maintainer, published. */
  const published = async (over: Record<string, unknown> = {}, reporter: Actor = w.users.reporter) => {
    const { triage1, triage2, maintainer } = w.users;
    // a report is triaged by a team member who did not report it
    const team = reporter.kind === 'user' && reporter.id === triage1.id ? triage2 : triage1;
    const r = await submit(w, reporter, over);
    await w.program.workflow.transition(team, r.id, 'accept', {}, ORIGIN);
    const inv = await w.program.invitations.invite(team, r.id, w.emails.maintainer!, ORIGIN);
    await w.program.invitations.accept(maintainer, inv.token, ORIGIN);
    await w.program.workflow.transition(maintainer, r.id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(
      maintainer,
      r.id,
      'mark-fixed',
      { patchedVersions: '>=1.4.2' },
      ORIGIN,
    );
    return w.program.workflow.transition(team, r.id, 'publish', {}, ORIGIN);
  };
  const rewardOf = async (reportId: string): Promise<Reward> =>
    (await w.program.bounty.rewards(w.users.admin, ORIGIN)).find((r) => r.reportId === reportId)!;
  const ledgerSum = async () =>
    (await w.program.bounty.ledger(w.users.admin, ORIGIN)).entries.reduce((n, e) => n + e.amount, 0);

  beforeAll(async () => {
    w = await makeWorld(engine);
    // the server's registry: an admin's override answers, with no upstream to ask
    w.program = new DisclosureProgram({
      ...w.deps,
      registry: registryFacts({
        overrides: w.store.reports,
        upstream: null,
        downloadsApi: null,
        clock: w.clock,
      }),
    });
  });
  afterAll(async () => w?.close());

  it('lets admins and the operator keep the modules and the table, and nobody else', async () => {
    const { admin, triage1, reporter } = w.users;
    for (const who of [triage1, reporter, { ...admin, unconfirmed: true }])
      await expect(w.program.bounty.addModule(who, module('left-pad-ng'), ORIGIN)).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
      });
    const m = await w.program.bounty.addModule(admin, module('left-pad-ng'), ORIGIN);
    expect(m).toMatchObject({
      name: 'left-pad-ng',
      section: 'confirmed',
      downloads: null,
      addedBy: admin.id,
    });
    await w.program.bounty.addModule(
      operatorActor('root@server'),
      module('@acme', 'work-in-progress'),
      ORIGIN,
    );
    await expect(w.program.bounty.addModule(admin, module('left-pad-ng'), ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    await expect(
      w.program.bounty.addModule(admin, { ...module('Not A Name'), approvedOn: '2099-01-01' }, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_BOUNTY_INVALID',
      problems: [{ field: 'name' }, { field: 'approvedOn' }],
    });
    await expect(
      w.program.bounty.addModule(admin, { ...module('x'), approvedBy: '' }, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_BOUNTY_INVALID',
      field: 'approvedBy',
    });
    const o = await w.program.bounty.overview();
    expect(o.modules.map((x) => `${x.name} ${x.section}`)).toEqual([
      '@acme work-in-progress',
      'left-pad-ng confirmed',
    ]);
    expect(o.table).toEqual({ critical: 50_000, high: 25_000, moderate: 0, low: 0, info: 0 });
    expect(o.paid).toBe(0);
    await expect(w.program.bounty.setTable(triage1, { critical: 1 }, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.bounty.setTable(admin, { high: -1 }, ORIGIN)).rejects.toMatchObject({
      code: 'E_BOUNTY_INVALID',
      field: 'high',
    });
    expect(await log()).toEqual(['bounty.module-add', 'bounty.module-add']);
  });

  it("counts a module's downloads from the registry or an admin's override, with the date and source", async () => {
    const { admin, triage1 } = w.users;
    await expect(w.program.bounty.refreshDownloads(admin, 'left-pad-ng', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
      field: 'downloads',
    });
    await expect(w.program.bounty.refreshDownloads(triage1, 'left-pad-ng', ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.bounty.refreshDownloads(admin, 'not-in-the-bounty', ORIGIN)).rejects.toMatchObject(
      {
        code: 'E_NOT_FOUND',
      },
    );
    const m = await counted('left-pad-ng', 120_000);
    expect(m).toMatchObject({ downloads: 120_000, downloadsSource: 'override', downloadsAsOf: '2026-01-01' });
    // a module added with an override known is counted at once
    await setRegistryOverride(w.store, '@counted', { monthlyDownloads: 4_000 });
    expect(await w.program.bounty.addModule(admin, module('@counted'), ORIGIN)).toMatchObject({
      downloads: 4_000,
    });
    expect(await w.program.bounty.refreshAll(admin, ORIGIN)).toEqual({
      refreshed: ['@counted', 'left-pad-ng'],
      unknown: ['@acme'],
    });
    await w.program.bounty.removeModule(admin, '@counted', ORIGIN);
  });

  it('counts again, by the scheduler, the modules whose count is over a week old; asks an absent registry hourly', async () => {
    const { admin } = w.users;
    const now = w.clock.now();
    const later = (ms: number) => new Date(now.getTime() + ms);
    await setRegistryOverride(w.store, '@weekly', { monthlyDownloads: 2_000 }, now.toISOString());
    await w.program.bounty.addModule(admin, module('@weekly-gone'), ORIGIN);
    await w.program.bounty.addModule(admin, module('@weekly'), ORIGIN);
    // counted today: nothing to do; '@weekly-gone' nobody can count, and stale modules before it are asked
    const first = await w.program.bounty.refreshStale(now);
    expect(first).not.toContain('@weekly');
    expect(first).not.toContain('@weekly-gone');
    const log = async () =>
      (await w.store.auditLog.list({ limit: 5000 })).filter(
        (e) => e.action === 'bounty.downloads' && e.details.name === '@weekly',
      ).length;
    const counts = await log();
    // eight days on, with a new count: refreshed once, then left alone for the week
    await setRegistryOverride(w.store, '@weekly', { monthlyDownloads: 9_000 }, now.toISOString());
    expect(await w.program.bounty.refreshStale(later(8 * 86_400_000))).toContain('@weekly');
    expect(await w.program.bounty.refreshStale(later(8 * 86_400_000 + 60_000))).not.toContain('@weekly');
    expect(await log()).toBe(counts + 1);
    expect((await w.program.bounty.overview()).modules.find((m) => m.name === '@weekly')).toMatchObject({
      downloads: 9_000,
    });
    // the module nobody can count is tried again after an hour, not every minute
    await setRegistryOverride(w.store, '@weekly-gone', { monthlyDownloads: 1_500 });
    expect(await w.program.bounty.refreshStale(later(8 * 86_400_000 + 120_000))).not.toContain(
      '@weekly-gone',
    );
    expect(await w.program.bounty.refreshStale(later(8 * 86_400_000 + 3_660_000))).toContain('@weekly-gone');
    await w.program.bounty.removeModule(admin, '@weekly', ORIGIN);
    await w.program.bounty.removeModule(admin, '@weekly-gone', ORIGIN);
  });

  it('proposes a reward at publication from the CVSS severity, or says why there is none', async () => {
    await counted('left-pad-ng', 120_000);
    const critical = await published();
    expect(await rewardOf(critical.id)).toMatchObject({
      state: 'proposed',
      severity: 'critical',
      amount: 50_000,
      moduleName: 'left-pad-ng',
      advisoryId: critical.advisoryId,
      researcherId: w.users.reporter.id,
      proposedBy: null,
    });
    const high = await published({ cvssVector: HIGH });
    expect(await rewardOf(high.id)).toMatchObject({ state: 'proposed', severity: 'high', amount: 25_000 });
    const moderate = await published({ cvssVector: MODERATE });
    expect(await rewardOf(moderate.id)).toMatchObject({ state: 'ineligible', amount: 0 });
    expect((await rewardOf(moderate.id)).reason).toContain('critical and high');
    // a package of a scope still in progress: recorded, ineligible, with the reason
    const scoped = await published({ packageName: '@acme/widget' });
    expect((await rewardOf(scoped.id)).reason).toContain('not confirmed');
    // a package in no module: no reward at all
    const outside = await published({ packageName: 'unlisted-thing' });
    expect(await rewardOf(outside.id)).toBeUndefined();
    // under the minimum at its last count
    await counted('left-pad-ng', 999);
    const small = await published();
    expect((await rewardOf(small.id)).reason).toMatch(/999 downloads a month .* at least 1000/);
    await counted('left-pad-ng', 120_000);
    // the researcher sees their own, and the reason, not who decided
    const mine = await w.program.bounty.mine(w.users.reporter, ORIGIN);
    expect(mine.map((r) => r.state).sort()).toEqual([
      'ineligible',
      'ineligible',
      'ineligible',
      'proposed',
      'proposed',
    ]);
    expect(mine[0]).not.toHaveProperty('approvedBy');
    expect(await w.program.bounty.mine(w.users.stranger, ORIGIN)).toEqual([]);
    await expect(
      w.program.bounty.mine({ ...w.users.reporter, unconfirmed: true }, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
  });

  it('has a second team member approve: never the researcher, the filer or the maintainer-less proposer', async () => {
    const { admin, triage1, core, maintainer, reporter } = w.users;
    // a team member who reported it themselves
    const own = await published({}, triage1);
    const r = await rewardOf(own.id);
    await expect(w.program.bounty.approve(triage1, r.id, {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: expect.stringContaining('never approves their own'),
    });
    // nor the core security team, a maintainer, or the reporter of another report
    for (const who of [core, maintainer, reporter])
      await expect(w.program.bounty.approve(who, r.id, {}, ORIGIN)).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
      });
    await expect(w.program.bounty.approve(admin, 'no-such-reward', {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    // the budget is empty: approved, the reward waits for budget
    const waiting = await w.program.bounty.approve(admin, r.id, {}, ORIGIN);
    expect(waiting).toMatchObject({ state: 'waiting-for-budget', approvedBy: admin.id });
    await expect(w.program.bounty.approve(w.users.triage2, r.id, {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    // and the database itself refuses a reward approved by its researcher
    await expect(
      w.store.reports.transaction((tx) =>
        tx.moveReward({ ...waiting, approvedBy: triage1.id }, ['waiting-for-budget']),
      ),
    ).rejects.toThrow();
  });

  it('reserves at approval, funds waiting rewards on deposit, pays once, never goes below zero', async () => {
    const { admin, triage2, reporter } = w.users;
    await expect(
      w.program.bounty.deposit(triage2, 100_000, 'the foundation grant', ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.bounty.deposit(admin, -5, 'a negative deposit', ORIGIN)).rejects.toMatchObject({
      code: 'E_BOUNTY_INVALID',
      field: 'amount',
    });
    await expect(w.program.bounty.deposit(admin, 100, 'short', ORIGIN)).rejects.toMatchObject({
      code: 'E_BOUNTY_INVALID',
      field: 'reason',
    });
    // 60,000: the waiting critical reward (50,000) is funded at once, 10,000 remain
    const d = await w.program.bounty.deposit(admin, 60_000, 'the foundation grant for 2026', ORIGIN);
    expect(d.entry).toMatchObject({ kind: 'deposit', amount: 60_000, balance: 60_000 });
    expect(d.funded).toHaveLength(1);
    expect((await w.program.bounty.ledger(admin, ORIGIN)).figures).toMatchObject({
      balance: 10_000,
      reserved: 50_000,
    });
    const proposed = (await w.program.bounty.rewards(triage2, ORIGIN, { states: ['proposed'] })).sort(
      (a, b) => b.amount - a.amount,
    );
    const [crit, high] = proposed;
    // the high one (25,000) does not fit in 10,000: waits
    expect((await w.program.bounty.approve(triage2, high!.id, {}, ORIGIN)).state).toBe('waiting-for-budget');
    // a share for the report's maintainer, out of the reward
    await expect(
      w.program.bounty.approve(triage2, crit!.id, { maintainerShare: 60_000 }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_BOUNTY_INVALID', field: 'maintainerShare' });
    await expect(
      w.program.bounty.approve(
        triage2,
        crit!.id,
        { maintainerShare: 10_000, maintainerId: reporter.id },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_BOUNTY_INVALID', field: 'maintainerId' });
    await w.program.bounty.deposit(admin, 70_000, 'a second grant for 2026', ORIGIN);
    // 80,000: the waiting high (25,000) funded first → 55,000; the critical one now fits
    expect((await w.program.bounty.ledger(admin, ORIGIN)).figures.balance).toBe(55_000);
    const approved = await w.program.bounty.approve(triage2, crit!.id, { maintainerShare: 10_000 }, ORIGIN);
    expect(approved).toMatchObject({
      state: 'approved',
      maintainerId: w.users.maintainer.id,
      maintainerShare: 10_000,
    });
    expect((await w.program.bounty.ledger(admin, ORIGIN)).figures.balance).toBe(5_000);
    // paid by an admin, with its reference, once
    await expect(w.program.bounty.markPaid(triage2, approved.id, 'TX-1', ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    const paid = await w.program.bounty.markPaid(admin, approved.id, 'TX-0001', ORIGIN);
    expect(paid).toMatchObject({ state: 'paid', paymentReference: 'TX-0001', paidBy: admin.id });
    await expect(w.program.bounty.markPaid(admin, approved.id, 'TX-0002', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    const other = (await w.program.bounty.rewards(admin, ORIGIN, { states: ['approved'] })).find(
      (r) => r.id === high!.id,
    )!;
    await expect(w.program.bounty.markPaid(admin, other.id, 'TX-0001', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
      field: 'reference',
    });
    // ineligible after approval: the money goes back, the researcher reads the reason
    const back = await w.program.bounty.markIneligible(
      admin,
      other.id,
      'the fix was published before the report',
      ORIGIN,
    );
    expect(back.state).toBe('ineligible');
    const { entries, figures } = await w.program.bounty.ledger(admin, ORIGIN);
    expect(entries.map((e) => `${e.kind} ${e.amount} ${e.balance}`)).toEqual([
      'deposit 60000 60000',
      'reserve -50000 10000',
      'deposit 70000 80000',
      'reserve -25000 55000',
      'reserve -50000 5000',
      'payment 0 5000',
      'release 25000 30000',
    ]);
    expect(figures).toMatchObject({ balance: 30_000, paid: 50_000, reserved: 50_000 });
    expect(await ledgerSum()).toBe(30_000);
    expect((await w.program.bounty.overview()).paid).toBe(50_000);
    const mine = await w.program.bounty.mine(reporter, ORIGIN);
    expect(mine.find((r) => r.id === other.id)?.reason).toBe('the fix was published before the report');
    // the database refuses a negative balance whatever the code does
    await expect(
      w.store.reports.transaction((tx) =>
        tx.moveBudget({
          kind: 'reserve',
          amount: -30_001,
          rewardId: other.id,
          by: admin.id,
          at: '2026-01-05',
          reason: 'x',
        }),
      ),
    ).resolves.toBeNull();
    expect(await log()).toEqual(
      expect.arrayContaining([
        'bounty.deposit',
        'bounty.reward-fund',
        'bounty.reward-wait',
        'bounty.reward-approve',
        'bounty.reward-pay',
        'bounty.reward-ineligible',
      ]),
    );
  });

  it('approves two rewards at once from two program instances: only what the budget holds', async () => {
    const { admin, triage1, triage2 } = w.users;
    const a = await rewardOf((await published()).id);
    const b = await rewardOf((await published()).id);
    const balance = (await w.program.bounty.ledger(admin, ORIGIN)).figures.balance;
    // exactly one critical reward fits
    await w.program.bounty.deposit(admin, 50_000 - balance + 10_000, 'enough for one more reward', ORIGIN);
    const second = new DisclosureProgram(w.deps);
    const got = await Promise.all([
      w.program.bounty.approve(triage1, a.id, {}, ORIGIN),
      second.bounty.approve(triage2, b.id, {}, ORIGIN),
    ]);
    expect(got.map((r) => r.state).sort()).toEqual(['approved', 'waiting-for-budget']);
    const { figures } = await w.program.bounty.ledger(admin, ORIGIN);
    expect(figures.balance).toBe(10_000);
    expect(await ledgerSum()).toBe(10_000);
  });
});
