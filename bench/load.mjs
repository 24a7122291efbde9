// The mixed load: `nswg serve` (the built command, as deployed) on the dense 200,000-advisory
// database, driven for 60 s on loopback by many clients at once with the traffic an advisory server
// of the ecosystem gets, then checked: no error, no acknowledged write lost, the audit log whole,
// memory flat. Then, with `saturate`, more and more connections until it saturates, to see what it
// does then (it must shed load with 429/503, never crash nor corrupt).
//
//   node bench/load.mjs [mixed|saturate|all] [sqlite|postgres|both]
//   LOAD_SECONDS=60 LOAD_CONNECTIONS=32 LOAD_STEPS=16,32,64,128,256,512 LOAD_STEP_SECONDS=15
//
// Needs `npm run build` first. Clients sit behind `--trust-proxy` with addresses of their own, as a
// deployment behind a reverse proxy sees them; the rate limits and the intake limits are the
// defaults, and the mix stays within them, so a refusal counts as an error in the mixed run.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { openStore } from '../dist/store/index.js';
import { denseNames, densePostgres, denseSqlite, projectVersions } from './lib/dense.mjs';
import { rng } from './lib/generate.mjs';
import { ROOT, rssMiB, startServer } from './server-setup.mjs';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 32);
const STEPS = (process.env.LOAD_STEPS ?? '16,32,64,128,256,512').split(',').map(Number);
const STEP_SECONDS = Number(process.env.LOAD_STEP_SECONDS ?? 15);
const REPORTERS = Number(process.env.LOAD_REPORTERS ?? 400);
const SECRET = 'load-benchmark-secret-0123456789-abcdefghijklmnop';

/**
 * The mix, per 1,000 requests. An advisory server's traffic is mostly machines: every `npm audit`
 * and `npm install` in CI posts the bulk endpoint, osv-scanner and the bots query the OSV API one
 * package or a batch at a time, and tools fetch single records; people read advisory pages and
 * search; the disclosure program is a small share (reporters and the team reading and commenting,
 * logging in now and then, a new report rarely), but it is the share whose writes must never be lost.
 */
const MIX = process.env.LOAD_MIX
  ? Object.fromEntries(process.env.LOAD_MIX.split(',').map((x) => [x.split('=')[0], Number(x.split('=')[1])]))
  : {
      bulk: 250,
      query: 200,
      batch: 60,
      vuln: 80,
      page: 200,
      search: 100,
      report: 50,
      comment: 40,
      login: 12,
      submit: 8,
    };

const ids = JSON.parse(readFileSync(join(ROOT, 'data', 'nswg-npm.json'), 'utf8')).map(
  (a) => `NSWG-ECO-${a.id}`,
);
const names = denseNames();
const versions = projectVersions();
const WORDS = [
  'express',
  'lodash',
  'prototype pollution',
  'denial of service',
  'xss',
  'minimist',
  'CVE-2021',
];

/** A copy of the dense database for one run (the benchmark writes to it). */
async function database(engine) {
  if (engine === 'sqlite') {
    const src = await denseSqlite();
    const dir = mkdtempSync(join(tmpdir(), 'nswg-load-'));
    const file = join(dir, 'nswg.db');
    copyFileSync(src, file);
    // the copy is this run's own: it takes this run's server secret
    const { DatabaseSync } = await import('node:sqlite');
    const d = new DatabaseSync(file);
    d.exec("DELETE FROM meta WHERE key LIKE 'disclosure.%'");
    d.close();
    return { target: file, store: { kind: 'sqlite', file }, drop: () => rmSync(dir, { recursive: true }) };
  }
  const template = await densePostgres();
  if (!template) throw new Error('no PostgreSQL server answers');
  const pg = (await import('pg')).default;
  const admin = new pg.Client({
    host: '/var/run/postgresql',
    database: 'postgres',
    user: userInfo().username,
  });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS nswg_bench_load');
  await admin.query(`CREATE DATABASE nswg_bench_load TEMPLATE ${new URL(template).pathname.slice(1)}`);
  await admin.end();
  const url = `postgres://${userInfo().username}@localhost/nswg_bench_load?host=/var/run/postgresql`;
  const copy = new pg.Client({ connectionString: url });
  await copy.connect();
  await copy.query("DELETE FROM meta WHERE key LIKE 'disclosure.%'");
  await copy.end();
  return {
    target: url,
    store: { kind: 'postgres', url },
    drop: async () => {
      const c = new pg.Client({
        host: '/var/run/postgresql',
        database: 'postgres',
        user: userInfo().username,
      });
      await c.connect();
      await c.query('DROP DATABASE IF EXISTS nswg_bench_load');
      await c.end();
    },
  };
}

/** Reporter accounts (addresses confirmed) and a triage member, made in the store as `nswg user add` does. */
async function people(target) {
  const store = await openStore(target, { mode: 'existing', secret: SECRET });
  const origin = { ip: '192.0.2.1', userAgent: 'load-setup' };
  const made = [];
  const add = async (name, roles) => {
    const email = `${name}@load.example`;
    const password = `${name}-password-123`;
    const up = await store.accounts.register({ email, displayName: name, handle: name, password }, origin);
    const user = await store.accounts.verifyEmail(up.verifyToken, origin);
    if (!roles) return { email, password, id: user.id };
    // a team role needs two-factor authentication: enrol with the code of the previous time step
    await store.accounts.setRoles({ kind: 'operator', name: 'load' }, user.id, roles, origin);
    const totp = (await store.accounts.beginTotp(user.id)).secret;
    await store.accounts.enableTotp(user.id, totpCode(totp, Date.now() - 30_000), origin);
    return { email, password, id: user.id, totp };
  };
  const team = await add('triager', ['triage']).catch(async (e) => {
    await store.close();
    throw e;
  });
  for (let i = 0; i < REPORTERS; i++) made.push(await add(`reporter${i}`));
  await store.close();
  return { team, reporters: made };
}

const totpCode = (secret, at) =>
  new TOTP({ issuer: 'nswg', secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

const agentFor = (n) => new http.Agent({ keepAlive: true, maxSockets: n, maxFreeSockets: n });

/** One request: status, body and milliseconds. */
function send(agent, base, { method, path, body, headers = {} }) {
  return new Promise((resolve) => {
    const t = performance.now();
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - t,
            retryAfter: Number(res.headers['retry-after']) || 0,
          }),
        );
        res.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t }));
    req.setTimeout(30_000, () => req.destroy(new Error('timed out after 30 s')));
    if (data) req.write(data);
    req.end();
  });
}

/** The shared state of one run: who is logged in, which reports exist, what was acknowledged. */
class World {
  constructor(people, seed) {
    this.r = rng(seed);
    this.team = people.team;
    this.reporters = people.reporters.map((p, i) => ({
      ...p,
      ip: `10.1.${i >> 8}.${i & 255}`,
      reports: [],
      token: null,
    }));
    this.acked = { reports: [], comments: [] };
    this.submitted = 0;
  }
  pick(list) {
    return list[Math.floor(this.r() * list.length)];
  }
  ip() {
    // the fleet: a thousand CI runners and readers behind the proxy
    const n = Math.floor(this.r() * 1000);
    return `10.2.${n >> 8}.${n & 255}`;
  }
  names(n) {
    return Array.from({ length: n }, () => this.pick(names));
  }
  version(name) {
    return this.pick(versions.get(name));
  }
}

const auth = (p) => ({ authorization: `Bearer ${p.token}`, 'x-forwarded-for': p.ip });
const report = (w, i) => ({
  kind: 'npm',
  packageName: w.pick(names),
  affectedVersions: '<99.0.0',
  title: `Load report ${i}: prototype pollution in merge()`,
  description: 'merge() copies __proto__ keys from its second argument into the target object.',
  impact: 'An attacker controlling JSON input can change Object.prototype for the whole process.',
  reproduction: 'merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
  patch: null,
  environment: { os: 'Linux', node: '22.11.0', npm: '10.9.0' },
  contactedMaintainer: false,
  openedIssue: false,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cwe: 'CWE-1321',
  credit: { as: 'anonymous' },
  references: [],
});

/** The request of one kind (null: nothing to do of that kind now), and what to keep of its answer. */
function request(w, kind) {
  const ip = w.ip();
  switch (kind) {
    case 'bulk': {
      const body = {};
      for (const n of w.names(80)) body[n] = [w.version(n)];
      return {
        method: 'POST',
        path: '/-/npm/v1/security/advisories/bulk',
        body,
        headers: { 'x-forwarded-for': ip },
      };
    }
    case 'query': {
      const name = w.pick(names);
      return {
        method: 'POST',
        path: '/v1/query',
        body: { package: { name, ecosystem: 'npm' }, version: w.version(name) },
        headers: { 'x-forwarded-for': ip },
      };
    }
    case 'batch': {
      const queries = w
        .names(200)
        .map((name) => ({ package: { name, ecosystem: 'npm' }, version: w.version(name) }));
      return {
        method: 'POST',
        path: '/v1/querybatch',
        body: { queries },
        headers: { 'x-forwarded-for': ip },
      };
    }
    case 'vuln':
      return { method: 'GET', path: `/v1/vulns/${w.pick(ids)}`, headers: { 'x-forwarded-for': ip } };
    case 'page': {
      const x = w.r();
      const path =
        x < 0.6
          ? `/advisories/${w.pick(ids)}`
          : x < 0.8
            ? `/packages/${encodeURIComponent(w.pick(names))}`
            : '/';
      return { method: 'GET', path, headers: { 'x-forwarded-for': ip } };
    }
    case 'search':
      return {
        method: 'GET',
        path: `/search?q=${encodeURIComponent(w.pick(WORDS))}`,
        headers: { 'x-forwarded-for': ip },
      };
    case 'login': {
      const p = w.pick(w.reporters);
      return {
        method: 'POST',
        path: '/api/login',
        body: { email: p.email, password: p.password },
        headers: { 'x-forwarded-for': p.ip },
        done: (res) => {
          if (res.status === 200) p.token = JSON.parse(res.body).token;
        },
      };
    }
    case 'report': {
      const p = w.pick(w.reporters);
      if (!p.token || !p.reports.length) return null;
      return { method: 'GET', path: `/api/reports/${w.pick(p.reports)}`, headers: auth(p) };
    }
    case 'comment': {
      const p = w.pick(w.reporters);
      if (!p.token || !p.reports.length) return null;
      const byTeam = w.r() < 0.3 && w.team.token;
      return {
        method: 'POST',
        path: `/api/reports/${w.pick(p.reports)}/comments`,
        body: { body: `Comment ${w.acked.comments.length}: can you share the smallest input that shows it?` },
        headers: byTeam ? auth(w.team) : auth(p),
        done: (res) => {
          if (res.status === 201) w.acked.comments.push(JSON.parse(res.body).id);
        },
      };
    }
    case 'submit': {
      // a new reporter may have two reports waiting for the team's decision: one is there already
      const p = w.reporters.find((x) => x.token && x.reports.length < 2 && !x.busy);
      if (!p) return null;
      p.busy = true;
      return {
        method: 'POST',
        path: '/api/reports',
        body: report(w, w.submitted++),
        headers: auth(p),
        done: (res) => {
          p.busy = false;
          if (res.status === 201) {
            const id = JSON.parse(res.body).report.id;
            p.reports.push(id);
            w.acked.reports.push(id);
          }
        },
      };
    }
  }
}

const KINDS = Object.keys(MIX);
const TOTAL = Object.values(MIX).reduce((a, b) => a + b, 0);
function kindOf(w) {
  let x = w.r() * TOTAL;
  for (const k of KINDS) {
    x -= MIX[k];
    if (x < 0) return k;
  }
  return KINDS[0];
}

/** Logs every reporter and the triager in, and files each reporter's first report (not measured). */
async function warmUp(base, w) {
  const agent = agentFor(8);
  const login = async (p) => {
    const res = await send(agent, base, {
      method: 'POST',
      path: '/api/login',
      body: {
        email: p.email,
        password: p.password,
        ...(p.totp ? { code: totpCode(p.totp, Date.now()) } : {}),
      },
      headers: { 'x-forwarded-for': p.ip ?? '10.0.0.1' },
    });
    if (res.status !== 200) throw new Error(`login of ${p.email}: ${res.status} ${res.body}`);
    p.token = JSON.parse(res.body).token;
  };
  w.team.ip = '10.0.0.1';
  await login(w.team);
  const queue = [...w.reporters];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        await login(p);
        const res = await send(agent, base, {
          method: 'POST',
          path: '/api/reports',
          body: report(w, w.submitted++),
          headers: auth(p),
        });
        if (res.status !== 201) throw new Error(`first report of ${p.email}: ${res.status} ${res.body}`);
        const id = JSON.parse(res.body).report.id;
        p.reports.push(id);
        w.acked.reports.push(id);
      }
    }),
  );
  agent.destroy();
}

/** Drives `connections` clients for `seconds`; latencies and outcomes per kind, RSS samples. */
async function drive(base, w, { connections, seconds, pid }) {
  const agent = agentFor(connections);
  const stats = Object.fromEntries(KINDS.map((k) => [k, { ms: [], errors: 0, shed: 0, samples: [] }]));
  const rss = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const sampler = setInterval(() => {
    try {
      rss.push([(performance.now() - t0) / 1000, rssMiB(pid)]);
    } catch {
      rss.push([(performance.now() - t0) / 1000, Number.NaN]);
    }
  }, 1000);
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const kind = kindOf(w);
        const req = request(w, kind);
        if (!req) continue;
        const res = await send(agent, base, req);
        req.done?.(res);
        done++;
        const s = stats[kind];
        if (res.status === 429 || res.status === 503) {
          s.shed++;
          // a client that backs off as told (LOAD_RUDE=1: one that does not)
          if (!process.env.LOAD_RUDE && res.retryAfter)
            await new Promise((r) => setTimeout(r, res.retryAfter * 1000));
        } else if (res.status >= 200 && res.status < 300) {
          // answers after the end (of clients that waited to retry) are not counted
          if (performance.now() <= end) s.ms.push(res.ms);
        } else {
          s.errors++;
          if (s.samples.length < 3)
            s.samples.push(`${res.status} ${req.method} ${req.path}: ${res.body.slice(0, 200)}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  agent.destroy();
  return { stats, rss, done, seconds: Math.min(seconds, (performance.now() - t0) / 1000) };
}

const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;

/** Least-squares slope of RSS over time, in MiB per minute (after the first 10 s of warming up). */
function slope(rss, from = 10) {
  const pts = rss.filter(([t, m]) => t >= from && Number.isFinite(m));
  if (pts.length < 3) return Number.NaN;
  const n = pts.length;
  const mt = pts.reduce((a, [t]) => a + t, 0) / n;
  const mm = pts.reduce((a, [, m]) => a + m, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, m] of pts) {
    num += (t - mt) * (m - mm);
    den += (t - mt) ** 2;
  }
  return (num / den) * 60;
}

function printRun(label, run) {
  console.log(
    `\n${label}: ${run.done} requests in ${run.seconds.toFixed(1)} s = ${(run.done / run.seconds).toFixed(0)} req/s`,
  );
  console.log('kind       count   p50 ms   p99 ms  errors  429/503');
  let errors = 0;
  for (const k of KINDS) {
    const s = run.stats[k];
    s.ms.sort((a, b) => a - b);
    errors += s.errors;
    console.log(
      `${k.padEnd(8)} ${String(s.ms.length + s.errors + s.shed).padStart(7)} ${pct(s.ms, 50).toFixed(1).padStart(8)} ${pct(s.ms, 99).toFixed(1).padStart(8)} ${String(s.errors).padStart(7)} ${String(s.shed).padStart(8)}`,
    );
    for (const x of s.samples) console.log(`    ${x}`);
  }
  const mem = run.rss.map(([, m]) => m).filter(Number.isFinite);
  console.log(
    `RSS: ${mem[0]?.toFixed(0)} MiB at the start, ${Math.max(...mem).toFixed(0)} MiB at most, ${mem.at(-1)?.toFixed(0)} MiB at the end; slope after 10 s: ${slope(run.rss).toFixed(2)} MiB/min, over the second half: ${slope(run.rss, run.seconds / 2).toFixed(2)} MiB/min`,
  );
  return errors;
}

/** Every acknowledged report and comment is in the database, and the audit log verifies. */
async function check(db, w) {
  const store = await openStore(db.store, { mode: 'existing', secret: SECRET });
  const has = async (table, list) => {
    let found = 0;
    for (let i = 0; i < list.length; i += 500) {
      const part = list.slice(i, i + 500);
      const rows = await store.db
        .withTables()
        .selectFrom(table)
        .select('id')
        .where('id', 'in', part)
        .execute();
      found += rows.length;
    }
    return found;
  };
  const reports = await has('reports', w.acked.reports);
  const comments = await has('comments', w.acked.comments);
  await store.close();
  let verify;
  try {
    verify = execFileSync(
      process.execPath,
      [
        join(ROOT, 'dist', 'bin', 'nswg.js'),
        'audit-log',
        'verify',
        '--db',
        db.target,
        '--secret-file',
        db.secretFile,
      ],
      {
        encoding: 'utf8',
      },
    ).trim();
  } catch (e) {
    verify = `FAILED: ${e.stdout ?? ''}${e.stderr ?? e.message}`;
  }
  console.log(
    `acknowledged writes: ${reports}/${w.acked.reports.length} reports and ${comments}/${w.acked.comments.length} comments are in the database; audit log: ${verify.split('\n')[0]}`,
  );
  return (
    w.acked.reports.length -
    reports +
    w.acked.comments.length -
    comments +
    (verify.startsWith('FAILED') ? 1 : 0)
  );
}

async function run(engine, mode) {
  const db = await database(engine);
  const t = performance.now();
  const folks = await people(db.store);
  console.log(
    `\n=== ${engine}: ${REPORTERS} reporters made in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  // the run's own secret file, and so its own audit anchor file beside it
  const dir = mkdtempSync(join(tmpdir(), 'nswg-load-secret-'));
  db.secretFile = join(dir, 'secret');
  writeFileSync(db.secretFile, SECRET, { mode: 0o600 });
  let server = await startServer(db.target, [
    '--rate-limit',
    '1000',
    '--trust-proxy',
    '--secret-file',
    db.secretFile,
  ]);
  let bad = 0;
  try {
    const w = new World(folks, 42);
    await warmUp(server.url, w);
    if (mode !== 'saturate') {
      const r = await drive(server.url, w, {
        connections: CONNECTIONS,
        seconds: SECONDS,
        pid: server.child.pid,
      });
      bad += printRun(`${engine}, mixed, ${CONNECTIONS} connections`, r);
      if (server.child.exitCode !== null) {
        console.log('THE SERVER EXITED');
        bad++;
      }
    }
    if (mode !== 'mixed') {
      console.log(`\n${engine}: saturation, ${STEP_SECONDS} s per step`);
      console.log('connections  req/s   p50 ms   p99 ms  ok      429/503  errors  RSS MiB');
      for (const c of STEPS) {
        const r = await drive(server.url, w, {
          connections: c,
          seconds: STEP_SECONDS,
          pid: server.child.pid,
        });
        const all = KINDS.flatMap((k) => r.stats[k].ms).sort((a, b) => a - b);
        const shed = KINDS.reduce((a, k) => a + r.stats[k].shed, 0);
        const errors = KINDS.reduce((a, k) => a + r.stats[k].errors, 0);
        console.log(
          `${String(c).padStart(11)} ${(all.length / r.seconds).toFixed(0).padStart(6)} ${pct(all, 50).toFixed(1).padStart(8)} ${pct(all, 99).toFixed(1).padStart(8)} ${String(all.length).padStart(7)} ${String(shed).padStart(8)} ${String(errors).padStart(7)} ${Math.max(
            ...r.rss.map(([, m]) => m),
          )
            .toFixed(0)
            .padStart(8)}`,
        );
        for (const k of KINDS) for (const x of r.stats[k].samples) console.log(`    ${x}`);
        if (process.env.LOAD_DETAIL) printRun(`${c} connections`, r);
        if (server.child.exitCode !== null) {
          console.log('THE SERVER EXITED');
          bad++;
          break;
        }
      }
    }
    await server.stop();
    server = null;
    bad += await check(db, w);
  } finally {
    if (server) await server.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  return bad;
}

const mode = process.argv[2] ?? 'mixed';
const which = process.argv[3] ?? 'both';
let bad = 0;
for (const engine of which === 'both' ? ['sqlite', 'postgres'] : [which]) bad += await run(engine, mode);
console.log(bad ? `\n${bad} PROBLEMS` : '\nno errors, no lost writes');
process.exit(bad ? 1 : 0);
