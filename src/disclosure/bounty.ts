import { type Severity, severityOfScore } from '../advisories/index.js';
import { type ErrorProblem, NswgError } from '../errors.js';
import type { Report } from './report.js';

// The bug bounty: the modules whose maintainers agreed to it, the reward table, the budget and its
// ledger, and the rewards of published reports. Pure rules: which report is eligible and for how
// much, the moves of a reward, who may approve one, what the ledger must never show.

/** Where a module stands in the program, as the Working Group's list has it. */
export const MODULE_SECTIONS = ['confirmed', 'work-in-progress'] as const;
export type ModuleSection = (typeof MODULE_SECTIONS)[number];

/** The fewest downloads a month a module needs to be eligible. */
export const MIN_MONTHLY_DOWNLOADS = 1000;

/** One eligible module (a package, or a whole `@scope`), as the admins keep it. */
export interface BountyModule {
  /** A package name, or `@scope` for every package of the scope. */
  name: string;
  section: ModuleSection;
  /** Who approved on the maintainers' side (a name, a handle or an address), and when (YYYY-MM-DD). */
  approvedBy: string;
  approvedOn: string;
  /** The last count of downloads a month, its date (YYYY-MM-DD) and source; null before any refresh. */
  downloads: number | null;
  downloadsAsOf: string | null;
  downloadsSource: 'registry' | 'override' | null;
  addedBy: string;
  addedAt: string;
  updatedAt: string;
}

/** True when the module counts for rewards now: confirmed, and the last count at least the minimum. */
export const moduleEligible = (m: Pick<BountyModule, 'section' | 'downloads'>): boolean =>
  m.section === 'confirmed' && (m.downloads ?? 0) >= MIN_MONTHLY_DOWNLOADS;

/** True when `module` (a package or `@scope`) covers the npm package `pkg`. */
export function moduleCovers(module: string, pkg: string): boolean {
  return module.startsWith('@') && !module.includes('/') ? pkg.startsWith(`${module}/`) : module === pkg;
}

/** The module of `modules` that covers `pkg`: the package itself before its scope; null when none. */
export function moduleOf<M extends Pick<BountyModule, 'name'>>(modules: readonly M[], pkg: string): M | null {
  return modules.find((m) => m.name === pkg) ?? modules.find((m) => moduleCovers(m.name, pkg)) ?? null;
}

const PACKAGE = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const SCOPE = /^@[a-z0-9][a-z0-9._~-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// control characters, and the bidirectional overrides that make a name read other than it is
const UNSAFE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const invalid = (problems: ErrorProblem[]): NswgError =>
  new NswgError(
    'E_BOUNTY_INVALID',
    problems.map((p) => `${p.field} ${p.message}`).join('; '),
    { field: problems[0]!.field },
    problems,
  );

/** A module's name: an npm package name or `@scope`, lower case, at most 214 characters. */
export function checkModuleName(v: unknown, field = 'name'): string {
  const t = typeof v === 'string' ? v.trim() : '';
  if (t.length > 214 || !(PACKAGE.test(t) || SCOPE.test(t)))
    throw invalid([{ field, message: 'must be an npm package name or a scope such as @scope' }]);
  return t;
}

/** What an admin gives for a module. */
export interface ModuleInput {
  name: string;
  section: ModuleSection;
  approvedBy: string;
  approvedOn: string;
}

/** Checks a module from untrusted input; `now` bounds the approval date. Throws E_BOUNTY_INVALID. */
export function validateModule(input: unknown, now: Date): ModuleInput {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  let name = '';
  try {
    name = checkModuleName(o.name);
  } catch (e) {
    problems.push(...((e as NswgError).problems ?? []));
  }
  const section = (MODULE_SECTIONS as readonly unknown[]).includes(o.section)
    ? (o.section as ModuleSection)
    : null;
  if (!section) problems.push({ field: 'section', message: `must be one of ${MODULE_SECTIONS.join(', ')}` });
  const approvedBy = typeof o.approvedBy === 'string' ? o.approvedBy.trim().replace(/\s+/g, ' ') : '';
  if (!approvedBy || approvedBy.length > 200 || UNSAFE.test(approvedBy))
    problems.push({
      field: 'approvedBy',
      message: 'must name the maintainer who approved (1 to 200 characters)',
    });
  const approvedOn = typeof o.approvedOn === 'string' ? o.approvedOn.trim() : '';
  const day = DATE.test(approvedOn) ? new Date(`${approvedOn}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== approvedOn || day > now)
    problems.push({
      field: 'approvedOn',
      message: 'must be the date of the approval (YYYY-MM-DD, not later than today)',
    });
  if (problems.length) throw invalid(problems);
  return { name, section: section!, approvedBy, approvedOn };
}

/** The reward of each severity, in cents. */
export type RewardTable = Record<Severity, number>;

/** The Working Group's table: Critical $500, High $250, nothing below. */
export const DEFAULT_REWARD_TABLE: RewardTable = {
  critical: 50_000,
  high: 25_000,
  moderate: 0,
  low: 0,
  info: 0,
};

/** The most one reward may be, and one deposit: a typing mistake should not empty or flood the budget. */
export const MAX_AMOUNT = 10_000_000;

/** An amount in cents from untrusted input: a whole number from `min` to MAX_AMOUNT. */
export function checkAmount(v: unknown, field: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > MAX_AMOUNT)
    throw invalid([{ field, message: `must be a whole number of cents from ${min} to ${MAX_AMOUNT}` }]);
  return v;
}

/** Checks a reward table from untrusted input: every severity, in cents (0 for none). */
export function validateRewardTable(input: unknown): RewardTable {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const out = { ...DEFAULT_REWARD_TABLE };
  for (const s of Object.keys(out) as Severity[]) if (o[s] !== undefined) out[s] = checkAmount(o[s], s, 0);
  return out;
}

/**
 * A reward: proposed at publication → approved (a second team member; the money is reserved) → paid
 * (an admin, with the payment's reference); or waiting-for-budget when the approval found the budget
 * short (approved once a deposit covers it); or ineligible, with the reason the researcher reads.
 */
export const REWARD_STATES = ['proposed', 'approved', 'waiting-for-budget', 'paid', 'ineligible'] as const;
export type RewardState = (typeof REWARD_STATES)[number];

/** One reward of one published report. */
export interface Reward {
  id: string;
  reportId: string;
  advisoryId: string | null;
  /** The researcher: the report's reporter. */
  researcherId: string;
  packageName: string;
  /** The module that covered the package at publication. */
  moduleName: string;
  severity: Severity;
  /** The whole reward in cents, the maintainer's share included. */
  amount: number;
  /** The maintainer of the report who gets a share, and the share in cents (0: none). */
  maintainerId: string | null;
  maintainerShare: number;
  state: RewardState;
  /** Why it is ineligible (the researcher reads it); null otherwise. */
  reason: string | null;
  /** Who proposed it: null for the program itself at publication. */
  proposedBy: string | null;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  paidBy: string | null;
  paidAt: string | null;
  /** The payment's reference (a transfer id): unique, so one payment is never recorded twice. */
  paymentReference: string | null;
}

/** The moves of a reward, and where each leads from. */
export const REWARD_MOVES = {
  approve: { from: ['proposed'], to: 'approved' },
  wait: { from: ['proposed'], to: 'waiting-for-budget' },
  fund: { from: ['waiting-for-budget'], to: 'approved' },
  pay: { from: ['approved'], to: 'paid' },
  refuse: { from: ['proposed', 'waiting-for-budget', 'approved'], to: 'ineligible' },
} as const satisfies Record<string, { from: readonly RewardState[]; to: RewardState }>;
export type RewardMove = keyof typeof REWARD_MOVES;

/** True when a reward in `state` may make `move`. */
export const rewardMay = (state: RewardState, move: RewardMove): boolean =>
  (REWARD_MOVES[move].from as readonly RewardState[]).includes(state);

/** What publication decides for a report: no reward (not in the bounty), or one proposed or ineligible. */
export type RewardDecision =
  | null
  | { module: string; severity: Severity; amount: number; state: 'proposed' }
  | { module: string; severity: Severity; amount: 0; state: 'ineligible'; reason: string };

/** Cents from dollars as people type them ("500", "250.50", "$1,000"); NaN otherwise (checkAmount refuses it). */
export function centsOf(text: string): number {
  const t = text.trim().replace(/^\$/, '').replaceAll(',', '');
  return /^\d{1,9}(\.\d{1,2})?$/.test(t) ? Math.round(Number(t) * 100) : Number.NaN;
}

/** USD from cents, as the pages and mail show it. */
export const dollars = (cents: number): string =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: cents % 100 ? 2 : 0 })}`;

/**
 * The reward a report earns at publication: none when its package is in no module of the bounty (or it
 * is about Node.js core); ineligible, with the reason, when its module is not confirmed, had fewer
 * than MIN_MONTHLY_DOWNLOADS at its last count, the report has no CVSS score, or the table pays nothing
 * for its severity; else proposed for the table's amount.
 */
export function rewardAtPublication(
  report: Pick<Report, 'kind' | 'packageName' | 'cvss'>,
  modules: readonly BountyModule[],
  table: RewardTable,
): RewardDecision {
  if (report.kind !== 'npm' || !report.packageName) return null;
  const m = moduleOf(modules, report.packageName);
  if (!m) return null;
  const severity = severityOfScore(report.cvss?.score);
  const no = (reason: string) => ({
    module: m.name,
    severity,
    amount: 0 as const,
    state: 'ineligible' as const,
    reason,
  });
  if (m.section !== 'confirmed')
    return no(`${m.name} is not confirmed in the bounty yet (work in progress) at publication`);
  if ((m.downloads ?? 0) < MIN_MONTHLY_DOWNLOADS)
    return no(
      `${m.name} had ${m.downloads ?? 'an unknown number of'} downloads a month at its last count${m.downloadsAsOf ? ` (${m.downloadsAsOf})` : ''}: the bounty needs at least ${MIN_MONTHLY_DOWNLOADS}`,
    );
  if (!report.cvss) return no('the advisory has no CVSS score: rewards follow the CVSS severity');
  const amount = table[severity];
  if (!amount) return no(`the bounty rewards ${rewarded(table)} findings; this one is ${severity}`);
  return { module: m.name, severity, amount, state: 'proposed' };
}

const rewarded = (t: RewardTable): string =>
  (Object.keys(t) as Severity[]).filter((s) => t[s] > 0).join(' and ') || 'no';

/**
 * Who may approve a reward: a team member of npm reports (the caller checks), who is neither the
 * researcher, nor whoever filed the report for them, nor the person who proposed the reward. A reward
 * the program proposed at publication was proposed by nobody: any other team member approves it.
 * Null when allowed, else the reason.
 */
export function secondPersonRefusal(
  approverId: string,
  reward: Pick<Reward, 'researcherId' | 'proposedBy' | 'maintainerId'>,
  report: Pick<Report, 'reporterId' | 'filedById'>,
): string | null {
  if (approverId === reward.researcherId || approverId === report.reporterId)
    return 'the researcher never approves their own reward: a second team member does';
  if (approverId === report.filedById) return 'whoever filed the report does not approve its reward';
  if (approverId === reward.proposedBy)
    return 'a reward is approved by a second team member, not by whoever proposed it';
  return null;
}

/** The maintainer's share from untrusted input: 0 to the whole reward, in cents. */
export function checkShare(v: unknown, amount: number): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > amount)
    throw invalid([
      { field: 'maintainerShare', message: `must be a whole number of cents from 0 to ${amount}` },
    ]);
  return v;
}

/** A reason from untrusted input (the researcher reads it): 10 to 500 characters. */
export function checkReason(v: unknown, field = 'reason'): string {
  const t = typeof v === 'string' ? v.trim() : '';
  if (t.length < 10 || t.length > 500 || UNSAFE.test(t.replace(/[\n\t]/g, ' ')))
    throw invalid([{ field, message: 'must say why in 10 to 500 characters' }]);
  return t;
}

/** A payment's reference from untrusted input: 3 to 200 characters, on one line. */
export function checkReference(v: unknown): string {
  const t = typeof v === 'string' ? v.trim() : '';
  if (t.length < 3 || t.length > 200 || UNSAFE.test(t))
    throw invalid([{ field: 'reference', message: "must be the payment's reference (3 to 200 characters)" }]);
  return t;
}

/** What moves the budget: a deposit, a reward's reservation at approval, its release, its payment. */
export const LEDGER_KINDS = ['deposit', 'reserve', 'release', 'payment'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * One movement of the budget. `amount` is signed, in cents: deposits and releases add, reservations
 * take; a payment moves nothing (the money was reserved at approval) and records that it left.
 * `balance` is the budget after the movement, never negative.
 */
export interface LedgerEntry {
  seq: number;
  kind: LedgerKind;
  amount: number;
  balance: number;
  rewardId: string | null;
  /** Who: a user id, or the operator's name. */
  by: string;
  at: string;
  reason: string;
}

/** The budget's figures: what is available, what is reserved for approved rewards, what was paid. */
export interface BudgetFigures {
  balance: number;
  reserved: number;
  paid: number;
  waiting: number;
}

/** The figures over the rewards and the balance. */
export function budgetFigures(
  balance: number,
  rewards: readonly Pick<Reward, 'state' | 'amount'>[],
): BudgetFigures {
  const sum = (s: RewardState) => rewards.filter((r) => r.state === s).reduce((n, r) => n + r.amount, 0);
  return { balance, reserved: sum('approved'), paid: sum('paid'), waiting: sum('waiting-for-budget') };
}
