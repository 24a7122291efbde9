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

/** Runs each command once per round, round after round, so that the VM's drift (its speed
 * changes by 20-30% within an hour here) weighs on every command alike; medians per command. */
function interleaved(commands, n) {
  const results = commands.map(() => ({ walls: [], rss: [], out: null }));
  for (let i = 0; i < n; i++) {
    commands.forEach((c, k) => {
      const t0 = performance.now();
      const m = measure(c.cmd, c.args, c.opts);
      results[k].walls.push(performance.now() - t0);
      results[k].rss.push(m.rssMiB);
      results[k].out = m;
    });
  }
  return commands.map((c, k) => {
    const r = results[k];
    console.log(
      `${c.label.padEnd(46)} median ${median(r.walls).toFixed(0).padStart(5)} ms   peak RSS median ${median(r.rss).toFixed(0)} MiB (max ${Math.max(...r.rss).toFixed(0)})`,
    );
    return { wall: median(r.walls), out: r.out };
  });
}

const series = (label, cmd, args, n, opts) => interleaved([{ label, cmd, args, opts }], n)[0];

console.log(
  `project: ${entries} lockfile entries; ${runs} rounds; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`,
);
const env = { ...process.env, NO_COLOR: '1' };
const bare = { ...env };
delete bare.NODE_EXTRA_CA_CERTS;
const audit = (db) => [bin, 'audit', project, '--format', 'json', '--db', db];
// one run each first: a database made by an older nswg is migrated once, and the command's code
// cache is made, not in the timings
for (const db of [small, large]) measure(process.execPath, audit(db), { env });
const commands = [
  { label: 'node -e 0 (Node.js start-up alone)', cmd: process.execPath, args: ['-e', '0'], opts: { env } },
  {
    label: 'nswg audit --format json (638 advisories)',
    cmd: process.execPath,
    args: audit(small),
    opts: { env },
  },
  {
    label: 'nswg audit --format json (200,638 advisories)',
    cmd: process.execPath,
    args: audit(large),
    opts: { env },
  },
];
// NODE_EXTRA_CA_CERTS, when set, makes Node.js load that certificate file at every start
if (process.env.NODE_EXTRA_CA_CERTS)
  commands.push(
    {
      label: 'node -e 0 without NODE_EXTRA_CA_CERTS',
      cmd: process.execPath,
      args: ['-e', '0'],
      opts: { env: bare },
    },
    {
      label: 'nswg audit (638), without NODE_EXTRA_CA_CERTS',
      cmd: process.execPath,
      args: audit(small),
      opts: { env: bare },
    },
  );
const [, a, b] = interleaved(commands, runs);
const found = JSON.parse(a.out.stdout).findings.length;
console.log(
  `findings: ${found} (638), ${JSON.parse(b.out.stdout).findings.length} (200,638); slowdown at 200k: ${(b.wall / a.wall).toFixed(2)}x`,
);
const oracle = process.env.NO_ORACLE ? '' : join(ROOT, '..', 'shared', 'oracle', 'npm-audit-oracle.sh');
if (existsSync(oracle)) {
  const npm = series(
    'npm audit --json (real npm, offline oracle)',
    'bash',
    [oracle, project],
    Math.min(runs, 5),
    {},
  );
  const triples = Object.values(JSON.parse(npm.out.stdout).vulnerabilities).flatMap((v) =>
    v.via.filter((x) => typeof x === 'object'),
  ).length;
  console.log(`npm audit: ${triples} advisory entries; nswg is ${(npm.wall / a.wall).toFixed(1)}x faster`);
  void execFileSync;
}
