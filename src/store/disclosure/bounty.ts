import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Severity } from '../../advisories/index.js';
import type {
  BountyModule,
  BountyTx,
  LedgerEntry,
  LedgerKind,
  ModuleSection,
  Reward,
  RewardState,
  RewardTable,
} from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { type BountyDb, withBounty } from './bounty-schema.js';
import type { DisclosureDb } from './schema.js';

// The bug bounty for the disclosure program's transaction (store.ts). The balance lives in one row
// whose check refuses a negative value; every movement is a ledger row carrying the balance after it
// (checked too); a movement is one conditional update of the balance, so whatever the engine and
// however many writers, the budget never goes below zero (migration 0012_bounty).

type ModuleRow = BountyDb['bounty_modules'];
type RewardRow = BountyDb['bounty_rewards'];
type LedgerRow = BountyDb['bounty_ledger'];

const toModule = (r: ModuleRow): BountyModule => ({
  name: r.name,
  section: r.section as ModuleSection,
  approvedBy: r.approved_by,
  approvedOn: r.approved_on,
  downloads: r.downloads === null ? null : Number(r.downloads),
  downloadsAsOf: r.downloads_as_of,
  downloadsSource: r.downloads_source as BountyModule['downloadsSource'],
  addedBy: r.added_by,
  addedAt: r.added_at,
  updatedAt: r.updated_at,
});

const moduleRow = (m: BountyModule): ModuleRow => ({
  name: m.name,
  section: m.section,
  approved_by: m.approvedBy,
  approved_on: m.approvedOn,
  downloads: m.downloads,
  downloads_as_of: m.downloadsAsOf,
  downloads_source: m.downloadsSource,
  added_by: m.addedBy,
  added_at: m.addedAt,
  updated_at: m.updatedAt,
});

const toReward = (r: RewardRow): Reward => ({
  id: r.id,
  reportId: r.report_id,
  advisoryId: r.advisory_id,
  researcherId: r.researcher_id,
  packageName: r.package_name,
  moduleName: r.module_name,
  severity: r.severity as Severity,
  amount: Number(r.amount),
  maintainerId: r.maintainer_id,
  maintainerShare: Number(r.maintainer_share),
  state: r.state as RewardState,
  reason: r.reason,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  paidBy: r.paid_by,
  paidAt: r.paid_at,
  paymentReference: r.payment_reference,
});

const rewardRow = (r: Reward): RewardRow => ({
  id: r.id,
  report_id: r.reportId,
  advisory_id: r.advisoryId,
  researcher_id: r.researcherId,
  package_name: r.packageName,
  module_name: r.moduleName,
  severity: r.severity,
  amount: r.amount,
  maintainer_id: r.maintainerId,
  maintainer_share: r.maintainerShare,
  state: r.state,
  reason: r.reason,
  proposed_by: r.proposedBy,
  proposed_at: r.proposedAt,
  approved_by: r.approvedBy,
  approved_at: r.approvedAt,
  paid_by: r.paidBy,
  paid_at: r.paidAt,
  payment_reference: r.paymentReference,
});

const toEntry = (r: LedgerRow): LedgerEntry => ({
  seq: Number(r.seq),
  kind: r.kind as LedgerKind,
  amount: Number(r.amount),
  balance: Number(r.balance),
  rewardId: r.reward_id,
  by: r.by_whom,
  at: r.at,
  reason: r.reason,
});

/** The bounty queries over `trx`, a transaction holding the disclosure write lock. */
export function bountyQueries(trx: Kysely<DisclosureDb>): BountyTx {
  const db = withBounty(trx);
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const budget = () => {
    const q = db.selectFrom('bounty_budget').selectAll().where('id', '=', 1);
    // on PostgreSQL the row is locked for the rest of the transaction: a second writer waits here
    return (isPg ? q.forUpdate() : q).executeTakeFirstOrThrow();
  };
  return {
    async bountyModules() {
      return (await db.selectFrom('bounty_modules').selectAll().orderBy('name').execute()).map(toModule);
    },
    async bountyModule(name) {
      const r = await db.selectFrom('bounty_modules').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toModule(r) : null;
    },
    async addBountyModule(m) {
      const known = await db
        .selectFrom('bounty_modules')
        .select('name')
        .where('name', '=', m.name)
        .executeTakeFirst();
      if (known) throw new NswgError('E_CONFLICT', `${m.name} is in the bounty already`, { field: 'name' });
      await db.insertInto('bounty_modules').values(moduleRow(m)).execute();
    },
    async updateBountyModule(m) {
      const { name, ...rest } = moduleRow(m);
      await db.updateTable('bounty_modules').set(rest).where('name', '=', name).execute();
    },
    async removeBountyModule(name) {
      await db.deleteFrom('bounty_modules').where('name', '=', name).execute();
    },
    async rewardTable() {
      const b = await db
        .selectFrom('bounty_budget')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return {
        critical: Number(b.reward_critical),
        high: Number(b.reward_high),
        moderate: Number(b.reward_moderate),
        low: Number(b.reward_low),
        info: Number(b.reward_info),
      };
    },
    async setRewardTable(t: RewardTable) {
      await db
        .updateTable('bounty_budget')
        .set({
          reward_critical: t.critical,
          reward_high: t.high,
          reward_moderate: t.moderate,
          reward_low: t.low,
          reward_info: t.info,
        })
        .where('id', '=', 1)
        .execute();
    },
    async budgetBalance() {
      return Number((await budget()).balance);
    },
    async moveBudget(m) {
      const before = await budget();
      const res = await db
        .updateTable('bounty_budget')
        .set({ balance: sql`balance + ${m.amount}`, last_seq: sql`last_seq + 1` })
        .where('id', '=', 1)
        .where(sql<boolean>`balance + ${m.amount} >= 0`)
        .where('last_seq', '=', before.last_seq)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      const entry: LedgerEntry = {
        ...m,
        seq: Number(before.last_seq) + 1,
        balance: Number(before.balance) + m.amount,
      };
      await db
        .insertInto('bounty_ledger')
        .values({
          seq: entry.seq,
          kind: entry.kind,
          amount: entry.amount,
          balance: entry.balance,
          reward_id: entry.rewardId,
          by_whom: entry.by,
          at: entry.at,
          reason: entry.reason,
        })
        .execute();
      return entry;
    },
    async ledger(filter = {}) {
      let q = db.selectFrom('bounty_ledger').selectAll();
      if (filter.kinds) q = q.where('kind', 'in', filter.kinds.length ? [...filter.kinds] : ['-']);
      return (await q.orderBy('seq').execute()).map(toEntry);
    },
    async addReward(r) {
      await db.insertInto('bounty_rewards').values(rewardRow(r)).execute();
    },
    async reward(id) {
      const r = await db.selectFrom('bounty_rewards').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toReward(r) : null;
    },
    async rewardOfReport(reportId) {
      const r = await db
        .selectFrom('bounty_rewards')
        .selectAll()
        .where('report_id', '=', reportId)
        .executeTakeFirst();
      return r ? toReward(r) : null;
    },
    async rewards(filter = {}) {
      let q = db.selectFrom('bounty_rewards').selectAll();
      if (filter.researcherId) q = q.where('researcher_id', '=', filter.researcherId);
      if (filter.states) q = q.where('state', 'in', filter.states.length ? [...filter.states] : ['-']);
      return (await q.orderBy('proposed_at').orderBy('id').execute()).map(toReward);
    },
    async moveReward(next, from) {
      const { id, ...rest } = rewardRow(next);
      const res = await db
        .updateTable('bounty_rewards')
        .set(rest)
        .where('id', '=', id)
        .where('state', 'in', [...from])
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async publicProfile(userId) {
      const r = await db
        .selectFrom('researcher_profiles')
        .select('public')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r?.public ?? 0) === 1;
    },
    async publicProfiles() {
      const rows = await db
        .selectFrom('researcher_profiles')
        .innerJoin('users', 'users.id', 'researcher_profiles.user_id')
        .select(['users.id', 'users.handle'])
        .where('researcher_profiles.public', '=', 1)
        .where('users.handle', 'is not', null)
        .where('users.disabled', '=', 0)
        .execute();
      return new Map(rows.map((r) => [r.id, r.handle!]));
    },
    async publicResearcher(handle) {
      const r = await db
        .selectFrom('researcher_profiles')
        .innerJoin('users', 'users.id', 'researcher_profiles.user_id')
        .select('users.id')
        .where('researcher_profiles.public', '=', 1)
        .where('users.disabled', '=', 0)
        .where(sql<string>`lower(users.handle)`, '=', handle.toLowerCase())
        .executeTakeFirst();
      return r?.id ?? null;
    },
    async setPublicProfile(userId, on, at) {
      await db
        .insertInto('researcher_profiles')
        .values({ user_id: userId, public: on ? 1 : 0, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ public: on ? 1 : 0, updated_at: at }))
        .execute();
    },
  };
}
