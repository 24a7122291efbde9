import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** When the server sheds load (ServerConfig.loadShedding). */
export interface LoadShedding {
  /** The mean event-loop delay (ms, over the last sample) past which requests are refused. */
  maxEventLoopDelayMs: number;
  /** The share of the JavaScript heap's limit past which requests are refused. */
  maxHeapFraction: number;
  /**
   * Requests in progress (received, not yet answered) past which new ones are refused; 0: no limit.
   * The event loop's delay does not see work waiting for the database: on PostgreSQL, requests
   * queue for the pool's connections with the loop idle.
   */
  maxInFlight: number;
}

/**
 * Defaults: 128 requests in progress are, on PostgreSQL with its pool of 10 connections, about 100
 * ms of waiting for the cheapest of them (bench/load.mjs), and this limit sheds smoothly. The event
 * loop's delay is off unless asked for: at 200 ms it switched shedding on and off in half-second
 * waves on SQLite, and any threshold also refused the first requests after a start or a sync that
 * had held the loop (the delay is measured over the last half second, work already done included).
 */
export const DEFAULT_LOAD_SHEDDING: LoadShedding = {
  maxEventLoopDelayMs: 0,
  maxHeapFraction: 0.9,
  maxInFlight: 128,
};

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
 * with 503 and Retry-After, so that clients back off and what is admitted stays fast; so are they
 * past `maxInFlight` requests in progress. The program's writes pass under event-loop pressure (they
 * are few) and have a reserve of as many again above `maxInFlight`; nothing but the health and
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
      refuse(reply);
    },
  });
  if (config.maxInFlight > 0) {
    let inFlight = 0;
    app.addHook('onRequest', (req, reply, done) => {
      if (reply.sent) return done();
      // the program's writes have a reserve above the limit, not a free pass: a storm of them would
      // otherwise hold every database connection while everything else is refused
      const limit = programWrite(req) ? 2 * config.maxInFlight : config.maxInFlight;
      if (inFlight >= limit && !ALWAYS.has(req.routeOptions.url ?? '')) {
        refuse(reply);
        return;
      }
      inFlight++;
      // 'close' comes once per answer, sent or cut off
      reply.raw.once('close', () => inFlight--);
      done();
    });
  }
}

/** The answer to a request the server sheds: 503, E_OVERLOADED, Retry-After. */
function refuse(reply: FastifyReply): void {
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
}
