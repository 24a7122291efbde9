// Crash scenarios: the real `nswg` command (built, dist/) killed with SIGKILL at random points of an
// import, a sync and a stream of report submissions with attachments, then started again and
// checked. Shared by test/crash/kill9.test.ts (a few loops) and bench/crash-loop.mjs (many).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { toOsv } from '../../dist/advisories/index.js';
import { zipStream } from '../../dist/server/routes/zip-stream.js';
import { openStore } from '../../dist/store/index.js';
import { generateAdvisories, rng } from './generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'dist', 'bin', 'nswg.js');
const PG_ADMIN_URL =
  process.env.NSWG_TEST_PG ?? `postgres://${userInfo().username}@localhost/postgres?host=/var/run/postgresql`;
const SECRET = 'the crash loops’ server secret, long enough'.padEnd(48, '.');
const CHEAP_ARGON2 = { memoryCost: 1024, timeCost: 1 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/** A seeded random source with the helpers the loops use. */
export function randomSource(seed) {
  const r = rng(seed);
  return { next: r, int: (n) => Math.floor(r() * n), between: (a, b) => a + r() * (b - a) };
}

/** A fresh database of the engine: its target, what `--db` takes, and how to drop it. */
export async function freshDatabase(engine, dir) {
  if (engine === 'sqlite') {
    const file = join(dir, `nswg-${randomBytes(4).toString('hex')}.db`);
    return { target: { kind: 'sqlite', file }, arg: file, drop: async () => {} };
  }
  const name = `nswg_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    arg: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const cleanEnv = (home) => ({ PATH: process.env.PATH, HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' });

/** Runs `nswg` to its end. */
export function nswgRun(args, home) {
  return killedAfter(args, home, null);
}

/**
 * Runs `nswg`, and SIGKILLs the process when `when` resolves (null: never): whether the kill came
 * before the process ended, its exit code, its output, and how long it ran.
 */
export function killedAfter(args, home, when) {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  let ended = false;
  when
    ?.then(() => {
      if (!ended) process.kill(child.pid, 'SIGKILL');
    })
    .catch(() => {});
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      resolve({ killed: signal === 'SIGKILL', code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/**
 * Resolves once a writer has begun a transaction on the database (SQLite: its WAL file grew;
 * PostgreSQL: another session holds a transaction open), or after `limitMs`: `seen` says which.
 */
export function writesBegin(target, limitMs) {
  const state = { seen: false };
  const until = Date.now() + limitMs;
  const wal = target.kind === 'sqlite' ? `${target.file}-wal` : null;
  const size = () => {
    try {
      return wal ? statSync(wal).size : 0;
    } catch {
      return 0;
    }
  };
  // past what creating the schema writes: the advisories are going in
  const before = size() + 1024 * 1024;
  const promise = (async () => {
    const client = wal ? null : new pg.Client({ connectionString: target.url });
    await client?.connect();
    try {
      while (Date.now() < until) {
        if (wal) {
          if (size() > before) state.seen = true;
        } else {
          const r = await client.query(
            `select count(*)::int as n from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
               and query ilike 'insert into "advisories"%'`,
          );
          if (r.rows[0].n > 0) state.seen = true;
        }
        if (state.seen) return true;
        await sleep(5);
      }
      return false;
    } finally {
      await client?.end();
    }
  })();
  return { state, promise };
}

/** The advisories' ids in the database (sorted) and a checksum of them; [] when there is no database yet. */
export async function advisoryIds(target) {
  if (target.kind === 'sqlite' && !existsSync(target.file)) return { count: 0, sum: sha256(''), ids: [] };
  const store = await openStore(target, { mode: 'create' });
  try {
    const rows = await store.db.selectFrom('advisories').select('id').orderBy('id').execute();
    const ids = rows.map((r) => r.id).sort();
    return { count: ids.length, sum: sha256(ids.join('\n')), ids };
  } finally {
    await store.close();
  }
}

/** Ids as advisoryIds counts them, for the state an operation should leave. */
export const idState = (ids) => {
  const sorted = [...ids].sort();
  return { count: sorted.length, sum: sha256(sorted.join('\n')) };
};

/** A folder of `count` generated OSV records (one file each), and their ids. */
export function advisoryFolder(dir, count, seed) {
  const out = join(dir, `advisories-${count}-${seed}`);
  const list = generateAdvisories({ count, packages: Math.max(1, count >> 2), seed });
  const ids = [];
  mkdirSync(out, { recursive: true });
  for (const a of list) {
    const osv = toOsv(a);
    ids.push(a.id); // the OSV record's id is the model's with an `x_` prefix, which the import takes off
    writeFileSync(join(out, `${osv.id}.json`), JSON.stringify(osv));
  }
  return { dir: out, ids };
}

/** An OSV bucket folder (all.zip, modified_id.csv, <ID>.json) of `count` generated records, served on loopback. */
export async function osvFolderServer(count, seed) {
  const model = generateAdvisories({ count, packages: Math.max(1, count >> 2), seed });
  const list = model.map((a) => toOsv(a));
  const files = new Map();
  for (const r of list) files.set(`${r.id}.json`, Buffer.from(JSON.stringify(r)));
  const chunks = [];
  async function* entries() {
    for (const r of list) yield { name: `${r.id}.json`, data: files.get(`${r.id}.json`) };
  }
  for await (const c of zipStream(entries())) chunks.push(c);
  files.set('all.zip', Buffer.concat(chunks));
  const newest = [...list].sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified));
  files.set('modified_id.csv', Buffer.from(newest.map((r) => `${r.modified},${r.id}\n`).join('')));
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/npm\//, '');
    const data = files.get(name);
    if (!data) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-length': data.length }).end(data);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/npm/`,
    ids: model.map((a) => a.id),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * One loop of a one-transaction advisory write (`db import`, `db sync`) killed at a random point:
 * mostly a random time after its writes began, sometimes a random time from its start (migrations,
 * reading). Then: the state is the one before or the one after, and a run to the end reaches after.
 */
export async function advisoryWriteLoop({ engine, dir, args, expectIds, rnd, estimateMs }) {
  const home = mkdtempSync(join(dir, 'home-'));
  const db = await freshDatabase(engine, dir);
  const failures = [];
  try {
    const full = [...args, '--db', db.arg];
    const fromStart = rnd.next() < 0.25;
    const watch = writesBegin(db.target, 30 * 60_000);
    const delay = rnd.between(0, fromStart ? estimateMs.total : estimateMs.writing);
    const when = fromStart ? sleep(delay) : watch.promise.then(() => sleep(delay));
    const run = await killedAfter(full, home, when);
    const inside = run.killed && watch.state.seen;
    const before = idState([]);
    const after = idState(expectIds);
    let outcome = 'error';
    try {
      const now = await advisoryIds(db.target);
      outcome = now.sum === before.sum ? 'before' : now.sum === after.sum ? 'after' : 'half';
      if (outcome === 'half')
        failures.push(`half-written: ${now.count} advisories (before: 0, after: ${after.count})`);
    } catch (e) {
      failures.push(`the database did not open after the kill: ${e.message}`);
    }
    if (!run.killed && run.code !== 0) failures.push(`exit ${run.code}: ${run.stderr.slice(0, 500)}`);
    const again = await nswgRun(full, home);
    if (again.code !== 0)
      failures.push(`the run after the kill failed (exit ${again.code}): ${again.stderr.slice(0, 500)}`);
    else {
      const now = await advisoryIds(db.target);
      if (now.sum !== after.sum)
        failures.push(`the run after the kill left ${now.count} advisories, not ${after.count}`);
    }
    return {
      killed: run.killed,
      inside,
      outcome,
      failures,
      delay: Math.round(delay),
      fromStart,
      ms: run.ms,
      againMs: again.ms,
    };
  } finally {
    await db.drop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Starts `nswg serve` and waits for its address; rejects with its stderr when it exits first. */
export function startServer(args, home) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: cleanEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const closed = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nswg serve did not start: ${err}`)), 60_000);
    const look = () => {
      const m =
        /serving .* at (http:\/\/\S+?)\/?\n/.exec(err) ??
        /serving .* at (http:\/\/[^\s"\\]+?)\/?["\\\n]/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        pid: child.pid,
        output: () => out + err,
        kill: () => {
          process.kill(child.pid, 'SIGKILL');
          return closed;
        },
        stop: () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return closed;
        },
      });
    };
    child.stderr.on('data', look);
    child.stdout.on('data', look);
    closed.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`nswg serve exited with ${code}: ${err}${out}`.slice(0, 2000)));
    });
  });
}

/** A report as the Working Group's template asks for it. */
const submission = (n) => ({
  kind: 'npm',
  packageName: `crash-pkg-${n}`,
  affectedVersions: '>=1.0.0 <1.4.2',
  title: `Prototype pollution in merge() number ${n}`,
  description: 'merge() copies __proto__ keys from its second argument into the target object.',
  impact: 'An attacker controlling JSON input can change Object.prototype for the whole process.',
  reproduction: 'require("crash-pkg").merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
  patch: null,
  environment: { os: 'Linux', node: '24.0.0', npm: '11.0.0' },
  contactedMaintainer: false,
  openedIssue: false,
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  cwe: 'CWE-1321',
  credit: { as: 'anonymous' },
  references: ['https://github.com/example/crash-pkg'],
});

/** A text file of random words (the attachment types take UTF-8 text as text/plain). */
function textFile(rnd, n) {
  const size = 200 + rnd.int(n);
  return Buffer.from(
    randomBytes(Math.ceil(size / 2))
      .toString('hex')
      .slice(0, size),
  );
}

function multipart(name, bytes) {
  const boundary = `----nswgcrash${randomBytes(8).toString('hex')}`;
  return {
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/**
 * One reporter's stream until the server goes away: log in, file reports (at most the two a new
 * reporter may hold open), each with attachments; every write the server acknowledged (2xx) is
 * recorded in `acked`.
 */
async function reporterStream(url, people, acked, rnd, counter) {
  for (;;) {
    const p = people.shift();
    if (!p) return;
    const ip = `198.51.${100 + rnd.int(100)}.${1 + rnd.int(250)}`;
    const headers = { 'x-forwarded-for': ip, 'user-agent': 'crash-loop' };
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email: p.email, password: p.password }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { token } = await login.json();
    const auth = { ...headers, authorization: `Bearer ${token}` };
    for (let k = 0; k < 2; k++) {
      const r = await fetch(`${url}/api/reports`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(submission(counter.n++)),
      });
      if (r.status !== 201) throw new Error(`submit: ${r.status} ${await r.text()}`);
      const reportId = (await r.json()).report.id;
      acked.reports.push(reportId);
      for (let f = 1 + rnd.int(3); f > 0; f--) {
        const bytes = textFile(rnd, 60_000);
        const m = multipart(`notes-${f}.txt`, bytes);
        const a = await fetch(`${url}/api/reports/${reportId}/attachments`, {
          method: 'POST',
          headers: { ...auth, 'content-type': m.type },
          body: m.body,
        });
        if (a.status !== 201) throw new Error(`attach: ${a.status} ${await a.text()}`);
        acked.attachments.push({ id: (await a.json()).id, reportId, sha256: sha256(bytes) });
      }
    }
  }
}

/** Registers confirmed reporters straight in the database (as `nswg user add` would), cheap to log in. */
async function makeReporters(target, n, tag) {
  const store = await openStore(target, { mode: 'create', secret: SECRET, argon2: CHEAP_ARGON2 });
  const origin = { ip: '127.0.0.1', userAgent: 'crash-loop' };
  const people = [];
  try {
    for (let i = 0; i < n; i++) {
      const email = `r${tag}-${i}@example.org`;
      const password = `password-${tag}-${i}-long-enough`;
      const up = await store.accounts.register(
        { email, displayName: `r${tag}-${i}`, handle: null, password },
        origin,
      );
      await store.accounts.verifyEmail(up.verifyToken, origin);
      people.push({ email, password });
    }
  } finally {
    await store.close();
  }
  return people;
}

/** What the database holds of reports and attachments, checked against what was acknowledged. */
async function checkAcknowledged(target, acked) {
  const failures = [];
  const store = await openStore(target, { mode: 'existing' });
  try {
    const reports = new Set((await store.db.selectFrom('reports').select('id').execute()).map((r) => r.id));
    for (const id of acked.reports)
      if (!reports.has(id)) failures.push(`acknowledged report ${id} is missing`);
    const rows = await store.db
      .selectFrom('attachments')
      .select(['id', 'report_id', 'sha256', 'size', 'data'])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) {
      const data = Buffer.from(r.data);
      if (data.length !== Number(r.size) || sha256(data) !== r.sha256)
        failures.push(`attachment ${r.id} is half-written (${data.length} of ${r.size} bytes)`);
      if (!reports.has(r.report_id)) failures.push(`attachment ${r.id} has no report`);
    }
    for (const a of acked.attachments) {
      const r = byId.get(a.id);
      if (!r) failures.push(`acknowledged attachment ${a.id} is missing`);
      else if (sha256(Buffer.from(r.data)) !== a.sha256 || r.report_id !== a.reportId)
        failures.push(`acknowledged attachment ${a.id} differs from what was sent`);
    }
    const audited = new Set(
      (
        await store.db
          .selectFrom('audit_log')
          .select('details')
          .where('action', '=', 'attachment.add')
          .execute()
      ).map((r) => JSON.parse(r.details).attachmentId),
    );
    for (const a of acked.attachments)
      if (!audited.has(a.id)) failures.push(`acknowledged attachment ${a.id} has no audit entry`);
    return { failures, reports: reports.size, attachments: rows.length };
  } finally {
    await store.close();
  }
}

/**
 * The server scenario on one database, `loops` times: reporters (several at once) file reports with
 * attachments to `nswg serve`, which is SIGKILLed at a random time; it must start again as it is,
 * hold every acknowledged write whole, and its audit log must verify.
 */
export async function serveLoops({
  engine,
  dir,
  loops,
  rnd,
  clients = 4,
  reporters = clients * 8,
  killWithinMs = [0, 2000],
  log = () => {},
}) {
  const home = mkdtempSync(join(dir, 'serve-home-'));
  const db = await freshDatabase(engine, dir);
  const secretFile = join(home, 'secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const anchor = join(home, 'anchor.jsonl');
  const args = [
    '--db',
    db.arg,
    '--secret-file',
    secretFile,
    '--audit-anchor',
    anchor,
    '--scheduler-interval',
    '0',
    '--trust-proxy',
    '--rate-limit',
    '0',
  ];
  const results = [];
  const acked = { reports: [], attachments: [] };
  const counter = { n: 0 };
  try {
    for (let loop = 0; loop < loops; loop++) {
      const failures = [];
      const people = await makeReporters(db.target, reporters, `${loop}x${rnd.int(1e9)}`);
      let server;
      try {
        server = await startServer(args, home);
      } catch (e) {
        failures.push(`the server did not start after the previous kill: ${e.message}`);
        results.push({ loop, failures });
        break;
      }
      const before = { reports: acked.reports.length, attachments: acked.attachments.length };
      const errors = [];
      const streams = Array.from({ length: clients }, () =>
        reporterStream(server.url, people, acked, rnd, counter).catch((e) => errors.push(e)),
      );
      // the kill lands at a random time once the stream is flowing (the first attachment acknowledged)
      const flowing = Date.now() + 60_000;
      while (
        acked.attachments.length === before.attachments &&
        errors.length < clients &&
        Date.now() < flowing
      )
        await sleep(10);
      const delay = rnd.between(killWithinMs[0], killWithinMs[1]);
      await sleep(delay);
      await server.kill();
      await Promise.all(streams);
      // a refusal while the server ran is a failure of the scenario, not of the kill
      const refused = errors.filter((e) => /^(login|submit|attach): \d/.test(e.message));
      for (const e of refused) failures.push(`refused while running: ${e.message.slice(0, 300)}`);
      const restarted = await startServer(args, home).catch((e) => e);
      if (restarted instanceof Error) {
        failures.push(`the server did not start after the kill: ${restarted.message}`);
        results.push({ loop, failures });
        break;
      }
      const stopped = await restarted.stop();
      if (stopped.code !== 0) failures.push(`the restarted server stopped with ${stopped.code}`);
      const check = await checkAcknowledged(db.target, acked);
      failures.push(...check.failures);
      const verify = await nswgRun(
        ['audit-log', 'verify', '--db', db.arg, '--secret-file', secretFile, '--audit-anchor', anchor],
        home,
      );
      if (verify.code !== 0)
        failures.push(`audit-log verify: exit ${verify.code}: ${verify.stdout}${verify.stderr}`);
      const r = {
        loop,
        delay: Math.round(delay),
        acknowledged: {
          reports: acked.reports.length - before.reports,
          attachments: acked.attachments.length - before.attachments,
        },
        stored: { reports: check.reports, attachments: check.attachments },
        inFlight: errors.length - refused.length,
        failures,
      };
      log(r);
      results.push(r);
    }
    return results;
  } finally {
    await db.drop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** A scratch folder for the loops. */
export const scratch = () => mkdtempSync(join(tmpdir(), 'nswg-crash-'));
