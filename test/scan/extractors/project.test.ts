import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFolder } from '../../../src/files/index.js';
import { Project } from '../../../src/scan/extractors/project.js';
import { rejection, removeTemps, tempProject } from './helpers.js';

afterAll(removeTemps);

describe('the project', () => {
  it("expands the root package.json's workspace globs", async () => {
    const tmp = await tempProject({
      'package.json': JSON.stringify({
        workspaces: { packages: ['packages/*', 'apps/**', '!packages/skip'] },
      }),
      'packages/a/package.json': '{"name": "a"}',
      'packages/skip/package.json': '{"name": "skip"}',
      'packages/no-manifest/README.md': '',
      'apps/web/package.json': '{"name": "web"}',
      'apps/web/node_modules/dep/package.json': '{"name": "dep"}',
      'apps/group/mobile/package.json': '{"name": "mobile"}',
    });
    const project = await Project.open(tmp, projectFolder);
    expect(await project.workspacePaths()).toEqual(['apps/group/mobile', 'apps/web', 'packages/a']);
    expect(await project.manifestAt('packages/a')).toEqual({ name: 'a' });
    expect(await new Project(join(tmp, 'nowhere'), null, projectFolder).workspacePaths()).toEqual([]);
    const broken = await tempProject({ 'package.json': '[1, 2]' });
    expect((await rejection(Project.open(broken, projectFolder))).code).toBe('E_JSON_PARSE');
  });
});
