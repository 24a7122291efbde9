import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnchorSink, auditEntry, parseAnchors } from '../../src/disclosure/index.js';
import { buildApp, serverConfig } from '../../src/server/index.js';
import { type DbTarget, openStore } from '../../src/store/index.js';
import { DatabaseWriter } from '../helpers/audit-attack.js';
import { nswg } from '../helpers/cli.js';
import { freshDb, testEngines } from '../helpers/db.js';
import { serveCli } from '../helpers/server.js';

const SECRET = 'the server secret, kept in its file'.padEnd(40, '.');
const NOW = new Date('2026-05-01T00:00:00Z');

/** An anchor sink in memory (what a file sink would have been given), which may be told to fail. */
function memorySink() {
  const lines: string[] = [];
  const sink: AnchorSink & { lines: string[]; failing: boolean } = {
    name: 'memory',
    lines,
    failing: false,
    async append(line) {
      if (sink.failing) throw new Error('disk full');
      lines.push(line);
    },
    async read() {
      return lines.join('');
    },
  };
  return sink;
}

describe('the server anchors the audit log', () => {
  it('at start, every interval when the head moved, and at close; a sink that cannot be written fails the start', async () => {
    const tdb = await freshDb('sqlite');
    const store = await openStore(tdb.target, { mode: 'create', secret: SECRET });
    const append = () =>
      store.auditLog.append(auditEntry({ kind: 'system' }, 'scheduler.action', { ip: null }, NOW, null, {}));
    await append();
    const sink = memorySink();
    const config = serverConfig({ logLevel: 'silent', rateLimit: null });
    const deps = { store, config, clock: { now: () => NOW } };
    const app = await buildApp({
      ...deps,
      disclosure: { schedulerIntervalMs: null, auditAnchor: { sink, intervalMs: 20 } },
    });
    const seqs = () => parseAnchors(sink.lines.join('')).anchors.map((a) => a.seq);
    expect(seqs()).toEqual([1]);
    await new Promise((r) => setTimeout(r, 100));
    expect(seqs()).toEqual([1]);
    await append();
    await append();
    await expect.poll(seqs).toEqual([1, 3]);
    sink.failing = true;
    await append();
    await new Promise((r) => setTimeout(r, 100));
    sink.failing = false;
    await expect.poll(seqs).toEqual([1, 3, 4]);
    await append();
    await app.close();
    expect(seqs()).toEqual([1, 3, 4, 5]);
    sink.failing = true;
    await expect(buildApp({ ...deps, disclosure: { auditAnchor: { sink } } })).rejects.toThrow(/disk full/);
    await store.close();
    await tdb.drop();
  });
});

describe.each(await testEngines())('nswg audit-log verify on a log `nswg serve` wrote, on %s', (engine) => {
  it('is intact with its anchor file; rewritten behind the server’s back it is not, and a restart says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nswg-serve-audit-'));
    const secret = join(dir, 'secret');
    writeFileSync(secret, `${SECRET}\n`, { mode: 0o600 });
    const anchor = join(dir, 'anchor.jsonl');
    const tdb = engine === 'sqlite' ? null : await freshDb('postgres');
    const target: DbTarget = tdb?.target ?? { kind: 'sqlite', file: join(dir, 'nswg.db') };
    const db = target.kind === 'sqlite' ? target.file : target.url;
    const args = ['--db', db, '--secret-file', secret, '--audit-anchor', anchor, '--scheduler-interval', '0'];
    try {
      const server = await serveCli(args);
      try {
        for (const handle of ['ada', 'grace', 'edsger']) {
          const r = await fetch(`${server.url}/api/signup`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              email: `${handle}@example.org`,
              displayName: handle,
              handle,
              password: 'a long enough password',
            }),
          });
          expect(r.status).toBe(202);
        }
      } finally {
        expect(await server.stop()).toBe(0);
      }
      // no entry before the first sign-up: the one anchor is the one written at shutdown
      const lines = parseAnchors(readFileSync(anchor, 'utf8'));
      expect(lines.bad).toEqual([]);
      expect(lines.anchors.map((a) => a.seq)).toEqual([3]);

      const verify = (...more: string[]) =>
        nswg(['audit-log', 'verify', '--db', db, '--secret-file', secret, '--audit-anchor', anchor, ...more]);
      const ok = await verify();
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(
        /audit log intact \(3 entries\)\n {2}MACs: every entry's checked.*\n {2}anchor: 1 line of/,
      );

      const store = await openStore(target, { mode: 'existing' });
      await new DatabaseWriter(store.db).edit(2, { ip: '198.51.100.7' });
      await store.close();
      const edited = await verify('--format', 'json');
      expect(edited.code).toBe(1);
      expect(JSON.parse(edited.stdout)).toMatchObject({
        ok: false,
        seq: 2,
        problem: expect.stringMatching(/MAC is wrong/),
      });

      const again = await openStore(target, { mode: 'existing' });
      await new DatabaseWriter(again.db).truncate(1);
      await again.close();
      const cut = await verify();
      expect(cut.code).toBe(1);
      expect(cut.stdout).toMatch(
        /TAMPERED at entry 2 \(line 1 of the anchor file\): the log ends at entry 1/,
      );

      const restarted = await serveCli(args);
      expect(await restarted.stop()).toBe(0);
      expect(restarted.stdout()).toMatch(
        /"level":50.*the audit log ends before entry 3, which its anchor file records/,
      );
    } finally {
      await tdb?.drop();
    }
  });
});
