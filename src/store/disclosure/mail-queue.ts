import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import {
  type MailMessage,
  type MailQueueCounts,
  type MailQueueReader,
  type QueuedMail,
  seal,
  unseal,
} from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { withoutSecrets } from '../../mail/outbox.js';
import { isPostgres } from '../advisories/search-index.js';
import type { Database } from '../schema.js';
import { type DisclosureDb, type MailQueueTable, withDisclosure } from './schema.js';

/** A message claimed for delivery: its whole text, links included, unsealed. */
export interface ClaimedMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  /** The attempts made before this one. */
  attempts: number;
}

/** The longest error kept for a message (an SMTP server's answer may be long). */
const MAX_ERROR = 1000;

const view = (r: MailQueueTable): QueuedMail => ({
  id: r.id,
  to: r.to_address,
  subject: r.subject,
  state: r.sent_at ? 'sent' : r.failed_at ? 'failed' : 'pending',
  createdAt: r.created_at,
  attempts: Number(r.attempts),
  nextAttemptAt: r.sent_at || r.failed_at ? null : r.next_attempt_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
  failedAt: r.failed_at,
});

/**
 * The queue's writes that belong to a disclosure transaction (the program's DisclosureTx): queueing
 * the messages of a change, and an admin's retry. A text with links that grant access is kept sealed
 * with the sealing key (bound to the message's id) and, in clear, only with those links withheld.
 */
export function mailQueueQueries(db: Kysely<DisclosureDb>, key: () => Buffer | null) {
  return {
    async enqueueMail(messages: readonly MailMessage[], at: string): Promise<string[]> {
      if (!messages.length) return [];
      const rows = messages.map((m) => {
        const id = randomUUID();
        const secret = (m.secrets ?? []).some((s) => s && m.text.includes(s));
        const k = key();
        if (secret && !k)
          throw new NswgError('E_USAGE', 'mail with a link that grants access needs the server secret', {
            field: 'secret',
          });
        return {
          id,
          to_address: m.to,
          subject: m.subject,
          text: withoutSecrets(m).text,
          sealed_text: secret ? seal(k!, m.text, `mail ${id}`) : null,
          created_at: at,
          attempts: 0,
          next_attempt_at: at,
        };
      });
      await db.insertInto('mail_queue').values(rows).execute();
      return rows.map((r) => r.id);
    },

    async retryMail(id: string, at: string): Promise<QueuedMail | null> {
      const row = await db
        .updateTable('mail_queue')
        .set({ failed_at: null, attempts: 0, next_attempt_at: at, claimed_by: null, claimed_until: null })
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? view(row) : null;
    },
  };
}

/**
 * The mail queue outside any disclosure transaction: what the delivery loops claim, send and record
 * (several servers on one database: a message is claimed by one at a time, for a lease), what
 * admins read, and the counts the metrics report.
 */
export class MailQueueStore implements MailQueueReader {
  private readonly db: Kysely<DisclosureDb>;

  /** `key`: the sealing key of the server secret (null when the store was opened without one). */
  constructor(
    db: Kysely<Database>,
    private readonly key: () => Buffer | null,
  ) {
    this.db = withDisclosure(db);
  }

  /** Queues messages in a transaction of their own (mail not tied to a change of the program). */
  enqueue(messages: readonly MailMessage[], at: string): Promise<string[]> {
    return this.db.transaction().execute((trx) => mailQueueQueries(trx, this.key).enqueueMail(messages, at));
  }

  /**
   * Claims up to `limit` due messages (only those of `ids` when given) for `instance` until
   * `leaseUntil`: those neither sent nor given up, due by `now`, and unclaimed or whose claim lapsed
   * (the instance died while sending). One atomic update: on PostgreSQL the candidates are locked,
   * skipping those another instance is claiming (FOR UPDATE SKIP LOCKED); SQLite has one writer.
   */
  async claim(
    instance: string,
    now: string,
    leaseUntil: string,
    opts: { ids?: readonly string[]; limit: number },
  ): Promise<ClaimedMail[]> {
    if (opts.ids && !opts.ids.length) return [];
    const only = opts.ids ? sql`and id in (${sql.join(opts.ids.map((i) => sql`${i}`))})` : sql``;
    const lock = isPostgres(this.db) ? sql`for update skip locked` : sql``;
    const { rows } = await sql<MailQueueTable>`
      update mail_queue set claimed_by = ${instance}, claimed_until = ${leaseUntil}
      where id in (
        select id from mail_queue
        where sent_at is null and failed_at is null and next_attempt_at <= ${now}
          and (claimed_until is null or claimed_until < ${now}) ${only}
        order by next_attempt_at, created_at, id
        limit ${opts.limit} ${lock})
      returning *`.execute(this.db);
    const key = this.key();
    return rows
      .sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id.localeCompare(b.id))
      .map((r) => {
        if (r.sealed_text && !key)
          throw new NswgError('E_USAGE', 'queued mail is sealed: the store needs the server secret', {
            field: 'secret',
          });
        return {
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          text: r.sealed_text ? unseal(key!, r.sealed_text, `mail ${r.id}`) : r.text,
          createdAt: r.created_at,
          attempts: Number(r.attempts),
        };
      });
  }

  /**
   * Records that the SMTP server took a message claimed by `instance` (and forgets its sealed text).
   * False when the claim was lost meanwhile (its lease lapsed and another instance took it).
   */
  async markSent(id: string, instance: string, at: string): Promise<boolean> {
    return this.settle(id, instance, { sent_at: at, sealed_text: null, last_error: null });
  }

  /**
   * Records a failed attempt of a message claimed by `instance`: due again at `nextAttemptAt`, or
   * given up (its sealed text forgotten) when that is null. False when the claim was lost meanwhile.
   */
  async markFailed(
    id: string,
    instance: string,
    error: string,
    nextAttemptAt: string | null,
    at: string,
  ): Promise<boolean> {
    return this.settle(id, instance, {
      last_error: error.slice(0, MAX_ERROR),
      ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : { failed_at: at }),
    });
  }

  /**
   * Ends an attempt of a message claimed by `instance`: counts it, releases the claim and sets
   * `fields`. False when the claim was lost meanwhile (its lease lapsed and another instance took it).
   */
  private async settle(
    id: string,
    instance: string,
    fields: {
      sent_at?: string;
      sealed_text?: null;
      last_error: string | null;
      next_attempt_at?: string;
      failed_at?: string;
    },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_queue')
      .set((eb) => ({ ...fields, attempts: eb('attempts', '+', 1), claimed_by: null, claimed_until: null }))
      .where('id', '=', id)
      .where('claimed_by', '=', instance)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Forgets the messages sent before `before` (the delivery loop keeps a month). */
  async forgetSent(before: string): Promise<number> {
    const r = await this.db.deleteFrom('mail_queue').where('sent_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** The pending or failed messages, oldest first: what admins see (never a text). */
  async list(q: { state: 'pending' | 'failed' | 'sent'; limit: number }): Promise<QueuedMail[]> {
    let s = this.db.selectFrom('mail_queue').selectAll();
    s =
      q.state === 'sent'
        ? s.where('sent_at', 'is not', null)
        : q.state === 'failed'
          ? s.where('failed_at', 'is not', null)
          : s.where('sent_at', 'is', null).where('failed_at', 'is', null);
    const rows = await s.orderBy('created_at').orderBy('id').limit(q.limit).execute();
    return rows.map(view);
  }

  /** How many messages wait for the SMTP server and how many were given up (for the metrics). */
  async counts(): Promise<MailQueueCounts> {
    const r = await this.db
      .selectFrom('mail_queue')
      .select((eb) => [
        eb.fn
          .sum<number | string | null>(
            eb
              .case()
              .when(eb.and([eb('sent_at', 'is', null), eb('failed_at', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('pending'),
        eb.fn
          .sum<number | string | null>(eb.case().when('failed_at', 'is not', null).then(1).else(0).end())
          .as('failed'),
      ])
      .executeTakeFirstOrThrow();
    return { pending: Number(r.pending ?? 0), failed: Number(r.failed ?? 0) };
  }
}
