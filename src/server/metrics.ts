import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { countDeadlines, type DeadlineCounts } from '../disclosure/index.js';
import type { AppDeps } from './deps.js';
import { httpError } from './http-error.js';
import { openedLookup } from './routes/lookup.js';

// The server's metrics for Prometheus, in a registry of each app's own (two apps in one process
// never share a counter). Off unless a token is configured: the deadlines counted are private
// reports', so the figures are for operators only.

/** How long the figures read from the database are kept: scrapes, however frequent, read it at most this often. */
const DATABASE_FIGURES_MS = 15_000;
/** How long a scrape waits for the database: a database that hangs makes it report the database down, not hang. */
const DATABASE_WAIT_MS = 3_000;
/** The label of requests no route matched: raw URLs never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Seconds: from a cached look-up (a millisecond) to a large audit or an export (tens of seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What the database said at the last look, or that it did not answer. */
interface DatabaseFigures {
  up: boolean;
  deadlines: DeadlineCounts | null;
  outbox: number | null;
  mailQueue: { pending: number; failed: number } | null;
}

/** The mail queue's counts: the given function, else the store's queue (empty without SMTP). */
const mailQueueCountsOf = (deps: AppDeps) => deps.mailQueueCounts ?? (() => deps.store.mailQueue.counts());

/** Reads the database's figures at most every DATABASE_FIGURES_MS, one read at a time, each bounded in time. */
function databaseFigures(deps: AppDeps): () => Promise<DatabaseFigures> {
  let last: { at: number; figures: Promise<DatabaseFigures> } | null = null;
  const read = async (): Promise<DatabaseFigures> => {
    const [open, outbox, mailQueue] = await Promise.all([
      deps.store.reports.openDeadlines(),
      deps.store.outbox.count(),
      // a mail queue that cannot say is left out, not taken for the database down
      mailQueueCountsOf(deps)().catch(() => null),
    ]);
    return { up: true, deadlines: countDeadlines(open, deps.clock.now()), outbox, mailQueue };
  };
  const down: DatabaseFigures = { up: false, deadlines: null, outbox: null, mailQueue: null };
  return () => {
    // the app's clock: a test moving its clock on reads again (a clock set back does too)
    const now = deps.clock.now().getTime();
    if (last && now >= last.at && now - last.at < DATABASE_FIGURES_MS) return last.figures;
    let timer: NodeJS.Timeout | undefined;
    const figures = Promise.race([
      read(),
      new Promise<DatabaseFigures>((resolve) => {
        timer = setTimeout(() => resolve(down), DATABASE_WAIT_MS);
        timer.unref();
      }),
    ])
      .catch(() => down)
      .finally(() => clearTimeout(timer));
    last = { at: now, figures };
    return figures;
  };
}

/** The request counters and latencies, counted by route pattern, and the gauges read at each scrape. */
function defineMetrics(app: FastifyInstance, deps: AppDeps, registry: Registry) {
  const requests = new Counter({
    name: 'nswg_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'nswg_http_request_duration_seconds',
    help: 'Time from the request to the end of its answer, by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'nswg_http_requests_in_flight',
    help: 'HTTP requests begun and not yet answered',
    registers: [registry],
  });
  const figures = databaseFigures(deps);
  new Gauge({
    name: 'nswg_database_up',
    help: `1 when the database answered the last look (at most every ${DATABASE_FIGURES_MS / 1000} s), else 0`,
    labelNames: ['engine'] as const,
    registers: [registry],
    async collect() {
      this.set({ engine: deps.store.target.kind }, (await figures()).up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'nswg_deadlines',
    help: 'Reports past a deadline (overdue) or reaching one within a day (due_soon), by deadline',
    labelNames: ['deadline', 'when'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const d = (await figures()).deadlines;
      if (!d) return;
      this.set({ deadline: 'first_answer', when: 'overdue' }, d.firstAnswer.overdue);
      this.set({ deadline: 'first_answer', when: 'due_soon' }, d.firstAnswer.dueSoon);
      this.set({ deadline: 'publication', when: 'overdue' }, d.publication.overdue);
      this.set({ deadline: 'publication', when: 'due_soon' }, d.publication.dueSoon);
    },
  });
  new Gauge({
    name: 'nswg_mail_outbox_messages',
    help: 'Messages kept in the outbox (the mail of a server without SMTP, which admins read)',
    registers: [registry],
    async collect() {
      const n = (await figures()).outbox;
      if (n === null) this.reset();
      else this.set(n);
    },
  });
  new Gauge({
    name: 'nswg_mail_queue_messages',
    help: 'Messages of the mail queue, waiting to be sent (pending) or given up on (failed)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const q = (await figures()).mailQueue;
      if (!q) return;
      this.set({ state: 'pending' }, q.pending);
      this.set({ state: 'failed' }, q.failed);
    },
  });
  if (deps.store.target.kind === 'postgres') {
    // read from the pool itself at each scrape: no query
    const pool = (name: string, help: string, key: 'total' | 'idle' | 'waiting' | 'max') =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const p = deps.store.pool();
          if (p) this.set(p[key]);
        },
      });
    pool('nswg_db_pool_connections', 'Connections the PostgreSQL pool holds', 'total');
    pool('nswg_db_pool_idle_connections', 'Connections of the pool waiting for a query', 'idle');
    pool('nswg_db_pool_waiting_queries', 'Queries waiting for a connection of the pool', 'waiting');
    pool('nswg_db_pool_max_connections', 'The most connections the pool opens', 'max');
  }
  new Gauge({
    name: 'nswg_lookup_cache_entries',
    help: "The look-up cache's advisories, plus one per package (0 before the first look-up)",
    registers: [registry],
    async collect() {
      const lookup = await openedLookup(app)?.catch(() => null);
      this.set(lookup ? lookup.cachedCount : 0);
    },
  });
  return { requests, latency, inFlight };
}

/** The hash of a token, so that comparing two takes the same time whatever their lengths. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when the request carries `Authorization: Bearer <token>` with the configured token. */
function hasToken(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * Counts every request of `app` by route pattern, and serves `GET /metrics` to holders of the
 * configured token. Call before the routes are registered. Without a token, nothing is counted
 * and /metrics answers 404 as an unknown path does.
 */
export function installMetrics(app: FastifyInstance, deps: AppDeps): void {
  const token = deps.config.metricsToken;
  const schema = { description: 'The metrics for Prometheus (a bearer token)', tags: ['operations'] };
  if (!token) {
    // the site's own path all the same: never a package name passed to the upstream registry
    app.get('/metrics', { schema: { ...schema, hide: true } }, async (_req, reply) => reply.callNotFound());
    return;
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = defineMetrics(app, deps, registry);
  app.addHook('onRequest', async (_req: FastifyRequest, reply: FastifyReply) => {
    m.inFlight.inc();
    // 'close' comes once per answer, sent or cut off
    reply.raw.once('close', () => m.inFlight.dec());
  });
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    m.requests.inc({ route, method, status: String(reply.statusCode) });
    m.latency.observe({ route, method }, reply.elapsedTime / 1000);
  });
  // concurrent scrapes share one rendering
  let rendering: Promise<string> | null = null;
  app.get('/metrics', { schema }, async (req, reply) => {
    if (!hasToken(req, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw httpError(401, 'E_AUTH', 'the metrics need the metrics token: Authorization: Bearer <token>');
    }
    rendering ??= registry.metrics().finally(() => {
      rendering = null;
    });
    const text = await rendering;
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
