import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractLockfile, extractProject } from '../../../src/files/index.js';
import {
  chooseLockfiles,
  extractInstalledTree,
  extractLockfileText,
  Project,
  type ProjectFolder,
} from '../../../src/scan/extractors/index.js';
import { ROOT } from '../../helpers/shared.js';
import { expectError, FIXTURES, LOCKFILES, rejection, removeTemps, tempProject } from './helpers.js';

afterAll(removeTemps);

const read = (...p: string[]): string => readFileSync(join(...p), 'utf8');

describe('telling the formats apart', () => {
  it('tells yarn v1 from yarn Berry by the __metadata key, whatever the file is called', async () => {
    const tmp = await tempProject({
      'v1/yarn.lock': read(FIXTURES, 'vuln-direct-yarn', 'yarn.lock'),
      'berry/yarn.lock': read(LOCKFILES, 'yarn-berry', 'yarn.lock'),
      'renamed/deps.lock': read(LOCKFILES, 'yarn-berry', 'yarn.lock'),
      'renamed/old.lock': read(FIXTURES, 'vuln-direct-yarn', 'yarn.lock'),
    });
    expect((await extractLockfile(join(tmp, 'v1', 'yarn.lock'))).format).toBe('yarn-v1');
    expect((await extractLockfile(join(tmp, 'berry', 'yarn.lock'))).format).toBe('yarn-berry');
    expect((await extractLockfile(join(tmp, 'renamed', 'deps.lock'))).format).toBe('yarn-berry');
    expect((await extractLockfile(join(tmp, 'renamed', 'old.lock'))).format).toBe('yarn-v1');
  });

  it("reads a package-lock's lockfileVersion, and rejects one without it", async () => {
    expect((await extractLockfile(join(FIXTURES, 'vuln-direct-npm-v2', 'package-lock.json'))).format).toBe(
      'npm-v2',
    );
    const tmp = await tempProject({ 'package-lock.json': '{\n  "name": "x",\n  "packages": {}\n}\n' });
    expectError(await rejection(extractProject(tmp)), 'E_LOCKFILE_VERSION', {
      file: join(tmp, 'package-lock.json'),
      field: 'lockfileVersion',
    });
  });

  it('knows a renamed lockfile and an SBOM by their content, and refuses what it does not know', async () => {
    const tmp = await tempProject({
      'old-lock.json': read(FIXTURES, 'vuln-direct-npm-v1', 'package-lock.json'),
      'lock.yml': read(LOCKFILES, 'pnpm-v6', 'pnpm-lock.yaml'),
      'bom.json': read(LOCKFILES, 'cyclonedx', 'sbom.json'),
      'notes.txt': 'hello\n',
      'data.json': '{"a": 1}',
    });
    expect((await extractLockfile(join(tmp, 'old-lock.json'))).format).toBe('npm-v1');
    expect((await extractLockfile(join(tmp, 'lock.yml'))).format).toBe('pnpm-v6');
    expect((await extractLockfile(join(tmp, 'bom.json'))).format).toBe('cyclonedx');
    for (const f of ['notes.txt', 'data.json']) {
      expectError(await rejection(extractLockfile(join(tmp, f))), 'E_FORMAT_UNKNOWN', { file: join(tmp, f) });
    }
  });

  it("refuses bun's binary lockfile with a way out", async () => {
    const tmp = await tempProject({ 'bun.lockb': '#!/usr/bin/env bun\nbun-lockfile-format-v0\n' });
    expectError(await rejection(extractProject(tmp)), 'E_FORMAT_UNKNOWN', {
      file: join(tmp, 'bun.lockb'),
      mentions: '--save-text-lockfile',
    });
  });
});

describe('reading a project directory', () => {
  it('reads every lockfile there, in a fixed order', async () => {
    const tmp = await tempProject({
      'package.json': read(LOCKFILES, 'pnpm-v9', 'package.json'),
      'pnpm-lock.yaml': read(LOCKFILES, 'pnpm-v9', 'pnpm-lock.yaml'),
      'bun.lock': read(LOCKFILES, 'bun', 'bun.lock'),
      'yarn.lock': read(LOCKFILES, 'yarn-berry', 'yarn.lock'),
      'package-lock.json': read(LOCKFILES, 'npm-shrinkwrap', 'npm-shrinkwrap.json'),
    });
    const all = await extractProject(tmp);
    expect(all.map((c) => c.format)).toEqual(['npm-v3', 'yarn-berry', 'pnpm-v9', 'bun']);
    const sets = all.map((c) => [...new Set(c.packages.map((p) => `${p.name}@${p.version}`))].sort());
    for (const s of sets) expect(s).toEqual(sets[0]);
  });

  it('names the directory that has no lockfile, and a path that does not exist', async () => {
    const tmp = await tempProject({ 'package.json': '{"name": "empty"}' });
    const e = await rejection(extractProject(tmp));
    expectError(e, 'E_LOCKFILE_MISSING', { file: tmp, mentions: 'package-lock.json' });
    for (const how of [
      'npm install --package-lock-only',
      'pnpm install --lockfile-only',
      'yarn install --mode update-lockfile',
    ])
      expect((e as Error).message).toContain(how);
    const gone = join(tmp, 'nowhere');
    expectError(await rejection(extractProject(gone)), 'E_LOCKFILE_MISSING', { file: gone });
    expectError(await rejection(extractLockfile(join(gone, 'yarn.lock'))), 'E_LOCKFILE_MISSING', {
      file: join(gone, 'yarn.lock'),
    });
  });

  it('reads a folder whose only lockfile is a CycloneDX SBOM named bom.json or *.cdx.json', async () => {
    const sbom = read(LOCKFILES, 'cyclonedx', 'sbom.json');
    for (const name of ['bom.json', 'app.cdx.json']) {
      const tmp = await tempProject({
        [name]: sbom,
        'package.json': read(LOCKFILES, 'cyclonedx', 'package.json'),
      });
      const [contents] = await extractProject(tmp);
      expect(contents?.file).toBe(join(tmp, name));
      expect(contents?.packages.length).toBeGreaterThan(0);
      expect(contents?.packages.map((p) => `${p.name}@${p.version}`)).toEqual(
        (await extractLockfile(join(LOCKFILES, 'cyclonedx', 'sbom.json'))).packages.map(
          (p) => `${p.name}@${p.version}`,
        ),
      );
    }
  });

  it('reads a file given instead of a directory, and refuses a directory given as a lockfile', async () => {
    const file = join(LOCKFILES, 'pnpm-v5', 'pnpm-lock.yaml');
    expect((await extractProject(file)).map((c) => c.file)).toEqual([file]);
    const dir = join(LOCKFILES, 'pnpm-v5');
    expectError(await rejection(extractLockfile(dir)), 'E_USAGE', { file: dir });
  });

  it('names a package.json that is not JSON', async () => {
    const tmp = await tempProject({
      'package.json': '{ "name": ',
      'pnpm-lock.yaml': read(LOCKFILES, 'pnpm-v9', 'pnpm-lock.yaml'),
    });
    expectError(await rejection(extractProject(tmp)), 'E_JSON_PARSE', {
      file: join(tmp, 'package.json'),
      line: 1,
    });
  });
});

describe('the extractors, given text instead of files', () => {
  /** A project folder held in memory: the extractors read nothing else. */
  const folderOf = (
    files: Record<string, string>,
    folders: Record<string, string[]> = {},
  ): ProjectFolder => ({
    readText: async (path) => files[path] ?? null,
    listFolders: async (path) => folders[path] ?? [],
  });

  it('read a lockfile and the package.json files around it', async () => {
    const manifest = { name: 'app', version: '1.0.0', dependencies: { ms: '^2.0.0' } };
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      packages: { '': manifest, 'node_modules/ms': { version: '2.0.0' } },
    };
    const c = await extractLockfileText(
      '/app/package-lock.json',
      JSON.stringify(lock),
      folderOf({ '/app/package.json': JSON.stringify(manifest) }),
    );
    expect(c.packages.map((p) => [p.name, p.version, p.paths])).toEqual([['ms', '2.0.0', [['root', 'ms']]]]);
  });

  it('read an installed tree from its package.json texts, workspaces found through the folder listing', async () => {
    const folder = folderOf(
      {
        '/app/package.json': JSON.stringify({ name: 'app', workspaces: ['packages/*'] }),
        '/app/packages/web/package.json': JSON.stringify({ name: 'web', dependencies: { ms: '2.0.0' } }),
      },
      { '/app/packages': ['web', 'node_modules', '.cache'] },
    );
    const project = await Project.open('/app', folder);
    expect(await project.workspacePaths()).toEqual(['packages/web']);
    const tree = {
      folders: [
        { loc: 'node_modules/ms', file: '/x/ms/package.json', text: '{"name": "ms", "version": "2.0.0"}' },
      ],
      links: new Map([['node_modules/web', 'packages/web']]),
    };
    const c = await extractInstalledTree('/app/node_modules', tree, project);
    expect(c.packages.map((p) => [p.name, p.version, p.paths])).toEqual([
      ['ms', '2.0.0', [['root', 'packages/web', 'ms']]],
    ]);
  });

  it('choose the lockfiles of a folder from its listing', () => {
    const entry = (name: string, isDirectory = false) => ({ name, isFile: !isDirectory, isDirectory });
    expect(
      chooseLockfiles('/p', [entry('package-lock.json'), entry('npm-shrinkwrap.json'), entry('yarn.lock')]),
    ).toEqual(['npm-shrinkwrap.json', 'yarn.lock']);
    expect(chooseLockfiles('/p', [entry('node_modules', true), entry('package.json')])).toEqual([
      'node_modules',
    ]);
    // CycloneDX's own names for an SBOM, read when there is no lockfile (before node_modules)
    expect(
      chooseLockfiles('/p', [entry('node_modules', true), entry('app.cdx.json'), entry('bom.json')]),
    ).toEqual(['app.cdx.json', 'bom.json']);
    expect(chooseLockfiles('/p', [entry('yarn.lock'), entry('bom.json')])).toEqual(['yarn.lock']);
    expect(() => chooseLockfiles('/p', [entry('package.json'), entry('sbom.json')])).toThrow(
      expect.objectContaining({ code: 'E_LOCKFILE_MISSING' }),
    );
    expect(() => chooseLockfiles('/p', [entry('package.json')])).toThrow(
      expect.objectContaining({ code: 'E_LOCKFILE_MISSING' }),
    );
  });
});

describe('loading only the parser in use', () => {
  const dir = join(ROOT, 'src', 'scan', 'extractors');
  const imports = (file: string): string[] =>
    [...read(dir, file).matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);

  it('index.ts and the JSON formats import no parser package: reading a package-lock loads no YAML parser', () => {
    for (const file of [
      'index.ts',
      'parse.ts',
      'manifest.ts',
      'npm-locations.ts',
      '../graph.ts',
      'project.ts',
      'npm.ts',
      'bun.ts',
      'cyclonedx.ts',
      'node-modules.ts',
    ]) {
      const external = imports(file).filter((m) => !m.startsWith('.') && !m.startsWith('node:'));
      expect(external, file).toEqual([]);
    }
    const index = read(dir, 'index.ts');
    for (const m of ['npm', 'yarn-v1', 'yarn-berry', 'pnpm', 'bun', 'cyclonedx', 'node-modules']) {
      expect(index).toContain(`await import('./${m}.js')`);
      expect(imports('index.ts')).not.toContain(`./${m}.js`);
    }
  });

  it('each YAML or yarn format loads its own parser', () => {
    expect(imports('pnpm.ts')).toContain('@yarnpkg/parsers');
    expect(imports('yarn-berry.ts')).toContain('@yarnpkg/parsers');
    expect(read(dir, 'yarn-v1.ts')).toContain("('@yarnpkg/lockfile')");
  });
});
