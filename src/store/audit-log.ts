import { type Kysely, PostgresAdapter, sql } from 'kysely';
import {
  type AuditEntry,
  type AuditEntryInput,
  type ChainVerdict,
  ChainVerifier,
  canonicalJson,
  chainEntry,
  GENESIS_HASH,
  type Json,
} from '../disclosure/index.js';
import { type DisclosureDb, withDisclosure } from './disclosure-schema.js';
import type { Database } from './schema.js';

type Row = DisclosureDb['audit_log'];

const toEntry = (r: Row): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at,
  actorId: r.actor_id,
  actorKind: r.actor_kind as AuditEntry['actorKind'],
  ip: r.ip,
  userAgent: r.user_agent,
  action: r.action as AuditEntry['action'],
  reportId: r.report_id,
  details: JSON.parse(r.details) as { [k: string]: Json },
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Takes the disclosure write lock inside a transaction: the audit head row, locked until commit. Every
 * disclosure write takes it first, so writes (and the audit chain) are serialized across connections,
 * processes and server instances; on SQLite the write makes the transaction a writer at once.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema that has the audit_head table
export async function lockDisclosure(trx: Kysely<any>): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select seq from audit_head where id = 1 for update`.execute(trx);
  } else {
    await sql`update audit_head set seq = seq where id = 1`.execute(trx);
  }
}

/**
 * The append-only audit log: every entry chained to the previous one by a SHA-256 hash over its
 * canonical content and the previous hash, so that verify() detects an edited, inserted or deleted entry.
 */
export class AuditLog {
  private readonly db: Kysely<DisclosureDb>;

  /** `key`: the audit key of the server secret (null when the store was opened without one). */
  constructor(
    db: Kysely<Database>,
    readonly key: () => Buffer | null,
  ) {
    this.db = withDisclosure(db);
  }

  /**
   * Appends one entry. Inside a transaction that holds the lock (lockDisclosure), pass it as `trx`;
   * otherwise the entry is appended in a transaction of its own.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any schema that has the audit tables
  async append(e: AuditEntryInput, trx?: Kysely<any>): Promise<AuditEntry> {
    if (!trx) {
      return this.db.transaction().execute(async (t) => {
        await lockDisclosure(t);
        return this.append(e, t);
      });
    }
    const db = trx as Kysely<DisclosureDb>;
    const head = await db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const seq = Number(head.seq);
    // Normalize details through JSON so that what is hashed is exactly what is read back.
    const details = JSON.parse(canonicalJson(e.details)) as { [k: string]: Json };
    const entry = chainEntry({ ...e, details }, seq ? { seq, hash: head.hash } : null);
    await db
      .insertInto('audit_log')
      .values({
        seq: entry.seq,
        at: entry.at,
        actor_id: entry.actorId,
        actor_kind: entry.actorKind,
        ip: entry.ip,
        user_agent: entry.userAgent,
        action: entry.action,
        report_id: entry.reportId,
        details: canonicalJson(entry.details),
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })
      .execute();
    await db
      .updateTable('audit_head')
      .set({ seq: entry.seq, hash: entry.hash })
      .where('id', '=', 1)
      .execute();
    return entry;
  }

  /** Entries in order (of one report, when given), for admins. */
  async list(opts: { reportId?: string; afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', opts.afterSeq ?? 0);
    if (opts.reportId) q = q.where('report_id', '=', opts.reportId);
    const rows = await q
      .orderBy('seq')
      .limit(opts.limit ?? 1000)
      .execute();
    return rows.map(toEntry);
  }

  /** The recorded end of the chain (seq 0 before the first entry). */
  async head(): Promise<{ seq: number; hash: string }> {
    const h = await this.db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return h ? { seq: Number(h.seq), hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Checks the whole chain and its head: ok, or the first bad entry and what is wrong with it. Reads in
   * pages, inside one transaction for a consistent view.
   */
  async verify(): Promise<ChainVerdict> {
    return this.db.transaction().execute(async (trx) => {
      const head = await trx
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      const v = new ChainVerifier();
      let after = -2147483648;
      for (;;) {
        const rows = await trx
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(2000)
          .execute();
        for (const r of rows) if (!v.add(toEntry(r))) return v.finish(null);
        if (rows.length < 2000) break;
        after = Number(rows[rows.length - 1]!.seq);
      }
      const recorded = head && Number(head.seq) > 0 ? { seq: Number(head.seq), hash: head.hash } : null;
      return v.finish(recorded);
    });
  }
}
