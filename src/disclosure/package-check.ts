import { compareVersions, satisfies } from '../versions/index.js';
import type { PackageFacts } from './registry-facts.js';
import { type ReportDetails, throwProblems } from './report.js';

// A report about a package nobody publishes, or about versions that were never released, is a
// mistake or a made-up finding: the reporter hears it at once, field by field. Only what the registry
// (or an admin's override) says stops a report; when nobody answered, it goes through.

/**
 * Throws E_REPORT_INVALID naming `packageName` when the registry says the npm package does not exist,
 * or `affectedVersions` when none of its published versions is in the affected range (npm semantics).
 * 'unknown' facts, and core reports, pass.
 */
export function checkPackageFacts(
  details: Pick<ReportDetails, 'kind' | 'packageName' | 'affectedVersions'>,
  facts: PackageFacts,
): void {
  if (details.kind !== 'npm' || !details.packageName) return;
  if (facts.state === 'missing')
    throwProblems([{ field: 'packageName', message: 'is not a package on the registry' }]);
  if (facts.state !== 'published') return;
  if (facts.versions.some((v) => satisfies(v, details.affectedVersions))) return;
  const shown = [...facts.versions].sort(compareVersions).slice(-5).join(', ');
  throwProblems([
    {
      field: 'affectedVersions',
      message: `matches no published version of ${details.packageName} (latest published: ${shown || 'none'})`,
    },
  ]);
}
