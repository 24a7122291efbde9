import type { Kysely } from 'kysely';
import type { DisclosureDb } from './schema.js';

// The bug bounty's tables (migration 0012_bounty), kept apart from the program's older tables.

export interface BountyModuleTable {
  name: string;
  section: string;
  approved_by: string;
  approved_on: string;
  downloads: number | null;
  downloads_as_of: string | null;
  downloads_source: string | null;
  added_by: string;
  added_at: string;
  updated_at: string;
}

/** The one budget row (id 1): the balance, the last ledger number, the reward table in cents. */
export interface BountyBudgetTable {
  id: number;
  balance: number;
  last_seq: number;
  reward_critical: number;
  reward_high: number;
  reward_moderate: number;
  reward_low: number;
  reward_info: number;
}

export interface BountyLedgerTable {
  seq: number;
  kind: string;
  amount: number;
  balance: number;
  reward_id: string | null;
  by_whom: string;
  at: string;
  reason: string;
}

export interface BountyRewardTable {
  id: string;
  report_id: string;
  advisory_id: string | null;
  researcher_id: string;
  package_name: string;
  module_name: string;
  severity: string;
  amount: number;
  maintainer_id: string | null;
  maintainer_share: number;
  state: string;
  reason: string | null;
  proposed_by: string | null;
  proposed_at: string;
  approved_by: string | null;
  approved_at: string | null;
  paid_by: string | null;
  paid_at: string | null;
  payment_reference: string | null;
}

export interface ResearcherProfileTable {
  user_id: string;
  public: number;
  updated_at: string;
}

export type BountyTables = {
  bounty_modules: BountyModuleTable;
  bounty_budget: BountyBudgetTable;
  bounty_ledger: BountyLedgerTable;
  bounty_rewards: BountyRewardTable;
  researcher_profiles: ResearcherProfileTable;
};

export type BountyDb = DisclosureDb & BountyTables;

/** The handle with the bounty's tables typed too. */
export const withBounty = (db: Kysely<DisclosureDb>): Kysely<BountyDb> => db.withTables<BountyTables>();
