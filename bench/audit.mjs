#!/usr/bin/env node
// Benchmark (issue: nswg audit): the whole `nswg audit --format json` command, process start to
// exit, on a generated project of about 2,500 lockfile entries, with 638 and with 200,000
// advisories in the database; and the real `npm audit` on the same project, in the same run,
// through the offline oracle. Prints medians and peak memory (maximum resident set size).
//   npm run build && node bench/audit.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, largeDb, ROOT, seededDb } from './lib/databases.mjs';
import { median } from './lib/generate.mjs';
import { writeProject } from './lib/project.mjs';

const runs = Number(process.argv[2] ?? 15);
const project = join(CACHE, 'audit-project');
const entries = writeProject(project, { entries: 2500, dataFile: join(ROOT, 'data', 'nswg-npm.json') });
const small = await seededDb();
const large = await largeDb();
// the command as installed: package.json's bin, the bundle
const bin = join(ROOT, 'dist', 'bin', 'nswg.js');

/** Runs a command under GNU time: wall seconds and peak RSS in MiB. */
function measure(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    ...opts,
  });
  const last = r.stderr.trim().split('\n').at(-1).split(' ');
  return { seconds: Number(last[0]), rssMiB: Number(last[1]) / 1024, status: r.status, stdout: r.stdout };
}

function series(label, cmd, args, n, opts) {
  const walls = [];
  const rss = [];
  let out = null;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const m = measure(cmd, args, opts);
    walls.push(performance.now() - t0);
    rss.push(m.rssMiB);
    out = m;
  }
  console.log(
    `${label.padEnd(44)} median ${median(walls).toFixed(0).padStart(5)} ms   peak RSS median ${median(rss).toFixed(0)} MiB (max ${Math.max(...rss).toFixed(0)})`,
  );
  return { wall: median(walls), out };
}

console.log(
  `project: ${entries} lockfile entries; ${runs} runs each; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`,
);
const env = { ...process.env, NO_COLOR: '1' };
// one run each first: a database made by an older nswg is migrated once, not in the timings
for (const db of [small, large])
  measure(process.execPath, [bin, 'audit', project, '--format', 'json', '--db', db], { env });
// what Node.js itself costs to start here (NODE_EXTRA_CA_CERTS, when set, adds its certificate loading)
series('node -e 0 (Node.js start-up alone)', process.execPath, ['-e', '0'], runs, { env });
if (process.env.NODE_EXTRA_CA_CERTS) {
  const bare = { ...env };
  delete bare.NODE_EXTRA_CA_CERTS;
  series('node -e 0 without NODE_EXTRA_CA_CERTS', process.execPath, ['-e', '0'], runs, { env: bare });
  series(
    'nswg audit (638), without NODE_EXTRA_CA_CERTS',
    process.execPath,
    [bin, 'audit', project, '--format', 'json', '--db', small],
    runs,
    { env: bare },
  );
}
const a = series(
  'nswg audit --format json (638 advisories)',
  process.execPath,
  [bin, 'audit', project, '--format', 'json', '--db', small],
  runs,
  { env },
);
const b = series(
  'nswg audit --format json (200,638 advisories)',
  process.execPath,
  [bin, 'audit', project, '--format', 'json', '--db', large],
  runs,
  { env },
);
const found = JSON.parse(a.out.stdout).findings.length;
console.log(
  `findings: ${found} (638), ${JSON.parse(b.out.stdout).findings.length} (200,638); slowdown at 200k: ${(b.wall / a.wall).toFixed(2)}x`,
);
const oracle = join(ROOT, '..', 'shared', 'oracle', 'npm-audit-oracle.sh');
if (existsSync(oracle)) {
  const npm = series(
    'npm audit --json (real npm, offline oracle)',
    'bash',
    [oracle, project],
    Math.min(runs, 5),
  );
  const triples = Object.values(JSON.parse(npm.out.stdout).vulnerabilities).flatMap((v) =>
    v.via.filter((x) => typeof x === 'object'),
  ).length;
  console.log(`npm audit: ${triples} advisory entries; nswg is ${(npm.wall / a.wall).toFixed(1)}x faster`);
  void execFileSync;
}
