import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type Actor,
  assertCan,
  auditEntry,
  type Clock,
  type MailMessage,
  type Origin,
  systemClock,
} from '../disclosure/index.js';
import { AuditLog } from './audit-log.js';
import { type DisclosureDb, withDisclosure } from './disclosure-schema.js';
import type { Database } from './schema.js';

/** A message kept in the outbox. */
export interface OutboxMessage extends MailMessage {
  id: string;
  createdAt: string;
}

/** The embedded default's mail: messages kept in a table that admins read instead of an SMTP server. */
export class OutboxStore {
  private readonly db: Kysely<DisclosureDb>;
  private readonly audit: AuditLog;

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock = systemClock,
    audit?: AuditLog,
  ) {
    this.db = withDisclosure(db);
    this.audit = audit ?? new AuditLog(db, () => null);
  }

  /** Keeps one message. */
  async add(m: MailMessage): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        id: randomUUID(),
        to_address: m.to,
        subject: m.subject,
        text: m.text,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
  }

  /** The newest messages first, for admins only (the read is audited: messages carry private links). */
  async list(
    actor: Actor,
    origin: Origin,
    opts: { to?: string; limit?: number } = {},
  ): Promise<OutboxMessage[]> {
    const now = this.clock.now();
    assertCan(actor, 'read-outbox', null, now);
    await this.audit.append(auditEntry(actor, 'outbox.read', origin, now, null, { to: opts.to ?? null }));
    return this.all(opts);
  }

  /** Every kept message (newest first) without a permission check: for tests and the command line. */
  async all(opts: { to?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
    let q = this.db.selectFrom('outbox').selectAll();
    if (opts.to) q = q.where('to_address', '=', opts.to.toLowerCase());
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(opts.limit ?? 200)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.text,
      createdAt: r.created_at,
    }));
  }
}
