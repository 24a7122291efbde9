// Every operation of the server's own /openapi.json, for every role, with requests shaped as its
// schemas say and broken ones: never a 5xx, every 4xx a problem body with a code, and a refused
// request writes nothing (the whole database's contents are compared around each batch of refusals).
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import {
  apiLogin,
  makeUser,
  multipart,
  type Person,
  PNG,
  submission,
  type TestServer,
  testServer,
} from '../server/disclosure/helpers.js';
import { runs, SEED } from './mutate.js';
import {
  brokenBody,
  type Operation,
  operations,
  pathValue,
  queryOf,
  rawBody,
  shapedValue,
} from './openapi-requests.js';

const engines = await testEngines();
const ROLES = ['anonymous', 'reporter', 'stranger', 'triage', 'admin'] as const;
type Role = (typeof ROLES)[number];

/**
 * Tables a refused request may still write, and why: a failed login or a wrong code counts against
 * the account (the lockout), and the security log records it.
 */
const WRITTEN_ON_REFUSAL = new Set(['login_throttle']);
/** The refusals the audit log records (an attempt on someone else's report is worth knowing of). */
const REFUSALS_LOGGED = /^(user\.login-failed|report\.read-refused)$/;

/**
 * One query that digests every table's rows (each table's rows as text, sorted): run before and
 * after a batch, equal digests mean nothing was written. Built once from the schema, as one
 * statement, so that a fingerprint costs one round trip.
 */
async function digestQuery(s: TestServer, engine: string): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: raw SQL over every table
  const db = s.store.db as any;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const lit = (name: string) => `'${name.replace(/'/g, "''")}'`;
  if (engine === 'postgres') {
    const tables = (
      await sql<{
        tablename: string;
      }>`select tablename from pg_tables where schemaname = current_schema()`.execute(db)
    ).rows.map((r) => r.tablename);
    return tables
      .map(
        (t) =>
          `select ${lit(t)} as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from ${q(t)} x`,
      )
      .join(' union all ');
  }
  const tables = (
    await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
  ).rows.map((r) => r.name);
  const parts: string[] = [];
  for (const t of tables) {
    const cols = (await sql<{ name: string }>`select name from pragma_table_info(${t})`.execute(db)).rows.map(
      (r) => r.name,
    );
    const row = cols.map((c) => `quote(${q(c)})`).join(` || ',' || `);
    parts.push(
      `select ${lit(t)} as t, coalesce((select group_concat(x, '|') from (select ${row} as x from ${q(t)} order by 1)), '') as d`,
    );
  }
  return parts.join(' union all ');
}

/** Every table's digest, and the audit log's last entry. */
async function fingerprint(s: TestServer, query: string): Promise<Map<string, string>> {
  // biome-ignore lint/suspicious/noExplicitAny: raw SQL over every table
  const db = s.store.db as any;
  const rows = (await sql.raw<{ t: string; d: string }>(query).execute(db)).rows;
  const out = new Map<string, string>(rows.map((r) => [r.t, createHash('sha256').update(r.d).digest('hex')]));
  const head = await sql<{ seq: number | null }>`select max(seq) as seq from audit_log`.execute(db);
  out.set('audit_log:seq', String(head.rows[0]?.seq ?? 0));
  return out;
}

const changed = (a: Map<string, string>, b: Map<string, string>) =>
  [...b].filter(([t, h]) => !t.includes(':') && a.get(t) !== h).map(([t]) => t);

describe.each(engines)('every API operation on shaped and broken requests (%s)', (engine) => {
  // PostgreSQL runs a smaller sample: the same code, another engine's errors
  const perOp = engine === 'sqlite' ? runs(2) : runs(1);
  let s: TestServer;
  const people = {} as Record<Exclude<Role, 'anonymous'>, Person>;
  const bearer = {} as Record<Role, string | null>;
  const ids: Record<string, string[]> = {};
  let ops: Operation[] = [];
  const failures: string[] = [];

  /** The actions of the audit entries written since the fingerprint `before` was taken. */
  async function auditSince(before: Map<string, string>): Promise<string[]> {
    const seq = Number(before.get('audit_log:seq') ?? 0);
    return (
      await sql<{ action: string }>`select action from audit_log where seq > ${seq} order by seq`.execute(
        s.store.db,
      )
    ).rows.map((r) => r.action);
  }

  async function login(role: Role) {
    bearer[role] = role === 'anonymous' ? null : await apiLogin(s, people[role]);
  }

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true, disclosure: { uploadQuotas: null } });
    people.reporter = await makeUser(s, 'reporter');
    people.stranger = await makeUser(s, 'stranger');
    people.triage = await makeUser(s, 'triage', { roles: ['triage'], totp: true });
    people.admin = await makeUser(s, 'admin', { roles: ['admin'], totp: true });
    const other = await makeUser(s, 'other');
    for (const r of ROLES) await login(r);
    const otherToken = await apiLogin(s, other);
    const report = async (token: string) => {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/reports',
        headers: { authorization: `Bearer ${token}` },
        payload: submission(),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().report.id as string;
    };
    const mine = await report(bearer.reporter!);
    const theirs = await report(otherToken);
    const m = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG });
    const att = await s.app.inject({
      method: 'POST',
      url: `/api/reports/${mine}/attachments`,
      headers: { authorization: `Bearer ${bearer.reporter}`, ...m.headers },
      payload: m.payload,
    });
    expect(att.statusCode, att.body).toBeLessThan(300);
    const attId = (att.json().id ?? att.json().attachment?.id) as string;
    const userIds = [other.user.id, people.reporter.user.id, people.stranger.user.id];
    ids.id = [mine, theirs, attId, ...userIds];
    ids.userId = userIds;
    ids.reportId = [mine, theirs];
    ids.cveId = ['CVE-2026-9000', 'CVE-2026-9001', 'CVE-1999-0001'];
    ids.handle = ['reporter', 'other', 'nobody'];
    ids.module = ['lodash', '@scope/pkg', 'left-pad-ng'];
    ids.step = ['announce', 'build', 'test'];
    ids.kind = ['npm', 'core', 'ecosystem'];
    ids.file = ['1.json', 'nswg-eco-1.json', 'index.json', 'badge.svg', 'lodash.svg', 'x.tgz'];
    ids.name = ['lodash', 'left-pad-ng', 'advisories'];
    ids.scope = ['scope', 'types'];
    ids.first = ['advisories', 'lodash'];
    ids.second = ['1', 'lodash'];
    ids.year = ['2026', '2017'];
    const doc = (await s.app.inject({ url: '/openapi.json' })).json();
    ops = operations(doc);
    expect(ops.length).toBeGreaterThan(100);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** One request of `op` as `role`: the path's parameters, the query, and the body (JSON or raw). */
  function request(
    op: Operation,
    role: Role,
    path: Record<string, string>,
    query: Record<string, string>,
    body: { json: unknown } | { raw: string; type: string } | null,
  ): InjectOptions {
    let url = op.path;
    for (const [k, v] of Object.entries(path)) url = url.replace(`{${k}}`, encodeURIComponent(v));
    const qs = new URLSearchParams(query).toString();
    const headers: Record<string, string> = { 'user-agent': 'fuzz' };
    if (bearer[role]) headers.authorization = `Bearer ${bearer[role]}`;
    const req: InjectOptions = {
      method: op.method as InjectOptions['method'],
      url: qs ? `${url}?${qs}` : url,
      headers,
    };
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      req.payload = JSON.stringify(body.json) ?? 'null';
    } else if (body) {
      headers['content-type'] = body.type;
      req.payload = body.raw;
    }
    return req;
  }

  /** No 5xx, and a 4xx carries the problem body: its status and a code. */
  function check(where: string, res: LightMyRequestResponse): void {
    if (res.statusCode >= 500) {
      failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return;
    }
    if (res.statusCode >= 400) {
      let body: { statusCode?: unknown; code?: unknown; message?: unknown } = {};
      // the pages among the operations answer a browser with a page of their own
      const api = /^\S+ \/(api|v1|-)\//.test(where);
      if (!api && String(res.headers['content-type']).startsWith('text/html')) return;
      try {
        body = res.json();
      } catch {
        failures.push(`${where}: ${res.statusCode} without a JSON problem body: ${res.body.slice(0, 100)}`);
        return;
      }
      if (
        body.statusCode !== res.statusCode ||
        typeof body.code !== 'string' ||
        typeof body.message !== 'string'
      )
        failures.push(
          `${where}: ${res.statusCode} problem body lacks status/code/message: ${res.body.slice(0, 200)}`,
        );
    }
  }

  /** The requests of one operation for one role: shaped ones, then broken ones. */
  function requestsOf(op: Operation, role: Role, seed: number) {
    const pathArb = fc.record(
      Object.fromEntries(
        op.params.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(ids[p.name] ?? ['x'])]),
      ),
    );
    const shaped = fc.tuple(
      pathArb,
      queryOf(op),
      op.body ? shapedValue(op.body).map((json) => ({ json })) : fc.constant(null),
    );
    const broken = fc.tuple(
      pathArb,
      queryOf(op),
      fc.oneof(
        op.body ? brokenBody(op.body).map((json) => ({ json })) : fc.constant({ json: { unexpected: true } }),
        rawBody.map((raw) => ({ raw, type: 'application/json' })),
        fc.constantFrom(
          { raw: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
          { raw: '<x/>', type: 'text/xml' },
        ),
      ),
    );
    return {
      shaped: fc.sample(shaped, { numRuns: perOp, seed }).map(([p, q, b]) => request(op, role, p, q, b)),
      broken: fc
        .sample(broken, { numRuns: perOp * 2, seed: seed + 1 })
        .map(([p, q, b]) => request(op, role, p, q, b)),
    };
  }

  it('answers every operation, for every role, without a 5xx; a 4xx has a code and writes nothing', async () => {
    let requests = 0;
    let refusedBatches = 0;
    // writes the shaped requests got through: the generator reaches the handlers, not only the schemas
    const writesAccepted = new Set<string>();
    const query = await digestQuery(s, engine);
    let before = await fingerprint(s, query);
    // the fingerprint sees a write: a comment on the reporter's own report
    const comment = await s.app.inject({
      method: 'POST',
      url: `/api/reports/${ids.reportId![0]}/comments`,
      headers: { authorization: `Bearer ${bearer.reporter}` },
      payload: { body: 'A comment the fingerprint must notice.' },
    });
    expect(comment.statusCode, comment.body).toBeLessThan(300);
    const afterComment = await fingerprint(s, query);
    expect(changed(before, afterComment)).toContain('audit_log');
    expect(changed(before, afterComment).length).toBeGreaterThan(2);
    before = afterComment;
    for (const [i, op] of ops.entries()) {
      // logging out would end the role's session for the rest of the run; its own tests cover it
      if (op.path === '/api/logout') continue;
      for (const [j, role] of ROLES.entries()) {
        const { shaped, broken } = requestsOf(op, role, SEED + i * 100 + j * 10);
        let wrote = false;
        for (const req of [...broken, ...shaped]) {
          const res = await s.app.inject(req);
          requests++;
          check(
            `${op.method} ${op.path} as ${role} (${req.url}) ${String(req.payload ?? '').slice(0, 200)}`,
            res,
          );
          if (res.statusCode < 400) wrote = true;
          if (res.statusCode < 400 && op.method !== 'GET') writesAccepted.add(`${op.method} ${op.path}`);
          // a shaped request may end the role's session (a password reset, a token revoked): log in again
          if (res.statusCode < 400 && role !== 'anonymous') {
            const me = await s.app.inject({
              url: '/api/me',
              headers: { authorization: `Bearer ${bearer[role]}` },
            });
            if (me.statusCode === 401) await login(role);
          }
        }
        const after = await fingerprint(s, query);
        if (!wrote) {
          refusedBatches++;
          const diff = changed(before, after).filter((t) => !WRITTEN_ON_REFUSAL.has(t));
          const actions = diff.includes('audit_log') ? await auditSince(before) : [];
          const unexpected = diff.filter(
            (t) =>
              !((t === 'audit_log' || t === 'audit_head') && actions.every((a) => REFUSALS_LOGGED.test(a))),
          );
          if (unexpected.length)
            failures.push(
              `${op.method} ${op.path} as ${role}: refused, yet wrote ${unexpected.join(', ')} (${actions.join(', ')})`,
            );
        }
        before = after;
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(ops.length * ROLES.length);
    expect(refusedBatches).toBeGreaterThan(0);
    expect(writesAccepted.size, [...writesAccepted].join('\n')).toBeGreaterThan(10);
  }, 600_000);
});
