import { createHash } from 'node:crypto';
import type { Actor } from './roles.js';

/** What the audit log records. */
export const AUDIT_ACTIONS = [
  'report.submit',
  'report.read',
  'report.list',
  'report.transition',
  'report.assess',
  'report.comment',
  'report.note',
  'report.fix-proposal',
  'report.fix-confirm',
  'report.early-publication',
  'report.public-note',
  'report.early-publication-withdrawn',
  'report.read-refused',
  'disclosure.statement',
  'attachment.add',
  'attachment.read',
  'maintainer.invite',
  'maintainer.invite-revoke',
  'maintainer.invite-resend',
  'maintainer.join',
  'maintainer.remove',
  'extension.propose',
  'extension.vote',
  'extension.close',
  'advisory.publish',
  'cve.block-add',
  'cve.list',
  'cve.assign',
  'cve.enter',
  'cve.clear',
  'cve.announce',
  'cve.reject',
  'cve.retire',
  'cve.remove',
  'cve.missing',
  'cve.low-water',
  'cve.past-year',
  'credit.propose',
  'credit.enter',
  'credit.accept',
  'credit.decline',
  'credit.withdraw',
  'credit.list',
  'cve-request.submit',
  'cve-request.list',
  'cve-request.read',
  'cve-request.read-refused',
  'cve-request.acknowledge',
  'cve-request.assign',
  'cve-request.refuse',
  'cve-request.announce',
  'cve-request.withdraw',
  'bounty.module-add',
  'bounty.module-update',
  'bounty.module-remove',
  'bounty.downloads',
  'bounty.table',
  'bounty.deposit',
  'bounty.ledger-read',
  'bounty.reward-propose',
  'bounty.reward-approve',
  'bounty.reward-wait',
  'bounty.reward-fund',
  'bounty.reward-pay',
  'bounty.reward-ineligible',
  'bounty.rewards-read',
  'researcher.profile',
  'registry.override-set',
  'release.plan',
  'release.update',
  'release.add-report',
  'release.update-report',
  'release.remove-report',
  'release.tick',
  'release.untick',
  'release.pre-announce',
  'release.postpone',
  'release.publish',
  'release.complete',
  'release.cancel',
  'release.list',
  'release.read',
  'release.read-refused',
  'registry.override-clear',
  'scheduler.action',
  'user.register',
  'user.replace',
  'user.login',
  'user.login-failed',
  'user.logout',
  'user.roles',
  'user.email-verified',
  'user.link-issued',
  'user.password-reset',
  'user.totp',
  'user.recovery-codes',
  'user.recovery-code-used',
  'token.create',
  'token.revoke',
  'outbox.read',
  'mail.retry',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Where a request came from, as the server saw it. */
export interface Origin {
  ip: string | null;
  userAgent?: string | null;
}

/** The origin of work the program does by itself (the scheduler, the command line). */
export const LOCAL_ORIGIN: Origin = { ip: null, userAgent: 'nswg' };

/** A JSON value (details must hash the same after a round trip through the database). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** An entry to append: who, when, from where, what, about which report. */
export interface AuditEntryInput {
  at: string;
  /** The user id, or null for anonymous visitors, the scheduler and the operator. */
  actorId: string | null;
  /** "user", "anonymous", "system" or "operator" (details.operator names who ran the command). */
  actorKind: Actor['kind'];
  ip: string | null;
  userAgent: string | null;
  action: AuditAction;
  reportId: string | null;
  details: { [k: string]: Json };
}

/** A stored entry: its place in the chain and the hashes linking it to the previous one. */
export interface AuditEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** SHA-256 over the entry's canonical content and the previous entry's hash. */
export function auditHash(e: AuditEntryInput & { seq: number }, prevHash: string): string {
  const content = canonicalJson({
    seq: e.seq,
    at: e.at,
    actorId: e.actorId,
    actorKind: e.actorKind,
    ip: e.ip,
    userAgent: e.userAgent,
    action: e.action,
    reportId: e.reportId,
    details: e.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** Chains an entry after the one with `prev` (seq and hash; null for the first). */
export function chainEntry(e: AuditEntryInput, prev: { seq: number; hash: string } | null): AuditEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...e, seq, prevHash, hash: auditHash({ ...e, seq }, prevHash) };
}

/** The outcome of a verification: every entry checked, or the first bad one and what is wrong. */
export type ChainVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; seq: number; problem: string };

/**
 * Checks a chain read in order of seq, and its end against the recorded head: an edited entry no
 * longer matches its hash; an inserted or deleted one breaks the numbering or the link to the previous
 * hash; a deleted last entry leaves the head pointing past the end. Feed entries one at a time.
 */
export class ChainVerifier {
  private prev: { seq: number; hash: string } | null = null;
  private count = 0;
  private bad: ChainVerdict | null = null;

  /** Checks the next entry; returns false once the chain is broken (the verdict names the entry). */
  add(e: AuditEntry): boolean {
    if (this.bad) return false;
    this.count++;
    const expectedSeq = (this.prev?.seq ?? 0) + 1;
    const expectedPrev = this.prev?.hash ?? GENESIS_HASH;
    if (e.seq !== expectedSeq)
      return this.fail(e.seq, `expected entry ${expectedSeq} here: entries were deleted or inserted`);
    if (e.prevHash !== expectedPrev)
      return this.fail(e.seq, 'its link to the previous entry is broken: an entry was inserted or deleted');
    if (auditHash(e, e.prevHash) !== e.hash)
      return this.fail(e.seq, 'its content does not match its hash: it was edited');
    this.prev = { seq: e.seq, hash: e.hash };
    return true;
  }

  /** The verdict, once every entry has been added; `head` is the last entry the log recorded having. */
  finish(head: { seq: number; hash: string } | null): ChainVerdict {
    if (this.bad) return this.bad;
    const last = this.prev;
    const lastSeq = last?.seq ?? 0;
    const headSeq = head?.seq ?? 0;
    if (lastSeq !== headSeq) {
      const problem = `the log ends at entry ${lastSeq} but its head records ${headSeq}: entries were deleted or added at the end`;
      return { ok: false, entries: this.count, seq: Math.min(lastSeq, headSeq) + 1, problem };
    }
    if (head && head.hash !== last?.hash) {
      return {
        ok: false,
        entries: this.count,
        seq: lastSeq,
        problem: 'the last entry is not the one the head records',
      };
    }
    return { ok: true, entries: this.count };
  }

  private fail(seq: number, problem: string): false {
    this.bad = { ok: false, entries: this.count, seq, problem };
    return false;
  }
}

/** Verifies a whole chain held in memory (see ChainVerifier). */
export function verifyChain(
  entries: Iterable<AuditEntry>,
  head: { seq: number; hash: string } | null,
): ChainVerdict {
  const v = new ChainVerifier();
  for (const e of entries) if (!v.add(e)) break;
  return v.finish(head);
}

/** An audit entry about `actor` at `now` from `origin`. */
export function auditEntry(
  actor: Actor,
  action: AuditAction,
  origin: Origin,
  now: Date,
  reportId: string | null = null,
  details: { [k: string]: Json } = {},
): AuditEntryInput {
  return {
    at: now.toISOString(),
    actorId: actor.kind === 'user' ? actor.id : null,
    actorKind: actor.kind,
    ip: origin.ip,
    userAgent: origin.userAgent ?? null,
    action,
    reportId,
    details: actor.kind === 'operator' ? { ...details, operator: actor.name } : details,
  };
}
