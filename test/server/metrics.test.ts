// GET /metrics: the Prometheus text, counted by route pattern (never a raw URL), the database's
// gauges, and only for holders of the metrics token.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import { testApp } from '../helpers/server.js';
import {
  api,
  apiLogin,
  makeUser,
  PageSession,
  type Person,
  submission,
  type TestServer,
  testServer,
} from './disclosure/helpers.js';

const engines = await testEngines();
const TOKEN = 'metrics-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

/** One sample of the exposition: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
// NaN in any case: Prometheus reads values with Go's ParseFloat, which ignores case, and prom-client
// writes "Nan" (the event loop's lag before its first sample)
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Nn][Aa][Nn]|[+-]Inf)';
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?\\d+)?$`,
);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) .*$`);

/**
 * Parses the text exposition format strictly: every line a HELP, a TYPE or a sample of the grammar,
 * every sample of a family whose TYPE came before it (histograms by their _bucket, _sum, _count).
 */
function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n'), 'the text ends with a newline').toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const type = TYPE_LINE.exec(line);
    if (type) {
      expect(types.has(type[1]!), `one TYPE line for ${type[1]}`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    // the format ignores empty lines (prom-client puts one between families)
    if (line === '' || HELP_LINE.test(line)) continue;
    const m = SAMPLE_LINE.exec(line);
    expect(m, `a sample line of the exposition grammar: ${JSON.stringify(line)}`).not.toBeNull();
    const name = m![1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count|created)$/, '');
    expect(types.has(family), `${name} follows the TYPE of its family`).toBe(true);
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    const v = m![3]!;
    samples.push({ name, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return samples;
}

/** The samples of one metric whose labels include `labels`. */
const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** The one value of a metric with these labels. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = find(samples, name, labels);
  expect(found, `one sample of ${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

async function scrape(s: { app: TestServer['app'] }): Promise<{ text: string; samples: Sample[] }> {
  const res = await s.app.inject({ method: 'GET', url: '/metrics', headers: auth });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: res.body, samples: parseExposition(res.body) };
}

describe.each(engines)('GET /metrics (%s)', (engine) => {
  let s: TestServer;
  let reporter: Person;
  let triage: Person;
  let mailQueue = { pending: 3, failed: 1 };
  beforeAll(async () => {
    s = await testServer(engine, {
      outbox: true,
      config: { metricsToken: TOKEN },
      mailQueueCounts: async () => mailQueue,
    });
    reporter = await makeUser(s, 'reporter');
    triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
  });
  afterAll(async () => s?.close());

  it('refuses a scrape without the token, with a wrong one, a user API token or a session', async () => {
    const apiToken = await apiLogin(s, reporter);
    const page = new PageSession(s);
    await page.login(triage);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { authorization: `Bearer ${apiToken}` },
      { cookie: page.cookieHeader },
    ];
    for (const headers of attempts) {
      const res = await s.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).not.toContain('nswg_');
    }
    // a HEAD is refused alike
    expect((await s.app.inject({ method: 'HEAD', url: '/metrics' })).statusCode).toBe(401);
  });

  it('counts requests by route pattern, method and status, never by raw URL', async () => {
    const rt = await apiLogin(s, reporter);
    const id = (await api(s, rt, 'POST', '/api/reports', submission({ packageName: 'metric-widget' }))).json()
      .report.id as string;
    for (let i = 0; i < 3; i++) await api(s, rt, 'GET', `/api/reports/${id}`);
    await s.app.inject({ method: 'GET', url: '/advisories/NSWG-ECO-424242' });
    await s.app.inject({ method: 'GET', url: '/no/such/page-7a1b2c' });
    await s.app.inject({ method: 'GET', url: '/no/such/page-8d9e0f' });
    const { text, samples } = await scrape(s);
    for (const raw of [id, 'NSWG-ECO-424242', 'page-7a1b2c', 'page-8d9e0f', 'metric-widget'])
      expect(text).not.toContain(raw);
    const reads = { route: '/api/reports/:id', method: 'GET', status: '200' };
    expect(value(samples, 'nswg_http_requests_total', reads)).toBe(3);
    expect(
      value(samples, 'nswg_http_requests_total', { route: '/api/reports', method: 'POST', status: '201' }),
    ).toBe(1);
    expect(
      value(samples, 'nswg_http_requests_total', { route: '/advisories/:id', method: 'GET', status: '404' }),
    ).toBe(1);
    // unknown URLs are one label, whatever they were
    expect(
      value(samples, 'nswg_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }),
    ).toBe(2);
    const routes = new Set(find(samples, 'nswg_http_requests_total').map((x) => x.labels.route!));
    for (const r of routes) expect(r === 'unmatched' || r.startsWith('/'), r).toBe(true);
    // the latency histogram: every request of the route in the +Inf bucket and the count, buckets cumulative
    const h = { route: '/api/reports/:id', method: 'GET' };
    expect(value(samples, 'nswg_http_request_duration_seconds_count', h)).toBe(3);
    expect(value(samples, 'nswg_http_request_duration_seconds_bucket', { ...h, le: '+Inf' })).toBe(3);
    const buckets = find(samples, 'nswg_http_request_duration_seconds_bucket', h).map((b) => b.value);
    expect(buckets.length).toBeGreaterThan(5);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(value(samples, 'nswg_http_request_duration_seconds_sum', h)).toBeGreaterThan(0);
    // only the scrape itself is in flight: every request before it was counted out
    expect(value(samples, 'nswg_http_requests_in_flight')).toBe(1);
    // the process's own metrics, on this app's registry
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    // the scrapes count too, on the next one
    const again = await scrape(s);
    expect(
      value(again.samples, 'nswg_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('reports the database, its pool on PostgreSQL, the mail and the look-up cache', async () => {
    s.clock.advance(60_000);
    const { samples } = await scrape(s);
    expect(value(samples, 'nswg_database_up', { engine })).toBe(1);
    const pool = find(samples, 'nswg_db_pool_connections');
    if (engine === 'postgres') {
      expect(value(samples, 'nswg_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(value(samples, 'nswg_db_pool_max_connections')).toBe(10);
      expect(value(samples, 'nswg_db_pool_idle_connections')).toBeLessThanOrEqual(
        value(samples, 'nswg_db_pool_connections'),
      );
      expect(value(samples, 'nswg_db_pool_waiting_queries')).toBeGreaterThanOrEqual(0);
    } else {
      // one connection, no pool
      expect(pool).toEqual([]);
    }
    expect(value(samples, 'nswg_mail_queue_messages', { state: 'pending' })).toBe(3);
    expect(value(samples, 'nswg_mail_queue_messages', { state: 'failed' })).toBe(1);
    const outbox = (await s.store.outbox.all({ limit: 100_000 })).length;
    expect(outbox).toBeGreaterThan(0);
    expect(value(samples, 'nswg_mail_outbox_messages')).toBe(outbox);
    const q = await s.app.inject({
      method: 'POST',
      url: '/v1/query',
      payload: { package: { name: 'lodash', ecosystem: 'npm' } },
    });
    expect(q.statusCode, q.body).toBe(200);
    expect(value((await scrape(s)).samples, 'nswg_lookup_cache_entries')).toBeGreaterThan(0);
  });

  it('counts the reports past or near their deadlines, read at most every 15 s of the clock', async () => {
    const rt = await apiLogin(s, reporter);
    const tt = await apiLogin(s, triage);
    const due = (samples: Sample[], deadline: string, when: string) =>
      value(samples, 'nswg_deadlines', { deadline, when });
    const awaiting = async () =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from reports where state = 'new'`.execute(s.store.db))
          .rows[0]!.n,
      );
    s.clock.advance(60_000);
    // every report so far is two business days from its first answer
    const before = (await scrape(s)).samples;
    expect(due(before, 'first_answer', 'overdue')).toBe(0);
    expect(due(before, 'first_answer', 'due_soon')).toBe(0);
    await api(s, rt, 'POST', '/api/reports', submission({ packageName: 'deadline-widget' }));
    const triaged = (
      await api(s, rt, 'POST', '/api/reports', submission({ packageName: 'deadline-gadget' }))
    ).json().report.id as string;
    expect(
      (await api(s, tt, 'POST', `/api/reports/${triaged}/transitions`, { transition: 'accept' })).statusCode,
    ).toBe(200);
    // within 15 s of the clock the figures are those read before
    mailQueue = { pending: 9, failed: 0 };
    const cached = (await scrape(s)).samples;
    expect(value(cached, 'nswg_mail_queue_messages', { state: 'pending' })).toBe(3);
    const n = await awaiting();
    expect(n).toBeGreaterThanOrEqual(2);
    // a day and an hour on, the first answers (Wednesday 09:00 and a few minutes) are due within the day
    s.clock.advance(25 * 3_600_000);
    const soon = (await scrape(s)).samples;
    expect(value(soon, 'nswg_mail_queue_messages', { state: 'pending' })).toBe(9);
    expect(due(soon, 'first_answer', 'due_soon')).toBe(n);
    expect(due(soon, 'first_answer', 'overdue')).toBe(0);
    s.clock.advance(24 * 3_600_000);
    const late = (await scrape(s)).samples;
    expect(due(late, 'first_answer', 'overdue')).toBe(n);
    expect(due(late, 'first_answer', 'due_soon')).toBe(0);
    expect(due(late, 'publication', 'due_soon')).toBe(0);
    // 45 days after triage the triaged report is due for publication; the day before, soon (two
    // days and an hour have passed since its triage)
    s.clock.advanceDays(42);
    expect(due((await scrape(s)).samples, 'publication', 'due_soon')).toBe(1);
    s.clock.advanceDays(1);
    const published = (await scrape(s)).samples;
    expect(due(published, 'publication', 'overdue')).toBe(1);
    expect(due(published, 'publication', 'due_soon')).toBe(0);
  });

  if (engine === 'postgres')
    it('shows the queries waiting for a connection of a full pool', async () => {
      const held: (() => void)[] = [];
      const holding: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        let got!: () => void;
        const connected = new Promise<void>((r) => (got = r));
        holding.push(
          s.store.db.connection().execute(async () => {
            got();
            await new Promise<void>((release) => held.push(release));
          }),
        );
        await connected;
      }
      // the eleventh waits; the scrape reads the pool itself, no query (the figures are cached)
      const waiting = sql`select 1`.execute(s.store.db);
      const full = (await scrape(s)).samples;
      expect(value(full, 'nswg_db_pool_connections')).toBe(10);
      expect(value(full, 'nswg_db_pool_idle_connections')).toBe(0);
      expect(value(full, 'nswg_db_pool_waiting_queries')).toBe(1);
      for (const release of held) release();
      await Promise.all([...holding, waiting]);
      const after = (await scrape(s)).samples;
      expect(value(after, 'nswg_db_pool_waiting_queries')).toBe(0);
      expect(value(after, 'nswg_db_pool_idle_connections')).toBe(10);
    });

  it('keeps each app its own counters', async () => {
    const other = await testApp('sqlite', { seed: false, config: { metricsToken: TOKEN } });
    try {
      await other.app.inject({ method: 'GET', url: '/livez' });
      const { samples } = await scrape(other);
      const routes = find(samples, 'nswg_http_requests_total').map((x) => x.labels.route);
      expect(routes).toEqual(['/livez']);
    } finally {
      await other.close();
    }
  });
});

describe('GET /metrics without a token configured', () => {
  it('answers 404, never passed to the upstream registry as a package name', async () => {
    // nothing listens on port 9: a request passed on would fail there, 502
    const t = await testApp('sqlite', { seed: false, config: { upstreamRegistry: 'http://127.0.0.1:9' } });
    try {
      for (const headers of [{}, auth]) {
        const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('nswg_');
      }
    } finally {
      await t.close();
    }
  });
});
