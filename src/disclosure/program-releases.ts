import { CSAF_WHITE_PATH, severityOfScore } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import type { ReleaseSchedule } from '../scan/node-check.js';
import { type AuditAction, auditEntry, type Json, type Origin } from './audit-log.js';
import { advisoryCredits } from './credits.js';
import { type Outgoing, transitionInTx } from './effects.js';
import type { MailMessage } from './notifications.js';
import type { DisclosureTx } from './ports.js';
import { type ProgramContext, refusedReleaseRead } from './program-context.js';
import {
  announcementMail,
  announcementMarkdown,
  cancellationMail,
  postponementMail,
  preAnnouncementMail,
  preAnnouncementMarkdown,
} from './release-outputs.js';
import type { TeamMember } from './release-ports.js';
import {
  type AnnouncedFix,
  assertActive,
  assertPlanning,
  type ChecklistStep,
  type ChecklistTick,
  checkCompletion,
  checklistStatus,
  checkPreAnnouncement,
  checkRelease,
  csafReleasesOf,
  dayOf,
  fixRanges,
  linesReached,
  missingOf,
  newRelease,
  PUBLIC_RELEASE_STATES,
  type ReleaseFix,
  releaseTitle,
  type SecurityRelease,
  tickableStep,
  validateDate,
  validateFix,
  validatePlan,
  validateText,
} from './releases.js';
import type { Report } from './report.js';
import { type Actor, isCoreTeam as isTeam } from './roles.js';

// Node.js core security releases through the program: the core security team plans a release,
// adds the reports it fixes, ticks its checklist, pre-announces it, postpones or cancels it, and on
// its day publishes everything together. Until then nobody outside the team sees anything of it.

/** How the program runs releases: the release schedule, the announcement list, where releases are downloaded. */
export interface ReleaseSettings {
  schedule: ReleaseSchedule;
  /** The address of the announcement list the pre-announcement and the announcement go to (none: not sent). */
  announcementList?: string | null;
  /** The page of a Node.js version's release (default: its nodejs.org blog post). */
  releaseUrl?: (version: string) => string;
}

const NODEJS_RELEASE_URL = (v: string) => `https://nodejs.org/en/blog/release/v${v}`;

/** A fixed report as the team sees it in its release: the announcement's view, the report's state and deadline. */
export interface ReleaseFixView extends AnnouncedFix {
  state: Report['state'];
  publicationDue: string | null;
  /** What the report lacks before the pre-announcement (empty: complete). */
  missing: string[];
}

/** A release as the core security team sees it: the release, its checklist, its reports and drafts. */
export interface ReleaseView {
  release: SecurityRelease;
  title: string;
  checklist: { step: ChecklistStep; done: boolean; tick: ChecklistTick | null }[];
  fixes: ReleaseFixView[];
  /** The pre-announcement as it would go out now, or as it went out. */
  preAnnouncement: string;
  /** The release announcement as it would be published now, or as it was. */
  announcement: string;
  /** Whether an announcement list is configured. */
  announcementList: boolean;
}

/** A released release as everyone sees it: its date, lines, advisories and announcement. */
export interface PublicRelease {
  id: string;
  title: string;
  state: SecurityRelease['state'];
  targetDate: string;
  releasedAt: string;
  lines: SecurityRelease['lines'];
  advisoryIds: string[];
  announcement: string;
  /** The path of the release's CSAF document on this server. */
  csafPath: string;
}

/** The security releases of the program. */
export class Releases {
  constructor(private readonly ctx: ProgramContext) {}

  private settings(): ReleaseSettings {
    const s = this.ctx.deps.releases;
    if (!s)
      throw new NswgError('E_CONFLICT', 'this server runs no security releases (no release schedule)', {
        field: 'release',
      });
    return s;
  }

  /** Plans a release (the core security team): date, steward, releasers, lines. */
  async plan(actor: Actor, input: unknown, origin: Origin): Promise<SecurityRelease> {
    const { ctx } = this;
    const now = ctx.now();
    const team = assertTeam(actor);
    const plan = validatePlan(input, this.settings().schedule, now);
    return ctx.transaction(actor, origin, async (tx, out) => {
      await checkPeople(tx, plan.stewardId, plan.releaserIds);
      const r = newRelease(ctx.newId(), plan, team.id, now);
      await tx.insertRelease(r);
      await tx.audit(auditEntry(actor, 'release.plan', origin, now, null, planDetails(r)));
      await this.tell(
        tx,
        out,
        r,
        { team: true },
        `Security release planned: ${r.targetDate}`,
        `A security release is planned for ${r.targetDate}.`,
      );
      return r;
    });
  }

  /** Changes the plan's steward, releasers and lines while planning (the date moves by postponing). */
  async updatePlan(actor: Actor, id: string, input: unknown, origin: Origin): Promise<SecurityRelease> {
    return this.change(actor, id, 'release.update', origin, async (r, tx, now) => {
      assertPlanning(r, 'change its plan');
      const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const plan = validatePlan({ ...o, targetDate: r.targetDate }, this.settings().schedule, now);
      await checkPeople(tx, plan.stewardId, plan.releaserIds);
      const known = new Set(plan.lines.map((l) => l.line));
      const orphan = r.fixes.find((f) => f.lines.some((l) => !known.has(l)));
      if (orphan)
        throw new NswgError(
          'E_RELEASE_INVALID',
          `report ${orphan.reportId} affects ${orphan.lines.filter((l) => !known.has(l)).join(', ')}: change its lines first`,
          { field: 'lines' },
        );
      const { targetDate: _, ...rest } = plan;
      return { next: { ...r, ...rest }, details: planDetails({ ...r, ...rest }) };
    });
  }

  /** Adds a core report the release fixes (planning): its summary, affected lines and patch authors. */
  async addFix(
    actor: Actor,
    id: string,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<SecurityRelease> {
    return this.change(actor, id, 'release.add-report', origin, async (r, tx, now) => {
      assertPlanning(r, 'take new reports');
      const report = await this.ctx.load(tx, actor, reportId, 'view-report', now);
      if (report.kind !== 'core')
        throw new NswgError('E_RELEASE_INVALID', 'a security release fixes Node.js core reports only', {
          field: 'reportId',
        });
      if (!['accepted', 'fix-in-progress', 'fixed'].includes(report.state))
        throw new NswgError('E_TRANSITION', `a report that is ${report.state} cannot be in a release`, {
          field: 'reportId',
        });
      if (r.fixes.some((f) => f.reportId === reportId))
        throw new NswgError('E_CONFLICT', `report ${reportId} is in this release already`, {
          field: 'reportId',
        });
      const fix = validateFix(input, r, () => linesReached(r, report.affectedVersions));
      const added: ReleaseFix = { reportId, ...fix, addedBy: actorUser(actor), addedAt: now.toISOString() };
      const fixes = [...r.fixes, added];
      await tx.holdReports(
        r.id,
        fixes.map((f) => f.reportId),
      );
      checkDeadline(report, r.targetDate);
      return { next: { ...r, fixes }, details: { reportId, lines: fix.lines } };
    });
  }

  /** Changes what the announcement says of a report (planning). */
  async updateFix(
    actor: Actor,
    id: string,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<SecurityRelease> {
    return this.change(actor, id, 'release.update-report', origin, async (r) => {
      assertPlanning(r, 'change its reports');
      const at = fixIndex(r, reportId);
      const old = r.fixes[at]!;
      const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const fix = validateFix(
        { summary: old.summary, lines: old.lines, patchAuthors: old.patchAuthors, ...o },
        r,
        () => old.lines,
      );
      const fixes = r.fixes.map((f, i) => (i === at ? { ...f, ...fix } : f));
      return { next: { ...r, fixes }, details: { reportId, lines: fix.lines } };
    });
  }

  /** Takes a report out of the release (planning): it returns to the queue. */
  async removeFix(actor: Actor, id: string, reportId: string, origin: Origin): Promise<SecurityRelease> {
    return this.change(actor, id, 'release.remove-report', origin, async (r, tx) => {
      assertPlanning(r, 'let reports go');
      fixIndex(r, reportId);
      const fixes = r.fixes.filter((f) => f.reportId !== reportId);
      await tx.holdReports(
        r.id,
        fixes.map((f) => f.reportId),
      );
      return { next: { ...r, fixes }, details: { reportId } };
    });
  }

  /** Ticks (or unticks) a step of the checklist that people do, while its phase is open. */
  async tick(
    actor: Actor,
    id: string,
    step: unknown,
    done: boolean,
    origin: Origin,
  ): Promise<SecurityRelease> {
    return this.change(actor, id, done ? 'release.tick' : 'release.untick', origin, async (r, _tx, now) => {
      const s = tickableStep(r, typeof step === 'string' ? step : '');
      const ticks = r.ticks.filter((t) => t.step !== s.id);
      if (done) ticks.push({ step: s.id, by: actorUser(actor), at: now.toISOString() });
      return { next: { ...r, ticks }, details: { step: s.id } };
    });
  }

  /**
   * Pre-announces the release: every report has its CVE, summary, CWE and CVSS, the planning steps
   * are ticked, and the date is at least seven days away unless `override` gives a team member's
   * reason. The pre-announcement (no details) goes to the announcement list; the team and the
   * reporters are told the date.
   */
  async preAnnounce(
    actor: Actor,
    id: string,
    input: { override?: unknown },
    origin: Origin,
  ): Promise<SecurityRelease> {
    const override =
      input.override === undefined || input.override === null || input.override === ''
        ? null
        : validateText(input.override, 'override', 10, 2000);
    return this.change(actor, id, 'release.pre-announce', origin, async (r, tx, now, out) => {
      const reports = await this.reportsOf(tx, r);
      checkPreAnnouncement(r, reports, now, override);
      checkFixesShip(r);
      const fixes = await this.announced(tx, r, reports);
      const at = now.toISOString();
      const by = actorUser(actor);
      const next: SecurityRelease = {
        ...r,
        state: 'pre-announced',
        preAnnouncedAt: at,
        preAnnouncedBy: by,
        override: override ? { by, at, reason: override } : null,
        preAnnouncement: preAnnouncementMarkdown(r, fixes, now),
      };
      this.toList(out, preAnnouncementMail(r, fixes, now));
      await this.tell(
        tx,
        out,
        next,
        { team: true, reporters: true },
        `Security release pre-announced: ${r.targetDate}`,
        `The security release of ${r.targetDate} was pre-announced. The reports it fixes stay under embargo until then.`,
      );
      return { next, details: { targetDate: r.targetDate, override } };
    });
  }

  /**
   * Moves the release date (planning or pre-announced; once pre-announced, only later): the history
   * keeps each move, and everyone who was told the date is told the new one.
   */
  async postpone(
    actor: Actor,
    id: string,
    input: { targetDate?: unknown; reason?: unknown },
    origin: Origin,
  ): Promise<SecurityRelease> {
    const to = validateDate(input.targetDate, 'targetDate');
    const reason = validateText(input.reason, 'reason', 10, 2000);
    return this.change(actor, id, 'release.postpone', origin, async (r, tx, now, out) => {
      assertActive(r, 'be postponed');
      if (to < dayOf(now))
        throw new NswgError('E_RELEASE_INVALID', 'targetDate is in the past', { field: 'targetDate' });
      if (to === r.targetDate)
        throw new NswgError('E_RELEASE_INVALID', `the release is on ${to} already`, { field: 'targetDate' });
      if (r.state === 'pre-announced' && to < r.targetDate)
        throw new NswgError(
          'E_TRANSITION',
          `the pre-announcement said on or after ${r.targetDate}: the release may only move later`,
          { field: 'targetDate' },
        );
      for (const rep of (await this.reportsOf(tx, r)).values()) checkDeadline(rep, to);
      const change = { from: r.targetDate, to, reason, by: actorUser(actor), at: now.toISOString() };
      const next = { ...r, targetDate: to, dateChanges: [...r.dateChanges, change] };
      if (r.state === 'pre-announced') this.toList(out, postponementMail(next, change));
      await this.tell(
        tx,
        out,
        next,
        { team: true, reporters: r.state === 'pre-announced' },
        `Security release moved: ${change.from} → ${to}`,
        `The security release planned for ${change.from} is now on ${to}.\nReason: ${reason}`,
      );
      return { next, details: { from: change.from, to, reason } };
    });
  }

  /**
   * Publishes the release on its day (or later): each report becomes fixed and published with its
   * NSWG-COR advisory over the release lines, its CVE id is announced, and the announcement goes to
   * the list; the advisories, CVE records, OpenVEX and CSAF are public from this commit on, together.
   */
  async release(actor: Actor, id: string, origin: Origin): Promise<SecurityRelease> {
    const { ctx } = this;
    return this.change(actor, id, 'release.publish', origin, async (r, tx, now, out) => {
      const reports = await this.reportsOf(tx, r);
      checkRelease(r, reports, now);
      checkFixesShip(r);
      const advisoryIds: string[] = [];
      const ranges: Json[] = [];
      for (const f of r.fixes) {
        const { affected, patched } = fixRanges(f, r);
        const held = reports.get(f.reportId)!;
        if (held.state === 'published') {
          // published by the scheduler at its deadline (the release was late): its advisory stands
          advisoryIds.push(held.advisoryId!);
          ranges.push({ reportId: f.reportId, advisoryId: held.advisoryId, published: held.publishedAt });
          continue;
        }
        let rep: Report = { ...held, affectedVersions: affected };
        const move = (t: 'start-fix' | 'mark-fixed' | 'publish') =>
          transitionInTx(tx, out, ctx.deps, actor, rep, t, { patchedVersions: patched }, origin, now);
        if (rep.state === 'accepted') rep = await move('start-fix');
        if (rep.state === 'fix-in-progress') rep = await move('mark-fixed');
        else rep = { ...rep, patchedVersions: patched };
        rep = await move('publish');
        advisoryIds.push(rep.advisoryId!);
        ranges.push({ reportId: f.reportId, advisoryId: rep.advisoryId, affected, patched });
      }
      const next: SecurityRelease = {
        ...r,
        state: 'released',
        releasedAt: now.toISOString(),
        releasedBy: actorUser(actor),
        advisoryIds,
      };
      const fixes = await this.announced(tx, next, await this.reportsOf(tx, next));
      const opts = { releaseUrl: this.settings().releaseUrl ?? NODEJS_RELEASE_URL };
      next.announcement = announcementMarkdown(next, fixes, opts, now);
      this.toList(out, announcementMail(next, fixes, opts, now));
      return { next, details: { advisories: ranges } };
    });
  }

  /** Completes a released release once its clean-up steps are ticked. */
  async complete(actor: Actor, id: string, origin: Origin): Promise<SecurityRelease> {
    return this.change(actor, id, 'release.complete', origin, async (r, _tx, now) => {
      checkCompletion(r);
      return { next: { ...r, state: 'completed', completedAt: now.toISOString() }, details: {} };
    });
  }

  /** Cancels a release not yet published: its reports return to the queue; whoever was told is told. */
  async cancel(actor: Actor, id: string, reason: unknown, origin: Origin): Promise<SecurityRelease> {
    const why = validateText(reason, 'reason', 10, 2000);
    return this.change(actor, id, 'release.cancel', origin, async (r, tx, now, out) => {
      assertActive(r, 'be cancelled');
      await tx.holdReports(r.id, []);
      const next: SecurityRelease = {
        ...r,
        state: 'cancelled',
        cancelledAt: now.toISOString(),
        cancelledBy: actorUser(actor),
        cancelReason: why,
      };
      if (r.state === 'pre-announced') this.toList(out, cancellationMail(next, why));
      await this.tell(
        tx,
        out,
        r,
        { team: true, reporters: r.state === 'pre-announced' },
        `Security release cancelled: ${r.targetDate}`,
        `The security release planned for ${r.targetDate} is cancelled; its reports return to the queue.\nReason: ${why}`,
      );
      return { next, details: { reason: why, reports: r.fixes.map((f) => f.reportId) } };
    });
  }

  /**
   * The releases the actor sees: all of them, in full, for the core security team; the published ones
   * as everyone sees them (no reasons, drafts or people of the team's) for everyone else.
   */
  async list(actor: Actor, origin: Origin): Promise<SecurityRelease[] | PublicRelease[]> {
    const { ctx } = this;
    const team = isTeam(actor);
    return ctx.transaction(actor, origin, async (tx) => {
      const list = await tx.listReleases(team ? {} : { states: PUBLIC_RELEASE_STATES });
      if (!team) {
        const paths = csafPathsOf(list, ctx.deps.links.release);
        return [...list].reverse().map((r) => publicRelease(r, paths));
      }
      await tx.audit(auditEntry(actor, 'release.list', origin, ctx.now(), null, { count: list.length }));
      return list.reverse();
    });
  }

  /** One release, in full with its checklist and drafts, for the core security team; the read is logged. */
  async read(actor: Actor, id: string, origin: Origin): Promise<ReleaseView> {
    const { ctx } = this;
    return ctx.transaction(actor, origin, async (tx) => {
      const r = await this.load(tx, actor, id, 'view');
      const reports = await this.reportsOf(tx, r);
      const fixes = await this.announced(tx, r, reports);
      const now = ctx.now();
      const opts = { releaseUrl: this.settings().releaseUrl ?? NODEJS_RELEASE_URL };
      await tx.audit(auditEntry(actor, 'release.read', origin, now, null, { releaseId: r.id }));
      return {
        release: r,
        title: releaseTitle(r),
        checklist: checklistStatus(r, reports),
        fixes: fixes.map((a) => {
          const rep = reports.get(a.fix.reportId);
          return {
            ...a,
            state: rep?.state ?? 'published',
            publicationDue: rep?.publicationDue ?? null,
            missing: missingFor(r, a.fix, rep),
          };
        }),
        preAnnouncement: r.preAnnouncement ?? preAnnouncementMarkdown(r, fixes, now),
        announcement: r.announcement ?? announcementMarkdown(r, fixes, opts, now),
        announcementList: !!this.settings().announcementList,
      };
    });
  }

  /** A published release as everyone sees it; E_NOT_FOUND for one under embargo, cancelled, or unknown. */
  async published(actor: Actor, id: string, origin: Origin): Promise<PublicRelease> {
    const { ctx } = this;
    return ctx.transaction(actor, origin, async (tx) => {
      const r = await tx.getRelease(id);
      if (!r || !PUBLIC_RELEASE_STATES.includes(r.state)) {
        const e = new NswgError('E_NOT_FOUND', 'security release not found', { field: 'release' });
        throw r ? refusedReleaseRead(e, r.id, 'view-public') : e;
      }
      const published = await tx.listReleases({ states: PUBLIC_RELEASE_STATES });
      return publicRelease(r, csafPathsOf(published, ctx.deps.links.release));
    });
  }

  /** Who may steward or release (the core security team and the admins), for the team's forms. */
  async team(actor: Actor, origin: Origin): Promise<TeamMember[]> {
    assertTeam(actor);
    return this.ctx.transaction(actor, origin, (tx) => tx.coreTeam());
  }

  /** The release holding a report, for the team's view of the report (null: none, or not the team's to see). */
  async ofReport(actor: Actor, reportId: string, origin: Origin): Promise<SecurityRelease | null> {
    if (!isTeam(actor)) return null;
    return this.ctx.transaction(actor, origin, async (tx) => {
      const id = await tx.releaseOfReport(reportId);
      return id ? tx.getRelease(id) : null;
    });
  }

  /** One change of a release by the core security team: loaded, changed, stored and logged in one unit of work. */
  private change(
    actor: Actor,
    id: string,
    action: AuditAction & `release.${string}`,
    origin: Origin,
    fn: (
      r: SecurityRelease,
      tx: DisclosureTx,
      now: Date,
      out: Outgoing,
    ) => Promise<{ next: SecurityRelease; details: { [k: string]: Json } }>,
  ): Promise<SecurityRelease> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const r = await this.load(tx, actor, id, action);
      const { next, details } = await fn(r, tx, now, out);
      const stored = { ...next, updatedAt: now.toISOString() };
      await tx.updateRelease(stored);
      await tx.audit(auditEntry(actor, action, origin, now, null, { releaseId: r.id, ...details }));
      return stored;
    });
  }

  /** The release, for the core security team only: the same E_NOT_FOUND for anyone else as for none. */
  private async load(tx: DisclosureTx, actor: Actor, id: string, action: string): Promise<SecurityRelease> {
    const r = await tx.getRelease(id);
    const e = new NswgError('E_NOT_FOUND', 'security release not found', { field: 'release' });
    if (!r) throw e;
    if (!isTeam(actor)) throw refusedReleaseRead(e, r.id, action);
    assertTeam(actor);
    return r;
  }

  /** The reports the release fixes, by id. */
  private async reportsOf(tx: DisclosureTx, r: SecurityRelease): Promise<Map<string, Report>> {
    const out = new Map<string, Report>();
    for (const f of r.fixes) {
      const rep = await tx.getReport(f.reportId);
      if (rep) out.set(rep.id, rep);
    }
    return out;
  }

  /** The fixes as the announcements show them, with each report's title, CVE, scores and consented credits. */
  private async announced(
    tx: DisclosureTx,
    r: SecurityRelease,
    reports: Map<string, Report>,
  ): Promise<AnnouncedFix[]> {
    const out: AnnouncedFix[] = [];
    for (const fix of r.fixes) {
      const rep = reports.get(fix.reportId);
      if (!rep) continue;
      const credits = advisoryCredits(rep, await tx.credits(rep.id));
      out.push({
        fix,
        title: rep.title,
        cveId: rep.cveId,
        cvss: rep.cvss,
        cwe: rep.cwe,
        severity: severityOfScore(rep.cvss?.score ?? null),
        reporters: credits.filter((c) => c.type === 'FINDER' || c.type === 'REPORTER').map((c) => c.name),
        advisoryId: rep.advisoryId,
      });
    }
    return out;
  }

  /** Queues a message to the announcement list, when one is configured. */
  private toList(out: Outgoing, m: { subject: string; text: string }): void {
    const list = this.ctx.deps.releases?.announcementList;
    if (list) out.push({ to: list, ...m } satisfies MailMessage);
  }

  /** Tells the core security team and, when asked, the reporters of the release's reports. */
  private async tell(
    tx: DisclosureTx,
    out: Outgoing,
    r: SecurityRelease,
    who: { team: boolean; reporters?: boolean },
    subject: string,
    text: string,
  ): Promise<void> {
    const link = this.ctx.deps.links.release(r.id);
    const sent = new Set<string>();
    const send = async (
      reportLike: { id: string; kind: 'core'; reporterId: string },
      audiences: ('team' | 'reporter')[],
      body: string,
    ) => {
      for (const to of await tx.recipients(reportLike, audiences, 'state-change')) {
        if (sent.has(to)) continue;
        sent.add(to);
        out.push({ to, subject: `[nswg] ${subject}`, text: body });
      }
    };
    if (who.team) await send({ id: r.id, kind: 'core', reporterId: '-' }, ['team'], `${text}\n\n${link}\n`);
    if (who.reporters)
      for (const f of r.fixes) {
        const rep = await tx.getReport(f.reportId);
        if (rep)
          await send(
            { id: rep.id, kind: 'core', reporterId: rep.reporterId },
            ['reporter'],
            `${text}\n\nYour report: ${this.ctx.deps.links.report(rep.id)}\n`,
          );
      }
  }
}

/** A published release as everyone sees it. */
/** A published release as everyone sees it; `published` is every published release, for its CSAF path. */
const publicRelease = (r: SecurityRelease, csafPaths: ReadonlyMap<string, string>): PublicRelease => ({
  id: r.id,
  title: releaseTitle(r),
  state: r.state,
  targetDate: r.targetDate,
  releasedAt: r.releasedAt!,
  lines: r.lines,
  advisoryIds: r.advisoryIds,
  announcement: r.announcement ?? '',
  csafPath: `${CSAF_WHITE_PATH}/${csafPaths.get(r.id)}`,
});

/** Each published release's CSAF path, by release id: the tracking ids depend on the whole list. */
const csafPathsOf = (published: readonly SecurityRelease[], pageUrl: (id: string) => string) =>
  new Map(csafReleasesOf(published, pageUrl).map((c) => [c.releaseId, c.path]));

/** The actor, once it is a confirmed member of the core security team (or an admin); E_FORBIDDEN otherwise. */
function assertTeam(actor: Actor): Actor & { kind: 'user' } {
  if (!isTeam(actor))
    throw new NswgError('E_FORBIDDEN', 'only the core security team runs security releases', {
      field: 'release',
    });
  return actor as Actor & { kind: 'user' };
}

const actorUser = (a: Actor): string => assertTeam(a).id;

/** The steward and releasers are members of the core security team (or admins). */
async function checkPeople(
  tx: DisclosureTx,
  stewardId: string,
  releaserIds: readonly string[],
): Promise<void> {
  for (const [field, id] of [
    ['stewardId', stewardId],
    ...releaserIds.map((x) => ['releaserIds', x]),
  ] as const) {
    const roles = await tx.teamRolesOf(id);
    if (!roles || !(roles.includes('core-security') || roles.includes('admin')))
      throw new NswgError('E_RELEASE_INVALID', `${field}: ${id} is not a member of the core security team`, {
        field,
      });
  }
}

function fixIndex(r: SecurityRelease, reportId: string): number {
  const at = r.fixes.findIndex((f) => f.reportId === reportId);
  if (at < 0)
    throw new NswgError('E_NOT_FOUND', `report ${reportId} is not in this release`, { field: 'reportId' });
  return at;
}

/**
 * A report's publication deadline (45 days after triage, with the extensions voted) is the program's
 * promise to its reporter: a release planned after it would either break its embargo (the scheduler
 * publishes at the deadline) or the promise. The team extends the deadline by vote first.
 */
function checkDeadline(report: Report, targetDate: string): void {
  const due = report.publicationDue?.slice(0, 10);
  if (due && due < targetDate)
    throw new NswgError(
      'E_TRANSITION',
      `report ${report.id} is published at its deadline, ${due}, before the release date ${targetDate}: extend its deadline by vote first`,
      { field: 'targetDate' },
    );
}

/** Every report is fixed by a version the release ships (a report on end-of-life lines only is not). */
function checkFixesShip(r: SecurityRelease): void {
  const none = r.fixes.filter((f) => fixRanges(f, r).patched === null);
  if (none.length)
    throw new NswgError(
      'E_TRANSITION',
      `not ready: ${none.map((f) => `report ${f.reportId} affects no line the release ships a fix for`).join('; ')}`,
      { field: 'lines' },
    );
}

/** What a report lacks, as the team's view lists it. */
function missingFor(r: SecurityRelease, f: ReleaseFix, rep: Report | undefined): string[] {
  if (!rep) return [];
  const out = missingOf(f, rep);
  if (fixRanges(f, r).patched === null) out.push('a line the release ships a fix for');
  return out;
}

const planDetails = (r: SecurityRelease): { [k: string]: Json } => ({
  targetDate: r.targetDate,
  stewardId: r.stewardId,
  releaserIds: r.releaserIds,
  lines: r.lines.map(
    (l) => `${l.line}${l.version ? `@${l.version}` : ''}${l.endOfLife ? ' (end of life)' : ''}`,
  ),
});
