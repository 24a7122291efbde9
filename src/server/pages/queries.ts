import type { Advisory } from '../../advisories/index.js';
import type { Store } from '../../store/index.js';

/**
 * The most recently published advisories (not withdrawn), newest first, through the `published`
 * index, from `offset` on (the home page's later pages). The store orders its search by `modified`, which the bundled core advisories all share
 * (their files carry no date, so it is the snapshot's): that would fill the home page with them.
 * This query belongs in AdvisoryStore (`latest(limit)`); it is here until the store has it.
 */
export async function latestPublished(store: Store, limit: number, offset = 0): Promise<Advisory[]> {
  const rows = await store.db
    .selectFrom('advisories')
    .select('record')
    .where('published', 'is not', null)
    .where('withdrawn', 'is', null)
    // The tie-break on id makes the order one order, so that paging by offset shows each advisory
    // once; both engines sort only each date's ties (the index gives the dates in order).
    .orderBy('published', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => JSON.parse(r.record) as Advisory);
}
