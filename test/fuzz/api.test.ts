// Every operation of the server's own /openapi.json, for every role (anonymous, people with a login
// session, a maintainer invited to one report, API tokens of a narrow and a wide scope), with
// requests shaped as its schemas say and broken ones: never a 5xx, every 4xx a problem body with a
// code, a refused request writes nothing (the whole database's contents are compared around each
// batch of refusals), a request on a report the role may not read is refused, no answer carries a
// word of such a report, and a token never does what its scope does not allow. Last, every role
// logs out: its bearer no longer works, everyone else's still does.
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import { type TestServer, testServer } from '../server/disclosure/helpers.js';
import { tokenLacks } from '../server/disclosure/permission-matrix-rules.js';
import { Fixtures, isTokenRole, ROLES, type Role, TOKEN_ROLES } from './api-roles.js';
import { auditSince, changed, digestQuery, fingerprint } from './db-fingerprint.js';
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

/**
 * Tables a refused request may still write, and why: a failed login or a wrong code counts against
 * the account (the lockout), and the security log records it.
 */
const WRITTEN_ON_REFUSAL = new Set(['login_throttle']);
/** The refusals the audit log records (an attempt on someone else's report is worth knowing of). */
const REFUSALS_LOGGED = /^(user\.login-failed|report\.read-refused)$/;

/** One generated request, with the path parameters it was made of. */
interface Generated {
  req: InjectOptions;
  path: Record<string, string>;
}

describe.each(engines)('every API operation on shaped and broken requests (%s)', (engine) => {
  // PostgreSQL runs a smaller sample: the same code, another engine's errors
  const perOp = engine === 'sqlite' ? runs(2) : runs(1);
  let s: TestServer;
  let fx: Fixtures;
  const ids: Record<string, string[]> = {};
  let ops: Operation[] = [];
  let query = '';
  const failures: string[] = [];

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true, disclosure: { uploadQuotas: null } });
    fx = new Fixtures(s);
    await fx.setUp();
    const { people, reports } = fx;
    const reportIds = [reports.mine.id, reports.theirs.id, reports.invited.id];
    const attIds = [reports.mine.attachmentId!, reports.invited.attachmentId!];
    const userIds = [
      people.other.user.id,
      people.reporter.user.id,
      people.stranger.user.id,
      people.maintainer.user.id,
    ];
    ids.id = [...reportIds, ...attIds, ...userIds];
    ids.userId = userIds;
    ids.reportId = reportIds;
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
    query = await digestQuery(s, engine);
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
  ): Generated {
    let url = op.path;
    for (const [k, v] of Object.entries(path)) url = url.replace(`{${k}}`, encodeURIComponent(v));
    const qs = new URLSearchParams(query).toString();
    const headers: Record<string, string> = { 'user-agent': 'fuzz' };
    if (fx.bearer[role]) headers.authorization = `Bearer ${fx.bearer[role]}`;
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
    return { req, path };
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

  /** What tells the scope refusals from the rest: requests a token's scope does not cover, and how many got 403. */
  const scopeRefusals = new Map<Role, number>();

  /**
   * What the role may not see or do: a request on a report (or its file) it may not read is
   * refused unless the report was published meanwhile; an answer carries no word of such a report;
   * a token is refused what its scope does not cover (403 once the request is well formed).
   */
  async function checkRole(
    where: string,
    op: Operation,
    role: Role,
    g: Generated,
    res: LightMyRequestResponse,
  ) {
    const foreign = fx.foreignTo(role);
    if (res.statusCode < 400) {
      for (const v of Object.values(g.path).filter((v) => foreign.has(v))) {
        const r = fx.reportOf(v)!;
        if (!(await fx.published(r)))
          failures.push(`${where}: ${res.statusCode} on a report ${role} may not read (${v})`);
      }
      for (const id of foreign) {
        const r = fx.reportOf(id)!;
        if (res.body.includes(r.marker) && !(await fx.published(r)))
          failures.push(
            `${where}: ${res.statusCode} answer carries a word of report ${r.id}, which ${role} may not read`,
          );
      }
    }
    // a `..` in the path makes it another route's URL (or none's)
    const elsewhere = Object.values(g.path).some((v) => v === '..');
    const route = `${op.method} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`;
    if (isTokenRole(role) && !elsewhere && tokenLacks(route, TOKEN_ROLES[role].scopes)) {
      if (res.statusCode === 403) scopeRefusals.set(role, (scopeRefusals.get(role) ?? 0) + 1);
      // a malformed request (its URL, its body) may be refused for its form before the token is looked at
      else if (![400, 413, 414, 415].includes(res.statusCode))
        failures.push(`${where}: ${res.statusCode} for a token whose scope does not cover it (403 expected)`);
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
    // and a plain one: no query, the path's ids all real, a report's (or its file's) one the role
    // may not read when there is one, so that every operation meets the reports of others
    const foreign = [...fx.foreignTo(role)];
    const plainPath = Object.fromEntries(
      op.params
        .filter((p) => p.in === 'path')
        .map((p) => {
          const real = ids[p.name] ?? ['x'];
          const theirs = foreign.filter((v) => real.includes(v));
          const from = theirs.length ? theirs : real;
          return [p.name, from[seed % from.length]!];
        }),
    );
    const [, , plainBody] = fc.sample(shaped, { numRuns: 1, seed: seed + 2 })[0]!;
    return {
      shaped: [
        request(op, role, plainPath, {}, plainBody),
        ...fc.sample(shaped, { numRuns: perOp, seed }).map(([p, q, b]) => request(op, role, p, q, b)),
      ],
      broken: fc
        .sample(broken, { numRuns: perOp * 2, seed: seed + 1 })
        .map(([p, q, b]) => request(op, role, p, q, b)),
    };
  }

  /** Records a failure when a batch that was refused throughout wrote more than a refusal may. */
  async function refusedWroteNothing(where: string, before: Map<string, string>, after: Map<string, string>) {
    const diff = changed(before, after).filter((t) => !WRITTEN_ON_REFUSAL.has(t));
    const actions = diff.includes('audit_log') ? await auditSince(s, before) : [];
    const unexpected = diff.filter(
      (t) => !((t === 'audit_log' || t === 'audit_head') && actions.every((a) => REFUSALS_LOGGED.test(a))),
    );
    if (unexpected.length)
      failures.push(`${where}: refused, yet wrote ${unexpected.join(', ')} (${actions.join(', ')})`);
  }

  const describeReq = (op: Operation, role: Role, req: InjectOptions) =>
    `${op.method} ${op.path} as ${role} (${String(req.url).slice(0, 120)}) ${String(req.payload ?? '').slice(0, 200)}`;

  it('answers every operation, for every role, without a 5xx; a 4xx has a code and writes nothing', async () => {
    let requests = 0;
    let refusedBatches = 0;
    let foreignRequests = 0;
    let maintainerBatches = 0;
    // writes the shaped requests got through: the generator reaches the handlers, not only the schemas
    const writesAccepted = new Set<string>();
    let before = await fingerprint(s, query);
    // the fingerprint sees a write: a comment on the reporter's own report
    const comment = await s.app.inject({
      method: 'POST',
      url: `/api/reports/${fx.reports.mine.id}/comments`,
      headers: { authorization: `Bearer ${fx.bearer.reporter}` },
      payload: { body: 'A comment the fingerprint must notice.' },
    });
    expect(comment.statusCode, comment.body).toBeLessThan(300);
    const afterComment = await fingerprint(s, query);
    expect(changed(before, afterComment)).toContain('audit_log');
    expect(changed(before, afterComment).length).toBeGreaterThan(2);
    before = afterComment;
    for (const [i, op] of ops.entries()) {
      // logging out would end the role's session for the rest of the run: the last test does it
      if (op.path === '/api/logout') continue;
      for (const [j, role] of ROLES.entries()) {
        if (role === 'maintainer') {
          // the team's requests may have removed the maintainer: invite them again, as the team would
          if (!(await fx.maintainerInvited()) && (await fx.inviteMaintainer()))
            before = await fingerprint(s, query);
          if (await fx.maintainerInvited()) maintainerBatches++;
        }
        const { shaped, broken } = requestsOf(op, role, SEED + i * 100 + j * 10);
        const foreign = fx.foreignTo(role);
        const all = [...broken, ...shaped];
        // requests on reports the role may not read go first, as a batch of their own: each must be
        // refused and write nothing, whatever the role's other requests do
        const onForeign = all.filter((g) => Object.values(g.path).some((v) => foreign.has(v)));
        const rest = all.filter((g) => !onForeign.includes(g));
        foreignRequests += onForeign.length;
        for (const batch of [onForeign, rest]) {
          if (!batch.length) continue;
          let wrote = false;
          for (const g of batch) {
            const res = await s.app.inject(g.req);
            requests++;
            const where = describeReq(op, role, g.req);
            check(where, res);
            await checkRole(where, op, role, g, res);
            if (res.statusCode < 400) wrote = true;
            if (res.statusCode < 400 && op.method !== 'GET') writesAccepted.add(`${op.method} ${op.path}`);
            // a shaped request may end the role's session (a password reset, a token revoked): log in again
            if (res.statusCode < 400 && role !== 'anonymous') {
              const me = await fx.as(role, 'GET', '/api/me');
              if (me.statusCode === 401) await fx.login(role);
            }
          }
          const after = await fingerprint(s, query);
          if (!wrote) {
            refusedBatches++;
            await refusedWroteNothing(`${op.method} ${op.path} as ${role}`, before, after);
          }
          before = after;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(ops.length * ROLES.length);
    expect(refusedBatches).toBeGreaterThan(0);
    expect(writesAccepted.size, [...writesAccepted].join('\n')).toBeGreaterThan(10);
    // the maintainer and the tokens were exercised: the maintainer held the invitation nearly throughout, their
    // requests reached reports they may not read, and each token was refused for its scope
    expect(maintainerBatches).toBeGreaterThan(ops.length * 0.9);
    expect(foreignRequests).toBeGreaterThan(ops.length);
    for (const role of Object.keys(TOKEN_ROLES) as Role[])
      expect(scopeRefusals.get(role) ?? 0, role).toBeGreaterThan(10);
  }, 600_000);

  it('logs each role out: its bearer then gets 401 on /api/me, every other role’s still works', async () => {
    const op = ops.find((o) => o.method === 'POST' && o.path === '/api/logout');
    expect(op).toBeDefined();
    failures.length = 0;
    const loggedOut = new Set<Role>();
    let before = await fingerprint(s, query);
    for (const [j, role] of ROLES.entries()) {
      const { shaped, broken } = requestsOf(op!, role, SEED + 90_000 + j * 10);
      let ended = false;
      const where = `POST /api/logout as ${role}`;
      for (const g of [...broken, ...shaped]) {
        const res = await s.app.inject(g.req);
        const at = describeReq(op!, role, g.req);
        check(at, res);
        await checkRole(at, op!, role, g, res);
        const after = await fingerprint(s, query);
        if (res.statusCode < 400) {
          if (ended) failures.push(`${at}: ${res.statusCode} once the session had ended`);
          ended = true;
        } else await refusedWroteNothing(at, before, after);
        before = after;
      }
      const isSession = role !== 'anonymous' && !isTokenRole(role);
      if (isSession && !ended) {
        // none of the generated requests logged out (all malformed): a plain one must
        const res = await fx.as(role, 'POST', '/api/logout');
        expect(res.statusCode, `${where}: ${res.body}`).toBe(200);
        ended = true;
      }
      expect(ended, `${where}: a token or nobody logged out`).toBe(isSession);
      if (ended) loggedOut.add(role);
      for (const r of ROLES) {
        if (r === 'anonymous') continue;
        const me = await fx.as(r, 'GET', '/api/me');
        expect(me.statusCode, `GET /api/me as ${r} after ${role} logged out: ${me.body}`).toBe(
          loggedOut.has(r) ? 401 : 200,
        );
        if (me.statusCode === 401) expect(me.json().code).toBe('E_AUTH');
      }
      before = await fingerprint(s, query);
    }
    expect([...loggedOut].sort()).toEqual(['admin', 'maintainer', 'reporter', 'stranger', 'triage']);
    expect(failures).toEqual([]);
  });
});
