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

describe('bun.lock', () => {
  it('reads the packages, the alias, nested installs and the dependency kinds', async () => {
    const [c] = await extractProject(join(LOCKFILES, 'bun'));
    expect(c!.format).toBe('bun');
    expect(c!.rootName).toBe('fx-small');
    expect(triples(c!)).toEqual(expectedPackages('bun'));
    expect(only(c!, 'jquery', '3.0.0-rc1')).toMatchObject({
      alias: 'jquery-rc',
      location: 'jquery-rc',
      paths: [['root', 'jquery-rc']],
    });
    // mkdirp's own minimist sits under it (`mkdirp/minimist`), apart from the root's minimist 1.2.0.
    expect(only(c!, 'minimist', '0.0.8')).toMatchObject({
      location: 'mkdirp/minimist',
      paths: [['root', 'mkdirp', 'minimist']],
    });
    expect(flags(only(c!, 'minimist', '0.0.8'))).toBe('dev');
    expect(flags(only(c!, 'minimist', '1.2.0'))).toBe('');
    expect(flags(only(c!, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c!, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(flags(only(c!, 'concat-map', '0.0.1'))).toBe('dev');
  });

  it('names the workspaces, resolves workspace-local installs and leaves the workspace links out', async () => {
    const [c] = await extractProject(join(LOCKFILES, 'bun-workspaces'));
    expect(c!.workspaces).toEqual(['packages/a', 'packages/b']);
    expect(triples(c!)).toEqual(expectedPackages('bun-workspaces'));
    expect(c!.packages.some((p) => p.name.startsWith('@fx/'))).toBe(false);
    expect(only(c!, 'lodash', '4.17.15')).toMatchObject({
      location: '@fx/b/lodash',
      workspaces: ['packages/b'],
      paths: [['root', 'packages/b', 'lodash']],
    });
    expect(only(c!, 'lodash', '4.17.4').workspaces).toEqual(['packages/a', 'packages/b']);
    expect(only(c!, 'ms', '0.7.0')).toMatchObject({ dev: true, workspaces: ['packages/b'] });
  });

  it('reads JSONC: comments and trailing commas', async () => {
    const original = readFileSync(join(LOCKFILES, 'bun', 'bun.lock'), 'utf8');
    expect(original).toMatch(/,\n\s*\}/); // bun's own trailing commas
    const lock = original
      .replace('{\n', '{ // bun writes no comments, a person may: "quoted, }"\n')
      .replace('"packages": {', '/* the installs, ], */ "packages": {');
    const tmp = await tempProject({
      'package.json': readFileSync(join(LOCKFILES, 'bun', 'package.json'), 'utf8'),
      'bun.lock': lock,
    });
    const [c] = await extractProject(tmp);
    expect(triples(c!)).toEqual(expectedPackages('bun'));
  });
});

describe('broken bun.lock files', () => {
  const lock = readFileSync(join(LOCKFILES, 'bun', 'bun.lock'), 'utf8');
  const pkg = readFileSync(join(LOCKFILES, 'bun', 'package.json'), 'utf8');

  it('names the file and the last line for a truncated file', async () => {
    const cut = lock.slice(0, lock.indexOf('"lodash": ["lodash@4.17.4"') + 12);
    const tmp = await tempProject({ 'package.json': pkg, 'bun.lock': cut });
    const e = await rejection(extractLockfile(join(tmp, 'bun.lock')));
    expectError(e, 'E_LOCKFILE_PARSE', { file: join(tmp, 'bun.lock'), line: cut.split('\n').length });
  });

  it('names the line of a syntax error', async () => {
    const lines = lock.split('\n');
    const at = lines.findIndex((l) => l.includes('"debug": ["debug@2.6.8"'));
    lines[at] = lines[at]!.replace('"debug": [', '"debug" [');
    const tmp = await tempProject({ 'package.json': pkg, 'bun.lock': lines.join('\n') });
    const e = await rejection(extractLockfile(join(tmp, 'bun.lock')));
    expectError(e, 'E_LOCKFILE_PARSE', { file: join(tmp, 'bun.lock'), line: at + 1 });
  });

  it('rejects an unknown lockfileVersion', async () => {
    const tmp = await tempProject({
      'package.json': pkg,
      'bun.lock': lock.replace('"lockfileVersion": 2', '"lockfileVersion": 7'),
    });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_VERSION', {
      file: join(tmp, 'bun.lock'),
      line: 2,
      field: 'lockfileVersion',
    });
  });

  it('names the package that has no version', async () => {
    const tmp = await tempProject({ 'package.json': pkg, 'bun.lock': lock.replace('["qs@0.6.6"', '["qs"') });
    const e = await rejection(extractProject(tmp));
    expectError(e, 'E_LOCKFILE_PARSE', {
      file: join(tmp, 'bun.lock'),
      field: 'packages["qs"]',
      mentions: 'no version',
    });
    expect(e.line).toBe(lock.split('\n').findIndex((l) => l.includes('"qs": [')) + 1);
  });

  it('rejects a lockfile that lacks a dependency of package.json', async () => {
    const manifest = JSON.parse(pkg);
    manifest.dependencies['left-pad'] = '1.3.0';
    const tmp = await tempProject({ 'package.json': JSON.stringify(manifest), 'bun.lock': lock });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_MISMATCH', {
      file: join(tmp, 'bun.lock'),
      field: 'dependencies.left-pad',
    });
  });
});
