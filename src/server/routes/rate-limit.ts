import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { httpError } from '../http-error.js';
import { rateLimitStore } from '../rate-limit-store.js';

/**
 * Limits the POST requests of this scope per client address (`config.rateLimit`; none when null).
 * GET requests are not counted: they are cheap and cacheable. Each API `family` has its own count.
 * Call before adding the routes.
 */
export async function limitPostRequests(app: FastifyInstance, deps: AppDeps, family: string): Promise<void> {
  const limit = deps.config.rateLimit;
  if (!limit) return;
  await app.register(rateLimit, {
    global: true,
    // on PostgreSQL counted in the database, so that the limit holds across server instances
    ...(deps.store.rateCounters
      ? { store: rateLimitStore(`post-${family}`, deps.store.rateCounters) as never }
      : {}),
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    allowList: (req) => req.method !== 'POST',
    errorResponseBuilder: (_req, ctx) =>
      httpError(
        429,
        'E_RATE_LIMITED',
        `too many requests from this address: at most ${ctx.max} POST requests per ${Math.round(limit.timeWindowMs / 1000)} s; retry in ${ctx.after}`,
      ),
  });
}
