import type { Kysely } from 'kysely';
import type { Advisory } from '../../advisories/index.js';

/**
 * An advisory without its prose (details, references, credits): what matching a version, npm's
 * bulk answer and an audit report's findings (the aliases: CVE ids) need. Stored with each `affected` row, so that "the advisories of these packages"
 * reads small rows found through the package index and never touches the large records (SQLite
 * would read through a record's overflow pages to reach a column stored after it).
 */
export type AdvisoryBrief = Pick<
  Advisory,
  | 'id'
  | 'modified'
  | 'withdrawn'
  | 'aliases'
  | 'title'
  | 'cvss'
  | 'declaredSeverity'
  | 'weaknesses'
  | 'affected'
>;

/** The brief of a record, as stored. */
export function briefOf(a: Advisory): string {
  const brief: AdvisoryBrief = {
    id: a.id,
    modified: a.modified,
    withdrawn: a.withdrawn,
    aliases: a.aliases,
    title: a.title,
    cvss: a.cvss,
    declaredSeverity: a.declaredSeverity,
    weaknesses: a.weaknesses,
    affected: a.affected,
  };
  return JSON.stringify(brief);
}

/** Fills `brief` in every `affected` row that has none (returns how many advisories it filled). */
export async function backfillBriefs(db: Kysely<any>): Promise<number> {
  let after = '';
  let n = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('advisories')
      .select(['id', 'record'])
      .where('id', '>', after)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('affected')
            .select('advisory_id')
            .whereRef('affected.advisory_id', '=', 'advisories.id')
            .where('affected.brief', 'is', null),
        ),
      )
      .orderBy('id')
      .limit(1000)
      .execute()) as { id: string; record: string }[];
    for (const r of rows) {
      await db
        .updateTable('affected')
        .set({ brief: briefOf(JSON.parse(r.record) as Advisory) })
        .where('advisory_id', '=', r.id)
        .execute();
    }
    n += rows.length;
    if (rows.length < 1000) return n;
    after = rows[rows.length - 1]!.id;
  }
}
