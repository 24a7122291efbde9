import { describe, expect, it } from 'vitest';
import { type AuditEntry, auditEntry, canonicalJson, chainEntry, verifyChain } from './imports.js';

const NOW = new Date('2026-03-01T12:00:00Z');
function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const e = auditEntry(
      { kind: 'user', id: `u${i}`, roles: [] },
      'report.read',
      { ip: '192.0.2.1' },
      NOW,
      'r-1',
      { i, nested: { b: 1, a: [1, 2] } },
    );
    out.push(chainEntry(e, out.at(-1) ?? null));
  }
  return out;
}
const head = (c: AuditEntry[]) => ({ seq: c.at(-1)!.seq, hash: c.at(-1)!.hash });

describe('the audit chain', () => {
  it('writes canonical JSON: keys sorted at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('verifies an intact chain', () => {
    const c = chain(5);
    expect(verifyChain(c, head(c))).toEqual({ ok: true, entries: 5 });
    expect(verifyChain([], null)).toEqual({ ok: true, entries: 0 });
  });

  it('names the first edited entry', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, ip: '198.51.100.7' };
    expect(verifyChain(c, head(c))).toMatchObject({
      ok: false,
      seq: 3,
      problem: expect.stringMatching(/edited/),
    });
  });

  it('detects a deleted entry in the middle and at the end', () => {
    const c = chain(5);
    expect(verifyChain([...c.slice(0, 2), ...c.slice(3)], head(c))).toMatchObject({ ok: false, seq: 4 });
    expect(verifyChain(c.slice(0, 4), head(c))).toMatchObject({
      ok: false,
      seq: 5,
      problem: expect.stringMatching(/end/),
    });
  });

  it('detects an inserted entry, even one with a recomputed hash', () => {
    const c = chain(4);
    const forged = chainEntry(
      auditEntry({ kind: 'system' }, 'report.transition', { ip: null }, NOW, 'r-1'),
      c[1]!,
    );
    const renumbered = [c[0]!, c[1]!, forged, ...c.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    expect(verifyChain(renumbered, head(c))).toMatchObject({ ok: false, seq: 4 });
  });
});
