import { SEVERITIES, type Severity } from '../advisories/model.js';
import { severityRank } from '../advisories/severity.js';
import { NswgError } from '../errors.js';
import type { AuditReport } from './findings.js';
import type { InstalledPackage } from './types.js';

/** Dependency kinds `--omit` can leave out, as npm names them. */
export type OmitKind = 'dev' | 'optional' | 'peer';
export const OMIT_KINDS: readonly OmitKind[] = ['dev', 'optional', 'peer'];

/** Parses `--audit-level`. */
export function parseAuditLevel(text: string | undefined): Severity {
  if (text === undefined) return 'info';
  if (!(SEVERITIES as readonly string[]).includes(text)) {
    throw new NswgError(
      'E_USAGE',
      `--audit-level must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(text)}`,
      { field: '--audit-level' },
    );
  }
  return text as Severity;
}

/** Parses `--omit` values (repeatable, or comma-separated). */
export function parseOmit(values: readonly string[] | undefined): Set<OmitKind> {
  const out = new Set<OmitKind>();
  for (const v of (values ?? []).flatMap((x) => x.split(','))) {
    const k = v.trim();
    if (!(OMIT_KINDS as readonly string[]).includes(k)) {
      throw new NswgError('E_USAGE', `--omit takes dev, optional or peer, not ${JSON.stringify(k)}`, {
        field: '--omit',
      });
    }
    out.add(k as OmitKind);
  }
  return out;
}

/** Leaves out installed copies the way `npm audit --omit` does (a dev-or-optional copy needs both omitted). */
export function omitPackages(
  packages: readonly InstalledPackage[],
  omit: ReadonlySet<OmitKind>,
): InstalledPackage[] {
  if (!omit.size) return [...packages];
  return packages.filter((p) => {
    if (p.dev && omit.has('dev')) return false;
    if (p.optional && omit.has('optional')) return false;
    if (p.devOptional && omit.has('dev') && omit.has('optional')) return false;
    if (p.peer && omit.has('peer')) return false;
    return true;
  });
}

/** The exit code: 1 when a finding (or a Node.js core advisory) is at or above the audit level, else 0. */
export function exitCodeOf(report: AuditReport): 0 | 1 {
  const min = severityRank(report.auditLevel);
  const severities = [
    ...report.findings.map((f) => f.severity),
    ...(report.node?.findings.map((f) => f.severity) ?? []),
  ];
  return severities.some((s) => severityRank(s) >= min) ? 1 : 0;
}
