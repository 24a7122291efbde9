import type { Advisory } from '../advisories/index.js';
import { intersect, parseRange } from '../versions/index.js';
import { auditEntry, type Origin } from './audit-log.js';
import { PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { can } from './permissions.js';
import type { ProgramContext } from './program-context.js';
import type { Report } from './report.js';
import type { Actor } from './roles.js';
import type { ReportState } from './workflow.js';

// Possible duplicates of a report: what the triage team looks at before accepting it.

/** A report or a published advisory that may describe the same vulnerability. */
export interface PossibleDuplicate {
  kind: 'report' | 'advisory';
  id: string;
  title: string;
  /** The report's state, or "published" for an advisory. */
  state: string;
  /** Its affected versions (an advisory: the vulnerable range of that package). */
  affected: string;
}

/** The states in which a report is still open (the team owes work on it). */
const OPEN_STATES: readonly ReportState[] = ['new', 'needs-more-info', ...PUBLICATION_CLOCK_STATES];

/** At most this many of each kind: a list to look through, not a search. */
const LIMIT = 20;

/** Do two npm ranges share a version? (A range that does not parse shares none.) */
export function overlaps(a: string, b: string): boolean {
  try {
    return intersect(parseRange(a), parseRange(b)).length > 0;
  } catch {
    return false;
  }
}

/**
 * Possible duplicates of a report: published advisories and open reports about the same package (or
 * core component) whose versions overlap. Only reports the actor may see are named; their listing is
 * recorded in the audit log.
 */
export async function possibleDuplicates(
  ctx: ProgramContext,
  actor: Actor,
  origin: Origin,
  r: Pick<Report, 'id' | 'kind' | 'packageName' | 'component' | 'affectedVersions'>,
): Promise<PossibleDuplicate[]> {
  const now = ctx.now();
  const reports = await ctx.transaction(actor, origin, async (tx) => {
    const found = (await tx.listReports({ states: OPEN_STATES, kinds: [r.kind] }))
      .filter(
        (o) =>
          o.id !== r.id &&
          (r.kind === 'npm' ? o.packageName === r.packageName : o.component === r.component) &&
          overlaps(o.affectedVersions, r.affectedVersions) &&
          can(actor, 'view-report', o, now),
      )
      .slice(0, LIMIT);
    if (found.length)
      await tx.audit(
        auditEntry(actor, 'report.list', origin, now, r.id, { duplicates: found.map((o) => o.id) }),
      );
    return found;
  });
  const name = r.kind === 'npm' ? r.packageName : 'node';
  const advisories: Advisory[] =
    r.kind === 'npm' && r.packageName
      ? await ctx.deps.advisories.forPackage(r.packageName, 'npm')
      : await ctx.deps.advisories.forPackage('node', 'node');
  const hits = advisories
    .filter((a) => !a.withdrawn)
    .flatMap((a) => {
      const x = a.affected.find(
        (e) =>
          e.name === name &&
          (r.kind === 'npm' || !r.component || !e.components.length || e.components.includes(r.component)) &&
          overlaps(e.vulnerable, r.affectedVersions),
      );
      return x ? [{ a, x }] : [];
    })
    .slice(0, LIMIT);
  return [
    ...reports.map((o) => ({
      kind: 'report' as const,
      id: o.id,
      title: o.title,
      state: o.state as string,
      affected: o.affectedVersions,
    })),
    ...hits.map(({ a, x }) => ({
      kind: 'advisory' as const,
      id: a.id,
      title: a.title ?? a.id,
      state: 'published',
      affected: x.vulnerable,
    })),
  ];
}
