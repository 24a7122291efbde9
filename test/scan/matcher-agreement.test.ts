import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Advisory, bulkIdOf, idFromOsv, NODE_OSV_PACKAGE } from '../../src/advisories/index.js';
import type { App } from '../../src/server/index.js';
import type { Store } from '../../src/store/index.js';
import { parseRange, toOsvRanges } from '../../src/versions/index.js';
import { nswg, tempHome } from '../helpers/cli.js';
import { testEngines } from '../helpers/db.js';
import { npmAdvisory, testApp } from '../helpers/server.js';
import { elementById, linkedAdvisoryIds } from '../server/pages/html-check.js';

/**
 * The same questions — which advisories affect this version of this package? — asked of the CLI
 * (`nswg audit --format json` on a lockfile made here, `nswg check-node`, `nswg audit --server`)
 * and of the server (OSV querybatch, npm's bulk endpoint, the package and Node.js pages), on one
 * database: the answers must be the same, because one matcher gives them all.
 */

/** An npm entry as the formats build it, with its OSV ranges. */
const entry = (name: string, vulnerable: string, partial: Partial<Advisory['affected'][number]> = {}) => ({
  ecosystem: 'npm' as const,
  name,
  vulnerable,
  patched: null,
  ranges: toOsvRanges(parseRange(vulnerable)),
  versions: [],
  platforms: [],
  components: [],
  ...partial,
});

/** Advisories for the edge cases, beside the Working Group's own. */
const CRAFTED: Advisory[] = [
  npmAdvisory('GHSA-agr0-pre0-test', 'nswg-agree-pre', '>=1.0.0-beta.2 <1.0.0 || >=2.0.0 <2.1.0'),
  npmAdvisory('GHSA-agr0-list-test', 'nswg-agree-listed', '<1.0.0', {
    affected: [entry('nswg-agree-listed', '<1.0.0', { versions: ['2.0.0', '3.0.0-rc.1'] })],
  }),
  // a range npm cannot read, without OSV ranges: it holds nothing (npm's semver.satisfies says false)
  npmAdvisory('GHSA-agr0-bad0-test', 'nswg-agree-bad', '<2.0.0', {
    affected: [entry('nswg-agree-bad', '<2.0.0', { vulnerable: '<= four', ranges: [] })],
  }),
  // the same with a version listed one by one: that version is still held
  npmAdvisory('GHSA-agr0-bad1-test', 'nswg-agree-bad-listed', '<2.0.0', {
    affected: [
      entry('nswg-agree-bad-listed', '<2.0.0', { vulnerable: 'nonsense', ranges: [], versions: ['1.2.3'] }),
    ],
  }),
  npmAdvisory('GHSA-agr0-wdrn-test', 'nswg-agree-withdrawn', '*', { withdrawn: '2026-02-01T00:00:00Z' }),
  npmAdvisory('GHSA-agr0-live-test', 'nswg-agree-withdrawn', '<0.5.0'),
  npmAdvisory('GHSA-agr0-scop-test', '@nswg-agree/scoped', '>=1.0.0 <1.2.0'),
  npmAdvisory('GHSA-agr0-two0-test', 'nswg-agree-two-a', '<2.0.0', {
    affected: [entry('nswg-agree-two-a', '<2.0.0'), entry('nswg-agree-two-b', '^3.0.0')],
  }),
  // the npm package called node, not Node.js
  npmAdvisory('GHSA-agr0-node-test', 'node', '<1.0.0'),
  // a core advisory stored without OSV ranges: vulnerable minus patched, as written
  npmAdvisory('NSWG-COR-9001', 'node', '30.x', {
    kind: 'core',
    affected: [
      {
        ...entry('node', '30.x', { ecosystem: 'node', patched: '^30.1.0', ranges: [] }),
        ecosystem: 'node',
        platforms: ['all'],
      },
    ],
  }),
];

/** The crafted questions and what the answers must be (id: affected). */
const CRAFTED_QUESTIONS: [string, string, string[]][] = [
  ['nswg-agree-pre', '1.0.0-beta.1', []],
  ['nswg-agree-pre', '1.0.0-beta.2', ['GHSA-agr0-pre0-test']],
  ['nswg-agree-pre', '1.0.0-rc.1', ['GHSA-agr0-pre0-test']],
  ['nswg-agree-pre', '1.0.0', []],
  ['nswg-agree-pre', '2.0.0-rc.1', []],
  ['nswg-agree-pre', '2.0.5', ['GHSA-agr0-pre0-test']],
  ['nswg-agree-pre', '2.1.0-0', ['GHSA-agr0-pre0-test']],
  ['nswg-agree-pre', '2.1.0', []],
  ['nswg-agree-listed', '0.9.0', ['GHSA-agr0-list-test']],
  ['nswg-agree-listed', '1.0.0', []],
  ['nswg-agree-listed', '2.0.0', ['GHSA-agr0-list-test']],
  ['nswg-agree-listed', '2.0.1', []],
  ['nswg-agree-listed', '3.0.0-rc.1', ['GHSA-agr0-list-test']],
  ['nswg-agree-listed', '3.0.0', []],
  ['nswg-agree-bad', '1.0.0', []],
  ['nswg-agree-bad', '4.0.0', []],
  ['nswg-agree-bad-listed', '1.2.3', ['GHSA-agr0-bad1-test']],
  ['nswg-agree-bad-listed', '1.2.4', []],
  ['nswg-agree-withdrawn', '0.4.0', ['GHSA-agr0-live-test']],
  ['nswg-agree-withdrawn', '1.0.0', []],
  ['@nswg-agree/scoped', '0.9.0', []],
  ['@nswg-agree/scoped', '1.1.9', ['GHSA-agr0-scop-test']],
  ['@nswg-agree/scoped', '1.2.0', []],
  ['nswg-agree-two-a', '1.0.0', ['GHSA-agr0-two0-test']],
  ['nswg-agree-two-a', '2.0.0', []],
  ['nswg-agree-two-b', '3.1.0', ['GHSA-agr0-two0-test']],
  ['nswg-agree-two-b', '4.0.0', []],
  ['node', '0.5.0', ['GHSA-agr0-node-test']],
  ['node', '1.0.0', []],
];

/** Node.js versions to ask about: every kind of line, prereleases, and the core advisory without ranges. */
const NODE_VERSIONS = [
  '0.10.48',
  '4.9.1',
  '12.22.12',
  '18.0.0',
  '20.5.0',
  '22.22.1',
  '24.14.1',
  '30.0.5',
  '30.1.0',
];

/**
 * The Working Group's questions: each advisory's bounds (its OSV events) and the versions just
 * below them, a prerelease among them; with the crafted ones, a few hundred package versions.
 */
function questionsOf(advisories: readonly Advisory[]): [string, string][] {
  const out = new Map<string, Set<string>>();
  const add = (name: string, version: string) => {
    const s = out.get(name) ?? new Set<string>();
    out.set(name, s.add(version));
  };
  for (const a of advisories) {
    for (const x of a.affected) {
      if (x.ecosystem !== 'npm') continue;
      for (const r of x.ranges) {
        for (const e of r.events) {
          const v = Object.values(e)[0] as string;
          if (v === '0') continue;
          add(x.name, v);
          add(x.name, `${v.replace(/[-+].*$/, '')}-0`);
        }
      }
    }
  }
  for (const [name, version] of CRAFTED_QUESTIONS) add(name, version);
  return [...out].flatMap(([name, versions]) => [...versions].map((v): [string, string] => [name, v]));
}

/**
 * A package-lock.json (v3) installing every question: a package's first version at the top, each
 * other one under a holder package of its own (node_modules/holder-k/node_modules/name).
 */
function writeLockfile(dir: string, questions: readonly [string, string][]): void {
  const slots = new Map<string, number>();
  const packages: Record<string, unknown> = {};
  const holders = new Map<number, Record<string, string>>();
  const top: Record<string, string> = {};
  for (const [name, version] of questions) {
    const k = slots.get(name) ?? 0;
    slots.set(name, k + 1);
    if (k === 0) {
      top[name] = version;
      packages[`node_modules/${name}`] = { version };
    } else {
      const holder = `nswg-agree-holder-${k}`;
      if (!holders.has(k)) holders.set(k, {});
      holders.get(k)![name] = version;
      packages[`node_modules/${holder}/node_modules/${name}`] = { version };
    }
  }
  for (const [k, dependencies] of holders) {
    top[`nswg-agree-holder-${k}`] = '1.0.0';
    packages[`node_modules/nswg-agree-holder-${k}`] = { version: '1.0.0', dependencies };
  }
  const lock = {
    name: 'agreement',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'agreement', version: '1.0.0', dependencies: top }, ...packages },
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
}

const pair = (name: string, version: string, id: string | number) => `${name}@${version} ${id}`;
const sorted = (s: Iterable<string>) => [...s].sort();

describe.each(await testEngines())('the CLI and the server, asked the same questions on %s', (engine) => {
  let app: App;
  let store: Store;
  let close: () => Promise<void>;
  let db: string;
  let questions: [string, string][];
  let cli: Set<string>;
  const home = tempHome();

  beforeAll(async () => {
    const t = await testApp(engine);
    ({ app, store, close } = t);
    db = t.db.target.kind === 'sqlite' ? t.db.target.file : t.db.target.url;
    await store.advisories.import(CRAFTED);
    const npm: Advisory[] = [];
    for await (const a of store.advisories.all('npm')) npm.push(a);
    questions = questionsOf(npm);
    const dir = mkdtempSync(join(tmpdir(), 'nswg-agreement-'));
    writeLockfile(dir, questions);
    const r = await nswg(['audit', dir, '--format', 'json', '--no-node', '--db', db], { home });
    expect(r.stderr).toBe('');
    cli = new Set(
      (JSON.parse(r.stdout).findings as { name: string; version: string; id: string }[]).map((f) =>
        pair(f.name, f.version, f.id),
      ),
    );
  });
  afterAll(() => close());

  /** What the server's querybatch answers for every question (in batches of 500). */
  async function querybatch(qs: readonly [string, string][], ecosystem = 'npm'): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < qs.length; i += 500) {
      const part = qs.slice(i, i + 500);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/querybatch',
        payload: {
          queries: part.map(([name, version]) => ({
            package:
              ecosystem === 'npm'
                ? { name, ecosystem }
                : { ecosystem: NODE_OSV_PACKAGE.ecosystem, name: NODE_OSV_PACKAGE.name },
            version,
          })),
        },
      });
      expect(res.statusCode).toBe(200);
      res.json().results.forEach((r: { vulns?: { id: string }[]; next_page_token?: string }, k: number) => {
        expect(r.next_page_token).toBeUndefined();
        for (const v of r.vulns ?? []) out.add(pair(part[k]![0], part[k]![1], idFromOsv(v.id)));
      });
    }
    return out;
  }

  it('has questions of every kind, and answers the crafted ones as npm audit would', () => {
    expect(questions.length).toBeGreaterThan(500);
    expect(questions.some(([, v]) => v.includes('-'))).toBe(true);
    expect(questions.some(([n]) => n.startsWith('@'))).toBe(true);
    for (const [name, version, ids] of CRAFTED_QUESTIONS) {
      const got = sorted([...cli].filter((p) => p.startsWith(`${name}@${version} `)));
      expect(got, `${name}@${version}`).toEqual(sorted(ids.map((id) => pair(name, version, id))));
    }
    expect(cli.size).toBeGreaterThan(300);
  });

  it('the OSV API answers each package version as the audit does', async () => {
    expect(sorted(await querybatch(questions))).toEqual(sorted(cli));
  });

  it("npm's bulk endpoint answers each package version as the audit does", async () => {
    // one request per holder slot: the endpoint answers per name, for any of the versions sent
    const bySlot: Record<string, string[]>[] = [];
    const seen = new Map<string, number>();
    for (const [name, version] of questions) {
      const k = seen.get(name) ?? 0;
      seen.set(name, k + 1);
      bySlot[k] ??= {};
      bySlot[k][name] = [version];
    }
    const bulk = new Set<string>();
    for (const body of bySlot) {
      const res = await app.inject({
        method: 'POST',
        url: '/-/npm/v1/security/advisories/bulk',
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      for (const [name, list] of Object.entries(res.json() as Record<string, { id: number }[]>))
        for (const a of list) bulk.add(pair(name, body[name]![0]!, a.id));
    }
    const expected = new Set(
      [...cli].map((p) => {
        const [at, id] = p.split(' ') as [string, string];
        return `${at} ${bulkIdOf(id)}`;
      }),
    );
    expect(sorted(bulk)).toEqual(sorted(expected));
  });

  it("the package pages' version check answers as the audit does", async () => {
    // every crafted question and a sample of the Working Group's
    const sample = [
      ...CRAFTED_QUESTIONS.map(([n, v]): [string, string] => [n, v]),
      ...questions.filter((_, i) => i % 25 === 0),
    ];
    for (const [name, version] of sample) {
      const res = await app.inject({ url: `/packages/${name}?version=${encodeURIComponent(version)}` });
      expect(res.statusCode, `${name}@${version}`).toBe(200);
      const ids = linkedAdvisoryIds(elementById(res.body, 'check-result'));
      const expected = [...cli]
        .filter((p) => p.startsWith(`${name}@${version} `))
        .map((p) => p.split(' ')[1]!);
      expect(sorted(ids), `${name}@${version}`).toEqual(sorted(expected));
    }
  });

  it('`nswg audit --server` (the CLI through the OSV API) finds what the local audit finds', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const dir = mkdtempSync(join(tmpdir(), 'nswg-agreement-'));
    writeLockfile(dir, questions);
    const r = await nswg(['audit', dir, '--format', 'json', '--no-node', '--server', address], { home });
    expect(r.stderr).toBe('');
    const remote = (JSON.parse(r.stdout).findings as { name: string; version: string; id: string }[]).map(
      (f) => pair(f.name, f.version, f.id),
    );
    expect(sorted(remote)).toEqual(sorted(cli));
  });

  it('Node.js core: `nswg check-node`, the OSV API and the Node.js page agree (the CLI for its platform)', async () => {
    const core: Advisory[] = [];
    for await (const a of store.advisories.all('core')) core.push(a);
    const onLinux = (id: string) => {
      const p = core.find((a) => a.id === id)!.affected[0]!.platforms;
      return !p.length || p.some((x) => ['all', 'linux'].includes(x.toLowerCase()));
    };
    const server = await querybatch(
      NODE_VERSIONS.map((v) => ['node', v]),
      'node',
    );
    for (const version of NODE_VERSIONS) {
      const api = sorted(
        [...server].filter((p) => p.startsWith(`node@${version} `)).map((p) => p.split(' ')[1]!),
      );
      const page = (await app.inject({ url: `/node?version=${version}` })).body;
      expect(sorted(linkedAdvisoryIds(elementById(page, 'check', '</section>'))), version).toEqual(api);
      const r = await nswg(['check-node', version, '--platform', 'linux', '--format', 'json', '--db', db], {
        home,
      });
      const ids = (JSON.parse(r.stdout).findings as { id: string }[]).map((f) => f.id);
      expect(sorted(ids), version).toEqual(api.filter(onLinux));
    }
    expect(server.has('node@30.0.5 NSWG-COR-9001')).toBe(true);
    expect(server.has('node@30.1.0 NSWG-COR-9001')).toBe(false);
  });
});
