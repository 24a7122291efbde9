import { NswgError } from '../../errors.js';
import type { DepType } from '../graph.js';
import { asDeps, asObject, textOf } from './parse.js';

/** The parts of a package.json that the extractors read. */
export interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  workspaces?: string[] | { packages?: string[] };
}

/** `npm:real@range` → the real package and its range; null for any other spec. */
export function parseAliasSpec(spec: string): { name: string; range: string } | null {
  if (!spec.startsWith('npm:')) return null;
  const rest = spec.slice(4);
  const at = rest.indexOf('@', 1);
  return at === -1 ? { name: rest, range: '*' } : { name: rest.slice(0, at), range: rest.slice(at + 1) };
}

/** `name@version` (scoped names too) → its two parts; null when there is no `@` after the name. */
export function splitIdent(ident: string): { name: string; version: string } | null {
  const at = ident.indexOf('@', 1);
  if (at <= 0) return null;
  return { name: ident.slice(0, at), version: ident.slice(at + 1) };
}

const own = (o: Record<string, unknown> | undefined, k: string): boolean =>
  o !== undefined && Object.hasOwn(o, k);

/**
 * Calls `fn` for each dependency a manifest declares, once per name, with npm's precedence (peer, then
 * prod, optional and dev: a later kind wins for a name declared twice). Allocates nothing: it runs per entry.
 */
export function forEachEdge(
  m: Manifest,
  withDev: boolean,
  fn: (name: string, spec: string, type: DepType) => void,
): void {
  const deps = asObject(m.dependencies);
  const opt = asObject(m.optionalDependencies);
  const dev = withDev ? asObject(m.devDependencies) : undefined;
  const peer = asObject(m.peerDependencies);
  if (peer) {
    const meta = asObject(m.peerDependenciesMeta);
    for (const name in peer) {
      if (own(deps, name) || own(opt, name) || own(dev, name)) continue;
      fn(name, textOf(peer[name]), asObject(meta?.[name])?.optional ? 'peerOptional' : 'peer');
    }
  }
  if (deps)
    for (const name in deps) if (!own(opt, name) && !own(dev, name)) fn(name, textOf(deps[name]), 'prod');
  if (opt) for (const name in opt) if (!own(dev, name)) fn(name, textOf(opt[name]), 'optional');
  if (dev) for (const name in dev) fn(name, textOf(dev[name]), 'dev');
}

/** The dependencies a manifest declares, by name, with their spec and kind (see forEachEdge). */
export function manifestEdges(m: Manifest, withDev: boolean): Map<string, { spec: string; type: DepType }> {
  const edges = new Map<string, { spec: string; type: DepType }>();
  forEachEdge(m, withDev, (name, spec, type) => edges.set(name, { spec, type }));
  return edges;
}

/**
 * Throws E_LOCKFILE_MISMATCH for the first direct dependency of `manifest` that the lockfile lacks:
 * `has(name, spec)` says whether the lockfile records it.
 */
export function checkDirect(
  file: string,
  manifest: Manifest | null,
  where: string,
  has: (name: string, spec: string, type: DepType) => boolean,
  kinds: ReadonlyArray<'dependencies' | 'devDependencies' | 'optionalDependencies'> = [
    'dependencies',
    'devDependencies',
    'optionalDependencies',
  ],
): void {
  if (!manifest) return;
  const typeOf = { dependencies: 'prod', devDependencies: 'dev', optionalDependencies: 'optional' } as const;
  for (const kind of kinds) {
    for (const [name, spec] of Object.entries(asDeps(manifest[kind]))) {
      if (has(name, spec, typeOf[kind])) continue;
      throw new NswgError(
        'E_LOCKFILE_MISMATCH',
        `${where} declares ${kind} "${name}": "${spec}", which the lockfile does not have (run the package manager's install to update it)`,
        { file, field: `${kind}.${name}` },
      );
    }
  }
}
