import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0012_bounty: the bug bounty. The eligible modules; one budget row (its balance and the
 * reward table); the ledger, one row per movement of the budget; the rewards of published reports;
 * and the researchers' choice of a public profile. The database itself refuses what must never happen:
 * - a negative balance: a check on the budget's balance and on every ledger row's balance after it;
 * - a movement of the wrong sign (a deposit that takes, a reservation that adds), a reward reserved,
 *   released or paid twice (unique on reward and kind), one payment recorded twice (unique reference);
 * - two rewards for one report; a reward approved by its researcher or by whoever proposed it; an
 *   ineligible reward without the reason the researcher reads, a paid one without its reference.
 */
export const bountyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('bounty_modules')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('section', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text', (c) => c.notNull())
      .addColumn('approved_on', 'text', (c) => c.notNull())
      .addColumn('downloads', 'integer')
      .addColumn('downloads_as_of', 'text')
      .addColumn('downloads_source', 'text')
      .addColumn('added_by', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('bounty_modules_section', sql`section in ('confirmed', 'work-in-progress')`)
      .addCheckConstraint(
        'bounty_modules_downloads',
        sql`(downloads is null and downloads_as_of is null and downloads_source is null) or (downloads >= 0 and downloads_as_of is not null and downloads_source in ('registry', 'override'))`,
      )
      .execute();
    await db.schema
      .createTable('bounty_budget')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('balance', 'integer', (c) => c.notNull())
      .addColumn('last_seq', 'integer', (c) => c.notNull())
      .addColumn('reward_critical', 'integer', (c) => c.notNull())
      .addColumn('reward_high', 'integer', (c) => c.notNull())
      .addColumn('reward_moderate', 'integer', (c) => c.notNull())
      .addColumn('reward_low', 'integer', (c) => c.notNull())
      .addColumn('reward_info', 'integer', (c) => c.notNull())
      .addCheckConstraint('bounty_budget_one', sql`id = 1`)
      .addCheckConstraint('bounty_budget_balance', sql`balance >= 0`)
      .addCheckConstraint(
        'bounty_budget_table',
        sql`reward_critical >= 0 and reward_high >= 0 and reward_moderate >= 0 and reward_low >= 0 and reward_info >= 0`,
      )
      .execute();
    // the Working Group's table: Critical $500, High $250, nothing below
    await sql`insert into bounty_budget (id, balance, last_seq, reward_critical, reward_high, reward_moderate, reward_low, reward_info) values (1, 0, 0, 50000, 25000, 0, 0, 0)`.execute(
      db,
    );
    await db.schema
      .createTable('bounty_ledger')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('balance', 'integer', (c) => c.notNull())
      .addColumn('reward_id', 'text')
      .addColumn('by_whom', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addCheckConstraint('bounty_ledger_balance', sql`balance >= 0`)
      .addCheckConstraint(
        'bounty_ledger_sign',
        sql`(kind = 'deposit' and amount > 0 and reward_id is null) or (kind = 'reserve' and amount < 0 and reward_id is not null) or (kind = 'release' and amount > 0 and reward_id is not null) or (kind = 'payment' and amount = 0 and reward_id is not null)`,
      )
      .execute();
    await db.schema
      .createIndex('bounty_ledger_reward')
      .on('bounty_ledger')
      .columns(['reward_id', 'kind'])
      .unique()
      .execute();
    await db.schema
      .createTable('bounty_rewards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().unique().references('reports.id'))
      .addColumn('advisory_id', 'text')
      .addColumn('researcher_id', 'text', (c) => c.notNull())
      .addColumn('package_name', 'text', (c) => c.notNull())
      .addColumn('module_name', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('maintainer_id', 'text')
      .addColumn('maintainer_share', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('proposed_by', 'text')
      .addColumn('proposed_at', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('paid_by', 'text')
      .addColumn('paid_at', 'text')
      .addColumn('payment_reference', 'text', (c) => c.unique())
      .addCheckConstraint(
        'bounty_rewards_state',
        sql`state in ('proposed', 'approved', 'waiting-for-budget', 'paid', 'ineligible')`,
      )
      .addCheckConstraint(
        'bounty_rewards_amount',
        sql`amount >= 0 and maintainer_share >= 0 and maintainer_share <= amount and (maintainer_share = 0 or maintainer_id is not null)`,
      )
      .addCheckConstraint(
        'bounty_rewards_second_person',
        sql`approved_by is null or (approved_by <> researcher_id and (proposed_by is null or approved_by <> proposed_by))`,
      )
      .addCheckConstraint(
        'bounty_rewards_moves',
        sql`(state = 'ineligible' and reason is not null) or (state in ('proposed') and approved_by is null and reason is null) or (state in ('approved', 'waiting-for-budget') and approved_by is not null and reason is null) or (state = 'paid' and approved_by is not null and payment_reference is not null and paid_at is not null)`,
      )
      .execute();
    await db.schema
      .createIndex('bounty_rewards_researcher')
      .on('bounty_rewards')
      .column('researcher_id')
      .execute();
    await db.schema
      .createTable('researcher_profiles')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      .addColumn('public', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('researcher_profiles_public', sql`public in (0, 1)`)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      'researcher_profiles',
      'bounty_rewards',
      'bounty_ledger',
      'bounty_budget',
      'bounty_modules',
    ])
      await db.schema.dropTable(t).execute();
  },
};
