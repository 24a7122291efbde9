import { type Kysely, PostgresAdapter, sql } from 'kysely';
import {
  type AuditEntry,
  type AuditEntryInput,
  type AuditVerdict,
  AuditVerifier,
  auditMac,
  canonicalJson,
  chainEntry,
  GENESIS_HASH,
  type Json,
  type ParsedAnchors,
  type StoredAuditEntry,
} from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { MetaStore } from '../meta.js';
import type { Database } from '../schema.js';
import { type DisclosureDb, withDisclosure } from './schema.js';

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

const toStored = (r: Row): StoredAuditEntry => ({ ...toEntry(r), mac: r.mac });

/**
 * Set (to the seq it was sealed at) once every entry carries a MAC: from then on an entry without
 * one was written or stripped behind the log's back. Kept in meta: a writer who deletes it gains
 * nothing while an anchor line or an entry's MAC still shows the log was sealed.
 */
const SEALED_KEY = 'disclosure.audit-sealed';

/** What sealing found: entries sealed (0 when there was nothing to do), or why it refused. */
export type SealOutcome = { ok: true; sealed: number } | { ok: false; seq: number; problem: string };

// biome-ignore lint/suspicious/noExplicitAny: any schema that has the audit tables
type AnyDb = Kysely<any>;

const metaOf = (trx: Kysely<DisclosureDb>): MetaStore => new MetaStore(trx as unknown as Kysely<Database>);

/** The log's entries in order of seq, read in pages (inside the caller's transaction). */
async function* entries(trx: Kysely<DisclosureDb>): AsyncGenerator<StoredAuditEntry> {
  let after = -2147483648;
  for (;;) {
    const rows = await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(2000)
      .execute();
    for (const r of rows) yield toStored(r);
    if (rows.length < 2000) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

async function readHead(trx: Kysely<DisclosureDb>): Promise<{ seq: number; hash: string } | null> {
  const h = await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  return h && Number(h.seq) > 0 ? { seq: Number(h.seq), hash: h.hash } : null;
}

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
 * canonical content and the previous hash, so that verify() detects an edited, inserted or deleted
 * entry; and, with the audit key, authenticated by a MAC of that hash, which a database writer
 * without the secret file cannot recompute.
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
   * Appends one entry, with its MAC when the store has the audit key. Inside a transaction that holds
   * the lock (lockDisclosure), pass it as `trx`; otherwise the entry is appended in a transaction of
   * its own. Without the key, E_USAGE once the log is sealed: an entry without a MAC would read as
   * tampering, so every writer must be given the secret.
   */
  async append(e: AuditEntryInput, trx?: AnyDb): Promise<AuditEntry> {
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
    const key = this.key();
    if (!key && seq) {
      const last = await db.selectFrom('audit_log').select('mac').where('seq', '=', seq).executeTakeFirst();
      if (last?.mac)
        throw new NswgError(
          'E_USAGE',
          'the audit log is authenticated with the server secret: open the database with the secret file to write to it',
          { field: '--secret-file' },
        );
    }
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
        mac: key ? auditMac(key, entry.hash) : null,
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
    return (await readHead(this.db)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Checks the whole log: its hash chain and head, each entry's MAC when a key is at hand (`key`,
   * default the store's), and the anchor file's lines when given. Ok, or the first bad entry and
   * what is wrong with it. Reads in pages, inside one transaction for a consistent view.
   */
  async verify(
    opts: { key?: Buffer | null; anchors?: ParsedAnchors | null; db?: string } = {},
  ): Promise<AuditVerdict> {
    const key = opts.key === undefined ? this.key() : opts.key;
    return this.db.transaction().execute(async (trx) => {
      const sealed = (await metaOf(trx).get(SEALED_KEY)) !== null;
      const head = await readHead(trx);
      const v = new AuditVerifier({
        key,
        sealed,
        anchors: opts.anchors ?? null,
        ...(opts.db ? { db: opts.db } : {}),
      });
      for await (const e of entries(trx)) if (!v.add(e)) break;
      return v.finish(head);
    });
  }

  /**
   * Gives a MAC to the entries written before the audit key was at hand (an older database, a store
   * opened without the secret), once: only when the chain is intact and every MAC present is right,
   * never over a broken log (the outcome says what is wrong instead), and not again once sealed.
   * Holds the disclosure lock, so no entry is appended meanwhile.
   */
  async seal(): Promise<SealOutcome> {
    const key = this.key();
    if (!key) throw new NswgError('E_USAGE', 'sealing the audit log needs the server secret');
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      const meta = metaOf(trx);
      const sealed = (await meta.get(SEALED_KEY)) !== null;
      const head = await readHead(trx);
      if (!head && sealed) return { ok: true, sealed: 0 };
      if (head && sealed) {
        const last = await trx
          .selectFrom('audit_log')
          .select('mac')
          .where('seq', '=', head.seq)
          .executeTakeFirst();
        if (last?.mac) return { ok: true, sealed: 0 };
      }
      if (head) {
        const v = new AuditVerifier({ key, sealed, anchors: null });
        for await (const e of entries(trx)) if (!v.add(e)) break;
        const verdict = v.finish(head);
        if (!verdict.ok) return { ok: false, seq: verdict.seq!, problem: verdict.problem! };
      }
      let count = 0;
      for (;;) {
        const rows = await trx
          .selectFrom('audit_log')
          .select(['seq', 'hash'])
          .where('mac', 'is', null)
          .orderBy('seq')
          .limit(2000)
          .execute();
        for (const r of rows)
          await trx
            .updateTable('audit_log')
            .set({ mac: auditMac(key, r.hash) })
            .where('seq', '=', r.seq)
            .execute();
        count += rows.length;
        if (rows.length < 2000) break;
      }
      await meta.set(SEALED_KEY, String(head?.seq ?? 0));
      return { ok: true, sealed: count };
    });
  }
}
