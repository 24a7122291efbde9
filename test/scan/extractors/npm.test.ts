import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import { readJson } from '../../helpers/shared.js';
import {
  expectError,
  expectedFindings,
  expectedPackages,
  FIXTURES,
  flags,
  LOCKFILES,
  only,
  pairs,
  rejection,
  removeTemps,
  tempProject,
  triples,
} from './helpers.js';

afterAll(removeTemps);

type Entry = {
  version?: string;
  name?: string;
  link?: boolean;
  dependencies?: Record<string, Entry>;
} & Record<string, unknown>;
type Lock = {
  lockfileVersion: number;
  packages?: Record<string, Entry>;
  dependencies?: Record<string, Entry>;
};

/** Every installed location of a lockfile with its entry, read the plain way (v1 by walking the nesting). */
function lockEntries(lock: Lock): Map<string, Entry> {
  const out = new Map<string, Entry>();
  if (lock.packages) {
    for (const [loc, e] of Object.entries(lock.packages))
      if (loc.includes('node_modules/') && !e.link) out.set(loc, e);
    return out;
  }
  const walk = (deps: Record<string, Entry> | undefined, parent: string): void => {
    for (const [name, e] of Object.entries(deps ?? {})) {
      const loc = `${parent}node_modules/${name}`;
      out.set(loc, e);
      walk(e.dependencies, `${loc}/`);
    }
  };
  walk(lock.dependencies, '');
  return out;
}

/** The version at a location: `packages[loc].version`, or for v1 the nested entry's (the real version for an alias). */
function versionAt(entries: Map<string, Entry>, loc: string): string {
  const v = entries.get(loc)?.version ?? '';
  return v.startsWith('npm:') ? v.slice(v.lastIndexOf('@') + 1) : v;
}

describe.each([
  ['vuln-direct-npm', 'npm-v3'],
  ['vuln-direct-npm-v2', 'npm-v2'],
  ['vuln-direct-npm-v1', 'npm-v1'],
  ['workspaces-npm', 'npm-v3'],
])('%s (the Working Group fixture)', (fixture, format) => {
  const dir = join(FIXTURES, fixture);
  const lock = readJson<Lock>(join(dir, 'package-lock.json'));
  const entries = lockEntries(lock);

  it(`reads the lockfile as ${format}, with every package of expected.json`, async () => {
    const [c] = await extractProject(dir);
    expect(c!.format).toBe(format);
    expect(c!.file).toBe(join(dir, 'package-lock.json'));
    const got = pairs(c!);
    expect(expectedFindings(fixture).filter((p) => !got.has(p))).toEqual([]);
  });

  it('reports exactly the installed locations of the lockfile, each with its version', async () => {
    const [c] = await extractProject(dir);
    const got = new Map(c!.packages.map((p) => [p.location, p.version]));
    const want = new Map([...entries.keys()].map((loc) => [loc, versionAt(entries, loc)]));
    expect(got).toEqual(want);
  });

  it("has every location of npm's own audit report, with the lockfile's version", async () => {
    const [c] = await extractProject(dir);
    const audit = readJson<{ vulnerabilities: Record<string, { name: string; nodes: string[] }> }>(
      join(dir, 'npm-audit.json'),
    );
    const byLocation = new Map(c!.packages.map((p) => [p.location, p]));
    const npmSays = new Set<string>();
    const weSay = new Set<string>();
    for (const v of Object.values(audit.vulnerabilities)) {
      for (const node of v.nodes) {
        npmSays.add(`${node} ${v.name}@${versionAt(entries, node)}`);
        const p = byLocation.get(node);
        if (p) weSay.add(`${node} ${p.name}@${p.version}`);
      }
    }
    expect(npmSays.size).toBeGreaterThan(20);
    expect(weSay).toEqual(npmSays);
  });

  it("keeps npm's own dependency flags", async () => {
    const [c] = await extractProject(dir);
    for (const p of c!.packages) {
      const e = entries.get(p.location)!;
      expect(flags(p), p.location).toBe(
        [e.dev && 'dev', e.optional && 'optional', e.devOptional && 'devOptional', e.peer && 'peer']
          .filter(Boolean)
          .join(','),
      );
    }
  });

  it('gives every package a path from "root", shortest first, at most 3', async () => {
    const [c] = await extractProject(dir);
    for (const p of c!.packages) {
      expect(p.paths.length, p.location).toBeGreaterThan(0);
      expect(p.paths.length).toBeLessThanOrEqual(3);
      for (const path of p.paths) expect(path[0]).toBe('root');
      const lengths = p.paths.map((x) => x.length);
      expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
      // The last step is the name it is installed under.
      expect(p.paths[0]!.at(-1)).toBe(p.alias ?? p.name);
    }
  });
});

describe('npm specifics', () => {
  it('resolves npm: aliases to the real package', async () => {
    for (const fixture of ['vuln-direct-npm', 'vuln-direct-npm-v1']) {
      const [c] = await extractProject(join(FIXTURES, fixture));
      const rc = c!.packages.find((p) => p.location === 'node_modules/jquery-rc')!;
      expect(rc).toMatchObject({
        name: 'jquery',
        version: '3.0.0-rc1',
        alias: 'jquery-rc',
        paths: [['root', 'jquery-rc']],
      });
      const pp = c!.packages.find((p) => p.location === 'node_modules/lodash-pp')!;
      expect(pp).toMatchObject({ name: 'lodash', version: '4.17.15', alias: 'lodash-pp' });
      expect(only(c!, 'jquery', '1.8.3').alias).toBeUndefined();
    }
  });

  it('names the workspace in paths and workspaces, and leaves the workspace links out', async () => {
    const [c] = await extractProject(join(FIXTURES, 'workspaces-npm'));
    expect(c!.workspaces).toEqual(['packages/api', 'packages/tools', 'packages/web']);
    expect(c!.rootName).toBe('oracle-workspaces');
    expect(c!.packages.some((p) => p.name.startsWith('@oracle/'))).toBe(false);
    const nested = c!.packages.find((p) => p.location === 'packages/api/node_modules/lodash')!;
    expect(nested).toMatchObject({
      version: '4.17.4',
      workspaces: ['packages/api'],
      paths: [['root', 'packages/api', 'lodash']],
    });
    expect(only(c!, 'express', '4.4.5').paths[0]).toEqual(['root', 'packages/api', 'express']);
    expect(only(c!, 'js-yaml', '2.0.4')).toMatchObject({ dev: true, workspaces: ['packages/tools'] });
    // The root's own devDependency: no workspace reaches it.
    expect(only(c!, 'semver', '4.3.1')).toMatchObject({
      dev: true,
      workspaces: [],
      paths: [['root', 'semver']],
    });
  });

  it('reads npm-shrinkwrap.json, and prefers it to package-lock.json', async () => {
    const dir = join(LOCKFILES, 'npm-shrinkwrap');
    const [c] = await extractProject(dir);
    expect(c!.file).toBe(join(dir, 'npm-shrinkwrap.json'));
    expect(triples(c!)).toEqual(expectedPackages('npm-shrinkwrap'));
    expect(flags(only(c!, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(flags(only(c!, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c!, 'minimist', '0.0.8'))).toBe('dev');
    expect(only(c!, 'minimist', '0.0.8').paths).toEqual([['root', 'mkdirp', 'minimist']]);
    expect(flags(only(c!, 'minimist', '1.2.0'))).toBe('');

    const both = await tempProject({
      'package.json': readFileSync(join(dir, 'package.json'), 'utf8'),
      'npm-shrinkwrap.json': readFileSync(join(dir, 'npm-shrinkwrap.json'), 'utf8'),
      'package-lock.json': '{ "broken": ',
    });
    const read = await extractProject(both);
    expect(read.map((r) => r.file)).toEqual([join(both, 'npm-shrinkwrap.json')]);
  });
});

describe("Node's look-up in a v2/v3 lockfile", () => {
  /** Each package's paths and dependents, by location. */
  async function graphOf(packages: Record<string, unknown>): Promise<Record<string, unknown>> {
    const root = packages[''] as Record<string, unknown>;
    const dir = await tempProject({
      'package.json': JSON.stringify({ name: 'odd', ...root }),
      'package-lock.json': JSON.stringify({ name: 'odd', lockfileVersion: 3, packages }),
    });
    const [lock] = await extractProject(dir);
    return Object.fromEntries(
      lock!.packages.map((p) => [p.location, { paths: p.paths, dependents: p.dependents }]),
    );
  }

  it('finds the nearest node_modules up the folders, and stops at a folder that has no entry of its own', async () => {
    expect(
      await graphOf({
        '': { dependencies: { a: '1', c: '1' } },
        // node_modules/a is a folder, not a package: looking for "a" ends there
        'node_modules/a/node_modules/b': { version: '1.0.0', dependencies: { c: '1', a: '1' } },
        'node_modules/a/node_modules/b/node_modules/x/node_modules/y': {
          version: '1.0.0',
          dependencies: { c: '1', x: '1', b: '1' },
        },
        'node_modules/c': { version: '1.0.0', dependencies: { a: '1', b: '1' } },
        'node_modules/c/node_modules/d': { version: '1.0.0', dependencies: { c: '1', y: '1' } },
        // y's "x" ends at the folder node_modules/a/node_modules/b/node_modules/x, not here
        'node_modules/x': { version: '1.0.0' },
      }),
    ).toEqual({
      'node_modules/a/node_modules/b': {
        paths: [['root', 'a', 'b']],
        dependents: ['node_modules/a/node_modules/b/node_modules/x/node_modules/y'],
      },
      'node_modules/a/node_modules/b/node_modules/x/node_modules/y': {
        paths: [['root', 'a', 'b', 'x', 'y']],
        dependents: [],
      },
      'node_modules/c': {
        paths: [['root', 'c']],
        dependents: [
          '',
          'node_modules/a/node_modules/b',
          'node_modules/a/node_modules/b/node_modules/x/node_modules/y',
          'node_modules/c/node_modules/d',
        ],
      },
      'node_modules/c/node_modules/d': { paths: [['root', 'c', 'd']], dependents: [] },
      'node_modules/x': { paths: [['root', 'x']], dependents: [] },
    });
  });

  it("follows links to their targets, scoped names and a workspace's own node_modules", async () => {
    expect(
      await graphOf({
        '': { dependencies: { '@s/a': '1', w: '1', lk: '1' }, devDependencies: { dv: '1' } },
        'node_modules/@s/a/node_modules/@t/b': {
          version: '1.0.0',
          dependencies: { '@s/a': '1', z: '1', dv: '1' },
        },
        'node_modules/@s/a/node_modules/@t/b/node_modules/z': {
          version: '1.0.0',
          dependencies: { '@t/b': '1' },
        },
        'node_modules/lk': { resolved: 'node_modules/dv', link: true },
        'node_modules/lk/node_modules/inner': { version: '1.0.0', dependencies: { lk: '1', inner: '1' } },
        'node_modules/dv': { version: '2.0.0', dev: true, dependencies: { inner: '1' } },
        'node_modules/w': { resolved: 'packages/w', link: true },
        'packages/w': { name: 'w', version: '1.0.0', dependencies: { dv: '1' } },
        'packages/w/node_modules/dv': { version: '3.0.0', dependencies: { w: '1', lk: '1' } },
      }),
    ).toEqual({
      'node_modules/@s/a/node_modules/@t/b': {
        paths: [['root', '@s/a', '@t/b']],
        dependents: ['node_modules/@s/a/node_modules/@t/b/node_modules/z'],
      },
      'node_modules/@s/a/node_modules/@t/b/node_modules/z': {
        paths: [['root', '@s/a', '@t/b', 'z']],
        dependents: ['node_modules/@s/a/node_modules/@t/b'],
      },
      'node_modules/lk/node_modules/inner': {
        paths: [['root', 'lk', 'inner']],
        dependents: ['node_modules/lk/node_modules/inner'],
      },
      'node_modules/dv': {
        paths: [
          ['root', 'lk'],
          ['root', 'dv'],
          ['root', 'packages/w', 'dv', 'lk'],
        ],
        dependents: [
          '',
          'node_modules/@s/a/node_modules/@t/b',
          'node_modules/lk/node_modules/inner',
          'packages/w/node_modules/dv',
        ],
      },
      'packages/w/node_modules/dv': {
        paths: [
          ['root', 'packages/w', 'dv'],
          ['root', 'packages/w', 'dv'],
        ],
        dependents: ['packages/w'],
      },
    });
  });
});

describe('broken npm lockfiles', () => {
  const v3 = readFileSync(join(FIXTURES, 'vuln-direct-npm', 'package-lock.json'), 'utf8');
  const v1 = readFileSync(join(FIXTURES, 'vuln-direct-npm-v1', 'package-lock.json'), 'utf8');
  const pkg = readFileSync(join(FIXTURES, 'vuln-direct-npm', 'package.json'), 'utf8');

  it('names the file and the last line for truncated JSON', async () => {
    const cut = v3.slice(0, 20_000);
    const dir = await tempProject({ 'package.json': pkg, 'package-lock.json': cut });
    const e = await rejection(extractLockfile(join(dir, 'package-lock.json')));
    expectError(e, 'E_LOCKFILE_PARSE', {
      file: join(dir, 'package-lock.json'),
      line: cut.split('\n').length,
    });
  });

  it('names the line of a syntax error inside the file', async () => {
    const lines = v3.split('\n');
    lines[300] = `${lines[300]} oops`;
    const dir = await tempProject({ 'package.json': pkg, 'package-lock.json': lines.join('\n') });
    const e = await rejection(extractLockfile(join(dir, 'package-lock.json')));
    expectError(e, 'E_LOCKFILE_PARSE', { file: join(dir, 'package-lock.json'), line: 301 });
  });

  it('rejects an unknown lockfileVersion', async () => {
    const dir = await tempProject({
      'package-lock.json': v3.replace('"lockfileVersion": 3', '"lockfileVersion": 4'),
    });
    const e = await rejection(extractProject(dir));
    expectError(e, 'E_LOCKFILE_VERSION', {
      file: join(dir, 'package-lock.json'),
      line: 4,
      field: 'lockfileVersion',
    });
    expect(e.message).toContain('4');
  });

  it('reads a dependency spec that is an object defining its own toString as text, not a crash', async () => {
    const lock = JSON.parse(v3);
    const root = lock.packages[''];
    const name = Object.keys(root.dependencies)[0]!;
    root.dependencies[name] = { toString: 'not a function' };
    const dir = await tempProject({
      'package.json': pkg,
      'package-lock.json': JSON.stringify(lock, null, 2),
    });
    const got = await extractLockfile(join(dir, 'package-lock.json'));
    const original = await extractLockfile(join(FIXTURES, 'vuln-direct-npm', 'package-lock.json'));
    expect(got.packages.map((p) => p.location).sort()).toEqual(
      original.packages.map((p) => p.location).sort(),
    );
  });

  it('names the entry that has no version (v3 and v1)', async () => {
    const lock = JSON.parse(v3);
    delete lock.packages['node_modules/express'].version;
    const text = JSON.stringify(lock, null, 2);
    const dir = await tempProject({ 'package.json': pkg, 'package-lock.json': text });
    const e = await rejection(extractProject(dir));
    expectError(e, 'E_LOCKFILE_PARSE', {
      file: join(dir, 'package-lock.json'),
      mentions: 'node_modules/express',
      line: text.split('\n').indexOf('    "node_modules/express": {') + 1,
    });

    const old = JSON.parse(v1);
    delete old.dependencies.express.version;
    const dir1 = await tempProject({
      'package.json': pkg,
      'package-lock.json': JSON.stringify(old, null, 2),
    });
    const e1 = await rejection(extractProject(dir1));
    expectError(e1, 'E_LOCKFILE_PARSE', {
      file: join(dir1, 'package-lock.json'),
      field: 'dependencies.express',
    });
  });

  it('rejects a lockfile that lacks a dependency of package.json (v3 and v1)', async () => {
    const manifest = JSON.parse(pkg);
    manifest.dependencies['left-pad'] = '1.3.0';
    for (const text of [v3, v1]) {
      const dir = await tempProject({ 'package.json': JSON.stringify(manifest), 'package-lock.json': text });
      const e = await rejection(extractProject(dir));
      expectError(e, 'E_LOCKFILE_MISMATCH', {
        file: join(dir, 'package-lock.json'),
        field: 'dependencies.left-pad',
        mentions: 'left-pad',
      });
    }
  });
});
