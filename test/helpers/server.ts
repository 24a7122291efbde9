import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Advisory, severityOfScore } from '../../src/advisories/index.js';
import { buildApp, type ServerConfig, serverConfig } from '../../src/server/index.js';
import { openStore, type Store, seedBundled } from '../../src/store/index.js';
import { parseRange, satisfies, toOsvRanges } from '../../src/versions/index.js';
import { BIN } from './cli.js';
import { freshDb } from './db.js';
import { readJson, SHARED, wgNpm } from './shared.js';

export const PUBLIC_URL = 'http://nswg.test';

/** An app on a fresh database of the engine (seeded with the bundled data unless told not to). */
export async function testApp(
  engine: 'sqlite' | 'postgres',
  opts: { seed?: boolean; config?: Partial<ServerConfig> } = {},
) {
  const db = await freshDb(engine);
  const store = await openStore(db.target, { mode: 'create' });
  if (opts.seed !== false) await seedBundled(store);
  const config = serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: PUBLIC_URL, ...opts.config });
  const app = await buildApp({ store, config, clock: { now: () => new Date('2026-05-01T00:00:00Z') } });
  return {
    app,
    store,
    db,
    async close() {
      await app.close();
      await store.close();
      await db.drop();
    },
  };
}

/** Opens a store on a database of a test (for a second connection or an import). */
export const storeOf = (target: Parameters<typeof openStore>[0]): Promise<Store> =>
  openStore(target, { mode: 'create' });

/** A running `nswg serve` child process. */
export interface Served {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built `nswg serve --port 0` with the arguments given, and waits until it listens. */
export function serveCli(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'info', ...args], {
    env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'nswg-home-')), LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  // 'close', not 'exit': by then everything the process wrote has been read
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nswg serve did not start: ${err}`)), 60_000);
    child.stderr!.on('data', () => {
      const m = /serving .* at (http:\/\/\S+?)\/?\n/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        child,
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nswg serve exited with ${code}: ${err}`));
    });
  });
}

/** A finding as the fixtures' expected.json lists it. */
export interface Triple {
  name: string;
  version: string;
  id: number;
}
export const key = (t: Triple) => `${t.name}@${t.version}#${t.id}`;
export const FIXTURES = join(SHARED, 'fixtures');

/** A fixture's expected findings, as keys. */
export const expected = (fixture: string): Set<string> =>
  new Set(readJson<Triple[]>(join(FIXTURES, fixture, 'expected.json')).map(key));

/** A copy of a fixture in a temporary folder, without the answers. */
export function fixtureCopy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nswg-${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, {
    recursive: true,
    filter: (p) => !/(expected|npm-audit)\.json$/.test(p),
  });
  return dir;
}

/** The installed version at a node location of an npm lockfile (v1, v2 or v3). */
function versionAt(lock: Record<string, any>, location: string): string | undefined {
  if (lock.packages) return lock.packages[location]?.version;
  let deps = lock.dependencies as Record<string, any> | undefined;
  let node: any;
  for (const name of location.split(/(?:^|\/)node_modules\//).filter(Boolean)) {
    node = deps?.[name];
    deps = node?.dependencies;
  }
  const v = node?.version as string | undefined;
  return v?.replace(/^npm:(@[^/]+\/)?[^@]+@/, '');
}

/**
 * The findings of an `npm audit --json` report: every advisory in `vulnerabilities[*].via` with
 * every location in `nodes` whose installed version is in the advisory's range.
 */
export function npmTriples(report: any, lock: Record<string, any>): Set<string> {
  const out = new Set<string>();
  for (const v of Object.values(report.vulnerabilities ?? {}) as any[]) {
    for (const via of v.via) {
      if (typeof via !== 'object') continue;
      for (const loc of v.nodes as string[]) {
        const version = versionAt(lock, loc);
        if (version && satisfies(version, via.range))
          out.add(key({ name: via.name, version, id: via.source }));
      }
    }
  }
  return out;
}

/** The findings of an old-style audit report (pnpm --json, the advisories of yarn's NDJSON lines). */
export function legacyTriples(advisories: any[]): Set<string> {
  const out = new Set<string>();
  for (const a of advisories)
    for (const f of a.findings) out.add(key({ name: a.module_name, version: f.version, id: a.id }));
  return out;
}

/** The `npm:` aliases among a package.json's dependencies: alias → [real name, version]. */
function aliases(pkg: Record<string, any>): { alias: string; name: string; version: string }[] {
  const out: { alias: string; name: string; version: string }[] = [];
  for (const group of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const [alias, spec] of Object.entries((pkg[group] ?? {}) as Record<string, string>)) {
      const m = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(spec);
      if (m) out.push({ alias, name: m[1]!, version: m[2]! });
    }
  }
  return out;
}

const directVersion = (pkg: Record<string, any>, name: string): string | undefined =>
  pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? pkg.optionalDependencies?.[name];

/** Keys of `set` about this package version. */
const about = (set: Set<string>, name: string, version: string) =>
  [...set].filter((k) => k.startsWith(`${name}@${version}#`));

/**
 * yarn 1's known blind spot (../shared/fixtures/README.md): it sends a package installed through
 * an `npm:` alias under the alias's name (`lodash-pp` for npm:lodash@4.17.15), so nothing is found
 * for the real package at that version.
 */
export function yarnBlindSpots(fixture: string, want: Set<string>): Set<string> {
  const pkg = readJson<Record<string, any>>(join(FIXTURES, fixture, 'package.json'));
  return new Set(aliases(pkg).flatMap((a) => about(want, a.name, a.version)));
}

/**
 * pnpm's known blind spots (../shared/fixtures/README.md): its audit tree is keyed by the real
 * package name, so an `npm:` alias and the real package of the same name at the same level leave
 * one entry, the one whose dependency name sorts last (`lodash-pp` after `lodash`); and it leaves
 * out advisories of `info` severity.
 */
export function pnpmBlindSpots(fixture: string, want: Set<string>): Set<string> {
  const pkg = readJson<Record<string, any>>(join(FIXTURES, fixture, 'package.json'));
  const out = new Set<string>();
  for (const a of aliases(pkg)) {
    const real = directVersion(pkg, a.name);
    if (real === undefined) continue;
    const [lost] = a.alias > a.name ? [real] : [a.version];
    for (const k of about(want, a.name, lost!)) out.add(k);
  }
  const info = new Set(
    wgNpm()
      .filter((a) => severityOfScore(a.cvss_score as number | null) === 'info')
      .map((a) => a.id as number),
  );
  for (const k of want) if (info.has(Number(k.split('#')[1]))) out.add(k);
  return out;
}

/** `a` minus `b`. */
export const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));

/** Reads a JSON file. */
export const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * A package manager from the npm registry, installed once into a folder outside the project
 * (reused by later runs): the path of its package directory.
 */
export function installTool(name: string, range: string): string {
  const dir = join(tmpdir(), 'nswg-test-tools', `${name}@${range}`);
  const pkgDir = join(dir, 'node_modules', name);
  if (!existsSync(join(pkgDir, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        `${name}@${range}`,
      ],
      {
        stdio: 'ignore',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
    );
  }
  return pkgDir;
}

/** Runs a command and resolves with its exit code and output (no shell). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string | undefined> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env, maxBuffer: 64 << 20, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : -1
            : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** A complete npm advisory record with defaults for everything not given. */
export function npmAdvisory(
  id: string,
  name: string,
  vulnerable: string,
  partial: Partial<Advisory> = {},
): Advisory {
  return {
    id,
    kind: 'npm',
    modified: '2026-01-02T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    created: null,
    withdrawn: null,
    aliases: [],
    related: [],
    title: `A test advisory for ${name}`,
    details: 'Details.',
    recommendation: null,
    affected: [
      {
        ecosystem: 'npm',
        name,
        vulnerable,
        patched: null,
        ranges: toOsvRanges(parseRange(vulnerable)),
        versions: [],
        platforms: [],
        components: [],
      },
    ],
    cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', score: 7.5 },
    declaredSeverity: null,
    weaknesses: [{ id: 'CWE-400', name: null }],
    references: [],
    credits: [],
    coordinatingVendor: null,
    asWritten: {},
    ...partial,
  };
}
