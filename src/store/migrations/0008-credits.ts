import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0008_credits: the credits of a report, one row each, with the role the advisory gives
 * the credited person and where the credit stands (proposed, accepted, declined, withdrawn). The
 * database refuses a role or a state the program does not know, and a credit that awaits nobody: a
 * credit without an address (entered by the team) is accepted or withdrawn, never proposed.
 * `position` orders a report's credits as they were proposed (its count so far, under the write lock).
 */
export const creditsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('report_credits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('proposed_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addCheckConstraint(
        'report_credits_role',
        sql`role in ('finder', 'reporter', 'analyst', 'coordinator', 'remediation-developer', 'remediation-reviewer', 'remediation-verifier', 'tool', 'sponsor', 'other')`,
      )
      .addCheckConstraint(
        'report_credits_state',
        sql`state in ('proposed', 'accepted', 'declined', 'withdrawn')`,
      )
      .addCheckConstraint(
        'report_credits_awaits',
        sql`email is not null or state in ('accepted', 'withdrawn')`,
      )
      .execute();
    await db.schema
      .createIndex('report_credits_report')
      .on('report_credits')
      .columns(['report_id', 'position'])
      .unique()
      .execute();
    await db.schema.createIndex('report_credits_email').on('report_credits').column('email').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('report_credits').execute();
  },
};
