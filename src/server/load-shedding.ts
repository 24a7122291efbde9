import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** When the server sheds load (ServerConfig.loadShedding). */
export interface LoadShedding {
  /**
   * The queueing delay (ms) past which requests are refused: shedding starts when the event loop
   * answered late by more than this at each of its last `LATE_SAMPLES` turns (see LoopPressure);
   * 0: never on delay.
   */
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
 * Defaults. On SQLite the loop does the database's work, so a request waits for every one received
 * before it: the loop's delay is the queue's. Past 100 ms of it at every turn for a while, more
 * connections only lengthen the wait (bench/load.mjs saturate: the throughput is flat from 32
 * connections on). 128 requests in progress are, on PostgreSQL with its pool of 10 connections,
 * about 100 ms of waiting for the cheapest of them, and that limit sheds smoothly.
 */
export const DEFAULT_LOAD_SHEDDING: LoadShedding = {
  maxEventLoopDelayMs: 100,
  maxHeapFraction: 0.9,
  maxInFlight: 128,
};

/** Seconds a refused client is told to wait. */
export const RETRY_AFTER_S = 2;

/** How often the loop's delay is sampled (ms). */
const SAMPLE_MS = 50;
/**
 * Turns of the loop that must all be late for shedding to start: one late turn is a burst or a
 * single heavy request, which the queue absorbs; a standing queue makes every turn late. At 100 ms,
 * four turns are at least 600 ms of it.
 */
export const LATE_SAMPLES = 4;
/** Requests read in one turn of the loop before the time since its first one can refuse the next. */
export const QUEUED_REQUESTS = 8;

/**
 * Watches the event loop: how late a timer fires is how long a request that came in at that moment
 * waits. Only a standing delay counts (the smallest of the last LATE_SAMPLES turns), and never one
 * caused by the server's own work (a sync of the advisories, marked with `ownWork`): under the
 * simple mean delay of the last half second, a start or a sync that held the loop made the server
 * refuse the requests that came just after it.
 */
export class LoopPressure {
  /** The delay at the last turns (ms); NaN for a turn that overlapped the server's own work. */
  private readonly lags: number[] = [];
  private last = performance.now();
  private ownRunning = 0;
  private ownSinceLastTurn = false;
  private readonly timer: NodeJS.Timeout;
  private readonly heapLimit: number;
  /** The requests read in this turn of the loop, and when the first was. */
  private turnRequests = 0;
  private turnStart = 0;
  /** Whether the turn that read requests before this one ran past the limit, and when it ended. */
  private lastTurnLong = false;
  private lastTurnEnd = 0;
  /** Whether this turn follows a long one closely: a queue that stands. */
  private standing = false;
  /** Whether requests are refused for the loop's delay, and for the heap. */
  late = false;
  heapFull = false;

  constructor(private readonly config: LoadShedding) {
    this.heapLimit = Math.floor(getHeapStatistics().heap_size_limit * config.maxHeapFraction);
    this.timer = setInterval(() => this.turn(), SAMPLE_MS);
    this.timer.unref();
    this.turn();
  }

  private turn(): void {
    const now = performance.now();
    const lag = Math.max(0, now - this.last - SAMPLE_MS);
    this.last = now;
    const own = this.ownRunning > 0 || this.ownSinceLastTurn;
    this.ownSinceLastTurn = this.ownRunning > 0;
    this.lags.push(own ? Number.NaN : lag);
    if (this.lags.length > LATE_SAMPLES) this.lags.shift();
    const limit = this.config.maxEventLoopDelayMs;
    // NaN > limit is false: a turn of the server's own work never counts as late
    this.late = limit > 0 && this.lags.length === LATE_SAMPLES && this.lags.every((l) => l > limit);
    this.heapFull = getHeapStatistics().used_heap_size > this.heapLimit;
  }

  /**
   * Called as each request comes in: whether it waited behind too many others in this turn of the
   * loop. On SQLite a request is handled whole in the turn that reads it (the database answers at
   * once), so the requests read in one turn queue behind each other: past the limit since the
   * turn's first one, the rest of the turn is refused, cheaply, and the turn ends in time. Only a
   * standing queue does this: the turn just before must have run past the limit too, and ended at
   * most the limit ago (a burst, or a few heavy requests, make one long turn, which is served); and
   * QUEUED_REQUESTS must have been read in this turn before.
   */
  arrived(): boolean {
    const limit = this.config.maxEventLoopDelayMs;
    if (limit <= 0) return false;
    const now = performance.now();
    if (this.turnRequests === 0) {
      this.standing = this.lastTurnLong && now - this.lastTurnEnd <= limit;
      this.turnStart = now;
      setImmediate(this.endTurn);
    }
    this.turnRequests++;
    return this.standing && this.turnRequests > QUEUED_REQUESTS && now - this.turnStart > limit;
  }

  /** Runs once the turn's reads are done (setImmediate runs after the loop's poll phase). */
  private readonly endTurn = () => {
    const now = performance.now();
    this.lastTurnLong = now - this.turnStart > this.config.maxEventLoopDelayMs;
    this.lastTurnEnd = now;
    this.turnRequests = 0;
  };

  /** Runs the server's own `work`: the delay it causes is not the requests' and sheds nothing. */
  readonly ownWork = async <T>(work: () => Promise<T>): Promise<T> => {
    this.ownRunning++;
    this.ownSinceLastTurn = true;
    try {
      return await work();
    } finally {
      this.ownRunning--;
      this.ownSinceLastTurn = true;
    }
  };

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Routes that always answer: operators must see an overloaded server, not lose sight of it. */
const ALWAYS = new Set(['/healthz', '/livez', '/readyz', '/metrics']);

/** The disclosure program's writes: rare, limited per address and account, and never to be lost. */
const programWrite = (req: FastifyRequest) =>
  req.method !== 'GET' && req.method !== 'HEAD' && /^\/(api|disclosure)\//.test(req.routeOptions.url ?? '');

/**
 * Sheds load instead of queueing it: past the loop's standing delay, or near the heap's limit (where
 * a capped server would otherwise run out of memory and restart), requests are answered at once with
 * 503 and Retry-After, so that clients back off and what is admitted stays fast; so are they past
 * `maxInFlight` requests in progress. The program's writes pass under the loop's delay (they are few)
 * and have a reserve of as many again above `maxInFlight`; nothing but the health and metrics routes
 * passes near the heap's limit. Returns the watch, whose `ownWork` marks the server's own work.
 */
export function shedLoad(app: FastifyInstance, config: LoadShedding): LoopPressure {
  const pressure = new LoopPressure(config);
  app.addHook('onClose', async () => pressure.stop());
  let inFlight = 0;
  app.addHook('onRequest', (req, reply, done) => {
    if (reply.sent) return done();
    const url = req.routeOptions.url ?? '';
    if (ALWAYS.has(url)) return done();
    const queued = pressure.arrived();
    // the program's writes (a regular expression on the route) only matter past a limit: they pass
    // the loop's delay, and have a reserve above maxInFlight, not a free pass (a storm of them would
    // otherwise hold every database connection while everything else is refused)
    const full = config.maxInFlight > 0 && inFlight >= config.maxInFlight;
    if (
      pressure.heapFull ||
      ((pressure.late || queued || full) &&
        (!programWrite(req) || (config.maxInFlight > 0 && inFlight >= 2 * config.maxInFlight)))
    ) {
      refuse(reply);
      return;
    }
    inFlight++;
    // 'close' comes once per answer, sent or cut off
    reply.raw.once('close', () => inFlight--);
    done();
  });
  return pressure;
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
