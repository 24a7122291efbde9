import {
  bulkIdOf,
  malwareCwes,
  malwareTitle,
  type Severity,
  severityRank,
  wgUrlOf,
} from '../../advisories/index.js';
import { satisfies } from '../../versions/index.js';
import type { AuditReport, Finding } from '../findings.js';
import { omitPackages } from '../policy.js';
import type { InstalledPackage, LockfileContents } from '../types.js';
import type { RenderOptions } from './common.js';

/** One advisory as npm audit lists it in `via`. */
export interface NpmVia {
  source: number;
  name: string;
  dependency: string;
  title: string;
  url: string;
  severity: Severity;
  cwe: string[];
  cvss: { score: number; vectorString: string | null };
  range: string;
}

/** One entry of `vulnerabilities` (npm's Vuln#toJSON). */
export interface NpmVulnerability {
  name: string;
  severity: Severity;
  isDirect: boolean;
  via: (NpmVia | string)[];
  effects: string[];
  range: string;
  nodes: string[];
  fixAvailable: boolean;
}

/** `npm audit --json`, auditReportVersion 2. */
export interface NpmAuditReport {
  auditReportVersion: 2;
  vulnerabilities: Record<string, NpmVulnerability>;
  metadata: {
    vulnerabilities: Record<Severity, number> & { total: number };
    dependencies: AuditReport['dependencies'];
  };
}

/** An installed package with the reverse edges the extractor may record. */
type Node = InstalledPackage & { dependents?: readonly string[] };

/**
 * What npm's metavuln-calculator calls an advisory: a real one (`dependency === name`) or a
 * metavuln ("depends on a vulnerable version of `dependency`"), which npm computes for every
 * dependent of a vulnerable copy.
 */
interface Adv {
  key: string;
  name: string;
  dependency: string;
  severity: Severity;
  /** The vulnerable range (npm's `range`); metavulns without package metadata get `<0.0.0-0`. */
  range: string;
  via: NpmVia | null;
  /** The versions found vulnerable (npm memoizes metavuln results by version). */
  vulnerable: Set<string>;
  /** The package is malware (or, for a metavuln, depends on it): no fix but removing it. */
  malicious: boolean;
}

interface Vuln {
  name: string;
  advisories: Adv[];
  nodes: Set<Node>;
  /** A project (the root or a workspace) depends on one of its copies. */
  top: boolean;
}

// npm sorts with the 'en' collation; the collator loads ICU data (tens of ms), so only when this format is written
let collator: Intl.Collator | null = null;
const compare = (a: string, b: string): number => {
  collator ??= new Intl.Collator('en');
  return collator.compare(a, b);
};

function testVersion(a: Adv, version: string): boolean {
  return a.via ? satisfies(version, a.range) : a.vulnerable.has(version);
}

/**
 * A finding as npm's bulk data for it: one per vulnerability (its records joined, named by one id),
 * malware titled and classed as GitHub's malware advisories are (npm's shape has no other place).
 */
function viaOf(f: Finding): NpmVia {
  const score = f.advisory.cvss?.score;
  const cwe = f.advisory.weaknesses.map((w) => w.id);
  return {
    source: bulkIdOf(f.id),
    name: f.name,
    dependency: f.name,
    title: f.malicious ? malwareTitle(f.title) : f.title,
    url: wgUrlOf(f.id),
    severity: f.severity,
    cwe: f.malicious ? malwareCwes(cwe) : cwe,
    cvss: {
      score: typeof score === 'number' && score > 0 ? score : 0,
      vectorString: f.advisory.cvss?.vector ?? null,
    },
    range: f.range,
  };
}

/**
 * The installed packages to walk: the lockfiles' when they carry the reverse dependency graph, else
 * the findings' own copies (direct when one of their paths says so).
 */
function inventory(report: AuditReport, opts: RenderOptions) {
  const lockfiles: readonly LockfileContents[] = opts.lockfiles ?? [];
  const projects = new Set(['', ...report.project.workspaces, ...lockfiles.flatMap((l) => l.workspaces)]);
  let all: Node[] = lockfiles.flatMap((l) => l.packages);
  const graph = all.some((p) => p.dependents !== undefined);
  let audited: Set<Node>;
  if (graph) audited = new Set(opts.omit?.size ? omitPackages(all, opts.omit) : all);
  else {
    const copies = new Map<string, Node>();
    for (const f of report.findings) {
      const direct = f.paths.some((p) => p.length === 2 || (p.length === 3 && projects.has(p[1]!)));
      for (const location of f.locations) {
        const key = `${f.name}\u0000${f.version}\u0000${location}`;
        if (!copies.has(key)) copies.set(key, { ...copyOf(f, location), dependents: direct ? [''] : [] });
      }
    }
    all = [...copies.values()];
    audited = new Set(all);
  }
  const byName = new Map<string, Node[]>();
  const byLocation = new Map<string, Node>();
  for (const p of all) {
    const list = byName.get(p.name);
    if (list) list.push(p);
    else byName.set(p.name, [p]);
    if (!byLocation.has(p.location)) byLocation.set(p.location, p);
  }
  return { graph, audited, projects, byName, byLocation };
}

function copyOf(f: Finding, location: string): InstalledPackage {
  return {
    name: f.name,
    version: f.version,
    location,
    paths: f.paths.map((p) => [...p]),
    dev: f.dev,
    optional: f.optional,
    devOptional: false,
    peer: false,
    workspaces: [...f.workspaces],
  };
}

/**
 * The findings as `npm audit --json` (auditReportVersion 2) reports them, so that tools built on npm
 * audit read them unchanged. It follows npm's Arborist audit report as npm computes it without
 * package metadata (nswg has none): every package that depends on a vulnerable copy is itself
 * listed, up to the project's direct dependencies, as "depends on a vulnerable package" (a name in
 * `via`), with `range: ""` and `fixAvailable: false`. That needs the lockfiles' reverse dependency
 * graph (`dependents` of each installed package); without it only the vulnerable packages are listed.
 * Malware is critical, titled as malware, and never `fixAvailable`: it is to be removed.
 */
export function npmAudit(report: AuditReport, opts: RenderOptions = {}): NpmAuditReport {
  const { graph, audited, projects, byName, byLocation } = inventory(report, opts);
  const dependentsOf = (n: Node): readonly string[] => n.dependents ?? [];

  // npm's calculator: one advisory per (package, source advisory), reused when met again
  const queue: Adv[] = [];
  const inQueue = new Set<Adv>();
  const calculated = new Map<string, Adv>();
  const add = (a: Adv) => {
    if (!inQueue.has(a)) {
      inQueue.add(a);
      queue.push(a);
    }
  };
  for (const f of report.findings) {
    const key = `${f.name}\u0000${f.id}\u0000${f.range}`;
    if (calculated.has(key)) continue;
    const a: Adv = {
      key,
      name: f.name,
      dependency: f.name,
      severity: f.severity,
      range: f.range,
      via: viaOf(f),
      vulnerable: new Set(),
      malicious: f.malicious,
    };
    calculated.set(key, a);
    add(a);
  }
  const metavuln = (name: string, source: Adv): Adv => {
    const key = `${name}\u0000${source.key}`;
    let a = calculated.get(key);
    if (!a) {
      a = {
        key,
        name,
        dependency: source.name,
        severity: source.severity,
        range: '<0.0.0-0',
        via: null,
        vulnerable: new Set(),
        malicious: source.malicious,
      };
      calculated.set(key, a);
    }
    return a;
  };

  // Arborist's AuditReport#init, step by step (including what it skips: a copy already marked is
  // not walked again, and a name@range is searched once)
  const vulns = new Map<string, Vuln>();
  const seen = new Set<string>();
  for (let i = 0; i < queue.length; i++) {
    const advisory = queue[i]!;
    let vuln = vulns.get(advisory.name);
    if (!vuln) {
      vuln = { name: advisory.name, advisories: [], nodes: new Set(), top: false };
      vulns.set(advisory.name, vuln);
    }
    if (!vuln.advisories.includes(advisory)) vuln.advisories.push(advisory);
    const k = `${advisory.name}@${advisory.range}`;
    if (!seen.has(k)) {
      for (const node of byName.get(advisory.name) ?? []) {
        if (!audited.has(node) || !testVersion(advisory, node.version) || vuln.nodes.has(node)) continue;
        vuln.nodes.add(node);
        for (const dep of dependentsOf(node)) {
          const from = byLocation.get(dep);
          if (!from || projects.has(dep)) {
            if (projects.has(dep)) vuln.top = true;
            continue;
          }
          // without package metadata, npm finds every dependent's spec vulnerable
          const meta = metavuln(from.name, advisory);
          meta.vulnerable.add(from.version);
          add(meta);
        }
      }
      seen.add(k);
    }
    if (vuln.nodes.size === 0) {
      vulns.delete(advisory.name);
      continue;
    }
    const nodes = [...vuln.nodes];
    vuln.advisories = vuln.advisories.filter((a) => nodes.some((n) => testVersion(a, n.version)));
  }

  // via links, effects, and fixAvailable (false from every project-level dependency down its vias)
  const effects = new Map<string, Set<string>>();
  const vias = new Map<string, Set<string>>();
  for (const v of vulns.values()) {
    for (const a of v.advisories) {
      if (a.via || !vulns.has(a.dependency)) continue;
      (vias.get(v.name) ?? vias.set(v.name, new Set()).get(v.name)!).add(a.dependency);
      (effects.get(a.dependency) ?? effects.set(a.dependency, new Set()).get(a.dependency)!).add(v.name);
    }
  }
  const noFix = new Set<string>();
  const stack = [...vulns.values()].filter((v) => v.top).map((v) => v.name);
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (noFix.has(name)) continue;
    noFix.add(name);
    stack.push(...(vias.get(name) ?? []));
  }

  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: vulns.size };
  const vulnerabilities: Record<string, NpmVulnerability> = {};
  for (const name of [...vulns.keys()].sort(compare)) {
    const v = vulns.get(name)!;
    let severity: Severity = v.advisories[0]?.severity ?? 'high';
    for (const a of v.advisories)
      if (severityRank(a.severity) > severityRank(severity)) severity = a.severity;
    counts[severity]++;
    const isDirect = [...v.nodes].some((n) => dependentsOf(n).some((d) => projects.has(d)));
    vulnerabilities[name] = {
      name,
      severity,
      isDirect,
      via: v.advisories
        .map((a): NpmVia | string => a.via ?? a.dependency)
        .sort((a, b) =>
          compare(typeof a === 'string' ? a : String(a.source), typeof b === 'string' ? b : String(b.source)),
        ),
      effects: [...(effects.get(name) ?? [])].sort(compare),
      range: '',
      nodes: [...v.nodes].map((n) => n.location).sort(compare),
      // malware, and what depends on it, is removed: no upgrade fixes it
      fixAvailable: graph && !noFix.has(name) && !v.advisories.some((a) => a.malicious),
    };
  }
  return {
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: counts, dependencies: { ...report.dependencies } },
  };
}

/** `--format npm`: the `npm audit --json` document. */
export function renderNpm(report: AuditReport, opts: RenderOptions = {}): string {
  return `${JSON.stringify(npmAudit(report, opts), null, 2)}\n`;
}
