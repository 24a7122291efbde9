// The bug bounty's budget in the database: two server instances (processes with connections of their
// own) approving rewards at the same moment never take the balance below zero: the one the budget
// holds is approved, the other waits for budget; and the database itself refuses a negative balance,
// a movement of the wrong sign, one reserved twice, one payment reference twice.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reward } from '../../../src/disclosure/index.js';
import { validInput } from '../../disclosure/fixtures.js';
import { makeWorld, ORIGIN, SECRET, type World } from '../../disclosure/store-setup.js';
import { testEngines } from '../../helpers/db.js';

const engines = await testEngines();
const HERE = dirname(fileURLToPath(import.meta.url));

/** Approves one reward in a process of its own: the state it reached. */
function instance(target: unknown, startAt: number, approver: string, rewardId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(HERE, 'run-bounty-approve.mjs'),
        JSON.stringify(target),
        String(startAt),
        SECRET,
        approver,
        rewardId,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exited ${code}: ${err}`)),
    );
  });
}

/** A proposed critical reward of a report, as publication would record it. */
const proposed = (id: string, reportId: string, researcherId: string): Reward => ({
  id,
  reportId,
  advisoryId: null,
  researcherId,
  packageName: 'left-pad-ng',
  moduleName: 'left-pad-ng',
  severity: 'critical',
  amount: 50_000,
  maintainerId: null,
  maintainerShare: 0,
  state: 'proposed',
  reason: null,
  proposedBy: null,
  proposedAt: '2026-01-05T09:00:00.000Z',
  approvedBy: null,
  approvedAt: null,
  paidBy: null,
  paidAt: null,
  paymentReference: null,
});

describe.each(engines)('the bounty budget in the store, on %s', (engine) => {
  let w: World;
  const rewardIds: string[] = [];

  beforeAll(async () => {
    w = await makeWorld(engine);
    for (let i = 0; i < 4; i++) {
      const r = (
        await w.program.reports.submit(w.users.reporter, validInput({ title: `Report ${i}` }), ORIGIN)
      ).report;
      rewardIds.push(`reward-${i}`);
      await w.store.reports.transaction((tx) =>
        tx.addReward(proposed(`reward-${i}`, r.id, w.users.reporter.id)),
      );
    }
  });
  afterAll(async () => w?.close());

  it('approves only what the budget holds when two instances approve at the same time', async () => {
    // room for one critical reward and a bit: 60,000 for two of 50,000
    await w.program.bounty.deposit(w.users.admin, 60_000, 'a grant for the concurrency test', ORIGIN);
    const startAt = Date.now() + 1500;
    const got = await Promise.all([
      instance(w.tdb.target, startAt, w.users.triage1.id, rewardIds[0]!),
      instance(w.tdb.target, startAt, w.users.triage2.id, rewardIds[1]!),
    ]);
    expect(got.sort()).toEqual(['approved', 'waiting-for-budget']);
    const { entries, figures } = await w.program.bounty.ledger(w.users.admin, ORIGIN);
    expect(figures.balance).toBe(10_000);
    expect(entries.reduce((n, e) => n + e.amount, 0)).toBe(10_000);
    expect(entries.every((e) => e.balance >= 0)).toBe(true);
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses, in the database itself, a negative balance, a wrong sign, a reservation twice, a reference twice', async () => {
    const db = w.store.db;
    await expect(sql`update bounty_budget set balance = -1 where id = 1`.execute(db)).rejects.toThrow();
    await expect(
      sql`insert into bounty_ledger (seq, kind, amount, balance, reward_id, by_whom, at, reason) values (900, 'deposit', -5, 10, null, 'x', 'x', 'x')`.execute(
        db,
      ),
    ).rejects.toThrow();
    await expect(
      sql`insert into bounty_ledger (seq, kind, amount, balance, reward_id, by_whom, at, reason) values (901, 'reserve', -5, -5, 'reward-2', 'x', 'x', 'x')`.execute(
        db,
      ),
    ).rejects.toThrow();
    const approved = (await w.store.reports.transaction((tx) => tx.ledger({ kinds: ['reserve'] })))[0]!;
    await expect(
      sql`insert into bounty_ledger (seq, kind, amount, balance, reward_id, by_whom, at, reason) values (902, 'reserve', -5, 5, ${approved.rewardId}, 'x', 'x', 'x')`.execute(
        db,
      ),
    ).rejects.toThrow();
    await expect(
      sql`update bounty_rewards set state = 'paid', paid_at = 'x', payment_reference = null where id = ${approved.rewardId}`.execute(
        db,
      ),
    ).rejects.toThrow();
    await sql`update bounty_rewards set state = 'paid', paid_at = 'x', payment_reference = 'REF-1' where id = ${approved.rewardId}`.execute(
      db,
    );
    await expect(
      sql`update bounty_rewards set approved_by = 'a', state = 'paid', paid_at = 'x', payment_reference = 'REF-1' where id = 'reward-3'`.execute(
        db,
      ),
    ).rejects.toThrow();
    // a reward approved by its own researcher
    await expect(
      sql`update bounty_rewards set approved_by = researcher_id, state = 'approved' where id = 'reward-3'`.execute(
        db,
      ),
    ).rejects.toThrow();
    // a second reward for one report
    const r0 = await w.store.reports.transaction((tx) => tx.reward('reward-0'));
    await expect(
      w.store.reports.transaction((tx) => tx.addReward({ ...proposed('reward-9', r0!.reportId, 'someone') })),
    ).rejects.toThrow();
  });
});
