import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import {
  expectError,
  expectedPackages,
  flags,
  LOCKFILES,
  only,
  rejection,
  removeTemps,
  tempProject,
  triples,
} from './helpers.js';

afterAll(removeTemps);

describe('yarn Berry (yarn 4) lockfiles', () => {
  it('reads the packages, the alias and the dependency kinds', async () => {
    const [c] = await extractProject(join(LOCKFILES, 'yarn-berry'));
    expect(c!.format).toBe('yarn-berry');
    expect(c!.rootName).toBe('fx-small');
    expect(triples(c!)).toEqual(expectedPackages('yarn-berry'));
    expect(only(c!, 'jquery', '3.0.0-rc1')).toMatchObject({
      alias: 'jquery-rc',
      location: 'jquery-rc@npm:jquery@3.0.0-rc1',
      paths: [['root', 'jquery-rc']],
    });
    // The lockfile merges devDependencies into the root's dependencies: package.json tells them apart.
    expect(flags(only(c!, 'mkdirp', '0.5.1'))).toBe('dev');
    expect(flags(only(c!, 'minimist', '0.0.8'))).toBe('dev');
    expect(flags(only(c!, 'minimist', '1.2.0'))).toBe('');
    expect(flags(only(c!, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c!, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(only(c!, 'balanced-match', '0.4.2').paths).toEqual([
      ['root', 'balanced-match'],
      ['root', 'brace-expansion', 'balanced-match'],
    ]);
    expect(only(c!, 'ms', '2.0.0').paths).toEqual([['root', 'debug', 'ms']]);
  });

  it('names the workspaces and leaves the workspace entries out', async () => {
    const [c] = await extractProject(join(LOCKFILES, 'yarn-berry-workspaces'));
    expect(c!.workspaces).toEqual(['packages/a', 'packages/b']);
    expect(c!.rootName).toBe('fx-workspaces');
    expect(triples(c!)).toEqual(expectedPackages('yarn-berry-workspaces'));
    expect(c!.packages.some((p) => p.name.startsWith('@fx/'))).toBe(false);
    expect(only(c!, 'lodash', '4.17.4')).toMatchObject({ workspaces: ['packages/a', 'packages/b'] });
    expect(only(c!, 'lodash', '4.17.4').paths[0]).toEqual(['root', 'packages/a', 'lodash']);
    expect(only(c!, 'lodash', '4.17.15')).toMatchObject({
      workspaces: ['packages/b'],
      paths: [['root', 'packages/b', 'lodash']],
    });
    expect(only(c!, 'ms', '0.7.0')).toMatchObject({ dev: true, workspaces: ['packages/b'] });
    expect(only(c!, 'minimist', '0.0.8')).toMatchObject({
      dev: false,
      workspaces: ['packages/a', 'packages/b'],
    });
    expect(only(c!, 'mkdirp', '0.5.1')).toMatchObject({ dev: true, workspaces: [] });
  });
});

describe('yarn Berry patches', () => {
  it('reports the patched copy once, where the root names the base entry', async () => {
    const [c] = await extractProject(join(LOCKFILES, 'yarn-berry-patch'));
    expect(triples(c!)).toEqual(expectedPackages('yarn-berry-patch'));
    expect(only(c!, 'typescript', '5.4.5')).toMatchObject({
      location: 'typescript@patch:typescript@npm%3A5.4.5#optional!builtin<compat/typescript>',
      paths: [['root', 'typescript']],
      dev: true,
    });
  });
});

describe('broken yarn Berry lockfiles', () => {
  const dir = join(LOCKFILES, 'yarn-berry');
  const lock = readFileSync(join(dir, 'yarn.lock'), 'utf8');
  const pkg = readFileSync(join(dir, 'package.json'), 'utf8');

  it('names the file and the line of a YAML error', async () => {
    const lines = lock.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  resolution: "debug@'));
    lines[at] = '  resolution: [debug';
    const tmp = await tempProject({ 'package.json': pkg, 'yarn.lock': lines.join('\n') });
    const e = await rejection(extractLockfile(join(tmp, 'yarn.lock')));
    expect(e.code).toBe('E_LOCKFILE_PARSE');
    expect(e.file).toBe(join(tmp, 'yarn.lock'));
    expect(e.line).toBeGreaterThanOrEqual(at + 1);
    expect(e.line).toBeLessThanOrEqual(at + 3);
  });

  it('a truncated file loses the root workspace entry: the dependencies of package.json are missing', async () => {
    const tmp = await tempProject({
      'package.json': pkg,
      'yarn.lock': lock.slice(0, lock.indexOf('"fx-small@workspace:.":')),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_MISMATCH', {
      file: join(tmp, 'yarn.lock'),
      field: 'dependencies.debug',
    });
  });

  it('rejects an unknown __metadata version', async () => {
    const tmp = await tempProject({
      'package.json': pkg,
      'yarn.lock': lock.replace('version: 10', 'version: 99'),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_VERSION', {
      file: join(tmp, 'yarn.lock'),
      field: '__metadata.version',
      mentions: '99',
    });
  });

  it('names the entry that has no version', async () => {
    const tmp = await tempProject({
      'package.json': pkg,
      'yarn.lock': lock.replace('  version: 4.17.4\n', ''),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_PARSE', {
      file: join(tmp, 'yarn.lock'),
      field: 'lodash@npm:4.17.4',
      mentions: 'no version',
    });
  });

  it('rejects a lockfile that lacks a dependency of package.json', async () => {
    const manifest = JSON.parse(pkg);
    manifest.devDependencies['left-pad'] = '1.3.0';
    const tmp = await tempProject({ 'package.json': JSON.stringify(manifest), 'yarn.lock': lock });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_MISMATCH', {
      file: join(tmp, 'yarn.lock'),
      field: 'devDependencies.left-pad',
      mentions: 'left-pad',
    });
  });
});
