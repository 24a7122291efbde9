import { cvssBaseScore, cvssVersion } from '../advisories/index.js';
import { type ErrorProblem, NswgError } from '../errors.js';
import { isValidRange } from '../versions/index.js';
import type { CveSource } from './cve-ids.js';
import type { FixProposal } from './fix-proposal.js';
import type { ReportState } from './workflow.js';

/** What a report is about: an npm package, or Node.js core (with the affected component). */
export type ReportKind = 'npm' | 'core';

/**
 * What the reporter says they used to find or write up the vulnerability, beyond reading the code:
 * tools (fuzzers, scanners, static analysis), AI (a language model), both, or neither. The team sees it
 * and filters on it; it decides nothing by itself.
 */
export const TOOLS_USED = ['none', 'tools', 'ai', 'tools-and-ai'] as const;
export type ToolsUsed = (typeof TOOLS_USED)[number];

/** How the reporter wants to be credited in the advisory. */
export type CreditPreference =
  | { as: 'name'; name: string }
  | { as: 'handle'; handle: string }
  | { as: 'anonymous' };

/** A CVSS 3.1 assessment: the vector as given, the score always computed by the CVSS library. */
export interface ReportCvss {
  vector: string;
  score: number;
}

/** The Working Group's submission template, validated (see validateReport). */
export interface ReportDetails {
  kind: ReportKind;
  /** The npm package (npm reports); null for core. */
  packageName: string | null;
  /** The affected Node.js component, e.g. "http" (core reports); null for npm. */
  component: string | null;
  /** The affected versions as an npm range. */
  affectedVersions: string;
  title: string;
  /** The vulnerability. */
  description: string;
  /** What an attacker gains. */
  impact: string;
  /** Steps to reproduce (the proof of concept): disclosed on publication only as agreed (agreement.ts). */
  reproduction: string;
  patch: string | null;
  environment: { os: string | null; node: string | null; npm: string | null };
  contactedMaintainer: boolean;
  openedIssue: boolean;
  cvss: ReportCvss | null;
  /** CWE-<n>. */
  cwe: string | null;
  credit: CreditPreference;
  /** Public references (http/https URLs) that may appear in the advisory. */
  references: string[];
  /** Whether tools or AI were used, as the reporter stated it (null: not stated). */
  toolsUsed: ToolsUsed | null;
}

/**
 * How the team closed a report it did not take: as spam, informative (true but not a vulnerability
 * to fix), not applicable (outside the program, or no security impact), or a duplicate (linked).
 */
export const CLOSE_CATEGORIES = ['spam', 'informative', 'not-applicable'] as const;
export type CloseCategory = (typeof CLOSE_CATEGORIES)[number];
export type ClosedAs = CloseCategory | 'duplicate';

/** A report as stored: the details plus where it stands in the workflow. Timestamps are ISO 8601 UTC. */
export interface Report extends ReportDetails {
  id: string;
  state: ReportState;
  /** The person who found it (gets the credit, votes, may withdraw). */
  reporterId: string;
  /** Who filed it: the reporter, or a team member filing on their behalf. */
  filedById: string;
  /** Users who accepted a maintainer invitation for this report. */
  maintainerIds: string[];
  submittedAt: string;
  /** Two business days after submission. */
  firstAnswerDue: string;
  /** When the team first answered (a request for information, a triage decision or a team comment). */
  firstAnswerAt: string | null;
  triagedAt: string | null;
  triagedBy: string | null;
  /** 45 calendar days after triage plus the extensions voted; null before triage. */
  publicationDue: string | null;
  extensionDays: number;
  rejectReason: string | null;
  /** How the team closed it (reject with its category, or mark-duplicate); null while it is not closed so. */
  closedAs: ClosedAs | null;
  duplicateOf: string | null;
  /**
   * The fixed versions (npm range) publication uses: set when the fix is marked (from the fix
   * proposal when none is given), and by a later fix proposal; null when there is no fix.
   */
  patchedVersions: string | null;
  /** The latest proposal of fixed versions and a release date (earlier ones are in the audit log). */
  fixProposal: FixProposal | null;
  /**
   * The report's CVE id: one of the program's blocks (assigned by the team, or at publication), or one
   * another CNA assigned, entered by hand by the team (`cveSource`). Seen by whoever sees the report.
   */
  cveId: string | null;
  /** Where the CVE id came from: `block` (ours) or `other-cna`; null without one. */
  cveSource: CveSource | null;
  /** Why the report was published without a CVE id (the team's reason, or the scheduler's at the deadline). */
  withoutCve: string | null;
  advisoryId: string | null;
  publishedAt: string | null;
  updatedAt: string;
  /** A team member's request to publish before a fix and before the deadline (a second one publishes). */
  earlyPublication: EarlyPublication | null;
  /** Why the report was published without a fix (null: fixed, or not published). */
  withoutFix: WithoutFix | null;
}

/** Why a vulnerability may be published before its fix and its deadline, as the process allows. */
export const EARLY_PUBLICATION_REASONS = ['already-public', 'actively-exploited'] as const;
export type EarlyPublicationReason = (typeof EARLY_PUBLICATION_REASONS)[number];

/** A request for early publication: the reason, what the team knows, who asked and when. */
export interface EarlyPublication {
  reason: EarlyPublicationReason;
  /** What shows it, e.g. the public issue or the exploitation seen (at most 5000 characters). */
  details: string;
  requestedBy: string;
  requestedAt: string;
}

/**
 * Why a report was published without a fix: early (already public or exploited), or at the deadline
 * with its maintainers silent, informed but no fix started, or a fix in progress.
 */
export type WithoutFix = 'early-publication' | 'maintainers-silent' | 'no-fix-started' | 'fix-in-progress';

/** Validates a request for early publication from untrusted input. Throws E_REPORT_INVALID. */
export function validateEarlyPublication(input: unknown): Pick<EarlyPublication, 'reason' | 'details'> {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  const reason = (EARLY_PUBLICATION_REASONS as readonly unknown[]).includes(o.reason)
    ? (o.reason as EarlyPublicationReason)
    : null;
  if (!reason)
    problems.push({ field: 'reason', message: `must be one of ${EARLY_PUBLICATION_REASONS.join(', ')}` });
  const details = typeof o.details === 'string' ? o.details.trim() : '';
  if (details.length < 10 || details.length > 5000)
    problems.push({
      field: 'details',
      message: 'must say in 10 to 5000 characters what shows it (a public link, the exploitation seen)',
    });
  throwProblems(problems);
  return { reason: reason!, details };
}

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const COMPONENT = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
const CWE = /^CWE-\d{1,5}$/;
const CVE = /^CVE-\d{4}-\d{4,7}$/;

/** Collects problems field by field, so that a form shows every one at once. */
export class Checker {
  readonly problems: ErrorProblem[] = [];
  constructor(private readonly input: Record<string, unknown>) {}

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  text(field: string, opts: { min?: number; max: number; optional?: boolean }): string | null {
    const v = this.input[field];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (!opts.optional) this.fail(field, 'is required');
      return null;
    }
    if (typeof v !== 'string') {
      this.fail(field, 'must be text');
      return null;
    }
    const t = v.trim();
    if (opts.min !== undefined && t.length < opts.min)
      this.fail(field, `must be at least ${opts.min} characters`);
    else if (t.length > opts.max) this.fail(field, `must be at most ${opts.max} characters`);
    return t;
  }

  flag(field: string): boolean {
    const v = this.input[field];
    if (typeof v === 'boolean') return v;
    this.fail(field, 'must be answered yes or no');
    return false;
  }
}

/** Checks a CVSS vector: must be CVSS 3.1 and complete; the score is computed, never taken from input. */
export function checkCvss(vector: string): ReportCvss | string {
  const v = vector.trim();
  if (cvssVersion(v) !== '3.1') return 'must be a CVSS 3.1 vector (CVSS:3.1/AV:…)';
  const score = cvssBaseScore(v);
  return score === null ? 'is not a complete, valid CVSS 3.1 vector' : { vector: v, score };
}

/** True for a CVE id such as CVE-2024-12345. */
export const isCveId = (s: string): boolean => CVE.test(s);

function credit(c: Checker, v: unknown): CreditPreference {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const name = typeof o.name === 'string' ? o.name.trim() : '';
  const handle = typeof o.handle === 'string' ? o.handle.trim() : '';
  if (o.as === 'anonymous') return { as: 'anonymous' };
  if (o.as === 'name' && name && name.length <= 100) return { as: 'name', name };
  if (o.as === 'handle' && handle && handle.length <= 100) return { as: 'handle', handle };
  c.fail(
    'credit',
    'must be { as: "name", name } or { as: "handle", handle } (1 to 100 characters) or { as: "anonymous" }',
  );
  return { as: 'anonymous' };
}

/** Public references: at most 20 http(s) URLs. */
export function references(c: Checker, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 20) {
    c.fail('references', 'must be a list of at most 20 URLs');
    return [];
  }
  const out: string[] = [];
  v.forEach((u, i) => {
    if (typeof u !== 'string' || !/^https?:\/\/[^\s]+$/.test(u.trim()) || u.length > 2000)
      c.fail(`references[${i}]`, 'must be an http(s) URL');
    else out.push(u.trim());
  });
  return out;
}

function environment(c: Checker, v: unknown): ReportDetails['environment'] {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const sub = new Checker(o);
  const env = {
    os: sub.text('os', { max: 200, optional: true }),
    node: sub.text('node', { max: 200, optional: true }),
    npm: sub.text('npm', { max: 200, optional: true }),
  };
  for (const p of sub.problems) c.fail(`environment.${p.field}`, p.message);
  return env;
}

/** Throws E_REPORT_INVALID listing every problem, each with its field (nothing when there is none). */
export function throwProblems(problems: ErrorProblem[]): void {
  if (!problems.length) return;
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
  throw new NswgError(
    'E_REPORT_INVALID',
    `${first.field} ${first.message}${more}`,
    { field: first.field },
    problems,
  );
}

/**
 * Validates a submission (the Working Group's template) from untrusted input and normalizes it.
 * Throws NswgError E_REPORT_INVALID whose `problems` name every bad field. A CVSS score in the input
 * is ignored: the score is always computed from the vector.
 */
export function validateReport(input: unknown): ReportDetails {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const c = new Checker(o);
  const v = vulnerabilityFields(c, o, { descriptionMax: 50_000 });
  const impact = c.text('impact', { max: 20_000 });
  // the steps are what tells a finding from a guess: a placeholder or the description again is none
  const reproduction = c.text('reproduction', { min: REPRODUCTION_MIN, max: 50_000 });
  if (
    reproduction !== null &&
    reproduction.length >= REPRODUCTION_MIN &&
    sameText(reproduction, v.description)
  )
    c.fail('reproduction', 'must give the steps or the code that show it, not repeat the description');
  const toolsUsed = toolsUsedOf(c, o.toolsUsed);
  const patch = c.text('patch', { max: 200_000, optional: true });
  const env = environment(c, o.environment);
  const contactedMaintainer = c.flag('contactedMaintainer');
  const openedIssue = c.flag('openedIssue');
  const creditPref = credit(c, o.credit);
  throwProblems(c.problems);
  return {
    ...v,
    impact: impact!,
    reproduction: reproduction!,
    patch,
    environment: env,
    contactedMaintainer,
    openedIssue,
    credit: creditPref,
    toolsUsed,
  };
}

/** The shortest proof of concept or reproduction steps taken: "see PoC" or "run it" are not steps. */
export const REPRODUCTION_MIN = 30;

const sameText = (a: string, b: string | null) =>
  b !== null && a.replace(/\s+/g, ' ').toLowerCase() === b.replace(/\s+/g, ' ').toLowerCase();

/** The reporter's statement on tools and AI: optional, one of TOOLS_USED. */
function toolsUsedOf(c: Checker, v: unknown): ToolsUsed | null {
  if (v === undefined || v === null || v === '') return null;
  if ((TOOLS_USED as readonly unknown[]).includes(v)) return v as ToolsUsed;
  c.fail('toolsUsed', `must be one of ${TOOLS_USED.join(', ')}`);
  return null;
}

/** What every description of a vulnerability the program takes in has: a report, or a CVE request. */
export type VulnerabilityFields = Pick<
  ReportDetails,
  | 'kind'
  | 'packageName'
  | 'component'
  | 'affectedVersions'
  | 'title'
  | 'description'
  | 'cvss'
  | 'cwe'
  | 'references'
>;

/**
 * Checks the fields a report and a CVE request share (kind, package or component, affected
 * versions, title, description, CVSS, CWE, references), collecting problems in `c`; the values are
 * only meaningful once `throwProblems(c.problems)` passed.
 */
export function vulnerabilityFields(
  c: Checker,
  o: Record<string, unknown>,
  opts: { descriptionMax: number },
): VulnerabilityFields {
  const kind = o.kind === 'npm' || o.kind === 'core' ? o.kind : null;
  if (!kind) c.fail('kind', 'must be "npm" (a package) or "core" (Node.js itself)');
  let packageName: string | null = null;
  let component: string | null = null;
  if (kind === 'npm') {
    packageName = c.text('packageName', { max: 214 });
    if (packageName !== null && !PACKAGE_NAME.test(packageName))
      c.fail('packageName', 'is not a valid npm package name');
  } else if (kind === 'core') {
    component = c.text('component', { max: 64 });
    if (component !== null && !COMPONENT.test(component))
      c.fail('component', 'must be a Node.js component such as "http" or "crypto"');
  }
  const affectedVersions = c.text('affectedVersions', { max: 500 });
  if (affectedVersions !== null && !isValidRange(affectedVersions)) {
    c.fail('affectedVersions', 'must be an npm version range such as "<1.4.2" or ">=2.0.0 <2.3.1"');
  }
  const title = c.text('title', { min: 5, max: 200 });
  const description = c.text('description', { min: 20, max: opts.descriptionMax });
  let cvss: ReportCvss | null = null;
  const vector = c.text('cvssVector', { max: 200, optional: true });
  if (vector !== null) {
    const checked = checkCvss(vector);
    if (typeof checked === 'string') c.fail('cvssVector', checked);
    else cvss = checked;
  }
  const cwe = c.text('cwe', { max: 12, optional: true });
  if (cwe !== null && !CWE.test(cwe)) c.fail('cwe', 'must be a CWE id such as CWE-79');
  const refs = references(c, o.references);
  return {
    kind: kind!,
    packageName,
    component,
    affectedVersions: affectedVersions!,
    title: title!,
    description: description!,
    cvss,
    cwe,
    references: refs,
  };
}

/** What the team may amend after submission (the triage assessment). */
export interface AssessmentInput {
  cvssVector?: string | null;
  cwe?: string | null;
  cveId?: string | null;
  affectedVersions?: string;
}

/** Validates an assessment change; returns only the fields given. Throws E_REPORT_INVALID. */
export function validateAssessment(
  input: AssessmentInput,
): Partial<Pick<Report, 'cvss' | 'cwe' | 'cveId' | 'affectedVersions'>> {
  const problems: ErrorProblem[] = [];
  const out: Partial<Pick<Report, 'cvss' | 'cwe' | 'cveId' | 'affectedVersions'>> = {};
  if (input.cvssVector !== undefined) {
    if (input.cvssVector === null || input.cvssVector.trim() === '') out.cvss = null;
    else {
      const checked = checkCvss(input.cvssVector);
      if (typeof checked === 'string') problems.push({ field: 'cvssVector', message: checked });
      else out.cvss = checked;
    }
  }
  if (input.cwe !== undefined) {
    if (input.cwe !== null && !CWE.test(input.cwe))
      problems.push({ field: 'cwe', message: 'must be a CWE id such as CWE-79' });
    else out.cwe = input.cwe;
  }
  if (input.cveId !== undefined) {
    if (input.cveId !== null && !CVE.test(input.cveId))
      problems.push({ field: 'cveId', message: 'must be a CVE id such as CVE-2024-12345' });
    else out.cveId = input.cveId;
  }
  if (input.affectedVersions !== undefined) {
    if (!isValidRange(input.affectedVersions) || !input.affectedVersions.trim()) {
      problems.push({ field: 'affectedVersions', message: 'must be an npm version range' });
    } else out.affectedVersions = input.affectedVersions.trim();
  }
  throwProblems(problems);
  return out;
}

/** Validates the fixed versions given when a fix is marked: an npm range, or null when there is none. */
export function validatePatchedVersions(range: string | null | undefined): string | null {
  if (range === undefined || range === null || range.trim() === '') return null;
  if (!isValidRange(range)) {
    throw new NswgError(
      'E_REPORT_INVALID',
      'patchedVersions must be an npm version range such as ">=1.4.2"',
      { field: 'patchedVersions' },
      [{ field: 'patchedVersions', message: 'must be an npm version range' }],
    );
  }
  return range.trim();
}
