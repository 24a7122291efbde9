import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import {
  expectError,
  expectedFindings,
  FIXTURES,
  flagDifferences,
  flags,
  only,
  pairs,
  rejection,
  removeTemps,
  tempProject,
} from './helpers.js';

afterAll(removeTemps);

describe('yarn v1 on the Working Group fixtures', () => {
  it.each(['vuln-direct-yarn', 'workspaces-yarn'])('%s: every package of expected.json', async (fixture) => {
    const [c] = await extractProject(join(FIXTURES, fixture));
    expect(c!.format).toBe('yarn-v1');
    const got = pairs(c!);
    expect(expectedFindings(fixture).filter((p) => !got.has(p))).toEqual([]);
    for (const p of c!.packages) {
      expect(p.paths[0]![0]).toBe('root');
      expect(p.paths.length).toBeLessThanOrEqual(3);
    }
  });

  it('resolves npm: aliases to the real package and keeps the alias apart', async () => {
    const [c] = await extractProject(join(FIXTURES, 'vuln-direct-yarn'));
    const pp = c!.packages.filter((p) => p.alias === 'lodash-pp');
    expect(pp).toHaveLength(1);
    expect(pp[0]).toMatchObject({
      name: 'lodash',
      version: '4.17.15',
      location: 'lodash-pp@npm:lodash@4.17.15',
    });
    expect(pp[0]!.paths[0]).toEqual(['root', 'lodash-pp']);
    expect(c!.packages.find((p) => p.alias === 'jquery-rc')).toMatchObject({
      name: 'jquery',
      version: '3.0.0-rc1',
    });
    expect(c!.packages.some((p) => p.name.endsWith('-rc') || p.name.endsWith('-pp'))).toBe(false);
  });

  it('computes the same dev/optional/devOptional flags as npm for the same package.json', async () => {
    const [npm] = await extractProject(join(FIXTURES, 'vuln-direct-npm'));
    const [yarn] = await extractProject(join(FIXTURES, 'vuln-direct-yarn'));
    // yarn installs sshpk twice (1.13.1 and 1.18.0, whose crypto packages are plain dependencies);
    // npm dedupes to 1.13.1, which has them as optionalDependencies.
    expect(flagDifferences(npm!, yarn!)).toEqual([
      'bcrypt-pbkdf@1.0.2: npm "optional ", here " "',
      'ecc-jsbn@0.1.2: npm "optional ", here " "',
      'jsbn@0.1.1: npm "optional ", here " "',
      'tweetnacl@0.14.5: npm "optional ", here " "',
    ]);
    expect(flags(only(yarn!, 'electron', '3.0.0-beta.3'))).toBe('dev');
    expect(flags(only(yarn!, 'socket.io', '0.9.6'))).toBe('optional');
  });

  it('reads the workspaces from package.json and names them', async () => {
    const [npm] = await extractProject(join(FIXTURES, 'workspaces-npm'));
    const [c] = await extractProject(join(FIXTURES, 'workspaces-yarn'));
    expect(c!.workspaces).toEqual(['packages/api', 'packages/tools', 'packages/web']);
    expect(flagDifferences(npm!, c!)).toEqual([]);
    expect(only(c!, 'lodash', '4.17.4')).toMatchObject({ workspaces: ['packages/api'] });
    expect(only(c!, 'lodash', '4.17.4').paths[0]).toEqual(['root', 'packages/api', 'lodash']);
    expect(only(c!, 'js-yaml', '2.0.4')).toMatchObject({ dev: true, workspaces: ['packages/tools'] });
    expect(only(c!, 'uglify-js', '2.4.23')).toMatchObject({
      dev: true,
      workspaces: [],
      paths: [['root', 'uglify-js']],
    });
  });
});

describe('broken yarn v1 lockfiles', () => {
  const lock = readFileSync(join(FIXTURES, 'vuln-direct-yarn', 'yarn.lock'), 'utf8');
  const pkg = readFileSync(join(FIXTURES, 'vuln-direct-yarn', 'package.json'), 'utf8');

  it("names the file and the parser's line for a garbled file", async () => {
    const lines = lock.split('\n');
    const at = lines.findIndex((l, i) => i > 100 && l.startsWith('  version '));
    lines[at] = '  version: {';
    const dir = await tempProject({ 'package.json': pkg, 'yarn.lock': lines.join('\n') });
    const e = await rejection(extractLockfile(join(dir, 'yarn.lock')));
    expectError(e, 'E_LOCKFILE_PARSE', { file: join(dir, 'yarn.lock'), line: at + 1 });
  });

  it('a truncated file: the entry cut short has no version, or package.json finds a dependency missing', async () => {
    const cut = lock.slice(0, lock.indexOf('\n', lock.indexOf('\nlodash@4.17.4:') + 2) + 1);
    const dir = await tempProject({ 'package.json': pkg, 'yarn.lock': cut });
    const e = await rejection(extractLockfile(join(dir, 'yarn.lock')));
    expectError(e, 'E_LOCKFILE_PARSE', {
      file: join(dir, 'yarn.lock'),
      field: 'lodash@4.17.4',
      mentions: 'no version',
    });
    expect(e.line).toBe(cut.split('\n').length - 1);

    const atBoundary = lock.slice(0, lock.indexOf('\nlodash@4.17.4:'));
    const dir2 = await tempProject({ 'package.json': pkg, 'yarn.lock': atBoundary });
    expectError(await rejection(extractProject(dir2)), 'E_LOCKFILE_MISMATCH', {
      file: join(dir2, 'yarn.lock'),
      field: 'dependencies.lodash',
    });
  });

  it('rejects a lockfile that lacks a dependency of package.json, or has it at another range', async () => {
    const manifest = JSON.parse(pkg);
    manifest.dependencies.lodash = '^4.17.21';
    const dir = await tempProject({ 'package.json': JSON.stringify(manifest), 'yarn.lock': lock });
    const e = await rejection(extractProject(dir));
    expectError(e, 'E_LOCKFILE_MISMATCH', {
      file: join(dir, 'yarn.lock'),
      field: 'dependencies.lodash',
      mentions: '^4.17.21',
    });
  });

  it('reads a file that ends in a comment with no newline (the tokenizer would run away)', async () => {
    const dir = await tempProject({ 'package.json': pkg, 'yarn.lock': `${lock.trimEnd()}\n# the end` });
    const [c] = await extractProject(dir);
    expect(c!.packages.length).toBe(
      (await extractProject(join(FIXTURES, 'vuln-direct-yarn')))[0]!.packages.length,
    );
    const only = await tempProject({ 'yarn.lock': '#T;;9SR' });
    expect((await extractProject(only))[0]!.packages).toEqual([]);
  });

  it('without package.json, the entries nothing depends on are the direct ones', async () => {
    const dir = await tempProject({ 'yarn.lock': lock });
    const [c] = await extractProject(dir);
    expect(c!.rootName).toBeNull();
    expect(only(c!, 'adm-zip', '0.4.8').paths).toEqual([['root', 'adm-zip']]);
    expect(c!.packages.length).toBe(
      (await extractProject(join(FIXTURES, 'vuln-direct-yarn')))[0]!.packages.length,
    );
  });
});
