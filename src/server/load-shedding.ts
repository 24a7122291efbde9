import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** When the server sheds load (ServerConfig.loadShedding). */
export interface LoadShedding {
  /** The mean event-loop delay (ms, over the last sample) past which requests are refused. */
  maxEventLoopDelayMs: number;
  /** The share of the JavaScript heap's limit past which requests are refused. */
  maxHeapFraction: number;
}

/** Defaults: a request that would wait 200 ms for the event loop is better retried than queued. */
export const DEFAULT_LOAD_SHEDDING: LoadShedding = { maxEventLoopDelayMs: 200, maxHeapFraction: 0.9 };

/** Seconds a refused client is told to wait. */
export const RETRY_AFTER_S = 2;

/** Routes that always answer: operators must see an overloaded server, not lose sight of it. */
const ALWAYS = new Set(['/healthz', '/livez', '/readyz', '/metrics']);

/** The disclosure program's writes: rare, limited per address and account, and never to be lost. */
const programWrite = (req: FastifyRequest) =>
  req.method !== 'GET' && req.method !== 'HEAD' && /^\/(api|disclosure)\//.test(req.routeOptions.url ?? '');

/**
 * Sheds load instead of queueing it: past the event-loop delay, or near the heap's limit (where a
 * capped server would otherwise run out of memory and restart), requests are answered at once
 * with 503 and Retry-After, so that clients back off and what is admitted stays fast. The
 * program's writes pass under event-loop pressure (they are few); nothing but the health and
 * metrics routes passes near the heap's limit.
 */
export async function shedLoad(app: FastifyInstance, config: LoadShedding): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * config.maxHeapFraction),
    sampleInterval: 500,
    pressureHandler: (req: FastifyRequest, reply: FastifyReply, type: string) => {
      const url = req.routeOptions.url ?? '';
      if (ALWAYS.has(url)) return;
      if (type === underPressure.TYPE_EVENT_LOOP_DELAY && programWrite(req)) return;
      void reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_S))
        .type('application/json; charset=utf-8')
        .send({
          statusCode: 503,
          code: 'E_OVERLOADED',
          error: 'Service Unavailable',
          message: `the server is overloaded: try again in ${RETRY_AFTER_S} s`,
        });
    },
  });
}
