import type { Advisory } from '../../advisories/index.js';
import type { Store } from '../../store/index.js';

/**
 * The most recently published advisories (not withdrawn), newest first, through the `published`
 * index. The store orders its search by `modified`, which the bundled core advisories all share
 * (their files carry no date, so it is the snapshot's): that would fill the home page with them.
 * This query belongs in AdvisoryStore (`latest(limit)`); it is here until the store has it.
 */
export async function latestPublished(store: Store, limit: number): Promise<Advisory[]> {
  const rows = await store.db
    .selectFrom('advisories')
    .select('record')
    .where('published', 'is not', null)
    .where('withdrawn', 'is', null)
    // No tie-break on id: with many advisories of one date, sorting the ties would read them all.
    .orderBy('published', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => JSON.parse(r.record) as Advisory);
}
