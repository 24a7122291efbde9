import { NswgError } from '../../errors.js';
import { DepGraph, type DepType } from '../graph.js';
import type { LockfileContents } from '../types.js';
import { manifestEdges } from './manifest.js';
import { lastName } from './npm-locations.js';
import { asObject, parseError, parseJson } from './parse.js';
import type { Project } from './project.js';

const SPEC_VERSIONS = new Set(['1.4', '1.5', '1.6']);
const PURL_NPM = 'pkg:npm/';

function property(c: Record<string, unknown>, name: string): string | undefined {
  if (!Array.isArray(c.properties)) return undefined;
  for (const p of c.properties) {
    const o = asObject(p);
    if (o?.name === name && typeof o.value === 'string') return o.value;
  }
  return undefined;
}

/** `pkg:npm/%40scope/name@1.0.0?qualifiers#subpath` → its name and version. */
function parsePurl(purl: string): { name: string; version: string } | null {
  let rest = purl.slice(PURL_NPM.length);
  const cut = rest.search(/[?#]/);
  if (cut !== -1) rest = rest.slice(0, cut);
  const at = rest.lastIndexOf('@');
  if (at <= 0) return null;
  try {
    return { name: decodeURIComponent(rest.slice(0, at)), version: decodeURIComponent(rest.slice(at + 1)) };
  } catch {
    return null;
  }
}

/**
 * Reads a CycloneDX JSON SBOM (1.4 to 1.6): the npm components (purl `pkg:npm/…`, nested components
 * too), the `dependencies` graph for paths, and dev/optional where the generator records them
 * (cyclonedx-npm: the `cdx:npm:package:development` property and `scope: optional`).
 */
export async function extractCycloneDx(
  file: string,
  text: string,
  project: Project,
): Promise<LockfileContents> {
  const bom = asObject(parseJson(file, text));
  if (bom?.bomFormat !== 'CycloneDX')
    throw parseError(file, 'not a CycloneDX SBOM (no "bomFormat": "CycloneDX")');
  if (typeof bom.specVersion !== 'string' || !SPEC_VERSIONS.has(bom.specVersion))
    throw new NswgError(
      'E_LOCKFILE_VERSION',
      `CycloneDX specVersion ${JSON.stringify(bom.specVersion)} is not one this scanner reads (1.4 to 1.6)`,
      {
        file,
        field: 'specVersion',
      },
    );
  const rootComponent = asObject(asObject(bom.metadata)?.component);
  const rootRef = typeof rootComponent?.['bom-ref'] === 'string' ? rootComponent['bom-ref'] : null;

  // cyclonedx-npm lists workspaces as private components; the root package.json says where they live.
  const wsPathByName = new Map<string, string>();
  for (const path of await project.workspacePaths()) {
    const name = (await project.manifestAt(path))?.name;
    if (typeof name === 'string') wsPathByName.set(name, path);
  }

  const graph = new DepGraph();
  const refs = new Map<string, number>();
  if (rootRef) refs.set(rootRef, graph.root);
  const installNames = new Map<number, string>();
  /** What the generator recorded: cyclonedx-npm's "development" is npm's dev or devOptional. */
  const recorded: { id: number; dev: boolean; optional: boolean }[] = [];
  const projects = new Map<number, Map<string, { type: DepType }>>();
  const walk = (list: unknown, field: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const c = asObject(raw);
      if (!c) return;
      const at = `${field}[${i}]`;
      walk(c.components, `${at}.components`);
      // Not npm, or (scope "excluded") an optional package that is not installed.
      if (typeof c.purl !== 'string' || !c.purl.startsWith(PURL_NPM) || c.scope === 'excluded') return;
      const ref = typeof c['bom-ref'] === 'string' ? c['bom-ref'] : at;
      const purl = parsePurl(c.purl);
      if (!purl || purl.version === '')
        throw parseError(file, `component "${ref}" has no version in its purl`, { field: `${at}.purl` });
      const path = property(c, 'cdx:npm:package:path');
      if (property(c, 'cdx:npm:package:private') === 'true') {
        const ws =
          wsPathByName.get(purl.name) ?? (path && !path.includes('node_modules/') ? path : purl.name);
        const id = graph.addWorkspace(ws);
        refs.set(ref, id);
        pending.push(
          project.manifestAt(ws).then((m) => void projects.set(id, m ? manifestEdges(m, true) : new Map())),
        );
        return;
      }
      const installName = path ? lastName(path) : purl.name;
      const id = graph.addPackage({
        name: purl.name,
        version: purl.version,
        location: path || ref,
        alias: installName,
      });
      recorded.push({
        id,
        dev: property(c, 'cdx:npm:package:development') === 'true',
        optional: c.scope === 'optional',
      });
      installNames.set(id, installName);
      refs.set(ref, id);
    });
  };
  const pending: Promise<void>[] = [];
  walk(bom.components, 'components');
  await Promise.all(pending);
  if (project.manifest) projects.set(graph.root, manifestEdges(project.manifest, true));
  const byId = new Map(recorded.map((r) => [r.id, r]));
  // Edge kinds: a project's from its package.json; otherwise guessed from what the target was recorded as.
  const kindOf = (from: number, to: number, name: string): DepType => {
    const declared = projects.get(from)?.get(name)?.type;
    if (declared) return declared;
    const t = byId.get(to);
    const f = byId.get(from);
    if (t?.optional && !f?.optional) return 'optional';
    return t?.dev && !f ? 'dev' : 'prod';
  };

  const wsIds = new Set([...refs.values()].filter((id) => id !== graph.root && !installNames.has(id)));
  for (const raw of Array.isArray(bom.dependencies) ? bom.dependencies : []) {
    const d = asObject(raw);
    const from = typeof d?.ref === 'string' ? refs.get(d.ref) : undefined;
    if (from === undefined || !Array.isArray(d?.dependsOn)) continue;
    for (const target of d.dependsOn) {
      const to = typeof target === 'string' ? refs.get(target) : undefined;
      if (to === undefined || to === graph.root || (from === graph.root && wsIds.has(to))) continue;
      const name = installNames.get(to) ?? '';
      graph.addEdge(from, to, name, kindOf(from, to, name));
    }
  }
  const rootName =
    typeof rootComponent?.name === 'string'
      ? typeof rootComponent.group === 'string' && rootComponent.group
        ? `${rootComponent.group}/${rootComponent.name}`
        : rootComponent.name
      : null;
  const packages = graph.toPackages();
  // The generator's flags win; the graph only tells devOptional (reached both ways) from dev.
  packages.forEach((p, i) => {
    const r = recorded[i]!;
    p.optional = r.optional;
    p.devOptional = r.dev && !r.optional && p.devOptional;
    p.dev = r.dev && !p.devOptional;
    p.peer = false;
  });
  return { file, format: 'cyclonedx', rootName, workspaces: graph.workspacePaths(), packages };
}
