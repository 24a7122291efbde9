import {
  type Advisory,
  bulkIdOf,
  malwareCwes,
  malwareTitle,
  type Severity,
  severityOf,
} from '../../advisories/index.js';
import { entriesHolding } from '../../scan/index.js';
import { compareVersions, parseVersion } from '../../versions/index.js';
import { httpError } from '../http-error.js';
import type { JsonLimits } from '../json-limits.js';
import { type AdvisoryLookup, type AliasGroup, aliasAnswers, type CachedAdvisory } from './lookup.js';

/** How deep a dependency tree may nest, and how many nodes it may have, before it is refused. */
const MAX_DEPTH = 1000;
export const MAX_NODES = 25_000;

/**
 * The body limits of the tree endpoints, sized to MAX_NODES nodes as clients send them: a node of
 * an npm 6 tree (version, resolved URL, integrity, requires) is about 260 bytes and 13 JSON values
 * (measured on a real lockfile), so 320 bytes and 16 values a node; each level of the tree is two
 * levels of JSON (the node and its `dependencies`), and a few more let the walk say how deep a tree
 * just past MAX_DEPTH is. 25,000 nodes is several times the largest
 * real projects' trees; it is what the server's heap allows: such a body is about 12 MB of heap
 * once parsed (26 MB at most for 400,000 values of any shape).
 */
export const TREE_LIMITS: JsonLimits = {
  bytes: MAX_NODES * 320,
  values: MAX_NODES * 16,
  depth: 2 * MAX_DEPTH + 8,
  reason: `sized for ${MAX_NODES} dependency tree nodes`,
};

/** One installed package version and where the tree has it. */
interface Occurrence {
  paths: Set<string>;
  dev: boolean;
  optional: boolean;
  bundled: boolean;
}

/** What the tree holds: name → version → occurrences, and the counts npm v6 reported. */
interface TreeSummary {
  packages: Map<string, Map<string, Occurrence>>;
  dependencies: number;
  devDependencies: number;
  optionalDependencies: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks an npm v6 style dependency tree (`{dependencies: {name: {version, dev, dependencies}}}`,
 * what yarn 1 and pnpm send): every installed name and version with its paths (`a>b>c`).
 */
export function walkTree(tree: unknown): TreeSummary {
  const out: TreeSummary = {
    packages: new Map(),
    dependencies: 0,
    devDependencies: 0,
    optionalDependencies: 0,
  };
  const stack: { deps: unknown; path: string; depth: number }[] = [
    { deps: isObject(tree) ? tree.dependencies : undefined, path: '', depth: 0 },
  ];
  let nodes = 0;
  while (stack.length) {
    const { deps, path, depth } = stack.pop()!;
    if (!isObject(deps)) continue;
    if (depth > MAX_DEPTH)
      throw httpError(400, 'E_REQUEST_INVALID', `the dependency tree nests deeper than ${MAX_DEPTH} levels`);
    for (const [name, node] of Object.entries(deps)) {
      if (!isObject(node)) continue;
      if (++nodes > MAX_NODES)
        throw httpError(413, 'E_BODY_TOO_LARGE', `the dependency tree has more than ${MAX_NODES} nodes`);
      const p = path ? `${path}>${name}` : name;
      const dev = node.dev === true;
      const optional = node.optional === true;
      if (dev) out.devDependencies++;
      else out.dependencies++;
      if (optional) out.optionalDependencies++;
      if (typeof node.version === 'string' && node.version) {
        let versions = out.packages.get(name);
        if (!versions) {
          versions = new Map();
          out.packages.set(name, versions);
        }
        let o = versions.get(node.version);
        if (!o) {
          o = { paths: new Set(), dev: true, optional: true, bundled: true };
          versions.set(node.version, o);
        }
        o.paths.add(p);
        o.dev &&= dev;
        o.optional &&= optional;
        o.bundled &&= node.bundled === true;
      }
      stack.push({ deps: node.dependencies, path: p, depth: depth + 1 });
    }
  }
  return out;
}

/** The advisory shape of npm's retired /-/npm/v1/security/audits answers. */
export interface LegacyAdvisory {
  findings: { version: string; paths: string[]; dev: boolean; optional: boolean; bundled: boolean }[];
  id: number;
  title: string;
  module_name: string;
  vulnerable_versions: string;
  patched_versions: string;
  overview: string;
  recommendation: string;
  references: string;
  severity: Severity;
  cwe: string;
  cves: string[];
  cvss: { score: number; vectorString: string | null };
  access: 'public';
  url: string;
  created: string;
  updated: string;
  deleted: null;
  found_by: { name: string } | null;
  reported_by: { name: string } | null;
  metadata: { module_type: string; exploitability: number; affected_components: string };
  github_advisory_id?: string;
}

export interface LegacyAuditReport {
  actions: {
    action: 'review';
    module: string;
    resolves: { id: number; path: string; dev: boolean; optional: boolean; bundled: boolean }[];
  }[];
  advisories: Record<string, LegacyAdvisory>;
  muted: unknown[];
  metadata: {
    vulnerabilities: Record<Severity, number>;
    dependencies: number;
    devDependencies: number;
    optionalDependencies: number;
    totalDependencies: number;
  };
  runId: string;
}

function legacyAdvisory(
  a: Advisory,
  id: number,
  name: string,
  entry: Advisory['affected'][number],
  url: string,
  malicious: boolean,
): Omit<LegacyAdvisory, 'findings'> {
  const score = a.cvss?.score;
  const finder = a.credits.find((c) => c.type === 'FINDER') ?? a.credits[0];
  const reporter = a.credits.find((c) => c.type === 'REPORTER') ?? finder;
  const ghsa = a.id.startsWith('GHSA-') ? a.id : a.aliases.find((x) => x.startsWith('GHSA-'));
  const cwes = a.weaknesses.map((w) => w.id);
  return {
    id,
    // malware as GitHub's advisories say it, the only way npm and yarn show it: critical, CWE-506
    title: malicious ? malwareTitle(a.title ?? a.id) : (a.title ?? a.id),
    module_name: name,
    vulnerable_versions: entry.vulnerable,
    // npm v6 wrote "<0.0.0" for "no fix yet"
    patched_versions: entry.patched ?? '<0.0.0',
    overview: a.details ?? '',
    recommendation: a.recommendation ?? '',
    references: a.references.map((r) => r.url).join('\n'),
    severity: malicious ? 'critical' : severityOf(a),
    cwe: (malicious ? malwareCwes(cwes) : cwes).join(', '),
    cves: a.aliases.filter((x) => x.startsWith('CVE-')),
    cvss: { score: typeof score === 'number' && score > 0 ? score : 0, vectorString: a.cvss?.vector ?? null },
    access: 'public',
    url,
    created: a.created ?? a.published ?? a.modified,
    updated: a.modified,
    deleted: null,
    found_by: finder ? { name: finder.name } : null,
    reported_by: reporter ? { name: reporter.name } : null,
    metadata: { module_type: '', exploitability: 0, affected_components: '' },
    ...(ghsa ? { github_advisory_id: ghsa } : {}),
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The answer of the retired audit endpoints for a dependency tree: each affected package version
 * with its paths (`findings`), a `review` action per advisory and the counts. Records of one
 * vulnerability (aliases of each other) are one advisory, the record naming it; malware is marked. The server decides
 * the matches, with npm's semver options, as the registry did.
 */
export async function legacyAudit(
  tree: unknown,
  lookup: AdvisoryLookup,
  urlOf: (id: string) => string,
): Promise<LegacyAuditReport> {
  const summary = walkTree(tree);
  const advisories: Record<string, LegacyAdvisory> = Object.create(null);
  const actions: LegacyAuditReport['actions'] = [];
  const vulnerabilities: Record<Severity, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  const names = [...summary.packages.keys()].sort(byText);
  const lists = await lookup.packagesFor(
    'npm',
    new Map(names.map((name) => [name, [...summary.packages.get(name)!.keys()]])),
  );
  for (const name of names) {
    const versions = summary.packages.get(name)!;
    const parsed = [...versions.keys()].map((v) => [v, parseVersion(v)] as const);
    const holding = (c: CachedAdvisory, k: number) => entriesHolding(c, 'npm', name, ...parsed[k]!);
    // records of one vulnerability (aliases of each other): per version, only the one naming it answers
    const answers = new Map<AliasGroup, Map<CachedAdvisory, number[][]>>();
    for (const c of lists.get(name)!) {
      // not loaded: it holds none of the versions (packagesFor)
      if (!c.loaded) continue;
      const findings: LegacyAdvisory['findings'] = [];
      let entryIndex = -1;
      let answer: number[][] | undefined;
      if (c.aliasGroup) {
        let group = answers.get(c.aliasGroup);
        if (!group) {
          group = aliasAnswers(c.aliasGroup, parsed.length, holding);
          answers.set(c.aliasGroup, group);
        }
        answer = group.get(c);
      }
      for (const [k, [version]] of parsed.entries()) {
        const hits = answer ? answer[k]! : holding(c, k);
        if (!hits.length) continue;
        if (entryIndex < 0) entryIndex = hits[0]!;
        const o = versions.get(version)!;
        findings.push({
          version,
          paths: [...o.paths].sort(byText),
          dev: o.dev,
          optional: o.optional,
          bundled: o.bundled,
        });
      }
      if (!findings.length) continue;
      const a = await lookup.record(c);
      if (!a) continue;
      findings.sort((x, y) => compareVersions(x.version, y.version));
      // an advisory naming two packages of the tree is listed once per package, under distinct numbers
      let id = bulkIdOf(a.id);
      if (advisories[String(id)]) id = bulkIdOf(`${a.id}/${name}`);
      const advisory = {
        findings,
        ...legacyAdvisory(a, id, name, a.affected[entryIndex]!, urlOf(a.id), c.malicious),
      };
      advisories[String(id)] = advisory;
      vulnerabilities[advisory.severity] += findings.reduce((n, f) => n + f.paths.length, 0);
      actions.push({
        action: 'review',
        module: name,
        resolves: findings
          .flatMap((f) =>
            f.paths.map((path) => ({ id, path, dev: f.dev, optional: f.optional, bundled: f.bundled })),
          )
          .sort((x, y) => byText(x.path, y.path)),
      });
    }
  }
  return {
    actions,
    advisories: Object.fromEntries(Object.entries(advisories)),
    muted: [],
    metadata: {
      vulnerabilities,
      dependencies: summary.dependencies,
      devDependencies: summary.devDependencies,
      optionalDependencies: summary.optionalDependencies,
      totalDependencies: summary.dependencies + summary.devDependencies,
    },
    runId: 'nswg',
  };
}
