import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { httpError } from '../http-error.js';
import { batchedRateLimitStore } from '../rate-limit-store.js';

/**
 * Limits the POST requests of this scope per client address (`config.rateLimit`; none when null).
 * GET requests are not counted: they are cheap and cacheable. Call before adding the routes.
 * On PostgreSQL every instance counts together, in batches (batchedRateLimitStore): a round trip to
 * the database per request, as the disclosure program's limits make, cost the audit endpoints most
 * of their throughput. `name` keeps each scope's count apart.
 */
export async function limitPostRequests(app: FastifyInstance, deps: AppDeps, name: string): Promise<void> {
  const limit = deps.config.rateLimit;
  if (!limit) return;
  await app.register(rateLimit, {
    global: true,
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    allowList: (req) => req.method !== 'POST',
    store: batchedRateLimitStore(`post-${name}`, deps.store.rateCounters, limit.max) as never,
    errorResponseBuilder: (_req, ctx) =>
      httpError(
        429,
        'E_RATE_LIMITED',
        `too many requests from this address: at most ${ctx.max} POST requests per ${Math.round(limit.timeWindowMs / 1000)} s; retry in ${ctx.after}`,
      ),
  });
}
