import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RateCounters } from '../../store/index.js';
import type { RequestLimit } from '../deps.js';
import { httpError } from '../http-error.js';
import { rateLimitStore } from '../rate-limit-store.js';
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

/**
 * Makes per-route limits possible in this scope and its children (routes opt in with `limited`).
 * One set of counters for every limited route, keyed by kind and address: the login form and POST
 * /api/login count against one limit, so alternating between them gains nothing; on PostgreSQL the
 * counters are the database's, so that alternating between server instances gains nothing either.
 */
export async function enableLimits(app: FastifyInstance, shared: RateCounters | null): Promise<void> {
  await app.register(rateLimit, { global: false, store: rateLimitStore('route', shared) as never });
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
