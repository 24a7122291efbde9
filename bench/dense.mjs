#!/usr/bin/env node
// Benchmark of the dense case (bench/lib/dense.mjs): a real npm lockfile of 2,513 entries and a
// 200,000-advisory database in which every one of its 1,691 package names carries four advisories
// that its installed versions miss. Prints medians of:
//   audit   `nswg audit --format json` on the real lockfile with the 638 bundled advisories and with
//           the dense database, and `node -e 0`, interleaved round by round (each round in another
//           order); peak RSS; the time above Node's own start, with and without
//           NODE_EXTRA_CA_CERTS when it is set
//   batch   a cold /v1/querybatch of 1,000 of the project's names (a new server process each time,
//           its routes warmed up on other names first, so that nothing of these names is cached)
//           and a cold npm bulk request of 1,600 of them; then the same requests warm
//   query   /v1/query at 32 connections (autocannon) against nswg serve and, in the same run, against
//           a bare node:http server answering the same requests from memory with nswg's own answers,
//           with its own minimal headers and with nswg's security headers (the same bytes as nswg)
// on SQLite and on PostgreSQL (the local server; built once as nswg_bench_dense), the server figures
// of both engines measured in turn, round by round.
// Usage: npm run build && node bench/dense.mjs [audit|batch|query|all] [sqlite|postgres|both]
//   env: RUNS (audit rounds, 15), REPS (batch requests, 15), DURATION (s, 10), QUERY_RUNS (3)
import { fork, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededDb } from './lib/databases.mjs';
import { densePostgres, denseSqlite, projectVersions, REAL_PROJECT } from './lib/dense.mjs';
import { median, percentile, rng } from './lib/generate.mjs';
import { cannon, ROOT, rssMiB, startServer, timePost } from './server-setup.mjs';

const what = process.argv[2] ?? 'all';
const engines = (process.argv[3] ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [process.argv[3]];
const bin = join(ROOT, 'dist', 'bin', 'nswg.js');
const versions = projectVersions();
const names = [...versions.keys()].sort();
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(
  `dense case: ${names.length} names in the real lockfile, each with 4 advisories; load average ${loadavg()[0].toFixed(2)}`,
);

/** Runs a command under GNU time: wall ms and peak RSS in MiB. */
function measure(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 256 << 20,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { ms, rss: Number(r.stderr.trim().split('\n').at(-1)) / 1024, stdout: r.stdout };
}

async function auditBench(engine) {
  const runs = Number(process.env.RUNS ?? 15);
  const dense = engine === 'sqlite' ? await denseSqlite() : await densePostgres();
  if (!dense) return console.log('postgres: no local server; skipped');
  const small = await seededDb();
  const env = { ...process.env, NO_COLOR: '1' };
  const bare = { ...env };
  delete bare.NODE_EXTRA_CA_CERTS;
  const audit = (db) => [bin, 'audit', REAL_PROJECT, '--format', 'json', '--db', db];
  const commands = [
    ['node -e 0', process.execPath, ['-e', '0'], env],
    ['nswg audit, 638 advisories (SQLite)', process.execPath, audit(small), env],
    [`nswg audit, dense 200,638 advisories (${engine})`, process.execPath, audit(dense), env],
  ];
  if (process.env.NODE_EXTRA_CA_CERTS)
    commands.push(
      ['node -e 0, no NODE_EXTRA_CA_CERTS', process.execPath, ['-e', '0'], bare],
      ['nswg audit, 638, no NODE_EXTRA_CA_CERTS', process.execPath, audit(small), bare],
    );
  for (const [, cmd, args, e] of commands) measure(cmd, args, e); // code caches, migrations
  const res = commands.map(() => ({ ms: [], rss: [], out: '' }));
  // each round starts one command further on: a command run always right after the same other
  // one (the first audit after `node -e 0`) measured a few ms slower here than in any other place
  for (let i = 0; i < runs; i++)
    for (let j = 0; j < commands.length; j++) {
      const k = (i + j) % commands.length;
      const [, cmd, args, e] = commands[k];
      const m = measure(cmd, args, e);
      res[k].ms.push(m.ms);
      res[k].rss.push(m.rss);
      res[k].out = m.stdout;
    }
  for (const [k, [label]] of commands.entries())
    console.log(
      `${label.padEnd(48)} median ${fmt(median(res[k].ms)).padStart(9)}  peak RSS median ${median(res[k].rss).toFixed(0)} MiB (max ${Math.max(...res[k].rss).toFixed(0)})`,
    );
  const [node, a, b] = res.map((r) => median(r.ms));
  const found = (k) => JSON.parse(res[k].out).findings.length;
  console.log(
    `${engine}: findings ${found(1)} (638) and ${found(2)} (dense); dense / 638 = ${(b / a).toFixed(2)}x; ` +
      `start-up above node -e 0: ${fmt(a - node)}`,
  );
  if (res[4])
    console.log(`without NODE_EXTRA_CA_CERTS: above node -e 0 ${fmt(median(res[4].ms) - median(res[3].ms))}`);
}

const pick = (n, seed) => {
  const rr = rng(seed);
  const pool = [...names];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rr() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
};
const batchBody = (seed) =>
  JSON.stringify({
    queries: pick(1000, seed).map((name) => ({
      package: { name, ecosystem: 'npm' },
      version: versions.get(name)[0],
    })),
  });
const bulkBody = (seed) =>
  gzipSync(
    JSON.stringify(Object.fromEntries(pick(1600, seed).map((n) => [n, [...new Set(versions.get(n))]]))),
  );
const gz = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
// a warm-up of each route that touches none of the project's names: the code is compiled, as in
// a server that has answered other requests, and nothing of these names is cached
const warmUp = JSON.stringify({
  queries: Array.from({ length: 1000 }, (_, i) => ({
    package: { name: `bench-pkg-${i * 7 + 1}`, ecosystem: 'npm' },
    version: '1.2.3',
  })),
});
const warmUpBulk = gzipSync(
  JSON.stringify(
    Object.fromEntries(Array.from({ length: 1600 }, (_, i) => [`bench-pkg-${i * 7 + 2}`, ['1.2.3']])),
  ),
);

/** The databases of the engines asked for (PostgreSQL is left out, saying so, when no local server answers). */
async function databases(list) {
  const out = [];
  for (const engine of list) {
    const db = engine === 'sqlite' ? await denseSqlite() : await densePostgres();
    if (db) out.push([engine, db]);
    else console.log('postgres: no local server; skipped');
  }
  return out;
}

async function batchBench(list) {
  const reps = Number(process.env.REPS ?? 15);
  const dbs = await databases(list);
  const routes = [
    ['/v1/querybatch, 1,000 of the names', '/v1/querybatch', batchBody, undefined],
    ['npm bulk, 1,600 of the names', '/-/npm/v1/security/advisories/bulk', bulkBody, gz],
  ];
  const cold = dbs.map(() => routes.map(() => []));
  const rss = dbs.map(() => 0);
  // engines and routes in turn, round after round, as the machine's speed drifts
  for (let i = 0; i < reps; i++)
    for (const [e, [, db]] of dbs.entries())
      for (const [k, [, url, make, headers]] of routes.entries()) {
        const server = await startServer(db);
        try {
          for (let w = 0; w < 3; w++) {
            await timePost(`${server.url}/v1/querybatch`, warmUp);
            await timePost(`${server.url}/-/npm/v1/security/advisories/bulk`, warmUpBulk, gz);
          }
          cold[e][k].push((await timePost(`${server.url}${url}`, make(i), headers)).ms);
          rss[e] = Math.max(rss[e], rssMiB(server.child.pid));
        } finally {
          await server.stop();
        }
      }
  const servers = [];
  for (const [, db] of dbs) servers.push(await startServer(db));
  try {
    for (const [k, [label, url, make, headers]] of routes.entries()) {
      const body = make(99);
      const warm = dbs.map(() => []);
      const answers = [];
      // each server's own address taken out: its links name it
      for (const s of servers)
        answers.push((await timePost(`${s.url}${url}`, body, headers)).text.replaceAll(s.url, 'SERVER'));
      for (let i = 0; i < reps; i++)
        for (const [e, s] of servers.entries())
          warm[e].push((await timePost(`${s.url}${url}`, body, headers)).ms);
      for (const [e, [engine]] of dbs.entries()) {
        const answer = JSON.parse(answers[e]);
        const matches = answer.results
          ? answer.results.reduce((n, x) => n + x.vulns.length, 0)
          : Object.values(answer).flat().length;
        console.log(
          `${engine}: ${label}: cold median ${fmt(median(cold[e][k]))} (p90 ${fmt(percentile(cold[e][k], 90))}), ` +
            `warm median ${fmt(median(warm[e]))}; ${matches} advisories answered`,
        );
      }
      if (answers.some((a) => a !== answers[0]))
        console.log(`WARNING: the engines answered ${label} differently`);
    }
    for (const [e, [engine]] of dbs.entries())
      console.log(`${engine}: server RSS at most ${rss[e].toFixed(0)} MiB after a cold request`);
  } finally {
    for (const s of servers) await s.stop();
  }
}

/** The bare server: node:http answering each request body with the bytes stored for it (and `headers`). */
function bareServer(answers, headers) {
  const child = fork(join(ROOT, 'bench', 'lib', 'bare-server.mjs'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    child.once('message', (m) => {
      if (m.port) resolve({ url: `http://127.0.0.1:${m.port}`, child, stop: () => child.kill() });
    });
    child.send({ answers, headers });
  });
}

/** Sends each body to /v1/query once, 32 at a time. */
async function askEach(url, bodies) {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) await timePost(`${url}/v1/query`, bodies[next++]);
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function queryBench(list) {
  const runs = Number(process.env.QUERY_RUNS ?? 3);
  const duration = Number(process.env.DURATION ?? 10);
  const dbs = await databases(list);
  if (!dbs.length) return;
  const r = rng(23);
  // the project's names at their installed versions, and as many other names at random versions
  const bodies = [
    ...names.map((name) => ({ package: { name, ecosystem: 'npm' }, version: versions.get(name)[0] })),
    ...Array.from({ length: names.length }, () => ({
      package: { name: `bench-pkg-${Math.floor(r() * 48_000)}`, ecosystem: 'npm' },
      version: `${Math.floor(r() * 7)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`,
    })),
  ].map((q) => JSON.stringify(q));
  const requests = bodies.map((body) => ({
    method: 'POST',
    path: '/v1/query',
    headers: { 'content-type': 'application/json' },
    body,
  }));
  const sides = [];
  try {
    // nswg's answers (every engine's the same), stored for the bare servers, and its headers but
    // the date and length
    const answers = {};
    const normal = {};
    let vulns = 0;
    for (const [engine, db] of dbs) {
      const server = await startServer(db);
      try {
        for (const body of bodies) {
          const { text } = await timePost(`${server.url}/v1/query`, body);
          // the server's own address taken out: its links name it
          const plain = text.replaceAll(server.url, 'SERVER');
          if (answers[body] === undefined) {
            answers[body] = text;
            normal[body] = plain;
            vulns += JSON.parse(text).vulns?.length ?? 0;
          } else if (normal[body] !== plain) console.log(`WARNING: ${engine} answered ${body} differently`);
        }
      } finally {
        await server.stop();
      }
    }
    const sample = await startServer(dbs[0][1]);
    const res = await fetch(`${sample.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[0],
    });
    await res.text();
    await sample.stop();
    const headers = Object.fromEntries(
      [...res.headers].filter(
        ([k]) => !['date', 'content-length', 'connection', 'keep-alive', 'content-type'].includes(k),
      ),
    );
    // new nswg processes: their caches empty, as after a start
    for (const [engine, db] of dbs) sides.push([`nswg (${engine})`, await startServer(db)]);
    sides.push(['bare node:http', await bareServer(answers, {})]);
    sides.push(['bare node:http, nswg headers', await bareServer(answers, headers)]);
    // warm: every distinct query once (autocannon's connections all walk the list from its start,
    // at a few hundred requests a second each, so a short warm-up leaves most of it cold: on
    // PostgreSQL, reads went on into the second round), then a short run
    for (const [label, s] of sides) if (label.startsWith('nswg')) await askEach(s.url, bodies);
    for (const [, s] of sides) await cannon({ url: s.url, connections: 32, duration: 3, requests });
    const out = sides.map(() => ({ rps: [], p50: [], p99: [], bad: 0 }));
    // the machine's speed drifts within minutes (the bare server's rate moved by a third between
    // rounds): each round runs every side, in the reverse order every other round, and the ratios
    // are also taken round by round
    for (let i = 0; i < runs; i++) {
      const order = [...sides.keys()];
      if (i % 2) order.reverse();
      for (const k of order) {
        const o = await cannon({ url: sides[k][1].url, connections: 32, duration, requests });
        out[k].rps.push(o.requests.average);
        out[k].p50.push(o.latency.p50);
        out[k].p99.push(o.latency.p99);
        out[k].bad += o.errors + o.non2xx;
        if (process.env.VERBOSE)
          console.log(
            `  round ${i + 1}: ${sides[k][0]} ${o.requests.average.toFixed(0)} req/s, p99 ${o.latency.p99} ms`,
          );
      }
    }
    for (const [k, [label]] of sides.entries())
      console.log(
        `/v1/query, 32 connections, ${label}: median ${median(out[k].rps).toFixed(0)} req/s, ` +
          `p50 ${median(out[k].p50)} ms, p99 ${median(out[k].p99)} ms (${runs} runs of ${duration} s; errors ${out[k].bad})`,
      );
    const bare = out[dbs.length].rps;
    const same = out[dbs.length + 1].rps;
    const pct = (a, b) => `${((100 * a) / b).toFixed(0)}%`;
    const roundly = (a, b) => pct(median(a.map((x, i) => x / b[i])), 1);
    for (const [e, [engine]] of dbs.entries()) {
      const rps = out[e].rps;
      console.log(
        `${engine}: nswg has ${pct(median(rps), median(bare))} of the bare server's throughput ` +
          `(${pct(median(rps), median(same))} of the bare server sending the same headers); ` +
          `round by round, median ${roundly(rps, bare)} (${roundly(rps, same)}); server RSS ${rssMiB(sides[e][1].child.pid).toFixed(0)} MiB`,
      );
    }
    console.log(`${bodies.length} distinct queries, ${vulns} records answered in all`);
  } finally {
    for (const [, s] of sides) await s.stop();
  }
}

for (const engine of engines) if (what === 'audit' || what === 'all') await auditBench(engine);
if (what === 'batch' || what === 'all') await batchBench(engines);
if (what === 'query' || what === 'all') await queryBench(engines);
