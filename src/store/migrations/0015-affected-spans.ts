import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isPostgres } from '../advisories/search-index.js';
import { spansOfRows } from '../advisories/spans.js';

/**
 * Migration 0015_affected_spans: each `affected` row's versions as key intervals (`spans`,
 * scan/matcher.ts matchSpans), worked out from its brief, and the package index made to cover
 * them, so that the advisories of a package that cannot hold the versions asked about are passed
 * over from the index alone. The spans written here are those of this release's key format; a
 * change of that format needs a migration that writes them again.
 */
export const affectedSpansMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('affected').addColumn('spans', 'text').execute();
    let after = '';
    for (;;) {
      const ids = (
        (await db
          .selectFrom('advisories')
          .select('id')
          .where('id', '>', after)
          .orderBy('id')
          .limit(1000)
          .execute()) as { id: string }[]
      ).map((r) => r.id);
      if (!ids.length) break;
      const rows = (await db
        .selectFrom('affected')
        .select(['advisory_id', 'ecosystem', 'name', 'brief'])
        .where('advisory_id', 'in', ids)
        .where('brief', 'is not', null)
        .execute()) as { advisory_id: string; ecosystem: string; name: string; brief: string }[];
      const values = JSON.stringify(
        spansOfRows(rows).flatMap((r) =>
          r.spans === null ? [] : [[r.advisory_id, r.ecosystem, r.name, r.spans]],
        ),
      );
      if (isPostgres(db))
        await sql`update affected set spans = j.value->>3
          from json_array_elements(${values}::json) as j
          where affected.advisory_id = j.value->>0 and affected.ecosystem = j.value->>1
            and affected.name = j.value->>2`.execute(db);
      else
        await sql`update affected set spans = j.value->>3
          from json_each(${values}) as j
          where affected.advisory_id = j.value->>0 and affected.ecosystem = j.value->>1
            and affected.name = j.value->>2`.execute(db);
      after = ids[ids.length - 1]!;
    }
    await db.schema.dropIndex('affected_package').execute();
    await sql`create index affected_package on affected (ecosystem, name, advisory_id, spans)`.execute(db);
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('affected_package').execute();
    await db.schema
      .createIndex('affected_package')
      .on('affected')
      .columns(['ecosystem', 'name', 'advisory_id'])
      .execute();
    await db.schema.alterTable('affected').dropColumn('spans').execute();
  },
};
