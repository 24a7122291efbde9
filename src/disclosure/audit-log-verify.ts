import { type AuditEntry, ChainVerifier } from './audit-log.js';
import {
  anchorMacMatches,
  auditMacMatches,
  type ParsedAnchors,
  type ReadAnchor,
} from './audit-log-anchor.js';

/** An entry as stored: with its MAC, null when it was written without the audit key. */
export type StoredAuditEntry = AuditEntry & { mac: string | null };

/** What to check a log against, besides its own hash chain. */
export interface AuditCheckOptions {
  /** The audit key, when the server secret is at hand: every entry's MAC and anchor line's is checked. */
  key: Buffer | null;
  /** The database records that its log was sealed: since then every entry carries a MAC. */
  sealed: boolean;
  /** The anchor file as read, or null when there is none to check against. */
  anchors: ParsedAnchors | null;
  /** The checked database's name (anchor lines name theirs): says so when a line is another one's. */
  db?: string;
}

/** The outcome: every check passed, or the first bad entry (or anchor line) and what is wrong. */
export interface AuditVerdict {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** The first bad entry. */
  seq?: number;
  /** The anchor file's line the problem was found with. */
  line?: number;
  problem?: string;
  /**
   * `checked`: every entry's MAC is right; `no-key`: not checked, the secret was not at hand;
   * `unsealed`: no entry carries one and nothing shows the log was ever sealed (written before the
   * key existed, or by a store opened without the secret).
   */
  macs: 'checked' | 'no-key' | 'unsealed';
  /** Anchor lines compared with the log; null when there was no anchor file. */
  anchors: number | null;
}

/**
 * Checks a log read in order of seq: its hash chain (ChainVerifier), each entry's MAC with the audit
 * key, and the anchor file (each anchored entry must be in the log with the anchored hash, the log
 * must not end before the last anchored entry, each line's MAC must be right). A database writer
 * without the secret file can recompute hashes but neither MACs nor anchor lines, and cannot unwrite
 * the anchor file. Feed entries one at a time, then call finish().
 */
export class AuditVerifier {
  private readonly chain = new ChainVerifier();
  private readonly bySeq = new Map<number, ReadAnchor[]>();
  /** The anchor with the highest seq, the point the log must reach. */
  private readonly furthest: ReadAnchor | null = null;
  private readonly lineProblem: { seq?: number; line: number; problem: string } | null = null;
  private readonly anchorCount: number | null = null;
  /** The log was sealed: the database says so, an anchor line made with the key does, or a MAC does. */
  private sealed: boolean;
  private firstWithoutMac: number | null = null;
  private lastSeq = 0;
  private count = 0;
  private bad: AuditVerdict | null = null;

  constructor(private readonly opts: AuditCheckOptions) {
    this.sealed = opts.sealed;
    const parsed = opts.anchors;
    if (!parsed) return;
    const forged = opts.key ? parsed.anchors.filter((a) => !anchorMacMatches(opts.key!, a)) : [];
    const good = parsed.anchors.filter((a) => !forged.includes(a));
    for (const a of good) {
      const at = this.bySeq.get(a.seq);
      if (at) at.push(a);
      else this.bySeq.set(a.seq, [a]);
      if (!this.furthest || a.seq > this.furthest.seq) this.furthest = a;
    }
    this.anchorCount = good.length;
    if (opts.key && good.length) this.sealed = true;
    const firstForged = forged[0];
    const firstBad = parsed.bad[0];
    if (firstBad && (!firstForged || firstBad.line < firstForged.line))
      this.lineProblem = {
        line: firstBad.line,
        problem: `line ${firstBad.line} of the anchor file is not an anchor: ${firstBad.problem}`,
      };
    else if (firstForged)
      this.lineProblem = {
        seq: firstForged.seq,
        line: firstForged.line,
        problem: `line ${firstForged.line} of the anchor file is forged: its MAC is wrong (it was not written with this server secret)`,
      };
  }

  /** Checks the next entry; false once something is wrong (finish() says what). */
  add(e: StoredAuditEntry): boolean {
    if (this.bad) return false;
    this.count++;
    if (!this.chain.add(e)) {
      const v = this.chain.finish(null);
      if (!v.ok) return this.fail(v.seq, v.problem);
    }
    this.lastSeq = e.seq;
    const key = this.opts.key;
    if (key && e.mac === null) {
      if (this.sealed)
        return this.fail(
          e.seq,
          'it has no MAC though the log is sealed: it was written or rewritten without the server secret',
        );
      this.firstWithoutMac ??= e.seq;
    } else if (key && e.mac !== null) {
      if (!auditMacMatches(key, e.hash, e.mac))
        return this.fail(
          e.seq,
          'its MAC is wrong: it was written or rewritten without the server secret (hashes recomputed)',
        );
      if (this.firstWithoutMac !== null)
        return this.fail(
          this.firstWithoutMac,
          'it has no MAC though later entries have one: it was written or rewritten without the server secret',
        );
      this.sealed = true;
    }
    for (const a of this.bySeq.get(e.seq) ?? [])
      if (a.hash !== e.hash)
        return this.fail(
          e.seq,
          `it is not the entry anchored on line ${a.line} of the anchor file${this.elsewhere(a)}: it, or an entry before it, was changed, deleted or inserted`,
          a.line,
        );
    return true;
  }

  /** The verdict once every entry was added; `head` is the end of the log its database records. */
  finish(head: { seq: number; hash: string } | null): AuditVerdict {
    if (this.bad) return this.bad;
    const chain = this.chain.finish(head);
    if (!chain.ok) {
      this.fail(chain.seq, chain.problem);
      return this.bad!;
    }
    const far = this.furthest;
    if (far && far.seq > this.lastSeq) {
      this.fail(
        this.lastSeq + 1,
        `the log ends at entry ${this.lastSeq} but line ${far.line} of the anchor file${this.elsewhere(far)} records entry ${far.seq}: entries were deleted at the end, or the database was restored from a backup older than the anchor`,
        far.line,
      );
      return this.bad!;
    }
    if (this.lineProblem) {
      const p = this.lineProblem;
      return { ...this.verdict(false), ...(p.seq ? { seq: p.seq } : {}), line: p.line, problem: p.problem };
    }
    return this.verdict(true);
  }

  private elsewhere(a: ReadAnchor): string {
    return this.opts.db !== undefined && a.db !== this.opts.db ? ` (written for ${a.db})` : '';
  }

  private verdict(ok: boolean): AuditVerdict {
    const macs = !this.opts.key ? 'no-key' : this.sealed || this.count === 0 ? 'checked' : 'unsealed';
    return { ok, entries: this.count, macs, anchors: this.anchorCount };
  }

  private fail(seq: number, problem: string, line?: number): false {
    this.bad = { ...this.verdict(false), seq, ...(line ? { line } : {}), problem };
    return false;
  }
}
