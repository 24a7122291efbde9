import { posix } from 'node:path';
import { parseSyml } from '@yarnpkg/parsers';
import { NswgError } from '../../errors.js';
import { DepGraph, type DepType } from '../graph.js';
import type { LockfileContents, LockfileFormat } from '../types.js';
import { checkDirect, splitIdent } from './manifest.js';
import { asDeps, asObject, lineAt, parseError, textOf } from './parse.js';
import type { Project } from './project.js';

const FORMATS: Record<string, LockfileFormat> = { '5': 'pnpm-v5', '6': 'pnpm-v6', '9': 'pnpm-v9' };
const IMPORTER_SECTIONS = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['devDependencies', 'dev'],
] as const;

/**
 * Reads a pnpm-lock.yaml, lockfileVersion 5.x, 6.x or 9.x. Importers are the root (".") and the
 * workspaces; every package key (9.x: every snapshot, one per peer set) is one installed copy.
 */
export async function extractPnpm(file: string, text: string, project: Project): Promise<LockfileContents> {
  const doc = parseYaml(file, text);
  const version = doc.lockfileVersion;
  if (version === undefined)
    throw parseError(file, 'no lockfileVersion: not a pnpm lockfile', { field: 'lockfileVersion' });
  const major = textOf(version).split('.')[0]!;
  const format = FORMATS[major];
  if (!format)
    throw new NswgError(
      'E_LOCKFILE_VERSION',
      `lockfileVersion ${textOf(version)} is not one this scanner reads (5.x, 6.x, 9.x)`,
      {
        file,
        field: 'lockfileVersion',
        line: lineAt(text, Math.max(0, text.indexOf('lockfileVersion'))),
      },
    );

  const packages = asObject(doc.packages) ?? {};
  // 9.x splits metadata (packages) from installed copies (snapshots); earlier versions have both in packages.
  const copies = format === 'pnpm-v9' ? (asObject(doc.snapshots) ?? {}) : packages;
  const graph = new DepGraph();
  const ids = new Map<string, number>();
  for (const [key, raw] of Object.entries(copies)) {
    const e = asObject(raw) ?? {};
    const base = format === 'pnpm-v9' ? withoutPeers(key) : key;
    const meta = format === 'pnpm-v9' ? (asObject(packages[base]) ?? {}) : e;
    const parsed = parseKey(key, format);
    const name = typeof meta.name === 'string' ? meta.name : parsed?.name;
    const v = typeof meta.version === 'string' ? meta.version : parsed?.version;
    if (!name || !v) {
      const at = Math.max(text.indexOf(`\n  ${key}:`), text.indexOf(`\n  '${key}':`));
      const where = at === -1 ? {} : { line: lineAt(text, at + 1) };
      throw parseError(file, `package "${key}" has no version`, { field: `packages["${key}"]`, ...where });
    }
    ids.set(key, graph.addPackage({ name, version: v, location: key }));
  }

  const importers = asObject(doc.importers) ?? { '.': doc };
  const importerIds = new Map<string, number>();
  for (const path of Object.keys(importers).sort()) {
    importerIds.set(path, path === '.' ? graph.root : graph.addWorkspace(path));
  }
  const resolveRef = (name: string, ref: string): string | null => refToKey(name, ref, format);

  for (const [path, raw] of Object.entries(importers)) {
    const from = importerIds.get(path)!;
    const imp = asObject(raw) ?? {};
    for (const [section, type] of IMPORTER_SECTIONS) {
      for (const [name, value] of Object.entries(asObject(imp[section]) ?? {})) {
        const ref = typeof value === 'string' ? value : asObject(value)?.version;
        if (typeof ref !== 'string') continue;
        const to = ref.startsWith('link:')
          ? importerIds.get(posix.join(path, ref.slice('link:'.length)))
          : ids.get(resolveRef(name, ref) ?? '');
        if (to !== undefined) graph.addEdge(from, to, name, type);
      }
    }
  }
  for (const [key, raw] of Object.entries(copies)) {
    const e = asObject(raw) ?? {};
    const meta = format === 'pnpm-v9' ? (asObject(packages[withoutPeers(key)]) ?? {}) : e;
    const peers = asDeps(meta.peerDependencies);
    const peersMeta = asObject(meta.peerDependenciesMeta) ?? {};
    const from = ids.get(key)!;
    for (const [section, kind] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
    ] as const) {
      for (const [name, ref] of Object.entries(asDeps(e[section]))) {
        const to = ids.get(resolveRef(name, textOf(ref)) ?? '');
        if (to === undefined) continue;
        let type: DepType = kind;
        if (peers[name] !== undefined)
          type = asObject(peersMeta[name])?.optional === 'true' ? 'peerOptional' : 'peer';
        graph.addEdge(from, to, name, type);
      }
    }
  }

  const root = asObject(importers['.']) ?? {};
  checkDirect(file, project.manifest, 'package.json', (name) =>
    IMPORTER_SECTIONS.some(([section]) => asObject(root[section])?.[name] !== undefined),
  );
  return {
    file,
    format,
    rootName: typeof project.manifest?.name === 'string' ? project.manifest.name : null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}

/**
 * YAML via js-yaml (the parser pnpm itself uses), reached through @yarnpkg/parsers' parseSyml: its
 * failsafe schema reads every scalar as a string, which is all a lockfile needs, and it is several
 * times faster than the `yaml` package on large lockfiles.
 */
function parseYaml(file: string, text: string): Record<string, unknown> {
  // Newer pnpm may put a small document (the config dependencies) before the lockfile proper.
  const split = text.lastIndexOf('\n---\n');
  const body = split === -1 ? text : text.slice(split + 5);
  const offset = split === -1 ? 0 : lineAt(text, split + 1);
  let doc: unknown;
  try {
    doc = parseSyml(body);
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw parseError(
      file,
      `not valid YAML: ${reason}`,
      typeof mark?.line === 'number' ? { line: offset + mark.line + 1 } : {},
    );
  }
  const obj = asObject(doc);
  if (!obj) throw parseError(file, 'a pnpm lockfile must be a YAML mapping', { line: offset + 1 });
  return obj;
}

function withoutPeers(key: string): string {
  const paren = key.indexOf('(');
  return paren === -1 ? key : key.slice(0, paren);
}

/** The name and version in a package key: `/name/1.0.0_peer@2` (5.x), `/name@1.0.0(peer@2)` (6.x), `name@1.0.0(peer@2)` (9.x). */
function parseKey(key: string, format: LockfileFormat): { name: string; version: string } | null {
  if (format === 'pnpm-v5') {
    if (!key.startsWith('/')) return null;
    const parts = key.slice(1).split('/');
    const scoped = parts[0]!.startsWith('@');
    const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0]!;
    const version = parts[scoped ? 2 : 1];
    if (!version) return null;
    const underscore = version.indexOf('_');
    return { name, version: underscore === -1 ? version : version.slice(0, underscore) };
  }
  const ident = splitIdent(withoutPeers(format === 'pnpm-v6' && key.startsWith('/') ? key.slice(1) : key));
  if (!ident || ident.name.includes(':') || ident.version.includes(':')) return null;
  return ident;
}

/** The package key that a dependency reference points to (pnpm's `refToRelative`); null for a link. */
function refToKey(name: string, ref: string, format: LockfileFormat): string | null {
  if (ref.startsWith('link:')) return null;
  if (format === 'pnpm-v9') {
    const at = ref.indexOf('@', 1);
    const paren = ref.indexOf('(');
    const colon = ref.indexOf(':');
    // `jquery@3.0.0-rc1`: an alias names the real package; `1.0.0(peer@2)` is this package's version.
    if (at > 0 && (paren === -1 || at < paren) && (colon === -1 || at < colon)) return ref;
    return `${name}@${ref}`;
  }
  if (ref.startsWith('/') || ref.startsWith('file:')) return ref;
  if (withoutPeers(ref).includes('/')) return ref;
  return format === 'pnpm-v5' ? `/${name}/${ref}` : `/${name}@${ref}`;
}
