import type { BountyModule, LedgerEntry, LedgerKind, Reward, RewardState, RewardTable } from './bounty.js';

/** One movement to record: the ledger gives it its number and the balance after it. */
export type LedgerMovement = Omit<LedgerEntry, 'seq' | 'balance'>;

/**
 * What the bug bounty needs from storage, inside the disclosure program's transaction (part of
 * DisclosureTx; the store implements it in src/store/disclosure/bounty.ts).
 */
export interface BountyTx {
  bountyModules(): Promise<BountyModule[]>;
  bountyModule(name: string): Promise<BountyModule | null>;
  /** Adds a module; E_CONFLICT when one of that name exists. */
  addBountyModule(m: BountyModule): Promise<void>;
  updateBountyModule(m: BountyModule): Promise<void>;
  removeBountyModule(name: string): Promise<void>;
  rewardTable(): Promise<RewardTable>;
  setRewardTable(t: RewardTable): Promise<void>;
  /** The budget's balance in cents. */
  budgetBalance(): Promise<number>;
  /**
   * Records a movement and moves the balance by its amount, by one conditional update that passes only
   * when the balance stays at or above zero (the database's checks refuse a negative one regardless);
   * null when it would not, and nothing is recorded.
   */
  moveBudget(m: LedgerMovement): Promise<LedgerEntry | null>;
  /** Every movement, oldest first; only those of `kinds` when given. */
  ledger(filter?: { kinds?: readonly LedgerKind[] }): Promise<LedgerEntry[]>;
  addReward(r: Reward): Promise<void>;
  reward(id: string): Promise<Reward | null>;
  rewardOfReport(reportId: string): Promise<Reward | null>;
  /** Rewards, oldest first: one researcher's, or those in `states`, or all. */
  rewards(filter?: { researcherId?: string; states?: readonly RewardState[] }): Promise<Reward[]>;
  /** Writes `next` over the reward if it is still in one of `from` (false when it was not): race-free. */
  moveReward(next: Reward, from: readonly RewardState[]): Promise<boolean>;
  /** Whether the researcher chose a public profile. */
  publicProfile(userId: string): Promise<boolean>;
  setPublicProfile(userId: string, on: boolean, at: string): Promise<void>;
  /** The handles of the researchers who opted in to a public profile (and have a handle), by user id. */
  publicProfiles(): Promise<Map<string, string>>;
  /** The user id of the opted-in researcher with this handle (any case), or null. */
  publicResearcher(handle: string): Promise<string | null>;
}
