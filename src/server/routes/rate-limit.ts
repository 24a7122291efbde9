import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { httpError } from '../http-error.js';

/**
 * Limits the POST requests of this scope per client address (`config.rateLimit`; none when null).
 * GET requests are not counted: they are cheap and cacheable. Call before adding the routes.
 * Counted in this process's memory: the limit guards this instance's own work, and counting in the
 * database (as the disclosure program's limits do) cost the audit endpoints most of their throughput
 * on PostgreSQL. Several instances behind a load balancer each allow a client this many.
 */
export async function limitPostRequests(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const limit = deps.config.rateLimit;
  if (!limit) return;
  await app.register(rateLimit, {
    global: true,
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
