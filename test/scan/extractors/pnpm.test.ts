import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import {
  expectError,
  expectedFindings,
  expectedPackages,
  FIXTURES,
  flagDifferences,
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

describe.each([
  ['pnpm-v5', 'pnpm-v5', '/jquery/3.0.0-rc1'],
  ['pnpm-v6', 'pnpm-v6', '/jquery@3.0.0-rc1'],
  ['pnpm-v9', 'pnpm-v9', 'jquery@3.0.0-rc1'],
])('%s', (fixture, format, jqueryKey) => {
  it('reads the packages, the alias, the paths and the dependency kinds', async () => {
    const [c] = await extractProject(join(LOCKFILES, fixture));
    expect(c!.format).toBe(format);
    expect(triples(c!)).toEqual(expectedPackages(fixture));
    expect(only(c!, 'jquery', '3.0.0-rc1')).toMatchObject({
      alias: 'jquery-rc',
      location: jqueryKey,
      paths: [['root', 'jquery-rc']],
    });
    expect(flags(only(c!, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c!, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(flags(only(c!, 'concat-map', '0.0.1'))).toBe('dev');
    expect(only(c!, 'concat-map', '0.0.1').paths).toEqual([['root', 'brace-expansion', 'concat-map']]);
    expect(flags(only(c!, 'ms', '2.0.0'))).toBe('');
  });
});

describe('pnpm workspaces', () => {
  it.each(['pnpm-v6-workspaces', 'pnpm-v9-workspaces'])('%s: importers are workspaces', async (fixture) => {
    const [c] = await extractProject(join(LOCKFILES, fixture));
    expect(c!.workspaces).toEqual(['packages/a', 'packages/b']);
    expect(triples(c!)).toEqual(expectedPackages(fixture));
    expect(c!.packages.some((p) => p.name.startsWith('@fx/'))).toBe(false);
    expect(only(c!, 'lodash', '4.17.15')).toMatchObject({
      workspaces: ['packages/b'],
      paths: [['root', 'packages/b', 'lodash']],
    });
    // packages/b depends on packages/a (workspace:*), so a's dependencies are in b's tree too.
    expect(only(c!, 'lodash', '4.17.4').workspaces).toEqual(['packages/a', 'packages/b']);
    expect(only(c!, 'lodash', '4.17.4').paths).toEqual([
      ['root', 'packages/a', 'lodash'],
      ['root', 'packages/b', 'packages/a', 'lodash'],
    ]);
    expect(only(c!, 'ms', '0.7.0')).toMatchObject({ dev: true, workspaces: ['packages/b'] });
    expect(only(c!, 'mkdirp', '0.5.1')).toMatchObject({ dev: true, workspaces: [] });
    expect(only(c!, 'minimist', '0.0.8')).toMatchObject({
      dev: false,
      workspaces: ['packages/a', 'packages/b'],
    });
  });

  it('agrees with the dev and optional marks pnpm 7 and 8 write into their lockfiles', async () => {
    for (const fixture of ['pnpm-v5', 'pnpm-v6', 'pnpm-v6-workspaces']) {
      const [c] = await extractProject(join(LOCKFILES, fixture));
      const lock = parse(readFileSync(join(LOCKFILES, fixture, 'pnpm-lock.yaml'), 'utf8'));
      const byKey = new Map(c!.packages.map((p) => [p.location, p]));
      for (const [key, e] of Object.entries(
        lock.packages as Record<string, { dev?: boolean; optional?: boolean }>,
      )) {
        const p = byKey.get(key)!;
        expect(p, key).toBeDefined();
        expect(p.dev, `${fixture} ${key} dev`).toBe(e.dev === true);
        expect(p.optional, `${fixture} ${key} optional`).toBe(e.optional === true);
      }
    }
  });
});

describe('pnpm on the Working Group fixtures (lockfile 9.0)', () => {
  it.each(['vuln-direct-pnpm', 'workspaces-pnpm'])('%s: every package of expected.json', async (fixture) => {
    const [c] = await extractProject(join(FIXTURES, fixture));
    expect(c!.format).toBe('pnpm-v9');
    const got = pairs(c!);
    expect(expectedFindings(fixture).filter((p) => !got.has(p))).toEqual([]);
  });

  it('an alias does not hide the real package of the same name (pnpm audit does)', async () => {
    const [c] = await extractProject(join(FIXTURES, 'vuln-direct-pnpm'));
    expect(only(c!, 'jquery', '3.0.0-rc1').alias).toBe('jquery-rc');
    expect(only(c!, 'jquery', '1.8.3').alias).toBeUndefined();
    const pp = only(c!, 'lodash', '4.17.15');
    expect(pp.paths[0]).toEqual(['root', 'lodash-pp']);
    expect(pp.paths.length).toBeGreaterThan(1);
    expect(only(c!, 'lodash', '4.17.4').paths[0]).toEqual(['root', 'lodash']);
  });

  it('computes the same flags and workspaces as npm for the same package.json', async () => {
    for (const [npmFixture, pnpmFixture] of [
      ['vuln-direct-npm', 'vuln-direct-pnpm'],
      ['workspaces-npm', 'workspaces-pnpm'],
    ]) {
      const [npm] = await extractProject(join(FIXTURES, npmFixture!));
      const [pnpm] = await extractProject(join(FIXTURES, pnpmFixture!));
      expect(flagDifferences(npm!, pnpm!)).toEqual([]);
    }
  });
});

describe('pnpm lockfiles with two YAML documents', () => {
  it('reads the lockfile proper after the config-dependencies document', async () => {
    const env = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n\n---\n";
    const lock = readFileSync(join(LOCKFILES, 'pnpm-v9', 'pnpm-lock.yaml'), 'utf8');
    const pkg = readFileSync(join(LOCKFILES, 'pnpm-v9', 'package.json'), 'utf8');
    const tmp = await tempProject({ 'package.json': pkg, 'pnpm-lock.yaml': env + lock });
    const [c] = await extractProject(tmp);
    expect(triples(c!)).toEqual(expectedPackages('pnpm-v9'));

    const lines = lock.split('\n');
    const at = lines.indexOf('  debug@2.6.8:');
    lines[at + 1] = '   bad: x';
    const broken = await tempProject({ 'package.json': pkg, 'pnpm-lock.yaml': env + lines.join('\n') });
    const e = await rejection(extractProject(broken));
    expect(e.line).toBe(env.split('\n').length - 1 + at + 3);
  });
});

describe('broken pnpm lockfiles', () => {
  const dir = join(LOCKFILES, 'pnpm-v9');
  const lock = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
  const pkg = readFileSync(join(dir, 'package.json'), 'utf8');

  it('names the file and the line of a YAML error', async () => {
    const lines = lock.split('\n');
    const at = lines.indexOf('  debug@2.6.8:');
    lines[at + 1] = '   bad: x';
    const tmp = await tempProject({ 'package.json': pkg, 'pnpm-lock.yaml': lines.join('\n') });
    const e = await rejection(extractLockfile(join(tmp, 'pnpm-lock.yaml')));
    expect(e.code).toBe('E_LOCKFILE_PARSE');
    expect(e.file).toBe(join(tmp, 'pnpm-lock.yaml'));
    expect(e.line).toBeGreaterThanOrEqual(at + 2);
    expect(e.line).toBeLessThanOrEqual(at + 3);
  });

  it('names the file and a line for truncated YAML', async () => {
    const cut = lock.slice(0, lock.indexOf('resolution: {integrity: sha512-E22') + 30);
    const tmp = await tempProject({ 'package.json': pkg, 'pnpm-lock.yaml': cut });
    const e = await rejection(extractLockfile(join(tmp, 'pnpm-lock.yaml')));
    expectError(e, 'E_LOCKFILE_PARSE', { file: join(tmp, 'pnpm-lock.yaml') });
    expect(e.line).toBeGreaterThanOrEqual(cut.split('\n').length);
  });

  it('rejects an unknown lockfileVersion', async () => {
    for (const v of ["'4.0'", "'7.0'", "'10.0'"]) {
      const tmp = await tempProject({
        'package.json': pkg,
        'pnpm-lock.yaml': lock.replace("lockfileVersion: '9.0'", `lockfileVersion: ${v}`),
      });
      expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_VERSION', {
        file: join(tmp, 'pnpm-lock.yaml'),
        line: 1,
        field: 'lockfileVersion',
      });
    }
  });

  it('names the package that has no version', async () => {
    const tmp = await tempProject({
      'package.json': pkg,
      'pnpm-lock.yaml': lock.replace('  qs@0.6.6:\n    optional: true', '  qs:\n    optional: true'),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_PARSE', {
      file: join(tmp, 'pnpm-lock.yaml'),
      field: 'packages["qs"]',
      mentions: 'no version',
      line: lock.split('\n').lastIndexOf('  qs@0.6.6:') + 1,
    });
  });

  it('rejects a lockfile that lacks a dependency of package.json', async () => {
    const manifest = JSON.parse(pkg);
    manifest.optionalDependencies['left-pad'] = '1.3.0';
    const tmp = await tempProject({ 'package.json': JSON.stringify(manifest), 'pnpm-lock.yaml': lock });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_MISMATCH', {
      file: join(tmp, 'pnpm-lock.yaml'),
      field: 'optionalDependencies.left-pad',
    });
  });
});
