import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  AuditVerifier,
  anchorLine,
  auditEntry,
  auditHash,
  auditMac,
  chainEntry,
  deriveKeys,
  parseAnchors,
  type StoredAuditEntry,
} from './imports.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const KEY = deriveKeys('s'.repeat(40)).audit;
const OTHER = deriveKeys('o'.repeat(40)).audit;
const DB = '/srv/nswg.db';

/** A log of `n` entries, each with its MAC. */
function log(n: number, key: Buffer | null = KEY): StoredAuditEntry[] {
  const out: StoredAuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const e = chainEntry(
      auditEntry({ kind: 'user', id: `u${i}`, roles: [] }, 'report.read', { ip: '192.0.2.1' }, NOW, 'r-1', {
        i,
      }),
      out.at(-1) ?? null,
    );
    out.push({ ...e, mac: key ? auditMac(key, e.hash) : null });
  }
  return out;
}
const headOf = (l: AuditEntry[]) => (l.length ? { seq: l.at(-1)!.seq, hash: l.at(-1)!.hash } : null);
const anchorsOf = (l: AuditEntry[], seqs: number[], key = KEY) =>
  parseAnchors(seqs.map((s) => anchorLine(key, l[s - 1]!, NOW, DB)).join(''));

function check(
  l: StoredAuditEntry[],
  opts: { key?: Buffer | null; sealed?: boolean; anchors?: ReturnType<typeof parseAnchors> | null } = {},
  head = headOf(l),
) {
  const v = new AuditVerifier({
    key: opts.key === undefined ? KEY : opts.key,
    sealed: opts.sealed ?? true,
    anchors: opts.anchors ?? null,
    db: DB,
  });
  for (const e of l) if (!v.add(e)) break;
  return v.finish(head);
}

/** What a database writer can do without the secret: recompute every hash from `from` on. */
function rechain(l: StoredAuditEntry[], from: number): StoredAuditEntry[] {
  const out = l.slice(0, from - 1);
  for (const e of l.slice(from - 1)) {
    const seq = (out.at(-1)?.seq ?? 0) + 1;
    const prevHash = out.at(-1)?.hash ?? '0'.repeat(64);
    out.push({ ...e, seq, prevHash, hash: auditHash({ ...e, seq }, prevHash) });
  }
  return out;
}

describe('anchor lines', () => {
  it('are one JSON line each, read back with their line numbers and MACs that match', () => {
    const l = log(3);
    const text = anchorLine(KEY, l[1]!, NOW, DB) + anchorLine(KEY, l[2]!, NOW, DB);
    expect(text.split('\n')).toHaveLength(3);
    const parsed = parseAnchors(text);
    expect(parsed.bad).toEqual([]);
    expect(parsed.anchors.map((a) => [a.line, a.seq, a.hash, a.db])).toEqual([
      [1, 2, l[1]!.hash, DB],
      [2, 3, l[2]!.hash, DB],
    ]);
  });

  it('reports every line that is not an anchor, and a last line cut short', () => {
    const good = anchorLine(KEY, log(1)[0]!, NOW, DB);
    const parsed = parseAnchors(
      `${good}not json\n{"v":1}\n${good.replace('"db"', '"extra":1,"db"')}\n${good.slice(0, 30)}`,
    );
    expect(parsed.anchors.map((a) => a.line)).toEqual([1]);
    expect(parsed.bad.map((b) => b.line)).toEqual([2, 3, 4, 6]);
    expect(parsed.bad.at(-1)!.problem).toMatch(/cut short/);
  });
});

describe('verifying a log with its MACs and anchors', () => {
  it('passes an intact log, saying what it checked', () => {
    const l = log(5);
    expect(check(l, { anchors: anchorsOf(l, [2, 5]) })).toEqual({
      ok: true,
      entries: 5,
      macs: 'checked',
      anchors: 2,
    });
    expect(check(l, { key: null })).toEqual({ ok: true, entries: 5, macs: 'no-key', anchors: null });
    expect(check(log(3, null), { sealed: false })).toMatchObject({ ok: true, macs: 'unsealed' });
  });

  it('names an entry edited with every later hash recomputed: its MAC is wrong (the chain alone is fooled)', () => {
    const l = log(6);
    l[2] = { ...l[2]!, ip: '198.51.100.9' };
    const forged = rechain(l, 3);
    expect(check(forged, { key: null })).toMatchObject({ ok: true });
    expect(check(forged)).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/MAC is wrong/),
    });
  });

  it('names the entry anchored that no longer matches, even without the key', () => {
    const l = log(6);
    const anchors = anchorsOf(l, [2, 5]);
    l[2] = { ...l[2]!, ip: '198.51.100.9' };
    const forged = rechain(l, 3);
    expect(check(forged, { key: null, anchors })).toMatchObject({
      ok: false,
      seq: 5,
      line: 2,
      problem: expect.stringMatching(/not the entry anchored on line 2/),
    });
  });

  it('names the first missing entry of a log cut short behind its anchor', () => {
    const l = log(6);
    const anchors = anchorsOf(l, [3, 6]);
    const cut = l.slice(0, 4);
    expect(check(cut)).toMatchObject({ ok: true });
    expect(check(cut, { anchors })).toMatchObject({
      ok: false,
      seq: 5,
      line: 2,
      problem: expect.stringMatching(/ends at entry 4 .* records entry 6/),
    });
  });

  it('takes a missing MAC in a sealed log as tampering, and a log with a hole in its MACs', () => {
    const l = log(4);
    l[2] = { ...l[2]!, mac: null };
    expect(check(l)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/no MAC/) });
    const unsealed = log(4, null);
    unsealed[3] = { ...unsealed[3]!, mac: auditMac(KEY, unsealed[3]!.hash) };
    expect(check(unsealed, { sealed: false })).toMatchObject({ ok: false, seq: 1 });
    // an anchor made with the key shows the log was sealed, whatever the database says
    const stripped = log(3, null);
    expect(check(stripped, { sealed: false, anchors: anchorsOf(stripped, [3]) })).toMatchObject({
      ok: false,
      seq: 1,
    });
  });

  it('finds a forged anchor line, and one of another database', () => {
    const l = log(3);
    const forged = parseAnchors(anchorLine(KEY, l[0]!, NOW, DB) + anchorLine(OTHER, l[2]!, NOW, DB));
    expect(check(l, { anchors: forged })).toMatchObject({
      ok: false,
      line: 2,
      problem: expect.stringMatching(/line 2 .* forged/),
    });
    // without the key the forged line is taken at its word, and still matches
    expect(check(l, { key: null, anchors: forged })).toMatchObject({ ok: true, anchors: 2 });
    const elsewhere = parseAnchors(anchorLine(KEY, log(5)[4]!, NOW, '/other.db'));
    expect(check(l, { anchors: elsewhere })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/written for \/other\.db/),
    });
  });

  it('reports a line of the anchor file that is not an anchor', () => {
    const l = log(2);
    expect(check(l, { anchors: parseAnchors('garbage\n') })).toMatchObject({ ok: false, line: 1 });
  });
});
