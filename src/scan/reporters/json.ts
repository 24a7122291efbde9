import type { AdvisoryRef } from '../../advisories/index.js';
import { severityRank } from '../../advisories/severity.js';
import type { AuditReport, Finding } from '../findings.js';
import { byNameVersionId } from '../match.js';
import { advisoryLinks, type RenderOptions } from './common.js';

/** The version of the `--format json` document; raised only for changes that break readers. */
export const AUDIT_JSON_VERSION = 1;

/** One finding as `--format json` writes it (docs/audit-json.md). */
export interface AuditJsonFinding {
  name: string;
  version: string;
  id: string;
  aliases: readonly string[];
  severity: string;
  /** The package is malware: remove it (`fix` is then empty). */
  malicious: boolean;
  title: string;
  url: string;
  range: string;
  paths: readonly (readonly string[])[];
  dev: boolean;
  optional: boolean;
  workspace: string | null;
  workspaces: readonly string[];
  locations: readonly string[];
  installedAs: readonly string[];
  fix: { version: string | null; patched: string | null };
}

function findingJson(f: Finding, urlOf: (a: AdvisoryRef) => string): AuditJsonFinding {
  return {
    name: f.name,
    version: f.version,
    id: f.id,
    aliases: f.aliases,
    severity: f.severity,
    malicious: f.malicious,
    title: f.title,
    url: urlOf(f),
    range: f.range,
    paths: f.paths,
    dev: f.dev,
    optional: f.optional,
    workspace: f.workspaces[0] ?? null,
    workspaces: f.workspaces,
    locations: f.locations,
    installedAs: f.installedAs,
    fix: { version: f.fix.version, patched: f.fix.patched },
  };
}

/** The `--format json` document: a stable shape for scripts and CI (see docs/audit-json.md). */
export function auditJson(report: AuditReport, opts: RenderOptions = {}): Record<string, unknown> {
  const node = report.node;
  const urlOf = advisoryLinks(opts);
  return {
    auditJsonVersion: AUDIT_JSON_VERSION,
    findings: [...report.findings].sort(byNameVersionId).map((f) => findingJson(f, urlOf)),
    ignored: report.ignored.map((i) => ({
      ...findingJson(i.finding, urlOf),
      reason: i.reason,
      expires: i.expires,
    })),
    expiredIgnores: report.expiredIgnores.map((e) => ({
      id: e.id,
      package: e.package,
      reason: e.reason,
      expires: e.expires,
    })),
    node: node
      ? {
          version: node.version,
          platform: node.platform,
          findings: node.findings.map((f) => ({
            id: f.id,
            aliases: [...f.aliases],
            severity: f.severity,
            title: f.title,
            url: urlOf(f),
            patched: f.patched,
          })),
          endOfLife: node.endOfLife,
          line: node.line ? { ...node.line } : null,
        }
      : null,
    summary: {
      total: report.summary.total,
      bySeverity: { ...report.summary.bySeverity },
      packages: report.summary.packages,
      vulnerablePackages: new Set(report.findings.map((f) => `${f.name}@${f.version}`)).size,
      maliciousPackages: new Set(
        report.findings.filter((f) => f.malicious).map((f) => `${f.name}@${f.version}`),
      ).size,
      ignored: report.ignored.length,
      expiredIgnores: report.expiredIgnores.length,
      auditLevel: report.auditLevel,
      atOrAboveAuditLevel: [...report.findings, ...(node?.findings ?? [])].filter(
        (f) => severityRank(f.severity) >= severityRank(report.auditLevel),
      ).length,
    },
    database: { ...report.database },
    project: {
      root: report.project.root,
      name: report.project.name,
      lockfiles: report.project.lockfiles.map((l) => ({ file: l.file, format: l.format })),
      workspaces: [...report.project.workspaces],
    },
    dependencies: { ...report.dependencies },
  };
}

/** `--format json`, two-space indented with a final newline. */
export function renderJson(report: AuditReport, _opts: RenderOptions = {}): string {
  return `${JSON.stringify(auditJson(report, _opts), null, 2)}\n`;
}
