import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Clock, type KeptMessage, type MailMessage, systemClock } from '../../disclosure/index.js';
import type { Database } from '../schema.js';
import type { AuditLog } from './audit-log.js';
import { type DisclosureDb, withDisclosure } from './schema.js';

/** A message kept in the outbox. */
export type OutboxMessage = KeptMessage;

/**
 * The embedded default's mail: messages kept in a table that admins read instead of an SMTP server.
 * Who may read them, and the record of each read, are the program's (Records.outbox).
 */
export class OutboxStore {
  private readonly db: Kysely<DisclosureDb>;

  /** `_audit` is accepted for the callers that pass the audit log; the program records the reads. */
  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock = systemClock,
    _audit?: AuditLog,
  ) {
    this.db = withDisclosure(db);
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

  /** How many messages the outbox holds (the server's metrics). */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The kept messages, newest first (to one address, at most `limit`): the program's OutboxReader. */
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
