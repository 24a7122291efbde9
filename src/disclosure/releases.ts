import semver from 'semver';
import { type CsafSiteRelease, csafFileName, type Severity } from '../advisories/index.js';
import { type ErrorProblem, NswgError } from '../errors.js';
import type { ReleaseSchedule } from '../scan/node-check.js';
import { utcDay } from '../util/utc-day.js';
import { NPM_SEMVER, parseVersion } from '../versions/index.js';
import type { Report } from './report.js';

// A Node.js core security release: one object with its checklist, its date, the reports it fixes and
// what it publishes. The rules the process states live here, pure; the program (program-releases.ts)
// stores, checks who may act, sends and logs.

/**
 * Where a release stands: planned; pre-announced (the list was told which lines, when, how many of
 * each severity); released (advisories, announcement, CVE records public); completed (cleaned up);
 * or cancelled (its reports went back to the queue).
 */
export const RELEASE_STATES = ['planning', 'pre-announced', 'released', 'completed', 'cancelled'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/** Releases whose reports are still under embargo and held by them. */
export const ACTIVE_RELEASE_STATES: readonly ReleaseState[] = ['planning', 'pre-announced'];
/** Releases that are public. */
export const PUBLIC_RELEASE_STATES: readonly ReleaseState[] = ['released', 'completed'];

/** The least number of days between the pre-announcement and the release date, unless overridden. */
export const PRE_ANNOUNCEMENT_DAYS = 7;

/** A release line the release covers: `v22`, the version it ships, and whether the line is past its end. */
export interface ReleaseLineEntry {
  /** The line as the release schedule names it: `v22`. */
  line: string;
  /** The version the release ships on this line (`22.13.1`); null for an end-of-life line it does not fix. */
  version: string | null;
  /** True when the line's end of life is on or before the release date. */
  endOfLife: boolean;
}

/** A report the release fixes, with what the announcement says of it. */
export interface ReleaseFix {
  reportId: string;
  /** The announcement's text for it: what the vulnerability is and who is affected (no exploit). */
  summary: string;
  /** The release's lines the vulnerability affects (`v20`, `v22`). */
  lines: string[];
  /** Who wrote the fix, as the announcement thanks them. */
  patchAuthors: string[];
  addedBy: string;
  addedAt: string;
}

/** A move of the release date: kept, and told to everyone who had been told the date. */
export interface DateChange {
  from: string;
  to: string;
  reason: string;
  by: string;
  at: string;
}

/** A step of the checklist ticked by someone. */
export interface ChecklistTick {
  step: string;
  by: string;
  at: string;
}

/** A team member's decision to pre-announce less than seven days ahead, with the reason. */
export interface PreAnnouncementOverride {
  by: string;
  at: string;
  reason: string;
}

/** A security release as stored. Dates are `YYYY-MM-DD` (UTC), timestamps ISO 8601 UTC. */
export interface SecurityRelease {
  id: string;
  state: ReleaseState;
  /** The day the releases ship, on or after which everything about the release becomes public. */
  targetDate: string;
  stewardId: string;
  releaserIds: string[];
  lines: ReleaseLineEntry[];
  fixes: ReleaseFix[];
  ticks: ChecklistTick[];
  dateChanges: DateChange[];
  preAnnouncedAt: string | null;
  preAnnouncedBy: string | null;
  override: PreAnnouncementOverride | null;
  /** The pre-announcement as it went out (Markdown). */
  preAnnouncement: string | null;
  /** The release announcement as published (Markdown). */
  announcement: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  /** The NSWG-COR advisories published at release, in the order of the fixes. */
  advisoryIds: string[];
  completedAt: string | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The phases of the process, in order: each step belongs to one. */
export const RELEASE_PHASES = ['planning', 'announcement', 'release-day', 'clean-up'] as const;
export type ReleasePhase = (typeof RELEASE_PHASES)[number];

/**
 * One step of the checklist: ticked by people (`manual`), or done by the server itself when the action
 * that does it succeeds (`action`: the pre-announcement, the release) or when what it states holds
 * (`check`: every report has its CVE, summary, CWE and CVSS).
 */
export interface ChecklistStep {
  id: string;
  phase: ReleasePhase;
  text: string;
  by: 'manual' | 'action' | 'check';
}

/** The checklist of every release: the process's phases and the clean-up. */
export const CHECKLIST: readonly ChecklistStep[] = [
  {
    id: 'plan-lines',
    phase: 'planning',
    by: 'manual',
    text: 'Choose the release lines and the version each ships',
  },
  {
    id: 'plan-reports',
    phase: 'planning',
    by: 'manual',
    text: 'Add the reports the release fixes, with their summaries and affected lines',
  },
  { id: 'plan-cve', phase: 'planning', by: 'check', text: 'Every fixed report has a CVE id' },
  {
    id: 'plan-assessment',
    phase: 'planning',
    by: 'check',
    text: 'Every fixed report has a summary, a CWE and a CVSS vector',
  },
  {
    id: 'plan-patches',
    phase: 'planning',
    by: 'manual',
    text: 'The fixes are reviewed and land in the private security branches',
  },
  { id: 'plan-releasers', phase: 'planning', by: 'manual', text: 'A releaser has confirmed for every line' },
  {
    id: 'announce-pre',
    phase: 'announcement',
    by: 'action',
    text: 'Pre-announce: which lines, on or after which date, how many issues of each severity',
  },
  {
    id: 'announce-downstream',
    phase: 'announcement',
    by: 'manual',
    text: 'Tell the downstream distributors under embargo',
  },
  {
    id: 'release-builds',
    phase: 'release-day',
    by: 'manual',
    text: 'Build, sign and test the releases of every line',
  },
  {
    id: 'release-publish',
    phase: 'release-day',
    by: 'action',
    text: 'Publish the releases: advisories, announcement, CVE records, OpenVEX and CSAF together',
  },
  {
    id: 'cleanup-branches',
    phase: 'clean-up',
    by: 'manual',
    text: 'Merge the security fixes into the public branches',
  },
  {
    id: 'cleanup-reports',
    phase: 'clean-up',
    by: 'manual',
    text: 'Thank the reporters and close the loop with each of them',
  },
  {
    id: 'cleanup-retro',
    phase: 'clean-up',
    by: 'manual',
    text: 'Note what to improve in the process for the next release',
  },
];

const STEP = new Map(CHECKLIST.map((s) => [s.id, s]));

/** The manual steps a release must have ticked before `phase`'s action (pre-announce, release, complete). */
export const stepsBefore = (phase: 'announcement' | 'release-day' | 'done'): ChecklistStep[] => {
  const phases: ReleasePhase[] =
    phase === 'announcement'
      ? ['planning']
      : phase === 'release-day'
        ? ['planning', 'announcement', 'release-day']
        : ['clean-up'];
  return CHECKLIST.filter((s) => s.by === 'manual' && phases.includes(s.phase));
};

/** The phases whose manual steps may be ticked (or unticked) while a release is in `state`. */
export function openPhases(state: ReleaseState): ReleasePhase[] {
  switch (state) {
    case 'planning':
      return ['planning', 'announcement'];
    case 'pre-announced':
      return ['planning', 'announcement', 'release-day'];
    case 'released':
      return ['clean-up'];
    default:
      return [];
  }
}

/** The step of `id`, once a person may tick or untick it on `r` now; E_TRANSITION or E_RELEASE_INVALID otherwise. */
export function tickableStep(r: SecurityRelease, id: string): ChecklistStep {
  const s = STEP.get(id);
  if (!s) throw invalid('step', `is not a step of the checklist: ${CHECKLIST.map((c) => c.id).join(', ')}`);
  if (s.by !== 'manual')
    throw new NswgError('E_TRANSITION', `"${s.text}" is done by the server, not ticked`, { field: 'step' });
  if (!openPhases(r.state).includes(s.phase))
    throw new NswgError('E_TRANSITION', `a release that is ${r.state} has no open ${s.phase} steps`, {
      field: 'step',
    });
  return s;
}

/** Whether each step is done: ticked, its action done, or its check holding over the fixed reports. */
export function checklistStatus(
  r: SecurityRelease,
  reports: ReadonlyMap<string, Pick<Report, 'cveId' | 'cwe' | 'cvss'>>,
): { step: ChecklistStep; done: boolean; tick: ChecklistTick | null }[] {
  return CHECKLIST.map((step) => {
    const tick = r.ticks.find((t) => t.step === step.id) ?? null;
    let done = tick !== null;
    if (step.id === 'plan-cve')
      done = r.fixes.length > 0 && r.fixes.every((f) => !!reports.get(f.reportId)?.cveId);
    if (step.id === 'plan-assessment')
      done = r.fixes.length > 0 && r.fixes.every((f) => missingOf(f, reports.get(f.reportId)).length === 0);
    if (step.id === 'announce-pre') done = r.preAnnouncedAt !== null;
    if (step.id === 'release-publish') done = r.releasedAt !== null;
    return { step, done, tick };
  });
}

/** What a fixed report still lacks before the pre-announcement (and the release): its CVE, summary, CWE, CVSS. */
export function missingOf(f: ReleaseFix, r: Pick<Report, 'cveId' | 'cwe' | 'cvss'> | undefined): string[] {
  if (!r) return ['the report'];
  const out: string[] = [];
  if (!r.cveId) out.push('a CVE id');
  if (!f.summary.trim()) out.push('a summary');
  if (!r.cwe) out.push('a CWE');
  if (!r.cvss) out.push('a CVSS vector');
  return out;
}

/** Whole days from `from` (a timestamp) to the release date (its midnight UTC), rounded down. */
export function daysBefore(targetDate: string, from: Date): number {
  return Math.floor((Date.parse(`${targetDate}T00:00:00Z`) - from.getTime()) / 86_400_000);
}

/** Today as `YYYY-MM-DD` in UTC. */
export const dayOf = utcDay;

/**
 * Checks the pre-announcement may go out now: planning, every report complete, the planning steps
 * ticked, and at least seven days ahead unless `override` (a reason of 10 to 2000 characters) is given.
 * Throws E_TRANSITION naming what is missing.
 */
export function checkPreAnnouncement(
  r: SecurityRelease,
  reports: ReadonlyMap<string, Pick<Report, 'cveId' | 'cwe' | 'cvss'>>,
  now: Date,
  override: string | null,
): void {
  if (r.state !== 'planning')
    throw new NswgError('E_TRANSITION', `a release that is ${r.state} cannot be pre-announced`, {
      field: 'state',
    });
  checkComplete(r, reports, 'announcement');
  // the release day itself is not past (as for the plan and postponements): an emergency release is
  // pre-announced and published the same day, with an override
  if (r.targetDate < dayOf(now))
    throw new NswgError('E_TRANSITION', `the release date ${r.targetDate} has passed: postpone it first`, {
      field: 'targetDate',
    });
  const days = Math.max(0, daysBefore(r.targetDate, now));
  if (days < PRE_ANNOUNCEMENT_DAYS && override === null)
    throw new NswgError(
      'E_TRANSITION',
      `the pre-announcement goes out at least ${PRE_ANNOUNCEMENT_DAYS} days before the release (${r.targetDate} is ${days} days away): postpone the release, or override with a reason`,
      { field: 'override' },
    );
}

/** The reports are complete and the manual steps before `phase` ticked; E_TRANSITION naming what is not. */
function checkComplete(
  r: SecurityRelease,
  reports: ReadonlyMap<string, Pick<Report, 'cveId' | 'cwe' | 'cvss'>>,
  phase: 'announcement' | 'release-day',
): void {
  const problems: string[] = [];
  if (r.fixes.length === 0) problems.push('the release fixes no report yet');
  if (!r.lines.some((l) => l.version)) problems.push('the release ships no version');
  for (const f of r.fixes) {
    const missing = missingOf(f, reports.get(f.reportId));
    if (missing.length) problems.push(`report ${f.reportId} lacks ${missing.join(', ')}`);
  }
  const ticked = new Set(r.ticks.map((t) => t.step));
  for (const s of stepsBefore(phase)) if (!ticked.has(s.id)) problems.push(`"${s.text}" is not ticked`);
  if (problems.length)
    throw new NswgError('E_TRANSITION', `not ready: ${problems.join('; ')}`, { field: 'checklist' });
}

/** Checks the release may be published now: pre-announced, its day come, the steps ticked, every report complete. */
export function checkRelease(
  r: SecurityRelease,
  reports: ReadonlyMap<string, Pick<Report, 'cveId' | 'cwe' | 'cvss'>>,
  now: Date,
): void {
  if (r.state !== 'pre-announced')
    throw new NswgError(
      'E_TRANSITION',
      r.state === 'planning'
        ? 'a release is pre-announced before it is published'
        : `a release that is ${r.state} cannot be published`,
      { field: 'state' },
    );
  if (dayOf(now) < r.targetDate)
    throw new NswgError(
      'E_TRANSITION',
      `the release is under embargo until ${r.targetDate}: it is published on that day or later`,
      { field: 'targetDate' },
    );
  checkComplete(r, reports, 'release-day');
}

/** Checks the release may be completed: released, and the clean-up ticked. */
export function checkCompletion(r: SecurityRelease): void {
  if (r.state !== 'released')
    throw new NswgError('E_TRANSITION', `a release that is ${r.state} cannot be completed`, {
      field: 'state',
    });
  const ticked = new Set(r.ticks.map((t) => t.step));
  const open = stepsBefore('done').filter((s) => !ticked.has(s.id));
  if (open.length)
    throw new NswgError('E_TRANSITION', `not cleaned up: ${open.map((s) => `"${s.text}"`).join(', ')}`, {
      field: 'checklist',
    });
}

/** Whether the plan (date, steward, releasers, lines, reports) may still change. */
export function assertPlanning(r: SecurityRelease, what: string): void {
  if (r.state !== 'planning')
    throw new NswgError('E_TRANSITION', `a release that is ${r.state} cannot ${what}`, { field: 'state' });
}

/** Whether the release may be postponed or cancelled: not yet published. */
export function assertActive(r: SecurityRelease, what: string): void {
  if (!ACTIVE_RELEASE_STATES.includes(r.state))
    throw new NswgError('E_TRANSITION', `a release that is ${r.state} cannot ${what}`, { field: 'state' });
}

const invalid = (field: string, message: string, more: ErrorProblem[] = []) =>
  new NswgError('E_RELEASE_INVALID', `${field} ${message}`, { field }, [{ field, message }, ...more]);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` date that exists; E_RELEASE_INVALID naming `field` otherwise. */
export function validateDate(input: unknown, field: string): string {
  if (typeof input !== 'string' || !DATE.test(input) || Number.isNaN(Date.parse(`${input}T00:00:00Z`)))
    throw invalid(field, 'must be a date as YYYY-MM-DD');
  if (new Date(`${input}T00:00:00Z`).toISOString().slice(0, 10) !== input)
    throw invalid(field, 'must be a date that exists');
  return input;
}

/** A reason or summary: trimmed text of `min` to `max` characters. */
export function validateText(input: unknown, field: string, min: number, max: number): string {
  const t = typeof input === 'string' ? input.trim() : '';
  if (t.length < min || t.length > max) throw invalid(field, `must be ${min} to ${max} characters`);
  return t;
}

/** What a release is planned with, from untrusted input. */
export interface ReleasePlan {
  targetDate: string;
  stewardId: string;
  releaserIds: string[];
  lines: ReleaseLineEntry[];
}

/**
 * Validates a plan against the release schedule: a date not in the past, a steward, releasers, and
 * the lines as `{line: "v22", version: "22.13.1"}` (the version on its line; none for a line that is
 * past its end at the date, which is flagged). Throws E_RELEASE_INVALID naming every bad field.
 */
export function validatePlan(input: unknown, schedule: ReleaseSchedule, now: Date): ReleasePlan {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  const attempt = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (e instanceof NswgError && e.problems) problems.push(...e.problems);
      else throw e;
      return null;
    }
  };
  const targetDate = attempt(() => validateDate(o.targetDate, 'targetDate'));
  if (targetDate && targetDate < dayOf(now))
    problems.push({ field: 'targetDate', message: 'is in the past' });
  const stewardId = typeof o.stewardId === 'string' ? o.stewardId.trim() : '';
  if (!stewardId) problems.push({ field: 'stewardId', message: 'is required: the release steward' });
  const releaserIds = Array.isArray(o.releaserIds)
    ? [
        ...new Set(
          o.releaserIds
            .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
            .map((x) => x.trim()),
        ),
      ]
    : [];
  if (!Array.isArray(o.releaserIds) || releaserIds.length !== o.releaserIds.length || releaserIds.length > 20)
    problems.push({ field: 'releaserIds', message: 'must be a list of up to 20 distinct user ids' });
  const lines: ReleaseLineEntry[] = [];
  if (!Array.isArray(o.lines) || o.lines.length === 0 || o.lines.length > 12)
    problems.push({ field: 'lines', message: 'must list 1 to 12 release lines' });
  else
    o.lines.forEach((x, i) => {
      const field = `lines[${i}]`;
      const l = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
      const name = typeof l.line === 'string' ? l.line.trim() : '';
      const known = schedule[name];
      if (!known) {
        problems.push({
          field: `${field}.line`,
          message: `is not a line of the release schedule (such as v22)`,
        });
        return;
      }
      if (lines.some((e) => e.line === name)) {
        problems.push({ field: `${field}.line`, message: `${name} is listed twice` });
        return;
      }
      const endOfLife = targetDate ? known.end <= targetDate : false;
      const raw = typeof l.version === 'string' ? l.version.trim().replace(/^v/, '') : '';
      if (!raw) {
        if (!endOfLife)
          problems.push({ field: `${field}.version`, message: `is required: the version ${name} ships` });
        lines.push({ line: name, version: null, endOfLife });
        return;
      }
      const v = parseVersion(raw);
      if (!v || v.prerelease.length || `v${v.major}` !== name)
        problems.push({
          field: `${field}.version`,
          message: `must be a ${name} version such as ${name.slice(1)}.1.2`,
        });
      else lines.push({ line: name, version: v.version, endOfLife });
    });
  if (problems.length)
    throw new NswgError(
      'E_RELEASE_INVALID',
      `the release plan is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      { field: problems[0]!.field },
      problems,
    );
  return { targetDate: targetDate!, stewardId, releaserIds, lines: lines.sort(byLine) };
}

const byLine = (a: ReleaseLineEntry, b: ReleaseLineEntry) =>
  Number(a.line.slice(1)) - Number(b.line.slice(1));

/** What the announcement says of one fixed report, from untrusted input. */
export interface FixInput {
  summary: string;
  lines: string[];
  patchAuthors: string[];
}

/**
 * Validates a fix's summary (0 to 5000 characters: it may be written later, but the pre-announcement
 * needs it), its lines (among the release's; by default those its affected versions reach) and its
 * patch authors (up to 20 names). Throws E_RELEASE_INVALID.
 */
export function validateFix(
  input: unknown,
  r: Pick<SecurityRelease, 'lines'>,
  defaultLines: () => string[],
): FixInput {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const summary =
    o.summary === undefined || o.summary === null ? '' : validateText(o.summary, 'summary', 0, 5000);
  const known = new Set(r.lines.map((l) => l.line));
  let lines: string[];
  if (o.lines === undefined || o.lines === null) lines = defaultLines();
  else if (!Array.isArray(o.lines) || o.lines.some((l) => typeof l !== 'string' || !known.has(l)))
    throw invalid('lines', `must be lines of the release: ${[...known].join(', ')}`);
  else lines = [...new Set(o.lines as string[])];
  if (lines.length === 0)
    throw invalid('lines', 'must name at least one line of the release the vulnerability affects');
  const authors = o.patchAuthors ?? [];
  if (
    !Array.isArray(authors) ||
    authors.length > 20 ||
    authors.some((a) => typeof a !== 'string' || !a.trim() || a.trim().length > 200)
  )
    throw invalid('patchAuthors', 'must be a list of up to 20 names');
  return {
    summary,
    lines: lines.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
    patchAuthors: (authors as string[]).map((a) => a.trim()),
  };
}

/**
 * The Node.js versions a fix's vulnerability affects and those that fix it, as npm ranges: every
 * version of each affected line (`20.x || 22.x`), and from the version the release ships on each
 * line it fixes (`^20.20.2 || ^22.22.2`). An end-of-life line stays affected with no fix.
 */
export function fixRanges(
  f: Pick<ReleaseFix, 'lines'>,
  r: Pick<SecurityRelease, 'lines'>,
): { affected: string; patched: string | null } {
  const entries = r.lines.filter((l) => f.lines.includes(l.line));
  const affected = entries.map((l) => `${l.line.slice(1)}.x`).join(' || ');
  const fixed = entries.filter((l) => l.version).map((l) => `^${l.version}`);
  return { affected, patched: fixed.length ? fixed.join(' || ') : null };
}

/** The release's lines a report's affected versions (an npm range) reach: the default lines of a fix. */
export function linesReached(r: Pick<SecurityRelease, 'lines'>, affectedVersions: string): string[] {
  return r.lines
    .filter((l) => {
      try {
        return semver.intersects(affectedVersions, `${l.line.slice(1)}.x`, NPM_SEMVER);
      } catch {
        return false;
      }
    })
    .map((l) => l.line);
}

/** A new release in planning. */
export function newRelease(id: string, plan: ReleasePlan, by: string, now: Date): SecurityRelease {
  const at = now.toISOString();
  return {
    id,
    state: 'planning',
    ...plan,
    fixes: [],
    ticks: [],
    dateChanges: [],
    preAnnouncedAt: null,
    preAnnouncedBy: null,
    override: null,
    preAnnouncement: null,
    announcement: null,
    releasedAt: null,
    releasedBy: null,
    advisoryIds: [],
    completedAt: null,
    cancelledAt: null,
    cancelledBy: null,
    cancelReason: null,
    createdBy: by,
    createdAt: at,
    updatedAt: at,
  };
}

/** The release's name as the announcements title it: "Tuesday, January 21, 2027 security releases". */
export function releaseTitle(r: Pick<SecurityRelease, 'targetDate'>): string {
  const d = new Date(`${r.targetDate}T00:00:00Z`);
  const day = d.toLocaleDateString('en-US', {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return `${day} security releases`;
}

/**
 * What the announcements say of one fixed report: the fix, and the report's title, CVE, CVSS, CWE and
 * the credits its reporter (and the credited people) consented to. Built by the program from the report.
 */
export interface AnnouncedFix {
  fix: ReleaseFix;
  title: string;
  cveId: string | null;
  cvss: { vector: string; score: number } | null;
  cwe: string | null;
  /** The severity of the CVSS score: critical, high, medium, low (none without a score). */
  severity: Severity;
  /** The names to thank for finding and reporting it, as consented (none: anonymous). */
  reporters: string[];
  /** The advisory published for it at release (null before). */
  advisoryId: string | null;
}

/**
 * The published releases as the CSAF provider lists them, in the order given (oldest first): tracking
 * ids `NSWG-SR-<date>` (a second release of one day gets `-2`), the announcement page as the
 * remediations' URL, and each one's path in the TLP:WHITE directory.
 */
export function csafReleasesOf(
  list: readonly SecurityRelease[],
  pageUrl: (releaseId: string) => string,
): (CsafSiteRelease & { releaseId: string; path: string })[] {
  const taken = new Map<string, number>();
  return list.map((r) => {
    const base = `NSWG-SR-${r.targetDate}`;
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    const trackingId = n === 1 ? base : `${base}-${n}`;
    const releasedAt = r.releasedAt ?? r.updatedAt;
    return {
      releaseId: r.id,
      trackingId,
      title: releaseTitle(r),
      releasedAt,
      announcementUrl: pageUrl(r.id),
      advisoryIds: r.advisoryIds,
      path: `${releasedAt.slice(0, 4)}/${csafFileName(trackingId)}`,
    };
  });
}
