import { posix } from 'node:path';
import { NswgError } from '../../errors.js';
import { type DepFlags, DepGraph, type DepType } from '../graph.js';
import type { LockfileContents } from '../types.js';
import { checkDirect, forEachEdge, type Manifest, parseAliasSpec } from './manifest.js';
import { lastName, resolveLoc } from './npm-locations.js';
import { asDeps, asObject, lineAt, parseError, parseJson } from './parse.js';
import type { Project } from './project.js';

/**
 * Reads package-lock.json or npm-shrinkwrap.json: lockfileVersion 2 and 3 from the `packages` section
 * (as npm's Arborist does), 1 from the nested `dependencies`. The dependency flags are npm's own.
 */
export async function extractNpm(file: string, text: string, project: Project): Promise<LockfileContents> {
  const lock = asObject(parseJson(file, text));
  if (!lock) throw parseError(file, 'a package-lock must be a JSON object', { line: 1 });
  const v = lock.lockfileVersion;
  if (v === 2 || v === 3) {
    const packages = asObject(lock.packages);
    if (!packages)
      throw parseError(file, `lockfileVersion ${v} without a "packages" object`, { field: 'packages' });
    return fromPackages(file, text, lock, packages, project, v === 2 ? 'npm-v2' : 'npm-v3');
  }
  if (v === 1 || (v === undefined && asObject(lock.dependencies)))
    return fromDependencies(file, text, lock, project);
  throw new NswgError(
    'E_LOCKFILE_VERSION',
    `lockfileVersion ${JSON.stringify(v)} is not one this scanner reads (1, 2 or 3)`,
    { file, field: 'lockfileVersion', line: lineAt(text, Math.max(0, text.indexOf('"lockfileVersion"'))) },
  );
}

/** The 1-based line where the object `"key": {` first appears (only for error messages). */
function lineOfKey(text: string, key: string): number | undefined {
  const at = text.indexOf(`${JSON.stringify(key)}: {`);
  return at === -1 ? undefined : lineAt(text, at);
}

function noVersion(file: string, text: string, key: string, field: string): NswgError {
  const line = lineOfKey(text, key);
  return parseError(file, `${field} has no version`, line === undefined ? { field } : { field, line });
}

/**
 * The 16 combinations of the four flags, each one object that every entry with those flags shares
 * (nothing changes a package's flags once read): a large lockfile's entries make none.
 */
const FLAGS: readonly Readonly<DepFlags>[] = Array.from({ length: 16 }, (_, i) =>
  Object.freeze({
    dev: (i & 1) !== 0,
    optional: (i & 2) !== 0,
    devOptional: (i & 4) !== 0,
    peer: (i & 8) !== 0,
  }),
);

function flagsOf(e: Record<string, unknown>): DepFlags {
  return FLAGS[
    (e.dev === true ? 1 : 0) |
      (e.optional === true ? 2 : 0) |
      (e.devOptional === true ? 4 : 0) |
      (e.peer === true ? 8 : 0)
  ]!;
}

/**
 * The folder whose node_modules holds the package at `loc` (a location of a v2/v3 lockfile), the
 * root's being ''; null for the root. A location outside every node_modules (a workspace, a linked
 * folder) is the root's: Node's look-up from it goes on there.
 */
function parentOf(loc: string): string | null {
  if (loc === '') return null;
  const i = loc.lastIndexOf('/node_modules/');
  return i === -1 ? '' : loc.slice(0, i);
}

/** Is the location outside every node_modules (the root, a workspace, a linked folder)? */
function outsideNodeModules(loc: string, nested = loc.includes('/node_modules/')): boolean {
  return !nested && !loc.startsWith('node_modules/');
}

function fromPackages(
  file: string,
  text: string,
  lock: Record<string, unknown>,
  packages: Record<string, unknown>,
  project: Project,
  format: 'npm-v2' | 'npm-v3',
): LockfileContents {
  const graph = new DepGraph();
  // the node of each entry, and the target of each link, by location
  const nodeAt = new Map<string, number>([['', graph.root]]);
  const linkTo = new Map<string, string>();
  // by node: its entry (the root may have none), its location, and whether it is a project (the
  // root, a workspace: their devDependencies count)
  const entries: (Record<string, unknown> | undefined)[] = [undefined];
  const locations: string[] = [''];
  const projects: boolean[] = [true];
  // the locations in another folder's node_modules (that folder may have no entry of its own)
  const nested: string[] = [];
  for (const loc in packages) {
    const e = asObject(packages[loc]);
    if (!e) throw parseError(file, `packages["${loc}"] is not an object`, { field: `packages["${loc}"]` });
    if (loc === '') {
      entries[graph.root] = e;
      continue;
    }
    const isNested = loc.includes('/node_modules/');
    if (isNested) nested.push(loc);
    const top = outsideNodeModules(loc, isNested);
    if (e.link === true) {
      linkTo.set(loc, typeof e.resolved === 'string' ? e.resolved : '');
      continue;
    }
    let id: number;
    if (top) id = graph.addWorkspace(loc);
    else {
      if (typeof e.version !== 'string' || e.version === '')
        throw noVersion(file, text, loc, `packages["${loc}"]`);
      const installName = lastName(loc);
      const name = typeof e.name === 'string' && e.name ? e.name : installName;
      id = graph.addPackage({
        name,
        version: e.version,
        location: loc,
        alias: installName,
        installNameIsCertain: true,
        flags: flagsOf(e),
      });
    }
    nodeAt.set(loc, id);
    entries[id] = e;
    locations[id] = loc;
    projects[id] = top;
  }
  // Folders in node_modules that hold packages but have no entry (a lockfile that lists
  // node_modules/a/node_modules/b without node_modules/a): Node's look-up for "a" stops there,
  // finding nothing. Found when a look-up first needs them: a lockfile npm wrote has none.
  let bare: Set<string> | null = null;
  const isBareFolder = (loc: string): boolean => {
    if (bare === null) {
      bare = new Set();
      for (const at of nested)
        for (
          let p = parentOf(at)!;
          p !== '' && !nodeAt.has(p) && !linkTo.has(p) && !bare.has(p);
          p = parentOf(p)!
        ) {
          // a folder outside every node_modules is nobody's to find by name
          if (outsideNodeModules(p)) break;
          bare.add(p);
        }
    }
    return bare.has(loc);
  };
  // Node's look-up: the nearest node_modules up the folders (`dirs`: each one's "…node_modules/"),
  // a link standing for its target.
  const resolve = (dirs: readonly string[], name: string): number | undefined => {
    for (let i = 0; i < dirs.length; i++) {
      const loc = dirs[i]! + name;
      const id = nodeAt.get(loc);
      if (id !== undefined) return id;
      const target = linkTo.get(loc);
      if (target !== undefined) return nodeAt.get(target);
      if (isBareFolder(loc)) return undefined;
    }
    return undefined;
  };
  // A node's dependencies become its edges when a search first needs them, through one callback
  // for every entry (a closure per entry would be garbage to collect).
  let from = graph.root;
  let dirs: string[] = [];
  const link = (name: string, _spec: string, type: DepType): void => {
    const to = resolve(dirs, name);
    if (to !== undefined) graph.addEdge(from, to, name, type);
  };
  graph.readEdgesWhenNeeded((node) => {
    const e = entries[node];
    if (e === undefined) return;
    from = node;
    dirs = [];
    for (let dir: string | null = locations[node]!; dir !== null; dir = parentOf(dir))
      dirs.push(dir === '' ? 'node_modules/' : `${dir}/node_modules/`);
    forEachEdge(e as Manifest, projects[node]!, link);
  });
  checkDirect(file, project.manifest, 'package.json', (name) => {
    const loc = `node_modules/${name}`;
    return nodeAt.has(loc) || linkTo.has(loc) || isBareFolder(loc);
  });
  return {
    file,
    format,
    rootName: str(lock.name) ?? str(asObject(packages[''])?.name) ?? str(project.manifest?.name) ?? null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function fromDependencies(
  file: string,
  text: string,
  lock: Record<string, unknown>,
  project: Project,
): Promise<LockfileContents> {
  const graph = new DepGraph();
  const ids = new Map<string, number>();
  const requires: [number, string, Record<string, string>][] = [];
  const projects = new Map<string, number>();
  const required = new Set<string>();
  const walk = (deps: Record<string, unknown>, parent: string, field: string): void => {
    for (const [installName, raw] of Object.entries(deps)) {
      const key = `${field}.${installName}`;
      const e = asObject(raw);
      if (!e) throw parseError(file, `${key} is not an object`, { field: key });
      const loc = parent ? `${parent}/node_modules/${installName}` : `node_modules/${installName}`;
      if (typeof e.version !== 'string' || e.version === '') throw noVersion(file, text, installName, key);
      if (e.version.startsWith('file:') && !e.integrity) {
        // A linked folder (a workspace): what is nested under it is installed in the folder itself.
        const target = posix.normalize(e.version.slice('file:'.length)).replace(/\/$/, '');
        if (!projects.has(target)) projects.set(target, graph.addWorkspace(target));
        ids.set(loc, projects.get(target)!);
        walk(asObject(e.dependencies) ?? {}, target, `${key}.dependencies`);
        continue;
      }
      const alias = parseAliasSpec(e.version);
      const id = graph.addPackage({
        name: alias?.name ?? installName,
        version: alias?.range ?? e.version,
        location: loc,
        alias: installName,
        installNameIsCertain: true,
        flags: flagsOf(e),
      });
      ids.set(loc, id);
      const req = asDeps(e.requires);
      requires.push([id, loc, req]);
      for (const r in req) required.add(r);
      walk(asObject(e.dependencies) ?? {}, loc, `${key}.dependencies`);
    }
  };
  walk(asObject(lock.dependencies) ?? {}, '', 'dependencies');
  const has = (loc: string): boolean => ids.has(loc);
  const link = (from: number, loc: string, name: string, type: DepType): void => {
    const target = resolveLoc(loc, name, has);
    if (target !== undefined) graph.addEdge(from, ids.get(target)!, name, type);
  };
  for (const [id, loc, req] of requires) for (const name in req) link(id, loc, name, 'prod');
  const manifest = project.manifest;
  if (manifest) {
    forEachEdge(manifest, true, (name, _spec, type) => link(graph.root, '', name, type));
  } else {
    // Without package.json the root's own dependencies are unknown: the top-level entries nothing requires.
    for (const loc of ids.keys()) {
      const name = lastName(loc);
      if (loc === `node_modules/${name}` && !required.has(name)) link(graph.root, '', name, 'prod');
    }
  }
  for (const [path, id] of projects) {
    const m = await project.manifestAt(path);
    if (m) forEachEdge(m, true, (name, _spec, type) => link(id, path, name, type));
  }
  checkDirect(file, manifest, 'package.json', (name) => has(`node_modules/${name}`));
  return {
    file,
    format: 'npm-v1',
    rootName: str(lock.name) ?? str(manifest?.name) ?? null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}
