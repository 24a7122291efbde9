import type { RateCounters } from '../store/index.js';

type Done = (err: Error | null, res: { current: number; ttl: number }) => void;
type Counter = { current: number; start: number };

/** How many keys the in-memory counters hold at most (the oldest go first). */
const MAX_KEYS = 50_000;

/**
 * A store for @fastify/rate-limit whose counters are shared: in the database (every server instance
 * on one PostgreSQL database counts together, so a limit holds across them) or, with no shared
 * counters (SQLite: one server process), in this process's memory. One store serves every route
 * given it, keyed by `namespace` and the plugin's key (the client's address and the route's group):
 * routes of one group count against one limit.
 */
export function rateLimitStore(namespace: string, shared: RateCounters | null) {
  const counters = new Map<string, Counter>();
  return class RateLimitStore {
    incr(key: string, cb: Done, timeWindow: number): void {
      if (shared) {
        shared.increment(`${namespace}:${key}`, timeWindow).then(
          (c) => cb(null, c),
          (e: Error) => cb(e, { current: 0, ttl: 0 }),
        );
        return;
      }
      const now = Date.now();
      let c = counters.get(key);
      if (!c || c.start + timeWindow <= now) {
        c = { current: 0, start: now };
        counters.delete(key);
        if (counters.size >= MAX_KEYS) counters.delete(counters.keys().next().value as string);
        counters.set(key, c);
      }
      c.current++;
      cb(null, { current: c.current, ttl: timeWindow - (now - c.start) });
    }

    read(key: string, cb: Done, timeWindow: number): void {
      if (shared) {
        shared.read(`${namespace}:${key}`).then(
          (c) => cb(null, c),
          (e: Error) => cb(e, { current: 0, ttl: 0 }),
        );
        return;
      }
      const c = counters.get(key);
      const now = Date.now();
      if (!c || c.start + timeWindow <= now) cb(null, { current: 0, ttl: 0 });
      else cb(null, { current: c.current, ttl: timeWindow - (now - c.start) });
    }

    child(): RateLimitStore {
      return this;
    }
  };
}

/** A key's count as this instance knows it: the shared count at the last sync, and its own since. */
interface Batched {
  /** Every instance's count in the window at the last sync, this one's included. */
  synced: number;
  /** This instance's requests being added to the shared count now (0: no sum in progress). */
  inFlight: number;
  /** This instance's requests since, in order: null for one answered already, else its callback. */
  pending: (Done | null)[];
  /** When the window ends (this process's clock: the shared ttl at the last sync, from then). */
  windowEnd: number;
}

/** How long a key's requests may wait to be added to the shared count (ms). */
const SYNC_EVERY_MS = 500;

/**
 * A store for @fastify/rate-limit that counts together with the other instances on one PostgreSQL
 * database without a round trip per request. While a client's count is under half the limit, its
 * requests are answered at once with what this instance knows, up to a tenth of the limit of them
 * between two sums, and added to the database within SYNC_EVERY_MS, every client's in one
 * statement. Past that tenth, or half the limit, requests wait for the next sum (one statement for
 * all that wait) and get their exact place in it: near the limit the count is exact across
 * instances, and every instance admits at most a tenth of the limit unseen by the others.
 * With no shared counters (SQLite: one server process), counted in memory.
 */
export function batchedRateLimitStore(namespace: string, shared: RateCounters | null, max: number) {
  if (!shared) return rateLimitStore(namespace, null);
  const counters = shared;
  const entries = new Map<string, Batched>();
  const ahead = Math.max(1, Math.floor(max / 10));
  let timer: NodeJS.Timeout | null = null;
  let windowMs = 60_000;

  const ttl = (e: Batched) => Math.max(0, e.windowEnd - Date.now());

  /**
   * Adds the keys' pending requests to the shared count, in one statement, then answers those that
   * wait with their place in the sum.
   */
  const flush = (due: Iterable<[string, Batched]>): void => {
    const batches = new Map<string, { key: string; e: Batched; batch: (Done | null)[] }>();
    for (const [key, e] of due) {
      if (e.inFlight > 0 || e.pending.length === 0) continue;
      const batch = e.pending.splice(0);
      e.inFlight = batch.length;
      batches.set(`${namespace}:${key}`, { key, e, batch });
    }
    if (batches.size === 0) return;
    const counts = new Map([...batches].map(([k, b]) => [k, b.batch.length]));
    counters
      .add(counts, windowMs)
      // the database is unreachable: this instance counts alone until it is back
      .catch(() => new Map<string, { current: number; ttl: number }>())
      .then((got) => {
        for (const [k, { key, e, batch }] of batches) {
          const n = batch.length;
          const c = got.get(k);
          e.synced = c ? c.current : e.synced + n;
          if (c) e.windowEnd = Date.now() + c.ttl;
          e.inFlight = 0;
          const t = ttl(e);
          for (const [j, cb] of batch.entries()) cb?.(null, { current: e.synced - n + j + 1, ttl: t });
          if (e.pending.some((cb) => cb !== null)) flush([[key, e]]);
          else if (e.pending.length) schedule();
        }
      });
  };

  const schedule = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const now = Date.now();
      for (const [key, e] of entries)
        if (!e.pending.length && e.windowEnd <= now && e.inFlight === 0) entries.delete(key);
      flush(entries);
    }, SYNC_EVERY_MS);
    timer.unref();
  };

  return class BatchedRateLimitStore {
    incr(key: string, cb: Done, timeWindow: number): void {
      windowMs = timeWindow;
      const now = Date.now();
      let e = entries.get(key);
      if (!e || (e.windowEnd <= now && e.inFlight === 0 && e.pending.length === 0)) {
        if (!e && entries.size >= MAX_KEYS) entries.delete(entries.keys().next().value as string);
        entries.delete(key);
        e = { synced: 0, inFlight: 0, pending: [], windowEnd: now + timeWindow };
        entries.set(key, e);
      }
      // far from the limit, at once; near it, every request waits for its exact place
      if (e.pending.length < ahead && e.synced + e.inFlight + e.pending.length < max / 2) {
        e.pending.push(null);
        schedule();
        cb(null, { current: e.synced + e.inFlight + e.pending.length, ttl: ttl(e) });
        return;
      }
      e.pending.push(cb);
      flush([[key, e]]);
    }

    child(): BatchedRateLimitStore {
      return this;
    }
  };
}
