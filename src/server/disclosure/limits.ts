import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RequestLimit } from '../deps.js';
import { httpError } from '../http-error.js';
import type { DisclosureContext } from './context.js';

const WHAT = {
  login: 'login attempts',
  signup: 'sign-ups',
  reset: 'password reset requests',
  submit: 'report submissions',
} as const;

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}

type Counter = { current: number; ttl: number; start: number };
type Done = (err: Error | null, res: { current: number; ttl: number }) => void;
const MAX_KEYS = 50_000;

/**
 * One set of counters for every limited route of the app, keyed by kind and address: the login form
 * and POST /api/login count against one limit, so alternating between them gains nothing.
 */
function sharedStore() {
  const counters = new Map<string, Counter>();
  return class SharedStore {
    incr(key: string, cb: Done, timeWindow: number, _max: number): void {
      const now = Date.now();
      let c = counters.get(key);
      if (!c || c.start + timeWindow <= now) {
        c = { current: 0, ttl: timeWindow, start: now };
        counters.delete(key);
        if (counters.size >= MAX_KEYS) counters.delete(counters.keys().next().value as string);
        counters.set(key, c);
      }
      c.current++;
      c.ttl = timeWindow - (now - c.start);
      cb(null, { current: c.current, ttl: c.ttl });
    }

    read(key: string, cb: Done, timeWindow: number): void {
      const c = counters.get(key);
      const now = Date.now();
      if (!c || c.start + timeWindow <= now) cb(null, { current: 0, ttl: 0 });
      else cb(null, { current: c.current, ttl: timeWindow - (now - c.start) });
    }

    child(): SharedStore {
      return this;
    }
  };
}

/** Makes per-route limits possible in this scope and its children (routes opt in with `limited`). */
export async function enableLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false, store: sharedStore() as never });
}

/**
 * The route option that limits one kind of request per client address, answering 429 with a message
 * that says what was limited and when to try again; no option when the limit is off.
 */
export function limited(ctx: DisclosureContext, kind: keyof typeof WHAT): { rateLimit?: object } {
  const limit: RequestLimit | null = ctx.limits[kind];
  if (!limit) return {};
  return {
    rateLimit: {
      groupId: kind,
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      errorResponseBuilder: (_req: unknown, c: { after: string }) =>
        httpError(
          429,
          'E_RATE_LIMITED',
          `too many ${WHAT[kind]} from this address: at most ${limit.max} per ${duration(limit.timeWindowMs)}; try again in ${c.after}`,
        ),
    },
  };
}
