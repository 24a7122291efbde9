import { type Kysely, sql } from 'kysely';
import { type AuditEntry, auditHash, GENESIS_HASH, type Json } from '../../src/disclosure/index.js';

type Row = AuditEntry & { mac: string | null };

/**
 * What someone who can write the database, but has not the server's secret file, can do to the audit
 * log: plain SQL, and the hash function, which is public. Every rewrite leaves a chain that links.
 */
export class DatabaseWriter {
  // biome-ignore lint/suspicious/noExplicitAny: the attacker writes SQL, whatever the schema type
  constructor(private readonly db: Kysely<any>) {}

  /** The log as stored, MACs included. */
  async rows(): Promise<Row[]> {
    const { rows } = await sql<Record<string, unknown>>`select * from audit_log order by seq`.execute(
      this.db,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at as string,
      actorId: r.actor_id as string | null,
      actorKind: r.actor_kind as Row['actorKind'],
      ip: r.ip as string | null,
      userAgent: r.user_agent as string | null,
      action: r.action as Row['action'],
      reportId: r.report_id as string | null,
      details: JSON.parse(r.details as string) as { [k: string]: Json },
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
      mac: r.mac as string | null,
    }));
  }

  /** Changes an entry's address and details, then recomputes its hash, every later one and the head. */
  async edit(seq: number, change: { ip?: string; details?: { [k: string]: Json } }, opts: Rechain = {}) {
    if (change.ip !== undefined)
      await sql`update audit_log set ip = ${change.ip} where seq = ${seq}`.execute(this.db);
    if (change.details !== undefined)
      await sql`update audit_log set details = ${JSON.stringify(change.details)} where seq = ${seq}`.execute(
        this.db,
      );
    await this.rechain(seq, opts);
  }

  /** Deletes entries, numbers the later ones down to close the gap, and rechains from there. */
  async remove(seqs: number[], opts: Rechain = {}) {
    for (const s of seqs) await sql`delete from audit_log where seq = ${s}`.execute(this.db);
    const first = Math.min(...seqs);
    let next = first;
    for (const r of await this.rows())
      if (r.seq > first)
        await sql`update audit_log set seq = ${next++} where seq = ${r.seq}`.execute(this.db);
    await this.rechain(first, opts);
  }

  /** Deletes every entry after `seq` and points the head at `seq`. */
  async truncate(seq: number) {
    await sql`delete from audit_log where seq > ${seq}`.execute(this.db);
    const last = (await this.rows()).at(-1);
    await sql`update audit_head set seq = ${last?.seq ?? 0}, hash = ${last?.hash ?? GENESIS_HASH} where id = 1`.execute(
      this.db,
    );
  }

  /** Recomputes the hash of every entry from `from` on, and the head, as the log itself would. */
  async rechain(from: number, opts: Rechain = {}) {
    let prev = GENESIS_HASH;
    let last: { seq: number; hash: string } | null = null;
    for (const r of await this.rows()) {
      if (r.seq >= from) {
        const hash = auditHash(r, prev);
        await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(
          this.db,
        );
        if (opts.stripMacs) await sql`update audit_log set mac = null where seq = ${r.seq}`.execute(this.db);
        r.hash = hash;
      }
      prev = r.hash;
      last = r;
    }
    if (opts.stripMacs === 'all') {
      await sql`update audit_log set mac = null`.execute(this.db);
      await sql`delete from meta where key like 'disclosure.audit%'`.execute(this.db);
    }
    await sql`update audit_head set seq = ${last?.seq ?? 0}, hash = ${last?.hash ?? GENESIS_HASH} where id = 1`.execute(
      this.db,
    );
  }
}

/** Whether the rewrite also removes MACs: of the rewritten entries, or all of them (and the sealed mark). */
export interface Rechain {
  stripMacs?: boolean | 'all';
}
