import type { Advisory } from '../../advisories/index.js';
import { matchSpansOf } from '../../scan/index.js';

/**
 * The `spans` of the `affected` rows of an advisory (scan's matchSpans): one row per entry, by
 * package. Two entries for one package (GitHub's records have one per release line) make rows
 * alike, each with the spans of both.
 */
export function spansOfAdvisory(a: Pick<Advisory, 'withdrawn' | 'affected'>): (string | null)[] {
  const withdrawn = a.withdrawn !== null && a.withdrawn !== undefined;
  return a.affected.map((x) =>
    matchSpansOf(
      a.affected.filter((y) => y.ecosystem === x.ecosystem && y.name === x.name),
      withdrawn,
    ),
  );
}

/** The spans of stored rows, from their briefs (a migration's backfill): each advisory's worked out once. */
export function spansOfRows<
  R extends { advisory_id: string; ecosystem: string; name: string; brief: string },
>(rows: readonly R[]): (R & { spans: string | null })[] {
  const byAdvisory = new Map<string, { a: Pick<Advisory, 'affected'>; spans: (string | null)[] }>();
  return rows.map((r) => {
    let done = byAdvisory.get(r.advisory_id);
    if (!done) {
      const a = JSON.parse(r.brief) as Pick<Advisory, 'withdrawn' | 'affected'>;
      done = { a, spans: spansOfAdvisory(a) };
      byAdvisory.set(r.advisory_id, done);
    }
    const i = done.a.affected.findIndex((x) => x.ecosystem === r.ecosystem && x.name === r.name);
    return { ...r, spans: i < 0 ? null : done.spans[i]! };
  });
}
