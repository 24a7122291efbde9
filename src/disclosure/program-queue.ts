import { type Severity, severityOfScore } from '../advisories/index.js';
import { auditEntry, type Origin } from './audit-log.js';
import { type CveFigures, cveFigures } from './cve-ids.js';
import { isFirstAnswerOverdue, isPublicationDue, PUBLICATION_CLOCK_STATES } from './deadlines.js';
import { releaseAfterDeadline } from './fix-proposal.js';
import { assertCan, can } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import { signalsOf } from './program-intake.js';
import { type ReportHeadline, reportHeadline } from './program-reports.js';
import type { Report, ToolsUsed } from './report.js';
import type { ReporterSignal } from './reporter-signal.js';
import { type Actor, isTeamMember } from './roles.js';
import type { ReportState } from './workflow.js';

// The program's lists: the queue of reports by urgency, and the team's dashboard with the figures the
// Working Group reports.

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
  /** Whether tools or AI were used, as the reporter stated it (null: not stated). */
  toolsUsed: ToolsUsed | null;
  /** How the reporter's reports ended: for the team only (null for everyone else). */
  reporterSignal: ReporterSignal | null;
}

/** Which reports of the queue to show. */
export interface QueueFilter {
  states?: readonly ReportState[];
  /** An npm package name or a core component. */
  packageName?: string;
  severity?: Severity;
  /** Only reports the asker reported, filed or maintains. */
  mine?: boolean;
  /** Only reports whose reporter stated this about tools and AI ('unstated': those who said nothing). */
  toolsUsed?: ToolsUsed | 'unstated';
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
export interface Dashboard {
  queue: QueueItem[];
  byState: Partial<Record<ReportState, number>>;
  figures: Figures;
  /** The CVE ids by state, and the notices: request a new block, ids of a past year still available. */
  cveIds: CveFigures;
}

/** The program's lists of reports. */
export class Queue {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * The reports the actor may see, filtered and ordered by urgency. The team sees its kind of reports;
   * everyone else the reports they take part in. The list read is recorded in the audit log.
   */
  async list(actor: Actor, origin: Origin, filter: QueueFilter = {}): Promise<QueueItem[]> {
    if (actor.kind !== 'user') return [];
    const now = this.ctx.now();
    return this.ctx.transaction(actor, origin, async (tx) => {
      const candidates = await tx.listReports(isTeamMember(actor) ? {} : { participant: actor.id });
      const out = await withSignals(
        tx,
        actor,
        queueOf(
          candidates.filter((r) => can(actor, 'view-report', r, now)),
          actor,
          now,
          filter,
        ),
        candidates,
        now,
      );
      if (out.length)
        await tx.audit(
          auditEntry(actor, 'report.list', origin, now, null, { reports: out.map((i) => i.id) }),
        );
      return out;
    });
  }

  /** The dashboard of a team member (E_FORBIDDEN for anyone else): queue, counts and figures in one read. */
  async dashboard(actor: Actor, origin: Origin, filter: QueueFilter = {}): Promise<Dashboard> {
    const now = this.ctx.now();
    assertCan(actor, 'see-dashboard', null, now);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const visible = (await tx.listReports({})).filter((r) => can(actor, 'view-report', r, now));
      const byState: Partial<Record<ReportState, number>> = {};
      for (const r of visible) byState[r.state] = (byState[r.state] ?? 0) + 1;
      const figures = await figuresOf(tx, visible, now);
      if (visible.length)
        await tx.audit(
          auditEntry(actor, 'report.list', origin, now, null, { reports: visible.map((r) => r.id) }),
        );
      const cveIds = cveFigures(await tx.cveIds(), now);
      const queue = await withSignals(tx, actor, queueOf(visible, actor, now, filter), visible, now);
      return { queue, byState, figures, cveIds };
    });
  }
}

/** The median of some durations in hours (one decimal), or null when there are none. */
function medianHours(ms: number[]): number | null {
  if (!ms.length) return null;
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m / 360_000) / 10;
}

/** The figures over `visible` (the time to a fix comes from each fixed report's history). */
async function figuresOf(tx: DisclosureTx, visible: Report[], now: Date): Promise<Figures> {
  const since = (r: Report, at: string | null) => (at ? [Date.parse(at) - Date.parse(r.submittedAt)] : []);
  const fix: number[] = [];
  for (const r of visible) {
    if (!['fixed', 'published'].includes(r.state)) continue;
    const fixed = (await tx.stateChanges(r.id)).find((c) => c.to === 'fixed');
    if (fixed) fix.push(Date.parse(fixed.at) - Date.parse(r.submittedAt));
  }
  const published = visible.filter((r) => r.state === 'published');
  return {
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
    toolsUsed: r.toolsUsed,
    reporterSignal: null,
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
  if (f.toolsUsed && (i.toolsUsed ?? 'unstated') !== f.toolsUsed) return false;
  return true;
}

/** Reports as queue items, filtered and ordered by urgency. */
function queueOf(reports: Report[], actor: Actor, now: Date, filter: QueueFilter): QueueItem[] {
  return reports
    .map((r) => item(r, actor, now))
    .filter((i) => matches(i, filter))
    .sort(urgency);
}

/** The queue with each reporter's signal on the items whose report lets the actor see it (the team's). */
async function withSignals(
  tx: DisclosureTx,
  actor: Actor,
  items: QueueItem[],
  reports: Report[],
  now: Date,
): Promise<QueueItem[]> {
  const byId = new Map(reports.map((r) => [r.id, r]));
  const shown = items.filter((i) => can(actor, 'view-reporter-signal', byId.get(i.id), now));
  if (!shown.length) return items;
  const signals = await signalsOf(tx, [...new Set(shown.map((i) => byId.get(i.id)!.reporterId))]);
  const see = new Set(shown.map((i) => i.id));
  return items.map((i) =>
    see.has(i.id) ? { ...i, reporterSignal: signals.get(byId.get(i.id)!.reporterId) ?? null } : i,
  );
}
