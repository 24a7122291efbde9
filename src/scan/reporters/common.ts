import { basename, relative } from 'node:path';
import { freshnessLabel, staleNpmData, staleNpmWarning } from '../../advisories/freshness.js';
import { type AdvisoryRef, advisoryPageUrl } from '../../advisories/ids.js';
import { SEVERITIES, type Severity } from '../../advisories/model.js';
import { severityRank } from '../../advisories/severity.js';
import { parseVersion } from '../../versions/index.js';
import type { AuditReport, DatabaseInfo, Finding, ScannedLockfile } from '../findings.js';
import type { OmitKind } from '../policy.js';
import type { LockfileContents } from '../types.js';

/** What a reporter may be given besides the report; every field is optional. */
export interface RenderOptions {
  /** Colour the text report (ANSI escapes); the CLI decides: a terminal, no NO_COLOR, no --output. */
  color?: boolean;
  /** The clock for ages and timestamps (default: now). */
  now?: Date;
  /**
   * The lockfiles the audit read. The npm format needs their packages' `dependents` (the reverse
   * dependency graph) for npm's "depends on a vulnerable package" entries and `isDirect`; SARIF
   * uses them to tell which lockfile a finding is in.
   */
  lockfiles?: readonly LockfileContents[];
  /** What --omit left out: the npm format must not count dependents that were not audited. */
  omit?: ReadonlySet<OmitKind>;
  /** Reads a lockfile's text (SARIF: the line of a package's entry); without it results point at line 1. */
  readLockfile?: (file: string) => string | undefined;
  /** nswg's own version, named as the tool in SARIF and CycloneDX. */
  toolVersion?: string;
  /** The base URL of the nswg server whose advisory pages the report links to (none: pages elsewhere). */
  advisoryServer?: string;
}

/** The link to each advisory's readable page, for the options' server (advisories/ids.ts). */
export function advisoryLinks(opts: RenderOptions): (a: AdvisoryRef) => string {
  return (a) => advisoryPageUrl(a, opts.advisoryServer);
}

/** The findings of one installed package version, in report order. */
export interface PackageGroup {
  name: string;
  version: string;
  findings: Finding[];
}

/** Groups findings (sorted by name, version, id) by package name and version. */
export function groupByPackage(findings: readonly Finding[]): PackageGroup[] {
  const out: PackageGroup[] = [];
  for (const f of findings) {
    const last = out[out.length - 1];
    if (last && last.name === f.name && last.version === f.version) last.findings.push(f);
    else out.push({ name: f.name, version: f.version, findings: [f] });
  }
  return out;
}

/** One fix for several findings of a package: the highest fixed version, and the findings no version fixes yet. */
export function combinedFix(findings: readonly Finding[]): { version: string | null; unfixed: Finding[] } {
  let best: string | null = null;
  const unfixed: Finding[] = [];
  for (const f of findings) {
    const v = f.fix.version;
    if (v === null) unfixed.push(f);
    else if (best === null || compareVersions(v, best) > 0) best = v;
  }
  return { version: best, unfixed };
}

/** What malware asks of the user, in every report: no version of it is to be kept. */
export const REMOVE_MALWARE = 'malware: remove this package';

/** What to do about the findings of one package version: remove it (malware), upgrade it, or wait. */
export type PackageFix =
  | { kind: 'remove' }
  | { kind: 'upgrade'; version: string; unfixed: Finding[] }
  | { kind: 'none' };

/** The one thing to do about a package's findings: malware is removed, never upgraded. */
export function packageFix(findings: readonly Finding[]): PackageFix {
  if (findings.some((f) => f.malicious)) return { kind: 'remove' };
  const { version, unfixed } = combinedFix(findings);
  return version === null ? { kind: 'none' } : { kind: 'upgrade', version, unfixed };
}

/** How many installed package versions among the findings are malware. */
export function malwarePackages(findings: readonly Finding[]): number {
  return new Set(findings.filter((f) => f.malicious).map((f) => `${f.name}\u0000${f.version}`)).size;
}

/** "1 package is malware: remove it", "2 packages are malware: remove them". */
export function malwareSummary(packages: number): string {
  return `${plural(packages, 'package')} ${packages === 1 ? 'is' : 'are'} malware: remove ${packages === 1 ? 'it' : 'them'}`;
}

/**
 * The other ids of the vulnerability that findings sharing an id name (their records' ids, CVE
 * ids): each once, in order. The findings of one id in several package versions may each have
 * joined other records, so a report's one entry per id lists them all.
 */
export function aliasesOf(findings: readonly { id: string; aliases: readonly string[] }[]): string[] {
  const out = new Set<string>();
  for (const f of findings) for (const a of f.aliases) if (a !== f.id) out.add(a);
  return [...out];
}

/** npm's order of two versions (loose, prereleases included); unparsable ones compare as text. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return x.compare(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The highest severity of some findings (info when there are none). */
export function highestSeverity(severities: readonly Severity[]): Severity {
  let best: Severity = 'info';
  for (const s of severities) if (severityRank(s) > severityRank(best)) best = s;
  return best;
}

/** Severities from critical down to info, as reports list them. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

/** "2 critical, 5 high, 1 low": the non-zero counts, most severe first. */
export function severityCounts(counts: Readonly<Record<Severity, number>>): string {
  return SEVERITIES_DESC.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

/** "1 vulnerability", "3 vulnerabilities". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An advisory's title when it says more than its id and aliases (core advisories without one fall back to their CVE). */
export function distinctTitle(id: string, aliases: readonly string[], title: string): string | null {
  return title === id || aliases.includes(title) ? null : title;
}

/** How long ago a timestamp was, in the largest whole unit ("3 days", "5 months", "2 years"). */
export function ageOf(timestamp: string, now: Date): string | null {
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return null;
  const days = Math.floor((now.getTime() - t) / 86_400_000);
  if (days < 1) return 'less than a day';
  if (days < 60) return plural(days, 'day');
  if (days < 730) return plural(Math.floor(days / 30.44), 'month');
  return plural(Math.floor(days / 365.25), 'year');
}

/**
 * How fresh the database is, per source and ecosystem: `newest advisory: Working Group npm 2020-08-10
 * (6 years old), Working Group Node.js core 2026-04-08 (8 months old)`; null when it is empty.
 */
export function freshnessText(db: DatabaseInfo, now: Date): string | null {
  const dated = (label: string | null, t: string) => {
    const age = ageOf(t, now);
    return `${label ? `${label} ` : ''}${dayOf(t)}${age ? ` (${age} old)` : ''}`;
  };
  if (db.freshness.length)
    return `newest advisory: ${db.freshness.map((f) => dated(freshnessLabel(f), f.newest)).join(', ')}`;
  return db.newest ? `newest advisory ${dated(null, db.newest)}` : null;
}

/** The warning that the npm advisories are old (naming the command that updates them), or null. */
export function staleText(db: DatabaseInfo, now: Date): string | null {
  const stale = staleNpmData(db.freshness, now);
  return stale ? `Warning: ${staleNpmWarning(stale)}` : null;
}

/** The day of a timestamp (YYYY-MM-DD), or the text itself when it is not one. */
export function dayOf(timestamp: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(timestamp) ? timestamp.slice(0, 10) : timestamp;
}

/**
 * Text from advisories and lockfiles made safe for a terminal: control characters (ANSI escape
 * sequences start with one), line breaks and bidirectional overrides ("Trojan Source") become spaces.
 */
export function plainText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

/** A dependency path for people: `root > packages/api (workspace) > express > send`. */
export function pathText(path: readonly string[], workspaces: readonly string[]): string {
  return path.map((p, i) => (i === 1 && workspaces.includes(p) ? `${p} (workspace)` : p)).join(' > ');
}

/**
 * The lockfile a finding comes from: the one holding one of its copies (when the lockfiles are
 * given), else the first the audit read.
 */
export function lockfileOf(
  finding: Finding,
  report: AuditReport,
  lockfiles: readonly LockfileContents[] | undefined,
): ScannedLockfile | null {
  if (lockfiles && lockfiles.length > 1) {
    const where = new Set(finding.locations);
    const found = lockfiles.find((l) =>
      l.packages.some(
        (p) => p.name === finding.name && p.version === finding.version && where.has(p.location),
      ),
    );
    if (found) return { file: found.file, format: found.format };
  }
  return report.project.lockfiles[0] ?? null;
}

/** A lockfile's path relative to the project root, with `/` separators (`../x` when it is outside). */
export function relativeToRoot(file: string, root: string): string {
  if (!root) return file.replace(/\\/g, '/');
  return (relative(root, file) || basename(file)).replace(/\\/g, '/');
}
