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

/** The spans of stored rows, from their briefs (a migration's backfill). */
export function spansOfRows<R extends { ecosystem: string; name: string; brief: string }>(
  rows: readonly R[],
): (R & { spans: string | null })[] {
  const parsed = new Map<string, Pick<Advisory, 'withdrawn' | 'affected'>>();
  return rows.map((r) => {
    let a = parsed.get(r.brief);
    if (!a) {
      a = JSON.parse(r.brief) as Pick<Advisory, 'withdrawn' | 'affected'>;
      parsed.set(r.brief, a);
    }
    const spans = spansOfAdvisory(a);
    const i = a.affected.findIndex((x) => x.ecosystem === r.ecosystem && x.name === r.name);
    return { ...r, spans: i < 0 ? null : spans[i]! };
  });
}
