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
