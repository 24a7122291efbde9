import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import { ROOT } from '../../helpers/shared.js';
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

const pkg = (name: string, version: string, deps: Record<string, unknown> = {}): string =>
  JSON.stringify({ name, version, ...deps }, null, 2);

/** Whether git would leave this path out of a commit. */
function ignoredByGit(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: ROOT, stdio: 'ignore' });
    return true;
  } catch (e) {
    if ((e as { status?: number }).status === 1) return false;
    throw e;
  }
}

describe('an installed node_modules tree', () => {
  const dir = join(LOCKFILES, 'node-modules-tree');

  it('is read when the project has no lockfile: packages, scopes, nesting, alias and flags', async () => {
    const [c] = await extractProject(dir);
    expect(c!.format).toBe('node_modules');
    expect(c!.file).toBe(join(dir, 'node_modules'));
    expect(triples(c!)).toEqual(expectedPackages('node-modules-tree'));
    expect(only(c!, 'jquery', '3.0.0-rc1')).toMatchObject({
      alias: 'jquery-rc',
      location: 'node_modules/jquery-rc',
    });
    expect(only(c!, '@types/minimist', '1.2.0')).toMatchObject({
      dev: true,
      paths: [['root', '@types/minimist']],
    });
    expect(only(c!, 'minimist', '0.0.8')).toMatchObject({
      location: 'node_modules/mkdirp/node_modules/minimist',
      dev: true,
      paths: [['root', 'mkdirp', 'minimist']],
    });
    expect(flags(only(c!, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(flags(only(c!, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c!, 'ms', '2.0.0'))).toBe('');
  });

  it('is kept by git although the repository ignores node_modules/', () => {
    expect(ignoredByGit(join(dir, 'node_modules', 'lodash', 'package.json'))).toBe(false);
    expect(
      ignoredByGit(join(dir, 'node_modules', 'mkdirp', 'node_modules', 'minimist', 'package.json')),
    ).toBe(false);
    expect(ignoredByGit(join(dir, 'node_modules', '@types', 'minimist', 'package.json'))).toBe(false);
    // The rule it overrides is still there for the project's own node_modules.
    expect(ignoredByGit(join(ROOT, 'node_modules', 'vitest', 'package.json'))).toBe(true);
  });

  it('follows workspace links, nested workspace installs and dependency cycles', async () => {
    const tmp = await tempProject({
      'package.json': JSON.stringify({
        name: 'mono',
        workspaces: ['packages/*'],
        devDependencies: { x: '1.0.0' },
      }),
      'packages/a/package.json': pkg('@m/a', '1.0.0', { dependencies: { y: '2.0.0' } }),
      'packages/a/node_modules/y/package.json': pkg('y', '2.0.0'),
      'node_modules/x/package.json': pkg('x', '1.0.0', { dependencies: { y: '1.0.0' } }),
      'node_modules/y/package.json': pkg('y', '1.0.0', { dependencies: { x: '1.0.0' } }),
    });
    await mkdir(join(tmp, 'node_modules', '@m'), { recursive: true });
    await symlink(join('..', '..', 'packages', 'a'), join(tmp, 'node_modules', '@m', 'a'), 'dir');
    const c = await extractLockfile(join(tmp, 'node_modules'));
    expect(c.workspaces).toEqual(['packages/a']);
    expect(c.packages.map((p) => p.location).sort()).toEqual([
      'node_modules/x',
      'node_modules/y',
      'packages/a/node_modules/y',
    ]);
    expect(only(c, 'y', '2.0.0')).toMatchObject({
      dev: false,
      workspaces: ['packages/a'],
      paths: [['root', 'packages/a', 'y']],
    });
    expect(only(c, 'y', '1.0.0')).toMatchObject({ dev: true, workspaces: [], paths: [['root', 'x', 'y']] });
    expect(only(c, 'x', '1.0.0').paths).toEqual([['root', 'x']]);
  });
});

describe('a broken node_modules tree', () => {
  it('names the package.json that is not JSON, and its line', async () => {
    const tmp = await tempProject({
      'package.json': pkg('p', '1.0.0', { dependencies: { a: '1.0.0' } }),
      'node_modules/a/package.json': '{\n  "name": "a",\n  "version": "1.0.0"\n  "main": "x"\n}\n',
    });
    const file = join(tmp, 'node_modules', 'a', 'package.json');
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_PARSE', { file, line: 4 });
  });

  it('names the package.json without a version', async () => {
    const tmp = await tempProject({
      'package.json': pkg('p', '1.0.0', { dependencies: { a: '1.0.0' } }),
      'node_modules/a/package.json': JSON.stringify({ name: 'a' }),
    });
    const file = join(tmp, 'node_modules', 'a', 'package.json');
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_PARSE', {
      file,
      field: 'version',
      mentions: 'no version',
    });
  });

  it('rejects a tree that lacks a dependency of package.json', async () => {
    const tmp = await tempProject({
      'package.json': pkg('p', '1.0.0', { dependencies: { a: '1.0.0', b: '1.0.0' } }),
      'node_modules/a/package.json': pkg('a', '1.0.0'),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_MISMATCH', {
      file: join(tmp, 'node_modules'),
      field: 'dependencies.b',
    });
  });
});
