import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { LockfileContents } from '../types.js';
import type { Project } from './project.js';
import {
  asObject,
  checkDirect,
  DepGraph,
  forEachEdge,
  lastName,
  type Manifest,
  parseError,
  parseJson,
  resolveLoc,
} from './shared.js';

interface Found {
  loc: string;
  manifest: Manifest;
}

/**
 * Reads an installed node_modules tree: every package.json in it, nested node_modules and scopes
 * included (pnpm's `.pnpm` store is not walked). Locations are npm's (`node_modules/a/node_modules/b`).
 */
export async function extractNodeModules(dir: string, project: Project): Promise<LockfileContents> {
  // Real paths on both sides, so a symlinked temp or home folder does not hide the workspace links.
  const root = await realpath(dirname(dir)).catch(() => dirname(dir));
  const found: Found[] = [];
  const links = new Map<string, string>();
  await walk(root, join(root, 'node_modules'), '', found, links);

  const graph = new DepGraph();
  const ids = new Map<string, number>([['', graph.root]]);
  const manifests: [number, string, Manifest, boolean][] = [];
  if (project.manifest) manifests.push([graph.root, '', project.manifest, true]);
  for (const path of await project.workspacePaths()) {
    const id = graph.addWorkspace(path);
    ids.set(path, id);
    manifests.push([id, path, (await project.manifestAt(path))!, true]);
    await walk(root, join(root, path, 'node_modules'), path, found, links);
  }
  found.sort((a, b) => (a.loc < b.loc ? -1 : a.loc > b.loc ? 1 : 0));
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

/** Collects the packages under one node_modules folder, depth first; symlinks to the project's own folders become links. */
async function walk(
  root: string,
  nm: string,
  parent: string,
  found: Found[],
  links: Map<string, string>,
): Promise<void> {
  const entries = await list(nm);
  const jobs: Promise<void>[] = [];
  for (const d of entries) {
    if (d.name.startsWith('.')) continue; // .bin, .package-lock.json, .pnpm, .cache
    if (d.name.startsWith('@') && d.isDirectory()) {
      for (const s of await list(join(nm, d.name))) {
        if (!s.name.startsWith('.'))
          jobs.push(visit(root, nm, `${d.name}/${s.name}`, s, parent, found, links));
      }
    } else {
      jobs.push(visit(root, nm, d.name, d, parent, found, links));
    }
  }
  await Promise.all(jobs);
}

async function visit(
  root: string,
  nm: string,
  name: string,
  d: Dirent,
  parent: string,
  found: Found[],
  links: Map<string, string>,
): Promise<void> {
  const loc = parent ? `${parent}/node_modules/${name}` : `node_modules/${name}`;
  const path = join(nm, name);
  if (d.isSymbolicLink()) {
    const target = relative(root, await realpath(path).catch(() => path))
      .split(sep)
      .join('/');
    // A workspace (or a linked folder of the project); links that leave the project are not followed.
    if (!target.startsWith('..') && !target.split('/').includes('node_modules')) links.set(loc, target);
    return;
  }
  if (!d.isDirectory()) return;
  const file = join(path, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return; // a folder without package.json is not a package (an interrupted install leaves these)
  }
  const manifest = asObject(parseJson(file, text)) as Manifest | undefined;
  if (!manifest) throw parseError(file, 'package.json is not a JSON object');
  if (typeof manifest.version !== 'string' || manifest.version === '')
    throw parseError(file, `${loc} has no version`, { field: 'version' });
  found.push({ loc, manifest });
  await walk(root, join(path, 'node_modules'), loc, found, links);
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
