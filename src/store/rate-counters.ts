import { type Kysely, sql } from 'kysely';

/** A key's count in its current window, and the milliseconds left of that window. */
export interface RateCount {
  current: number;
  ttl: number;
}

/** How often expired windows are deleted (at most), so the table holds only current ones. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The rate limits' counters in the database (PostgreSQL), shared by every server instance on it:
 * one atomic upsert per request counts it, starting a new window when the key's has ended. Times
 * are the database's, so instances whose clocks differ still agree on the windows.
 */
export class RateCounters {
  private prunedAt = 0;

  // biome-ignore lint/suspicious/noExplicitAny: the table is the migration's, outside the typed schema
  constructor(private readonly db: Kysely<any>) {}

  /** Counts one request of `key` in a window of `windowMs`: its count in the window so far and what is left of it. */
  async increment(key: string, windowMs: number): Promise<RateCount> {
    return (await this.add(new Map([[key, 1]]), windowMs)).get(key)!;
  }

  /**
   * Counts `n` requests of each key at once (one statement for them all), in windows of `windowMs`:
   * each key's count in its window so far, every instance's included, and what is left of it.
   */
  async add(counts: ReadonlyMap<string, number>, windowMs: number): Promise<Map<string, RateCount>> {
    const out = new Map<string, RateCount>();
    if (counts.size === 0) return out;
    const now = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
    const { rows } = await sql<{ key: string; hits: number; ttl: string | number }>`
      insert into rate_limits as r (key, window_ends, hits)
      select k, ${now} + ${windowMs}, n
      from unnest(${[...counts.keys()]}::text[], ${[...counts.values()]}::int[]) as t(k, n)
      on conflict (key) do update set
        hits = case when r.window_ends <= excluded.window_ends - ${windowMs}
          then excluded.hits else r.hits + excluded.hits end,
        window_ends = case when r.window_ends <= excluded.window_ends - ${windowMs}
          then excluded.window_ends else r.window_ends end
      returning r.key, hits, r.window_ends - ${now} as ttl`.execute(this.db);
    this.prune();
    for (const row of rows)
      out.set(row.key, { current: Number(row.hits), ttl: Math.max(0, Number(row.ttl)) });
    return out;
  }

  /** The key's count in its current window, without counting (0 when it has none). */
  async read(key: string): Promise<RateCount> {
    const { rows } = await sql<{ hits: number; ttl: string | number }>`
      select hits, window_ends - (extract(epoch from clock_timestamp()) * 1000)::bigint as ttl
      from rate_limits where key = ${key}`.execute(this.db);
    const row = rows[0];
    if (!row || Number(row.ttl) <= 0) return { current: 0, ttl: 0 };
    return { current: Number(row.hits), ttl: Number(row.ttl) };
  }

  /** Deletes ended windows, at most once a minute per process; a failure waits for the next time. */
  private prune(): void {
    const at = Date.now();
    if (at - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = at;
    sql`delete from rate_limits where window_ends < (extract(epoch from clock_timestamp()) * 1000)::bigint`
      .execute(this.db)
      .catch(() => {});
  }
}
