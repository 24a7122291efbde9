import { parseSyml } from '@yarnpkg/parsers';
import { NswgError } from '../../errors.js';
import { DepGraph, type DepType } from '../graph.js';
import type { LockfileContents } from '../types.js';
import { checkDirect, type Manifest, manifestEdges, splitIdent } from './manifest.js';
import { asDeps, asObject, parseError, textOf } from './parse.js';
import type { Project } from './project.js';

/** The `__metadata.version`s written by yarn 2 to 4 (the entry format has not changed in between). */
const KNOWN_VERSIONS = new Set([4, 5, 6, 7, 8, 9, 10]);

/**
 * Reads a yarn 2+ (Berry) yarn.lock. One entry per resolution; workspaces are entries of their own
 * (`name@workspace:path`), whose dependencies mix prod and dev: their package.json tells which is which.
 */
export async function extractYarnBerry(
  file: string,
  text: string,
  project: Project,
): Promise<LockfileContents> {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = asObject(parseSyml(text));
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    const where = typeof mark?.line === 'number' ? { line: mark.line + 1 } : {};
    throw parseError(file, `not a valid yarn lockfile: ${reason}`, where);
  }
  const meta = asObject(doc?.__metadata);
  if (!doc || !meta)
    throw parseError(file, 'a yarn 2+ lockfile starts with __metadata', { field: '__metadata' });
  const version = Number(meta.version);
  if (!KNOWN_VERSIONS.has(version))
    throw new NswgError(
      'E_LOCKFILE_VERSION',
      `__metadata.version ${textOf(meta.version)} is not one this scanner reads (4 to 10)`,
      {
        file,
        field: '__metadata.version',
      },
    );

  const graph = new DepGraph();
  const descriptors = new Map<string, number>();
  const entries: [number, Record<string, unknown>, string | null][] = [];
  let rootName: string | null = null;
  // A patched package (`typescript@patch:typescript@npm%3A5.4.5#…`) is installed in place of its base
  // entry, which dependents may still name: the base's descriptors lead to the patched copy.
  const patchOf = new Map<string, string>();
  for (const key in doc) {
    const resolution = asObject(doc[key])?.resolution;
    if (typeof resolution !== 'string' || !resolution.includes('@patch:')) continue;
    const inner = resolution.slice(resolution.indexOf('@patch:') + '@patch:'.length).split('#')[0]!;
    patchOf.set(decodeURIComponent(inner), resolution);
  }
  const byResolution = new Map<string, number>();
  const toPatch: [string, string][] = [];
  for (const [key, raw] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const e = asObject(raw);
    if (!e) throw parseError(file, `"${key}" is not an entry`, { field: key });
    const locator = splitIdent(typeof e.resolution === 'string' ? e.resolution : '');
    if (!locator) throw parseError(file, `"${key}" has no resolution`, { field: key });
    let id: number;
    let workspace: string | null = null;
    if (locator.version.startsWith('workspace:')) {
      workspace = locator.version.slice('workspace:'.length);
      if (workspace === '.') rootName = locator.name;
      id = workspace === '.' ? graph.root : graph.addWorkspace(workspace);
    } else if (e.linkType === 'soft') {
      continue; // link: and portal: folders are the user's own code, not installed packages
    } else if (patchOf.has(textOf(e.resolution))) {
      for (const d of key.split(',')) toPatch.push([d.trim(), patchOf.get(textOf(e.resolution))!]);
      continue;
    } else {
      if (typeof e.version !== 'string' || e.version === '')
        throw parseError(file, `"${key}" has no version`, { field: key });
      id = graph.addPackage({
        name: locator.name,
        version: e.version,
        location: key,
      });
      byResolution.set(textOf(e.resolution), id);
    }
    for (const d of key.split(',')) descriptors.set(d.trim(), id);
    entries.push([id, e, workspace]);
  }
  for (const [descriptor, resolution] of toPatch) {
    const id = byResolution.get(resolution);
    if (id !== undefined && !descriptors.has(descriptor)) descriptors.set(descriptor, id);
  }

  let rootDeps: Record<string, string> | null = null;
  for (const [from, e, workspace] of entries) {
    const deps = asDeps(e.dependencies);
    if (workspace === '.') rootDeps = deps;
    const typeOf = workspace === null ? packageTypes(e) : manifestTypes(await project.manifestAt(workspace));
    for (const [name, range] of Object.entries(deps)) {
      const to = descriptors.get(`${name}@${textOf(range)}`);
      if (to !== undefined) graph.addEdge(from, to, name, typeOf(name));
    }
  }
  checkDirect(file, project.manifest, 'package.json', (name) => rootDeps?.[name] !== undefined);
  return {
    file,
    format: 'yarn-berry',
    rootName: rootName ?? (typeof project.manifest?.name === 'string' ? project.manifest.name : null),
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}

/** A package's dependency kinds: optional ones are marked in `dependenciesMeta` (peers are never installed by yarn). */
function packageTypes(e: Record<string, unknown>): (name: string) => DepType {
  const meta = asObject(e.dependenciesMeta);
  if (!meta) return () => 'prod';
  return (name) => (asObject(meta[name])?.optional === 'true' ? 'optional' : 'prod');
}

/** A workspace's dependency kinds, from its package.json (the lockfile merges dependencies and devDependencies). */
function manifestTypes(m: Manifest | null): (name: string) => DepType {
  const edges = m ? manifestEdges(m, true) : null;
  return (name) => edges?.get(name)?.type ?? 'prod';
}
