// The dense case: a real npm lockfile of about 2,500 entries (bench/fixtures/real-npm-2500, made by
// npm 11 with `--package-lock-only --omit-lockfile-registry-resolved`), and a database of the
// bundled advisories plus 200,000 generated ones in which about 2,000 of the project's own package
// names (all 1,691 names of its 2,513 entries) carry four advisories each, none of which matches a
// version installed; the rest lie over 48,000 other names. Every look-up of the project's names then reads advisories and tests ranges,
// as an audit against the whole of GitHub's database does, without adding findings.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { openStore, seedBundled } from '../../dist/store/index.js';
import { CACHE, ROOT } from './databases.mjs';
import { generateAdvisories, generatedAdvisory, rng } from './generate.mjs';

export const REAL_PROJECT = join(ROOT, 'bench', 'fixtures', 'real-npm-2500');
export const DENSE_COUNT = 200_000;
const PER_NAME = 4;

/** The real lockfile's package names with the versions installed of each. */
export function projectVersions() {
  const lock = JSON.parse(readFileSync(join(REAL_PROJECT, 'package-lock.json'), 'utf8'));
  const out = new Map();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.link || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const list = out.get(name) ?? [];
    list.push(entry.version);
    out.set(name, list);
  }
  return out;
}

/** The project names that carry advisories in the dense database (all of them, in name order). */
export function denseNames() {
  return [...projectVersions().keys()].sort();
}

/**
 * Four ranges that match none of `versions` (upper bounds below a version end in `-0`, so that its
 * prereleases stay out too): below the lowest one installed (the usual shape: a flaw
 * fixed long ago), in an earlier major, and above the highest (a regression in a later release).
 */
function missingRanges(versions, r) {
  const sorted = versions.filter((v) => semver.valid(v)).sort(semver.compare);
  const low = semver.parse(sorted[0] ?? '1.0.0');
  const high = semver.parse(sorted.at(-1) ?? '1.0.0');
  const int = (n) => Math.floor(r() * n);
  const below =
    low.major > 0
      ? [`<${low.major}.0.0-0`, `>=${low.major - 1}.0.0 <${low.major - 1}.${int(9) + 1}.0`]
      : low.minor > 0
        ? [`<0.${low.minor}.0-0`, `<=0.0.${int(9)}`]
        : [`<0.0.${low.patch}-0`, '0.0.0-0'];
  return [
    ...below,
    `>=${high.major + 1}.0.0 <${high.major + 1}.${int(5) + 1}.0`,
    `${high.major + 2}.${int(5)}.${int(10)}`,
  ].slice(0, PER_NAME);
}

/** The generated advisories of the dense case, as the model's records (deterministic). */
export function denseAdvisories() {
  const versions = projectVersions();
  const names = denseNames();
  const r = rng(17);
  // the rest first: Working Group-shaped advisories over 48,000 other names
  const rest = generateAdvisories({
    count: DENSE_COUNT - names.length * PER_NAME,
    packages: 48_000,
    firstId: 300_000,
  });
  // then four on each of the project's names, ranges that miss every version installed
  const placed = [];
  let id = 600_000;
  for (const name of names) {
    for (const vulnerable of missingRanges(versions.get(name), r)) {
      id++;
      placed.push(
        generatedAdvisory({
          id,
          name,
          vulnerable,
          updated: '2021-06-01',
          overview: `${name} in versions it does not have installed.`,
          vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
          score: 7.5,
        }),
      );
    }
  }
  return [...rest, ...placed];
}

/** The dense SQLite database, built once under .bench/. */
export async function denseSqlite() {
  const file = join(CACHE, `dense-${DENSE_COUNT}.db`);
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.building`;
  for (const s of ['', '-wal', '-shm']) rmSync(`${tmp}${s}`, { force: true });
  console.log(`building ${file} (once)`);
  const store = await openStore({ kind: 'sqlite', file: tmp }, { mode: 'create' });
  await seedBundled(store);
  await store.advisories.import(denseAdvisories());
  await store.close();
  for (const s of ['-wal', '-shm']) rmSync(`${tmp}${s}`, { force: true });
  renameSync(tmp, file);
  return file;
}

/**
 * The dense PostgreSQL database on the local server (`nswg_bench_dense` unless DENSE_PG_URL names
 * one), built once: its URL, or null when no PostgreSQL answers.
 */
export async function densePostgres() {
  const url =
    process.env.DENSE_PG_URL ??
    `postgres://${userInfo().username}@localhost/nswg_bench_dense?host=/var/run/postgresql`;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({
    host: '/var/run/postgresql',
    database: 'postgres',
    user: userInfo().username,
  });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  try {
    const name = new URL(url).pathname.slice(1);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) {
      const probe = new pg.Client({ connectionString: url });
      await probe.connect();
      const done = await probe
        .query(`SELECT count(*)::int AS n FROM advisories`)
        .then((r) => r.rows[0].n)
        .catch(() => 0);
      await probe.end();
      if (done >= DENSE_COUNT) return url;
      await admin.query(`DROP DATABASE ${name}`);
    }
    console.log(`building PostgreSQL database ${name} (once)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const store = await openStore({ kind: 'postgres', url }, { mode: 'create' });
  await seedBundled(store);
  await store.advisories.import(denseAdvisories());
  await store.close();
  return url;
}
