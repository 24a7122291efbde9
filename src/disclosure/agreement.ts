import type { ErrorProblem } from '../errors.js';
import { type Report, throwProblems } from './report.js';
import { type Actor, isMaintainerOf, isReporterOf, isTeamFor, type Participants } from './roles.js';

/**
 * What the participants of a report agree to disclose with it on publication, beyond the advisory:
 * its proof of concept (the steps to reproduce), its comment thread as a whole, and each of its
 * attachments. The environment, the patch and internal notes are never disclosed.
 */
export type DisclosureSubject = 'proof-of-concept' | 'comments' | `attachment:${string}`;
export const PROOF_OF_CONCEPT: DisclosureSubject = 'proof-of-concept';
/**
 * The comment thread, as one subject: comments answer one another, so a thread shown in part would
 * say what it does not mean; and a comment added later is covered by what was agreed on the thread.
 */
export const COMMENTS: DisclosureSubject = 'comments';
export const attachmentSubject = (attachmentId: string): DisclosureSubject => `attachment:${attachmentId}`;

/**
 * Who agrees: the reporter, the team (any member of the report's team speaks for it, the latest word
 * counts), and each maintainer who accepted an invitation, separately.
 */
export type Party = 'reporter' | 'team' | `maintainer:${string}`;

/** One party's word on one subject; a later statement of the same party replaces it. */
export interface DisclosureStatement {
  reportId: string;
  subject: DisclosureSubject;
  party: Party;
  disclosable: boolean;
  /** The user who spoke (for the team: which member). */
  statedBy: string;
  statedAt: string;
}

/** A party's stance on a subject: may be disclosed (true), may not (false), or nothing said (null). */
export type Stance = boolean | null;

/**
 * THE rule, the one place it is written: a subject is disclosed on publication only when the reporter
 * AND the team agreed, and no accepted maintainer objected (a maintainer's silence is no objection).
 */
export function mayDisclose(reporter: Stance, team: Stance, maintainers: readonly Stance[]): boolean {
  return reporter === true && team === true && !maintainers.includes(false);
}

/**
 * The party `actor` speaks for on report `r`, or null when they speak for none. One person speaks for
 * one party only, so nobody makes two of the agreements the rule needs: a reporter who is also on the
 * team speaks as the reporter (another member must speak for the team), a maintainer as a maintainer.
 */
export function partyOf(actor: Actor, r: Participants): Party | null {
  if (actor.kind !== 'user' || actor.unconfirmed) return null;
  if (isReporterOf(actor, r)) return 'reporter';
  if (isMaintainerOf(actor, r)) return `maintainer:${actor.id}`;
  if (isTeamFor(actor, r.kind)) return 'team';
  return null;
}

/** Where one subject stands: each party's stance and what the rule makes of them. */
export interface SubjectAgreement {
  subject: 'proof-of-concept' | 'comments' | 'attachment';
  attachmentId: string | null;
  reporter: Stance;
  team: Stance;
  /** Every accepted maintainer of the report, in the order they joined. */
  maintainers: { userId: string; disclosable: Stance }[];
  /** What the rule says: disclosed once the report is published. */
  disclosable: boolean;
}

function subjectAgreement(
  r: Pick<Report, 'maintainerIds'>,
  subject: DisclosureSubject,
  statements: readonly DisclosureStatement[],
): SubjectAgreement {
  const stance = (party: Party): Stance =>
    statements.find((s) => s.subject === subject && s.party === party)?.disclosable ?? null;
  const reporter = stance('reporter');
  const team = stance('team');
  const maintainers = r.maintainerIds.map((userId) => ({
    userId,
    disclosable: stance(`maintainer:${userId}`),
  }));
  const attachmentId = subject.startsWith('attachment:') ? subject.slice('attachment:'.length) : null;
  return {
    subject: attachmentId === null ? (subject as 'proof-of-concept' | 'comments') : 'attachment',
    attachmentId,
    reporter,
    team,
    maintainers,
    disclosable: mayDisclose(
      reporter,
      team,
      maintainers.map((m) => m.disclosable),
    ),
  };
}

/**
 * The agreement on a report: the proof of concept first, the comments, then each attachment (by id,
 * in the order given). Statements of users who are not (or no longer) maintainers of the report count
 * for nothing.
 */
export function agreementOf(
  r: Pick<Report, 'maintainerIds'>,
  attachmentIds: readonly string[],
  statements: readonly DisclosureStatement[],
): SubjectAgreement[] {
  return [PROOF_OF_CONCEPT, COMMENTS, ...attachmentIds.map(attachmentSubject)].map((s) =>
    subjectAgreement(r, s, statements),
  );
}

/**
 * What the disclosed form of a report shows beyond the advisory: whether its proof of concept and its
 * comments, and which attachments. Nothing before publication, whatever was agreed.
 */
export function disclosedContent(
  r: Pick<Report, 'state' | 'maintainerIds'>,
  attachmentIds: readonly string[],
  statements: readonly DisclosureStatement[],
): { proofOfConcept: boolean; comments: boolean; attachmentIds: string[] } {
  if (r.state !== 'published') return { proofOfConcept: false, comments: false, attachmentIds: [] };
  const agreed = agreementOf(r, attachmentIds, statements);
  const of = (subject: SubjectAgreement['subject']) => agreed.find((a) => a.subject === subject)!.disclosable;
  return {
    proofOfConcept: of('proof-of-concept'),
    comments: of('comments'),
    attachmentIds: agreed.filter((a) => a.attachmentId !== null && a.disclosable).map((a) => a.attachmentId!),
  };
}

/** What one statement request says: the proof of concept, the comments and/or attachments, each yes or no. */
export interface StatementsInput {
  proofOfConcept?: boolean;
  comments?: boolean;
  attachments?: { id: string; disclosable: boolean }[];
}

/**
 * Validates a statement request (proofOfConcept, comments, attachments) against the report's
 * attachments: booleans, attachment ids of this report, each named once, at least one statement.
 * Throws E_REPORT_INVALID naming every bad field.
 */
export function validateStatements(
  input: unknown,
  attachmentIds: readonly string[],
): { subject: DisclosureSubject; disclosable: boolean }[] {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  const out: { subject: DisclosureSubject; disclosable: boolean }[] = [];
  for (const [field, subject] of [
    ['proofOfConcept', PROOF_OF_CONCEPT],
    ['comments', COMMENTS],
  ] as const) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    if (typeof v === 'boolean') out.push({ subject, disclosable: v });
    else problems.push({ field, message: 'must be true or false' });
  }
  if (o.attachments !== undefined && o.attachments !== null) {
    if (!Array.isArray(o.attachments) || o.attachments.length > 100) {
      problems.push({ field: 'attachments', message: 'must be a list of { id, disclosable }' });
    } else {
      const seen = new Set<string>();
      o.attachments.forEach((a: unknown, i) => {
        const item = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
        const id = typeof item.id === 'string' ? item.id : '';
        if (!attachmentIds.includes(id))
          problems.push({ field: `attachments[${i}].id`, message: 'names no attachment of this report' });
        else if (seen.has(id))
          problems.push({ field: `attachments[${i}].id`, message: 'names an attachment twice' });
        if (typeof item.disclosable !== 'boolean')
          problems.push({ field: `attachments[${i}].disclosable`, message: 'must be true or false' });
        if (attachmentIds.includes(id) && !seen.has(id) && typeof item.disclosable === 'boolean')
          out.push({ subject: attachmentSubject(id), disclosable: item.disclosable });
        seen.add(id);
      });
    }
  }
  if (!problems.length && !out.length)
    problems.push({
      field: 'proofOfConcept',
      message: 'say whether the proof of concept, the comments or an attachment may be disclosed',
    });
  throwProblems(problems);
  return out;
}
