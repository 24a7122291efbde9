import { type Advisory, type Severity, severityOfScore } from '../../advisories/index.js';
import {
  type Actor,
  assertCan,
  auditEntry,
  can,
  isFirstAnswerOverdue,
  isPublicationDue,
  type Origin,
  PUBLICATION_CLOCK_STATES,
  type Report,
  type ReportHeadline,
  type ReportState,
  releaseAfterDeadline,
  reportHeadline,
} from '../../disclosure/index.js';
import { intersect, parseRange } from '../../versions/index.js';
import type { DisclosureContext } from './context.js';

/** The states in which a report is still open (the team owes work on it). */
export const OPEN_STATES: readonly ReportState[] = ['new', 'needs-more-info', ...PUBLICATION_CLOCK_STATES];

/** One line of the queue: a report, how urgent it is, and how the asker relates to it. */
export interface QueueItem extends ReportHeadline {
  severity: Severity | null;
  score: number | null;
  /** The next deadline: the first answer before triage, publication after. */
  deadline: string | null;
  /** The first answer or the publication is past due. */
  overdue: boolean;
  ageDays: number;
  mine: boolean;
  /** The proposed fix: its versions, its release day, and whether that falls after the deadline. */
  fixProposal: { patchedVersions: string; releaseDate: string; afterDeadline: boolean } | null;
}

export interface QueueFilter {
  states?: readonly ReportState[];
  packageName?: string;
  severity?: Severity;
  /** Only reports the asker reported, filed or maintains. */
  mine?: boolean;
}

/** The median of some durations in hours (one decimal), or null when there are none. */
function medianHours(ms: number[]): number | null {
  if (!ms.length) return null;
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m / 360_000) / 10;
}

/** The figures the Working Group reports, over the reports the asker may see. */
export interface Figures {
  reports: number;
  /** Median hours from submission to: the first answer, triage, the fix, publication. */
  medianHours: {
    firstAnswer: number | null;
    triage: number | null;
    fix: number | null;
    publication: number | null;
  };
  published: number;
  /** Published at the deadline with no fixed version. */
  publishedWithoutFix: number;
  overdueFirstAnswer: number;
}

/** The team's view: the queue (overdue first), counts by state, the figures. */
export interface DashboardData {
  queue: QueueItem[];
  byState: Partial<Record<ReportState, number>>;
  figures: Figures;
}

const isMine = (a: Actor, r: Report) =>
  a.kind === 'user' && (a.id === r.reporterId || a.id === r.filedById || r.maintainerIds.includes(a.id));

function item(r: Report, actor: Actor, now: Date): QueueItem {
  const preTriage = r.state === 'new' || r.state === 'needs-more-info';
  const deadline = preTriage
    ? r.firstAnswerAt === null
      ? r.firstAnswerDue
      : null
    : PUBLICATION_CLOCK_STATES.includes(r.state)
      ? r.publicationDue
      : null;
  return {
    ...reportHeadline(r),
    severity: r.cvss ? severityOfScore(r.cvss.score) : null,
    score: r.cvss?.score ?? null,
    deadline,
    overdue: isFirstAnswerOverdue(r, now) || isPublicationDue(r, now),
    ageDays: Math.floor((now.getTime() - Date.parse(r.submittedAt)) / 86_400_000),
    mine: isMine(actor, r),
    fixProposal: r.fixProposal
      ? {
          patchedVersions: r.fixProposal.patchedVersions,
          releaseDate: r.fixProposal.releaseDate,
          afterDeadline: releaseAfterDeadline(r),
        }
      : null,
  };
}

/** Overdue first, then the nearest deadline, then the oldest. */
function urgency(a: QueueItem, b: QueueItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.deadline !== b.deadline) {
    if (a.deadline === null) return 1;
    if (b.deadline === null) return -1;
    return a.deadline.localeCompare(b.deadline);
  }
  return a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id);
}

function matches(i: QueueItem, f: QueueFilter): boolean {
  if (f.states?.length && !f.states.includes(i.state)) return false;
  if (f.packageName && i.packageName !== f.packageName && i.component !== f.packageName) return false;
  if (f.severity && i.severity !== f.severity) return false;
  if (f.mine && !i.mine) return false;
  return true;
}

/** Reports as queue items, filtered and ordered by urgency. */
function queueOf(reports: Report[], actor: Actor, now: Date, filter: QueueFilter): QueueItem[] {
  return reports
    .map((r) => item(r, actor, now))
    .filter((i) => matches(i, filter))
    .sort(urgency);
}

/**
 * The reports the actor may see, filtered and ordered by urgency. The team sees its kind of reports;
 * everyone else the reports they take part in. The list read is recorded in the audit log.
 */
export async function reportQueue(
  ctx: DisclosureContext,
  actor: Actor,
  origin: Origin,
  filter: QueueFilter = {},
): Promise<QueueItem[]> {
  if (actor.kind !== 'user') return [];
  const now = ctx.clock.now();
  return ctx.deps.store.reports.transaction(async (tx) => {
    const team = actor.roles.length > 0;
    const candidates = await tx.listReports(team ? {} : { participant: actor.id });
    const out = queueOf(
      candidates.filter((r) => can(actor, 'view-report', r, now)),
      actor,
      now,
      filter,
    );
    if (out.length)
      await tx.audit(auditEntry(actor, 'report.list', origin, now, null, { reports: out.map((i) => i.id) }));
    return out;
  });
}

/** The dashboard of a team member (E_FORBIDDEN for anyone else): queue, counts and figures in one read. */
export async function dashboardData(
  ctx: DisclosureContext,
  actor: Actor,
  origin: Origin,
  filter: QueueFilter = {},
): Promise<DashboardData> {
  const now = ctx.clock.now();
  assertCan(actor, 'see-dashboard', null, now);
  return ctx.deps.store.reports.transaction(async (tx) => {
    const visible = (await tx.listReports({})).filter((r) => can(actor, 'view-report', r, now));
    const queue = queueOf(visible, actor, now, filter);
    const byState: Partial<Record<ReportState, number>> = {};
    for (const r of visible) byState[r.state] = (byState[r.state] ?? 0) + 1;
    const since = (r: Report, at: string | null) => (at ? [Date.parse(at) - Date.parse(r.submittedAt)] : []);
    const fix: number[] = [];
    for (const r of visible) {
      if (!['fixed', 'published'].includes(r.state)) continue;
      const fixed = (await tx.stateChanges(r.id)).find((c) => c.to === 'fixed');
      if (fixed) fix.push(Date.parse(fixed.at) - Date.parse(r.submittedAt));
    }
    const published = visible.filter((r) => r.state === 'published');
    const figures: Figures = {
      reports: visible.length,
      medianHours: {
        firstAnswer: medianHours(visible.flatMap((r) => since(r, r.firstAnswerAt))),
        triage: medianHours(visible.flatMap((r) => since(r, r.triagedAt))),
        fix: medianHours(fix),
        publication: medianHours(published.flatMap((r) => since(r, r.publishedAt))),
      },
      published: published.length,
      publishedWithoutFix: published.filter((r) => r.patchedVersions === null).length,
      overdueFirstAnswer: visible.filter((r) => isFirstAnswerOverdue(r, now)).length,
    };
    if (visible.length)
      await tx.audit(
        auditEntry(actor, 'report.list', origin, now, null, { reports: visible.map((r) => r.id) }),
      );
    return { queue, byState, figures };
  });
}

/** Do two npm ranges share a version? (A range that does not parse shares none.) */
export function overlaps(a: string, b: string): boolean {
  try {
    return intersect(parseRange(a), parseRange(b)).length > 0;
  } catch {
    return false;
  }
}

/** A report or a published advisory that may describe the same vulnerability. */
export interface PossibleDuplicate {
  kind: 'report' | 'advisory';
  id: string;
  title: string;
  /** The report's state, or "published" for an advisory. */
  state: string;
  affected: string;
  path: string;
}

const LIMIT = 20;

/**
 * Possible duplicates of a report: published advisories and open reports about the same package (or
 * core component) whose versions overlap. Only reports the actor may see are named; their listing is
 * recorded in the audit log.
 */
export async function possibleDuplicates(
  ctx: DisclosureContext,
  actor: Actor,
  origin: Origin,
  r: Pick<Report, 'id' | 'kind' | 'packageName' | 'component' | 'affectedVersions'>,
): Promise<PossibleDuplicate[]> {
  const now = ctx.clock.now();
  const reports = await ctx.deps.store.reports.transaction(async (tx) => {
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
  const advisories: Advisory[] =
    r.kind === 'npm' && r.packageName
      ? await ctx.deps.store.advisories.forPackage(r.packageName, 'npm')
      : await ctx.deps.store.advisories.forPackage('node', 'node');
  const name = r.kind === 'npm' ? r.packageName : 'node';
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
      path: `/disclosure/reports/${encodeURIComponent(o.id)}`,
    })),
    ...hits.map(({ a, x }) => ({
      kind: 'advisory' as const,
      id: a.id,
      title: a.title ?? a.id,
      state: 'published',
      affected: x.vulnerable,
      path: `/advisories/${encodeURIComponent(a.id)}`,
    })),
  ];
}
