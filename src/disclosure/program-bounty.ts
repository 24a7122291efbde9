import { NswgError } from '../errors.js';
import { auditEntry, LOCAL_ORIGIN, type Origin } from './audit-log.js';
import {
  type BountyModule,
  type BudgetFigures,
  budgetFigures,
  checkAmount,
  checkModuleName,
  checkReason,
  checkReference,
  checkShare,
  type LedgerEntry,
  type Reward,
  type RewardState,
  type RewardTable,
  rewardMay,
  secondPersonRefusal,
  validateModule,
  validateRewardTable,
} from './bounty.js';
import { assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { MonthlyDownloads } from './registry-facts.js';
import { type Actor, actorId, actorLabel, CONFIRM_FIRST, isConfirmedUser, SYSTEM } from './roles.js';

// The bug bounty (bounty.ts): admins keep the eligible modules, the reward table and the budget;
// publication proposes rewards (bounty-effects.ts); a second team member approves each, which
// reserves its money or leaves it waiting for budget; an admin records the payment.

const rewardNotFound = () => new NswgError('E_NOT_FOUND', 'reward not found', { field: 'reward' });
const moduleNotFound = () => new NswgError('E_NOT_FOUND', 'no such module in the bounty', { field: 'name' });

/** What anyone may read of the bounty: the modules, the table, what was paid. */
export interface BountyOverview {
  modules: BountyModule[];
  table: RewardTable;
  /** Cents paid so far, and how many rewards. */
  paid: number;
  paidRewards: number;
}

/** A reward as its researcher reads it: the amount, where it stands, the reason when ineligible. */
export type RewardView = Omit<Reward, 'proposedBy' | 'approvedBy' | 'paidBy' | 'paymentReference'>;

const viewOf = ({ proposedBy, approvedBy, paidBy, paymentReference, ...r }: Reward): RewardView => r;

/** The bug bounty of the program. */
export class Bounty {
  constructor(private readonly ctx: ProgramContext) {}

  /** The public view: every module (with its last count), the reward table, the total paid. No login. */
  async overview(): Promise<BountyOverview> {
    return this.ctx.deps.repo.transaction(async (tx) => {
      const paid = await tx.rewards({ states: ['paid'] });
      return {
        modules: await tx.bountyModules(),
        table: await tx.rewardTable(),
        paid: paid.reduce((n, r) => n + r.amount, 0),
        paidRewards: paid.length,
      };
    });
  }

  /**
   * Adds an eligible module with its maintainer's approval (admins, the operator), counted at once
   * when the registry (or an admin's override) knows its downloads.
   */
  async addModule(actor: Actor, input: unknown, origin: Origin): Promise<BountyModule> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const m = validateModule(input, now);
    const at = now.toISOString();
    const counted = await this.count(m.name);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const module: BountyModule = {
        ...m,
        downloads: counted?.count ?? null,
        downloadsAsOf: counted?.asOf ?? null,
        downloadsSource: counted?.source ?? null,
        addedBy: actorLabel(actor),
        addedAt: at,
        updatedAt: at,
      };
      await tx.addBountyModule(module);
      await tx.audit(auditEntry(actor, 'bounty.module-add', origin, now, null, { ...m }));
      return module;
    });
  }

  /**
   * Refreshes a module's count of downloads a month from the registry, or an admin's override (admins,
   * the operator, the scheduler). The registry is asked before the transaction: no network wait holds
   * the write lock. E_CONFLICT when nobody knows the count (no registry: an admin sets an override).
   */
  async refreshDownloads(actor: Actor, name: string, origin: Origin): Promise<BountyModule> {
    const now = this.ctx.now();
    if (actor.kind !== 'system') assertCan(actor, 'manage-bounty', null, now);
    const key = checkModuleName(name);
    const counted = await this.count(key);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const known = await tx.bountyModule(key);
      if (!known) throw moduleNotFound();
      if (!counted)
        throw new NswgError(
          'E_CONFLICT',
          `the downloads of ${key} are unknown: no registry answered; an admin sets them as an override (nswg registry override)`,
          { field: 'downloads' },
        );
      const next: BountyModule = {
        ...known,
        downloads: counted.count,
        downloadsAsOf: counted.asOf,
        downloadsSource: counted.source,
        updatedAt: now.toISOString(),
      };
      await tx.updateBountyModule(next);
      await tx.audit(auditEntry(actor, 'bounty.downloads', origin, now, null, { name: key, ...counted }));
      return next;
    });
  }

  /** Refreshes every module's count (the weekly refresh): the names refreshed, and those nobody could count. */
  async refreshAll(actor: Actor, origin: Origin): Promise<{ refreshed: string[]; unknown: string[] }> {
    if (actor.kind !== 'system') assertCan(actor, 'manage-bounty', null, this.ctx.now());
    const modules = await this.ctx.deps.repo.transaction((tx) => tx.bountyModules());
    const out = { refreshed: [] as string[], unknown: [] as string[] };
    for (const m of modules) {
      try {
        await this.refreshDownloads(actor, m.name, origin);
        out.refreshed.push(m.name);
      } catch (e) {
        if (!(e instanceof NswgError) || e.code !== 'E_CONFLICT') throw e;
        out.unknown.push(m.name);
      }
    }
    return out;
  }

  /**
   * The weekly refresh, by the scheduler: every module whose count is older than `days` (or was never
   * taken) is counted again. In this process a module is asked about at most once in `days` when it
   * was counted (an admin's override keeps its own date), and once an hour when nobody could count it,
   * so a registry that is away is not asked every minute. The names refreshed.
   */
  async refreshStale(now: Date, days = 7): Promise<string[]> {
    const modules = await this.ctx.deps.repo.transaction((tx) => tx.bountyModules());
    const before = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
    const out: string[] = [];
    for (const m of modules) {
      if (m.downloadsAsOf !== null && m.downloadsAsOf >= before) continue;
      const last = this.tried.get(m.name);
      if (last && now.getTime() - last.at < (last.counted ? days * 86_400_000 : 3_600_000)) continue;
      try {
        await this.refreshDownloads(SYSTEM, m.name, LOCAL_ORIGIN);
        this.tried.set(m.name, { at: now.getTime(), counted: true });
        out.push(m.name);
      } catch (e) {
        if (!(e instanceof NswgError) || !['E_CONFLICT', 'E_NOT_FOUND'].includes(e.code)) throw e;
        this.tried.set(m.name, { at: now.getTime(), counted: false });
      }
    }
    return out;
  }

  /** When this process last asked for each module's count, and whether anyone knew it (see refreshStale). */
  private readonly tried = new Map<string, { at: number; counted: boolean }>();

  /** The downloads of a package or scope last month, as the registry (or an override) says; null when unknown. */
  private async count(name: string): Promise<MonthlyDownloads | null> {
    try {
      return (await this.ctx.deps.registry?.monthlyDownloads(name)) ?? null;
    } catch {
      // an unreachable registry is an unknown count, never a failed admin action
      return null;
    }
  }

  /** Changes a module's section or approval (admins, the operator); its counts stay. */
  async updateModule(actor: Actor, name: string, input: unknown, origin: Origin): Promise<BountyModule> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const key = checkModuleName(name);
    const m = validateModule({ ...(input as object), name: key }, now);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const known = await tx.bountyModule(key);
      if (!known) throw moduleNotFound();
      const next = { ...known, ...m, updatedAt: now.toISOString() };
      await tx.updateBountyModule(next);
      await tx.audit(auditEntry(actor, 'bounty.module-update', origin, now, null, { ...m }));
      return next;
    });
  }

  /** Takes a module out of the bounty (admins, the operator): rewards already proposed stay. */
  async removeModule(actor: Actor, name: string, origin: Origin): Promise<void> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const key = checkModuleName(name);
    await this.ctx.transaction(actor, origin, async (tx) => {
      if (!(await tx.bountyModule(key))) throw moduleNotFound();
      await tx.removeBountyModule(key);
      await tx.audit(auditEntry(actor, 'bounty.module-remove', origin, now, null, { name: key }));
    });
  }

  /** Sets the reward of each severity, in cents (admins, the operator): for rewards proposed from now on. */
  async setTable(actor: Actor, input: unknown, origin: Origin): Promise<RewardTable> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const t = validateRewardTable(input);
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.setRewardTable(t);
      await tx.audit(auditEntry(actor, 'bounty.table', origin, now, null, { ...t }));
      return t;
    });
  }

  /**
   * Adds money to the budget (admins, the operator), then funds the rewards waiting for budget, the
   * longest waiting first, as far as it goes (one that does not fit stops the rest: no overtaking).
   */
  async deposit(
    actor: Actor,
    amount: unknown,
    reason: unknown,
    origin: Origin,
  ): Promise<{ entry: LedgerEntry; funded: string[] }> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const cents = checkAmount(amount, 'amount');
    const why = checkReason(reason);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const entry = await tx.moveBudget({
        kind: 'deposit',
        amount: cents,
        rewardId: null,
        by: actorLabel(actor),
        at: now.toISOString(),
        reason: why,
      });
      if (!entry) throw new NswgError('E_CONFLICT', 'the deposit was not recorded', { field: 'amount' });
      await tx.audit(
        auditEntry(actor, 'bounty.deposit', origin, now, null, { amount: cents, balance: entry.balance }),
      );
      const funded: string[] = [];
      const waiting = (await tx.rewards({ states: ['waiting-for-budget'] })).sort((a, b) =>
        (a.approvedAt ?? '').localeCompare(b.approvedAt ?? ''),
      );
      for (const r of waiting) {
        if (!(await reserve(tx, actor, r, now))) break;
        if (!(await tx.moveReward({ ...r, state: 'approved' }, ['waiting-for-budget'])))
          throw new NswgError('E_CONFLICT', `the reward ${r.id} moved meanwhile`, { field: 'reward' });
        await tx.audit(
          auditEntry(actor, 'bounty.reward-fund', origin, now, r.reportId, {
            rewardId: r.id,
            amount: r.amount,
          }),
        );
        funded.push(r.id);
      }
      return { entry, funded };
    });
  }

  /** The ledger and the budget's figures (admins, the operator); the read is logged. */
  async ledger(actor: Actor, origin: Origin): Promise<{ entries: LedgerEntry[]; figures: BudgetFigures }> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.audit(auditEntry(actor, 'bounty.ledger-read', origin, now, null));
      return {
        entries: await tx.ledger(),
        figures: budgetFigures(await tx.budgetBalance(), await tx.rewards()),
      };
    });
  }

  /** Every reward, or those in `states` (the triage team, admins); the read is logged. */
  async rewards(
    actor: Actor,
    origin: Origin,
    q: { states?: readonly RewardState[] } = {},
  ): Promise<Reward[]> {
    const now = this.ctx.now();
    assertCan(actor, 'decide-reward', null, now);
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.audit(
        auditEntry(actor, 'bounty.rewards-read', origin, now, null, {
          states: q.states ? [...q.states] : null,
        }),
      );
      return tx.rewards(q.states ? { states: q.states } : {});
    });
  }

  /** The rewards of the actor's own reports, as a researcher reads them (any confirmed account). */
  async mine(actor: Actor, origin: Origin): Promise<RewardView[]> {
    const now = this.ctx.now();
    if (!isConfirmedUser(actor)) throw new NswgError('E_FORBIDDEN', CONFIRM_FIRST, { field: 'email' });
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.audit(auditEntry(actor, 'bounty.rewards-read', origin, now, null, { own: true }));
      return (await tx.rewards({ researcherId: actor.id })).map(viewOf);
    });
  }

  /**
   * Approves a proposed reward (a second team member: never its researcher, whoever filed the report,
   * nor whoever proposed it), optionally with a share for one of the report's maintainers. The money
   * is reserved from the budget in the same transaction; when the budget is short the reward waits for
   * budget instead, and the next deposit funds it.
   */
  async approve(
    actor: Actor,
    rewardId: string,
    input: { maintainerId?: unknown; maintainerShare?: unknown },
    origin: Origin,
  ): Promise<Reward> {
    const now = this.ctx.now();
    assertCan(actor, 'decide-reward', null, now);
    const me = actorId(actor)!;
    return this.ctx.transaction(actor, origin, async (tx) => {
      const { reward, report } = await load(tx, rewardId);
      const refusal = secondPersonRefusal(me, reward, report);
      if (refusal) throw new NswgError('E_FORBIDDEN', refusal, { field: 'reward' });
      if (!rewardMay(reward.state, 'approve'))
        throw new NswgError('E_CONFLICT', `the reward is ${reward.state}: only a proposed one is approved`, {
          field: 'reward',
        });
      const share = checkShare(input.maintainerShare, reward.amount);
      let maintainerId: string | null = null;
      if (share > 0) {
        const named =
          typeof input.maintainerId === 'string' && input.maintainerId ? input.maintainerId : null;
        maintainerId = named ?? (report.maintainerIds.length === 1 ? report.maintainerIds[0]! : null);
        if (!maintainerId || !report.maintainerIds.includes(maintainerId))
          throw new NswgError(
            'E_BOUNTY_INVALID',
            'the share goes to one of the maintainers of the report: name them',
            { field: 'maintainerId' },
            [{ field: 'maintainerId', message: 'must be a maintainer of the report' }],
          );
      }
      const approved: Reward = {
        ...reward,
        maintainerId,
        maintainerShare: share,
        approvedBy: me,
        approvedAt: now.toISOString(),
      };
      const funded = await reserve(tx, actor, approved, now);
      const next: Reward = { ...approved, state: funded ? 'approved' : 'waiting-for-budget' };
      if (!(await tx.moveReward(next, ['proposed'])))
        throw new NswgError('E_CONFLICT', 'the reward was decided meanwhile', { field: 'reward' });
      await tx.audit(
        auditEntry(
          actor,
          funded ? 'bounty.reward-approve' : 'bounty.reward-wait',
          origin,
          now,
          reward.reportId,
          {
            rewardId: reward.id,
            amount: reward.amount,
            maintainerShare: share,
            balance: funded?.balance ?? (await tx.budgetBalance()),
          },
        ),
      );
      return next;
    });
  }

  /**
   * Records the payment of an approved reward (admins, the operator; never to themselves), with its
   * reference: a reference recorded already, or a reward paid already, is refused (E_CONFLICT).
   */
  async markPaid(actor: Actor, rewardId: string, reference: unknown, origin: Origin): Promise<Reward> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-bounty', null, now);
    const ref = checkReference(reference);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const { reward } = await load(tx, rewardId);
      if (actorId(actor) === reward.researcherId)
        throw new NswgError('E_FORBIDDEN', 'nobody records the payment of their own reward', {
          field: 'reward',
        });
      if (!rewardMay(reward.state, 'pay'))
        throw new NswgError(
          'E_CONFLICT',
          reward.state === 'paid'
            ? 'the reward is paid already'
            : `the reward is ${reward.state}: only an approved one is paid`,
          { field: 'reward' },
        );
      if ((await tx.rewards({ states: ['paid'] })).some((r) => r.paymentReference === ref))
        throw new NswgError('E_CONFLICT', 'this payment reference is recorded already', {
          field: 'reference',
        });
      const at = now.toISOString();
      const next: Reward = {
        ...reward,
        state: 'paid',
        paidBy: actorLabel(actor),
        paidAt: at,
        paymentReference: ref,
      };
      if (!(await tx.moveReward(next, ['approved'])))
        throw new NswgError('E_CONFLICT', 'the reward was paid meanwhile', { field: 'reward' });
      await tx.moveBudget({
        kind: 'payment',
        amount: 0,
        rewardId: reward.id,
        by: actorLabel(actor),
        at,
        reason: `paid: ${ref}`,
      });
      await tx.audit(
        auditEntry(actor, 'bounty.reward-pay', origin, now, reward.reportId, {
          rewardId: reward.id,
          amount: reward.amount,
          reference: ref,
        }),
      );
      return next;
    });
  }

  /**
   * Declares a reward ineligible, with the reason its researcher reads (the triage team, never the
   * researcher): from proposed, waiting or approved; an approved one's money goes back to the budget.
   */
  async markIneligible(actor: Actor, rewardId: string, reason: unknown, origin: Origin): Promise<Reward> {
    const now = this.ctx.now();
    assertCan(actor, 'decide-reward', null, now);
    const why = checkReason(reason);
    const me = actorId(actor)!;
    return this.ctx.transaction(actor, origin, async (tx) => {
      const { reward, report } = await load(tx, rewardId);
      if (me === reward.researcherId || me === report.reporterId || me === report.filedById)
        throw new NswgError('E_FORBIDDEN', 'the researcher does not decide their own reward', {
          field: 'reward',
        });
      if (!rewardMay(reward.state, 'refuse'))
        throw new NswgError(
          'E_CONFLICT',
          `the reward is ${reward.state}: it can no longer be declared ineligible`,
          {
            field: 'reward',
          },
        );
      const next: Reward = { ...reward, state: 'ineligible', reason: why };
      if (!(await tx.moveReward(next, [reward.state])))
        throw new NswgError('E_CONFLICT', 'the reward was decided meanwhile', { field: 'reward' });
      if (reward.state === 'approved')
        await tx.moveBudget({
          kind: 'release',
          amount: reward.amount,
          rewardId: reward.id,
          by: actorLabel(actor),
          at: now.toISOString(),
          reason: why,
        });
      await tx.audit(
        auditEntry(actor, 'bounty.reward-ineligible', origin, now, reward.reportId, {
          rewardId: reward.id,
          from: reward.state,
          reason: why,
        }),
      );
      return next;
    });
  }
}

/** A reward and its report; E_NOT_FOUND when there is none. */
async function load(tx: DisclosureTx, rewardId: string) {
  const reward = await tx.reward(rewardId);
  if (!reward) throw rewardNotFound();
  const report = await tx.getReport(reward.reportId);
  if (!report) throw rewardNotFound();
  return { reward, report };
}

/** Reserves a reward's money: the ledger's entry, or null when the budget is short. */
function reserve(tx: DisclosureTx, actor: Actor, r: Reward, now: Date): Promise<LedgerEntry | null> {
  return tx.moveBudget({
    kind: 'reserve',
    amount: -r.amount,
    rewardId: r.id,
    by: actorLabel(actor),
    at: now.toISOString(),
    reason: `reward of ${r.advisoryId ?? r.reportId} (${r.severity})`,
  });
}
