import { type Advisory, SEVERITIES, type Severity } from '../advisories/model.js';
import { parseVersion } from '../versions/index.js';
import type { AuditReport, DatabaseInfo } from './findings.js';
import { applyIgnores, type IgnoreEntry } from './ignore.js';
import { matchFindings } from './match.js';
import { checkNode, type ReleaseSchedule } from './node-check.js';
import { type OmitKind, omitPackages } from './policy.js';
import type { InstalledPackage, LockfileContents } from './types.js';

/** Where the advisories come from: the local database or a server's API. */
export interface AdvisorySource {
  describe(): Promise<DatabaseInfo>;
  /**
   * Advisories for these npm package names (only names with advisories appear). `versions` gives
   * the versions installed of each: a source may leave out advisories that hold none of them.
   */
  forPackages(
    names: readonly string[],
    versions?: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, Advisory[]>>;
  /**
   * The Node.js core advisories. With `version` (a Node.js version as parseVersion gives it), a
   * source may leave out those that hold no such version.
   */
  core(version?: string): Promise<Advisory[]>;
}

export interface AuditOptions {
  omit: ReadonlySet<OmitKind>;
  ignore: readonly IgnoreEntry[];
  auditLevel: Severity;
  /** The Node.js to check, and the release schedule that says whether its line is end-of-life; null: do not check Node.js. */
  node: { version: string; platform: string; schedule: ReleaseSchedule } | null;
  today: Date;
}

/** Counts installed packages the way npm audit's metadata.dependencies does. */
function countDependencies(
  lockfiles: readonly LockfileContents[],
  packages: readonly InstalledPackage[],
): AuditReport['dependencies'] {
  const d = { prod: 0, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 0 };
  // npm's tree also holds the root and, for each workspace, its link and its folder: all prod
  const roots = lockfiles.reduce((n, l) => n + 1 + 2 * l.workspaces.length, 0);
  d.prod += roots;
  // indexes, not for…of: run once, over thousands of packages, an iterator's results are garbage
  for (let i = 0; i < packages.length; i++) {
    const p = packages[i]!;
    let prod = true;
    if (p.dev) {
      d.dev++;
      prod = false;
    }
    if (p.optional) {
      d.optional++;
      prod = false;
    }
    if (p.peer) {
      d.peer++;
      prod = false;
    }
    if (prod) d.prod++;
  }
  d.total = roots + packages.length - lockfiles.length;
  return d;
}

/**
 * The versions installed of each package name, each once, in the order met. Arrays, not sets: most
 * names have one version, and an audit makes this for thousands of names.
 */
function versionsByName(packages: readonly InstalledPackage[]): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (let i = 0; i < packages.length; i++) {
    const p = packages[i]!;
    const list = versions.get(p.name);
    if (!list) versions.set(p.name, [p.version]);
    else if (!list.includes(p.version)) list.push(p.version);
  }
  return versions;
}

/** How many (name, version) pairs. */
function countVersions(versions: ReadonlyMap<string, readonly string[]>): number {
  let n = 0;
  for (const list of versions.values()) n += list.length;
  return n;
}

/**
 * Audits a project's lockfiles (and the Node.js that runs it) against an advisory source: the
 * findings npm audit would report, minus what --omit and the ignore file leave out.
 */
export async function runAudit(
  root: string,
  lockfiles: readonly LockfileContents[],
  source: AdvisorySource,
  opts: AuditOptions,
): Promise<AuditReport> {
  const all = lockfiles.flatMap((l) => l.packages);
  const packages = omitPackages(all, opts.omit);
  const versions = versionsByName(packages);
  const [advisories, core, database] = await Promise.all([
    source.forPackages([...versions.keys()], versions),
    opts.node ? source.core(parseVersion(opts.node.version.trim())?.version) : Promise.resolve([]),
    source.describe(),
  ]);
  const matched = matchFindings(packages, advisories);
  const { findings, ignored, expired } = applyIgnores(matched, opts.ignore, opts.today);
  const node = opts.node
    ? checkNode(opts.node.version, opts.node.platform, core, opts.today, opts.node.schedule)
    : null;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  return {
    findings,
    ignored,
    expiredIgnores: expired.map((e) => ({
      id: e.id,
      package: e.package,
      reason: e.reason,
      expires: e.expires!,
    })),
    node,
    project: {
      root,
      name: lockfiles[0]?.rootName ?? null,
      lockfiles: lockfiles.map((l) => ({ file: l.file, format: l.format })),
      workspaces: [...new Set(lockfiles.flatMap((l) => l.workspaces))].sort(),
    },
    dependencies: countDependencies(lockfiles, all),
    database,
    auditLevel: opts.auditLevel,
    summary: {
      total: findings.length,
      bySeverity,
      packages: countVersions(opts.omit.size === 0 ? versions : versionsByName(all)),
    },
  };
}
