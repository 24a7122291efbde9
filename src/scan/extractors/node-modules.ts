import { DepGraph } from '../graph.js';
import type { InstalledTree, LockfileContents } from '../types.js';
import { checkDirect, forEachEdge, type Manifest } from './manifest.js';
import { lastName, resolveLoc } from './npm-locations.js';
import { asObject, parseError, parseJson } from './parse.js';
import type { Project } from './project.js';

/**
 * The packages of an installed node_modules tree `dir` (read by the shell into `tree`), each
 * package.json a package. Locations are npm's (`node_modules/a/node_modules/b`).
 */
export async function extractNodeModules(
  dir: string,
  tree: InstalledTree,
  project: Project,
): Promise<LockfileContents> {
  const links = tree.links;
  const found = tree.folders
    .map(({ loc, file, text }) => {
      const manifest = asObject(parseJson(file, text)) as Manifest | undefined;
      if (!manifest) throw parseError(file, 'package.json is not a JSON object');
      if (typeof manifest.version !== 'string' || manifest.version === '')
        throw parseError(file, `${loc} has no version`, { field: 'version' });
      return { loc, manifest };
    })
    .sort((a, b) => (a.loc < b.loc ? -1 : a.loc > b.loc ? 1 : 0));

  const graph = new DepGraph();
  const ids = new Map<string, number>([['', graph.root]]);
  const manifests: [number, string, Manifest, boolean][] = [];
  if (project.manifest) manifests.push([graph.root, '', project.manifest, true]);
  for (const path of await project.workspacePaths()) {
    const id = graph.addWorkspace(path);
    ids.set(path, id);
    manifests.push([id, path, (await project.manifestAt(path))!, true]);
  }
  for (const { loc, manifest } of found) {
    const installName = lastName(loc);
    const name = typeof manifest.name === 'string' && manifest.name ? manifest.name : installName;
    const id = graph.addPackage({
      name,
      version: manifest.version!,
      location: loc,
      alias: installName,
    });
    ids.set(loc, id);
    manifests.push([id, loc, manifest, false]);
  }
  const has = (loc: string): boolean => ids.has(loc) || links.has(loc);
  for (const [from, loc, manifest, top] of manifests) {
    forEachEdge(manifest, top, (name, _spec, type) => {
      let target = resolveLoc(loc, name, has);
      if (target !== undefined && links.has(target)) target = links.get(target);
      const to = target === undefined ? undefined : ids.get(target);
      if (to !== undefined && to !== from) graph.addEdge(from, to, name, type);
    });
  }
  // devDependencies and optionalDependencies may be left out of an install on purpose.
  checkDirect(dir, project.manifest, 'package.json', (name) => has(`node_modules/${name}`), ['dependencies']);
  return {
    file: dir,
    format: 'node_modules',
    rootName: typeof project.manifest?.name === 'string' ? project.manifest.name : null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}
