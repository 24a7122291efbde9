import type { Credit, CreditType } from '../advisories/index.js';
import { type ErrorProblem, NswgError } from '../errors.js';
import { normalEmail } from './accounts/model.js';
import type { Report } from './report.js';

// Credits with roles: who the advisory thanks, and for what. A credit is proposed by the team or the
// reporter and becomes public only once the credited person accepted it, logged in with the account
// of the address it was proposed to; the team enters the credit of someone without an account itself
// (and answers for having asked them). The reporter's own credit, as chosen at submission, is theirs
// already (report.ts, `credit`).

/** The roles of the CVE record format and OSV, in the program's words. */
export const CREDIT_ROLES = [
  'finder',
  'reporter',
  'analyst',
  'coordinator',
  'remediation-developer',
  'remediation-reviewer',
  'remediation-verifier',
  'tool',
  'sponsor',
  'other',
] as const;
export type CreditRole = (typeof CREDIT_ROLES)[number];

/**
 * proposed (waiting for the credited person) → accepted | declined; a proposed or accepted credit may
 * be withdrawn by whoever proposed it, or the team, until publication. Entered by the team: accepted.
 */
export const CREDIT_STATES = ['proposed', 'accepted', 'declined', 'withdrawn'] as const;
export type CreditState = (typeof CREDIT_STATES)[number];

/** One credit on a report. */
export interface ReportCredit {
  id: string;
  reportId: string;
  role: CreditRole;
  /** The name the advisory shows. */
  name: string;
  /** The address of the credited person's account (trimmed, lower-cased); null when entered by the team. */
  email: string | null;
  state: CreditState;
  proposedBy: string;
  proposedAt: string;
  /** Who accepted, declined or withdrew it (the credited person, the proposer or the team), and when. */
  decidedBy: string | null;
  decidedAt: string | null;
}

/** How many credits (of any state) a report may hold: proposing is not a way to send mail at will. */
export const MAX_CREDITS = 20;
const MAX_NAME = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// control characters, and the bidirectional overrides that make a name read other than it is
const UNSAFE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** A credit as proposed: to the account of an address, or entered by the team for a person without one. */
export type CreditProposal =
  | { role: CreditRole; name: string; email: string }
  | { role: CreditRole; name: string; withoutAccount: true };

/** The name a credit shows, checked: 1 to 200 characters, no control characters. */
export function checkCreditName(v: unknown, field = 'name'): string {
  const name = typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : '';
  if (!name || name.length > MAX_NAME || UNSAFE.test(name))
    throw invalid(field, `must be 1 to ${MAX_NAME} characters, without control characters`);
  return name;
}

/**
 * Checks a proposal from untrusted input: `role` one of CREDIT_ROLES, `name`, and either `email` (the
 * credited person's account) or `withoutAccount: true`. Throws E_REPORT_INVALID naming the field.
 */
export function validateCreditProposal(input: unknown): CreditProposal {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (!(CREDIT_ROLES as readonly unknown[]).includes(o.role))
    throw invalid('role', `must be one of ${CREDIT_ROLES.join(', ')}`);
  const role = o.role as CreditRole;
  const name = checkCreditName(o.name);
  const hasEmail = o.email !== undefined && o.email !== null && o.email !== '';
  if (o.withoutAccount === true) {
    if (hasEmail) throw invalid('email', 'is given for a credit without an account: give one or the other');
    return { role, name, withoutAccount: true };
  }
  if (o.withoutAccount !== undefined && o.withoutAccount !== false)
    throw invalid('withoutAccount', 'must be true or false');
  const email = normalEmail(o.email);
  if (!hasEmail || !EMAIL.test(email) || email.length > 254)
    throw invalid('email', "must be the credited person's e-mail address (or set withoutAccount)");
  return { role, name, email };
}

/** The OSV credit type of a role (the CVE record maps OSV's types to its own). */
export const creditType = (role: CreditRole): CreditType =>
  role.toUpperCase().replaceAll('-', '_') as CreditType;

/** The reporter's own credit, as chosen at submission: a finder's, or none when anonymous. */
export function reporterCredit(r: Pick<Report, 'credit'>): Credit[] {
  const c = r.credit;
  if (c.as === 'anonymous') return [];
  const base = { type: 'FINDER' as const, website: null, contact: [] };
  return c.as === 'name'
    ? [{ ...base, name: c.name, username: null }]
    : [{ ...base, name: c.handle, username: c.handle }];
}

/**
 * The credits an advisory carries: the reporter's own, then the accepted ones of `credits` (a report's,
 * in the order they were proposed), each name and role once. Proposed, declined and withdrawn credits never appear.
 */
export function advisoryCredits(r: Pick<Report, 'credit'>, credits: readonly ReportCredit[]): Credit[] {
  const out = reporterCredit(r);
  const seen = new Set(out.map((c) => `${c.type}\0${c.name}`));
  for (const c of credits) {
    if (c.state !== 'accepted') continue;
    const type = creditType(c.role);
    const key = `${type}\0${c.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: c.name, type, website: null, username: null, contact: [] });
  }
  return out;
}

/**
 * What may happen to a credit before publication: the credited person accepts (also after declining)
 * or declines (also after accepting: consent may be taken back); whoever proposed it, or the team,
 * withdraws a proposed or accepted one. A withdrawn credit is final.
 */
export function creditMove(state: CreditState, move: 'accept' | 'decline' | 'withdraw'): boolean {
  switch (move) {
    case 'accept':
      return state === 'proposed' || state === 'declined';
    case 'decline':
      return state === 'proposed' || state === 'accepted';
    case 'withdraw':
      return state === 'proposed' || state === 'accepted';
  }
}

function invalid(field: string, message: string): NswgError {
  const problems: ErrorProblem[] = [{ field, message }];
  return new NswgError('E_REPORT_INVALID', `${field} ${message}`, { field }, problems);
}
