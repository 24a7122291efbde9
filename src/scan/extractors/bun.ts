import { NswgError } from '../../errors.js';
import { DepGraph } from '../graph.js';
import type { LockfileContents } from '../types.js';
import { checkDirect, forEachEdge, type Manifest, manifestEdges, splitIdent } from './manifest.js';
import { asObject, lineAt, parseError, parseJsonc, textOf } from './parse.js';
import type { Project } from './project.js';

/** The text bun.lock versions bun 1.1.39 to 1.3 write (the format is the same but for small additions). */
const KNOWN_VERSIONS = new Set([0, 1, 2]);

/** The install path one level up: `a/@s/b` → `a`, `@s/b` → `` (a scope and its name are one level). */
function parentKey(key: string): string {
  let i = key.lastIndexOf('/');
  if (i === -1) return '';
  const rest = key.slice(0, i);
  const j = rest.lastIndexOf('/');
  if (rest.charCodeAt(j + 1) === 64 /* @ */) i = j;
  return i <= 0 ? '' : key.slice(0, i);
}

/** `a/@s/b/c` → ["a", "@s/b", "c"]: the install names along a bun.lock package key. */
function namesOf(key: string): string[] {
  const out: string[] = [];
  for (let k = key; k !== ''; k = parentKey(k)) {
    const p = parentKey(k);
    out.push(p === '' ? k : k.slice(p.length + 1));
  }
  return out.reverse();
}

/**
 * Reads bun's text lockfile (bun.lock, JSONC). `workspaces` holds the root ("") and each workspace's
 * declared dependencies; `packages` is keyed by install path (`parent/child`), each entry an array
 * `[name@version, registry, {dependencies, …}, integrity]`.
 */
export async function extractBun(file: string, text: string, project: Project): Promise<LockfileContents> {
  const doc = asObject(parseJsonc(file, text));
  if (!doc) throw parseError(file, 'bun.lock must be a JSON object', { line: 1 });
  if (typeof doc.lockfileVersion !== 'number' || !KNOWN_VERSIONS.has(doc.lockfileVersion))
    throw new NswgError(
      'E_LOCKFILE_VERSION',
      `lockfileVersion ${JSON.stringify(doc.lockfileVersion)} is not one this scanner reads (0 to 2)`,
      {
        file,
        field: 'lockfileVersion',
        line: lineAt(text, Math.max(0, text.indexOf('"lockfileVersion"'))),
      },
    );
  const workspaces = asObject(doc.workspaces) ?? {};
  const packages = asObject(doc.packages) ?? {};

  const graph = new DepGraph(namesOf);
  const importers: [number, string, Manifest][] = [];
  const wsByPath = new Map<string, number>();
  for (const path of Object.keys(workspaces).sort()) {
    const ws = (asObject(workspaces[path]) ?? {}) as Manifest;
    const id = path === '' ? graph.root : graph.addWorkspace(path);
    wsByPath.set(path, id);
    // A workspace's own installs are keyed under its package name (`@fx/b/lodash`).
    importers.push([id, path === '' || typeof ws.name !== 'string' ? '' : ws.name, ws]);
  }

  const ids = new Map<string, number>();
  const infos: [number, string, Record<string, unknown>][] = [];
  for (const [key, raw] of Object.entries(packages)) {
    if (!Array.isArray(raw) || typeof raw[0] !== 'string')
      throw parseError(file, `packages["${key}"] is not [name@version, …]`, { field: `packages["${key}"]` });
    const ident = splitIdent(raw[0]);
    if (!ident || ident.version === '')
      throw parseError(file, `packages["${key}"] has no version`, {
        field: `packages["${key}"]`,
        line: lineOfKey(text, key),
      });
    if (ident.version.startsWith('workspace:')) {
      const ws = wsByPath.get(ident.version.slice('workspace:'.length));
      if (ws !== undefined) ids.set(key, ws);
      continue;
    }
    if (ident.version.startsWith('link:')) continue; // `bun link`ed folders are the user's own code
    const parent = parentKey(key);
    const installName = parent === '' ? key : key.slice(parent.length + 1);
    const id = graph.addPackage({
      name: ident.name,
      version: ident.version,
      location: key,
      alias: installName,
    });
    ids.set(key, id);
    const info = raw.slice(1).find((x) => asObject(x) !== undefined) as Record<string, unknown> | undefined;
    if (info) infos.push([id, key, info]);
  }

  // Bun resolves like node: the nearest `parent/…/name` key up the install path.
  const resolve = (from: string, name: string): number | undefined => {
    for (let base = from; ; base = parentKey(base)) {
      const id = ids.get(base === '' ? name : `${base}/${name}`);
      if (id !== undefined || base === '') return id;
    }
  };
  for (const [from, key, manifest] of importers) {
    forEachEdge(manifest, true, (name, _spec, type) => {
      const to = resolve(key, name);
      if (to !== undefined) graph.addEdge(from, to, name, type);
    });
  }
  for (const [from, key, info] of infos) {
    let m = info as Manifest;
    if (Array.isArray(info.optionalPeers) && info.optionalPeers.length > 0) {
      const meta: Record<string, { optional: boolean }> = {};
      for (const p of info.optionalPeers) meta[textOf(p)] = { optional: true };
      m = { ...m, peerDependenciesMeta: meta };
    }
    forEachEdge(m, false, (name, _spec, type) => {
      const to = resolve(key, name);
      if (to !== undefined) graph.addEdge(from, to, name, type);
    });
  }

  const root = (asObject(workspaces['']) ?? {}) as Manifest;
  const declared = manifestEdges(root, true);
  checkDirect(
    file,
    project.manifest,
    'package.json',
    (name) => declared.has(name) && resolve('', name) !== undefined,
  );
  return {
    file,
    format: 'bun',
    rootName:
      typeof root.name === 'string'
        ? root.name
        : typeof project.manifest?.name === 'string'
          ? project.manifest.name
          : null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}

function lineOfKey(text: string, key: string): number | undefined {
  const at = text.indexOf(`${JSON.stringify(key)}: [`);
  return at === -1 ? undefined : lineAt(text, at);
}
