import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile } from '../../../src/files/index.js';
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

const sbom = readFileSync(join(LOCKFILES, 'cyclonedx', 'sbom.json'), 'utf8');

describe('CycloneDX SBOMs (cyclonedx-npm)', () => {
  it('reads the npm components, their install paths, the graph and the recorded flags', async () => {
    const c = await extractLockfile(join(LOCKFILES, 'cyclonedx', 'sbom.json'));
    expect(c.format).toBe('cyclonedx');
    expect(c.rootName).toBe('fx-node-modules');
    expect(triples(c)).toEqual(expectedPackages('cyclonedx'));
    expect(only(c, 'jquery', '3.0.0-rc1')).toMatchObject({
      alias: 'jquery-rc',
      location: 'node_modules/jquery-rc',
    });
    expect(only(c, '@types/minimist', '1.2.0')).toMatchObject({
      dev: true,
      paths: [['root', '@types/minimist']],
    });
    // A nested component: mkdirp's own minimist.
    expect(only(c, 'minimist', '0.0.8')).toMatchObject({
      location: 'node_modules/mkdirp/node_modules/minimist',
      paths: [['root', 'mkdirp', 'minimist']],
    });
    expect(flags(only(c, 'minimist', '0.0.8'))).toBe('dev');
    expect(flags(only(c, 'qs', '0.6.6'))).toBe('optional');
    expect(flags(only(c, 'ms', '2.0.0'))).toBe('');
    // "development" covers npm's dev and devOptional; package.json beside the SBOM tells them apart.
    expect(flags(only(c, 'balanced-match', '0.4.2'))).toBe('devOptional');
    expect(only(c, 'balanced-match', '0.4.2').paths).toEqual([
      ['root', 'balanced-match'],
      ['root', 'brace-expansion', 'balanced-match'],
    ]);
  });

  it('without package.json, a devOptional package reads as dev (what the SBOM alone says)', async () => {
    const tmp = await tempProject({ 'bom.cdx.json': sbom });
    const c = await extractLockfile(join(tmp, 'bom.cdx.json'));
    expect(c.format).toBe('cyclonedx');
    expect(flags(only(c, 'balanced-match', '0.4.2'))).toBe('dev');
    expect(flags(only(c, 'brace-expansion', '1.1.6'))).toBe('dev');
    expect(flags(only(c, 'debug', '2.6.8'))).toBe('');
  });

  it('names the workspaces (private components) and leaves them out of the packages', async () => {
    const c = await extractLockfile(join(LOCKFILES, 'cyclonedx-workspaces', 'sbom.json'));
    expect(c.workspaces).toEqual(['packages/a', 'packages/b']);
    expect(triples(c)).toEqual(expectedPackages('cyclonedx-workspaces'));
    expect(c.packages.some((p) => p.name.startsWith('@fx/'))).toBe(false);
    expect(only(c, 'lodash', '4.17.15')).toMatchObject({
      location: 'packages/b/node_modules/lodash',
      workspaces: ['packages/b'],
      paths: [['root', 'packages/b', 'lodash']],
    });
    expect(only(c, 'lodash', '4.17.4').workspaces).toEqual(['packages/a', 'packages/b']);
    expect(only(c, 'mkdirp', '0.5.1')).toMatchObject({ dev: true, workspaces: [] });
  });
});

describe('broken SBOMs', () => {
  it('names the file and the last line for truncated JSON', async () => {
    const cut = sbom.slice(0, 5000);
    const tmp = await tempProject({ 'sbom.json': cut });
    expectError(await rejection(extractLockfile(join(tmp, 'sbom.json'))), 'E_LOCKFILE_PARSE', {
      file: join(tmp, 'sbom.json'),
      line: cut.split('\n').length,
    });
  });

  it('rejects a specVersion it does not read', async () => {
    const tmp = await tempProject({
      'sbom.json': sbom.replace('"specVersion": "1.6"', '"specVersion": "1.2"'),
    });
    expectError(await rejection(extractLockfile(join(tmp, 'sbom.json'))), 'E_LOCKFILE_VERSION', {
      file: join(tmp, 'sbom.json'),
      field: 'specVersion',
      mentions: '1.2',
    });
  });

  it('names the component whose purl has no version', async () => {
    const tmp = await tempProject({
      'sbom.json': sbom.replace('"purl": "pkg:npm/qs@0.6.6"', '"purl": "pkg:npm/qs"'),
    });
    expectError(await rejection(extractLockfile(join(tmp, 'sbom.json'))), 'E_LOCKFILE_PARSE', {
      file: join(tmp, 'sbom.json'),
      mentions: 'fx-node-modules@1.0.0|qs@0.6.6',
    });
  });
});
