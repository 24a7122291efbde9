import { NswgError } from '../errors.js';
import { type AuditEntry, auditEntry, type Origin } from './audit-log.js';
import type { QueuedMail } from './mail-queue.js';
import { assertCan } from './permissions.js';
import type { KeptMessage } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { Actor } from './roles.js';

// What admins read of the program's records: the audit log, and the mail a server without SMTP kept.

/** Which audit log entries to read: after `afterSeq`, or the `latest` ones; about one report or all. */
export interface AuditQuery {
  reportId?: string;
  afterSeq?: number;
  /** At most this many (1 to 5000; default 1000). */
  limit?: number;
  /** The last `latest` entries instead of those after `afterSeq`. */
  latest?: number;
}

/** The program's records, for admins (and the operator). */
export class Records {
  constructor(private readonly ctx: ProgramContext) {}

  /** Entries of the audit log, oldest first: who did what, when and from where. */
  async auditLog(actor: Actor, q: AuditQuery = {}): Promise<AuditEntry[]> {
    assertCan(actor, 'view-audit-log', null, this.ctx.now());
    const log = this.ctx.deps.auditLog;
    const limit = Math.min(5000, Math.max(1, q.latest ?? q.limit ?? 1000));
    const afterSeq = q.latest !== undefined ? Math.max(0, (await log.head()).seq - limit) : (q.afterSeq ?? 0);
    return log.list({ ...(q.reportId ? { reportId: q.reportId } : {}), afterSeq, limit });
  }

  /**
   * The mail kept by a server without SMTP, newest first (at most `limit`, 1 to 1000; default 200).
   * Its messages carry private links (withheld when kept), so the read is recorded in the audit log.
   */
  async outbox(
    actor: Actor,
    origin: Origin,
    q: { to?: string; limit?: number } = {},
  ): Promise<KeptMessage[]> {
    const now = this.ctx.now();
    assertCan(actor, 'read-outbox', null, now);
    await this.ctx.transaction(actor, origin, (tx) =>
      tx.audit(auditEntry(actor, 'outbox.read', origin, now, null, { to: q.to ?? null })),
    );
    return this.ctx.deps.outbox.all({
      ...(q.to ? { to: q.to } : {}),
      limit: Math.min(1000, Math.max(1, q.limit ?? 200)),
    });
  }

  /**
   * The mail that waits for the SMTP server, or that it kept refusing until delivery gave it up,
   * oldest first (at most `limit` of each, 1 to 1000; default 200), the given up first when no state
   * is asked. Never the texts: they may carry links that grant access. Empty on a server without
   * SMTP (its mail is in the outbox).
   */
  async mailQueue(
    actor: Actor,
    q: { state?: 'pending' | 'failed'; limit?: number } = {},
  ): Promise<QueuedMail[]> {
    assertCan(actor, 'manage-mail', null, this.ctx.now());
    const queue = this.ctx.deps.mailQueue;
    if (!queue) return [];
    const limit = Math.min(1000, Math.max(1, q.limit ?? 200));
    if (q.state) return queue.list({ state: q.state, limit });
    return [
      ...(await queue.list({ state: 'failed', limit })),
      ...(await queue.list({ state: 'pending', limit })),
    ];
  }

  /**
   * Tries an unsent message again now, its attempts counted afresh (the SMTP server was fixed):
   * recorded in the audit log. E_NOT_FOUND when there is no such message waiting or given up.
   */
  async retryMail(actor: Actor, id: string, origin: Origin): Promise<QueuedMail> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-mail', null, now);
    const queue = this.ctx.deps.mailQueue;
    const retried = await this.ctx.deps.repo.transaction(async (tx) => {
      const m = queue ? await tx.retryMail(id, now.toISOString()) : null;
      if (!m) throw new NswgError('E_NOT_FOUND', `no unsent message ${id}`, { field: 'id' });
      await tx.audit(auditEntry(actor, 'mail.retry', origin, now, null, { mailId: id, to: m.to }));
      return m;
    });
    await queue?.deliverNow([id]);
    return retried;
  }
}
