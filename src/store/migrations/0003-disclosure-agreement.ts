import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Migration 0003_disclosure_agreement: what each party of a report agrees to disclose on publication.
 * One row per (report, subject, party), replaced when the party speaks again; the audit log keeps
 * every statement. The fix proposal needs no column: it lives in the report's record.
 */
export const disclosureAgreementMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('disclosure_statements')
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('party', 'text', (c) => c.notNull())
      .addColumn('disclosable', 'integer', (c) => c.notNull())
      .addColumn('stated_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('stated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('disclosure_statements_pk', ['report_id', 'subject', 'party'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('disclosure_statements').execute();
  },
};
