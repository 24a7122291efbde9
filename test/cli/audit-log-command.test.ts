import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileAnchorSink } from '../../src/cli/audit-anchor.js';
import { auditEntry, parseAnchors } from '../../src/disclosure/index.js';
import { openStore } from '../../src/store/index.js';
import { DatabaseWriter } from '../helpers/audit-attack.js';
import { nswg, tempHome } from '../helpers/cli.js';

const SECRET = 'the server secret, kept in its file'.padEnd(40, '.');
const NOW = new Date('2026-03-01T12:00:00Z');

/** A database with `n` audit entries, written with the secret when given, in a home of its own. */
async function setUp(n: number, secret: string | null) {
  const home = tempHome();
  const db = join(home, 'audit.db');
  const secretFile = join(home, 'secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const store = await openStore(
    { kind: 'sqlite', file: db },
    { mode: 'create', ...(secret ? { secret } : {}) },
  );
  for (let i = 0; i < n; i++)
    await store.auditLog.append(
      auditEntry({ kind: 'system' }, 'scheduler.action', { ip: null }, NOW, null, { i }),
    );
  await store.close();
  return { home, db, secretFile, anchor: join(home, 'audit-anchor.jsonl') };
}

const append = async (db: string, n: number) => {
  const store = await openStore({ kind: 'sqlite', file: db }, { mode: 'existing', secret: SECRET });
  for (let i = 0; i < n; i++)
    await store.auditLog.append(
      auditEntry({ kind: 'system' }, 'scheduler.action', { ip: null }, NOW, null, { i }),
    );
  await store.close();
};

describe('nswg audit-log verify and anchor', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    s = await setUp(3, SECRET);
  });

  it('anchors the head in audit-anchor.jsonl beside the secret file, made for its owner only and appended to', async () => {
    const first = await nswg(['audit-log', 'anchor', '--db', s.db], { home: s.home });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`anchored entry 3 in ${s.anchor}`);
    expect(statSync(s.anchor).mode & 0o777).toBe(0o600);
    await append(s.db, 2);
    expect((await nswg(['audit-log', 'anchor', '--db', s.db], { home: s.home })).code).toBe(0);
    const lines = parseAnchors(readFileSync(s.anchor, 'utf8'));
    expect(lines.bad).toEqual([]);
    expect(lines.anchors.map((a) => [a.line, a.seq, a.db])).toEqual([
      [1, 3, s.db],
      [2, 5, s.db],
    ]);
  });

  it('checks the chain, the MACs and the anchor file, and says so', async () => {
    const r = await nswg(['audit-log', 'verify', '--db', s.db], { home: s.home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit log intact (5 entries)');
    expect(r.stdout).toContain(`MACs: every entry's checked with the secret in ${s.secretFile}`);
    expect(r.stdout).toContain(`anchor: 2 lines of ${s.anchor} checked`);
  });

  it('says what it could not check: no secret file, no anchor file', async () => {
    const elsewhere = tempHome();
    const r = await nswg(['audit-log', 'verify', '--db', s.db, '--format', 'json'], { home: elsewhere });
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ ok: true, entries: 5, macs: 'no-key', anchors: null, secretFile: null });
    expect(v.notes.join('\n')).toMatch(
      /MACs: NOT checked: no secret file .*\n.*anchor: NOT checked: no anchor file/,
    );
    expect(existsSync(join(elsewhere, 'secret'))).toBe(false);
    const withAnchor = await nswg(['audit-log', 'verify', '--db', s.db, '--audit-anchor', s.anchor], {
      home: elsewhere,
    });
    expect(withAnchor.stdout).toContain('checked (their MACs not: no secret)');
  });

  it('refuses another server secret, and an anchor file named but missing, with exit code 2', async () => {
    const other = join(tempHome(), 'secret');
    writeFileSync(other, `${'another secret'.padEnd(40, '!')}\n`, { mode: 0o600 });
    const r = await nswg(['audit-log', 'verify', '--db', s.db, '--secret-file', other], { home: s.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/set up with another server secret/);
    const missing = await nswg(
      ['audit-log', 'verify', '--db', s.db, '--audit-anchor', join(s.home, 'nope')],
      {
        home: s.home,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no audit anchor file/);
  });

  it('refuses an anchor file others may write', async () => {
    const t = await setUp(1, SECRET);
    writeFileSync(t.anchor, '', { mode: 0o666 });
    chmodSync(t.anchor, 0o666);
    const r = await nswg(['audit-log', 'anchor', '--db', t.db], { home: t.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/may be written by others/);
  });

  it('exits 1 naming the first bad entry once the log was cut short behind its anchor, in text and JSON', async () => {
    const t = await setUp(4, SECRET);
    expect((await nswg(['audit-log', 'anchor', '--db', t.db], { home: t.home })).code).toBe(0);
    const store = await openStore({ kind: 'sqlite', file: t.db }, { mode: 'existing' });
    await new DatabaseWriter(store.db).truncate(2);
    await store.close();
    const r = await nswg(['audit-log', 'verify', '--db', t.db], { home: t.home });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED at entry 3 \(line 1 of the anchor file\): the log ends at entry 2/);
    const j = await nswg(['audit-log', 'verify', '--db', t.db, '--format', 'json'], { home: t.home });
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, seq: 3, line: 1, macs: 'checked', anchors: 1 });
  });

  it('seals a log written without the secret when anchoring, and reports a broken one instead of sealing it', async () => {
    const t = await setUp(2, null);
    const before = await nswg(['audit-log', 'verify', '--db', t.db], { home: t.home });
    expect(before.stdout).toContain('MACs: NOT checked: no entry carries one');
    expect((await nswg(['audit-log', 'anchor', '--db', t.db], { home: t.home })).code).toBe(0);
    const after = await nswg(['audit-log', 'verify', '--db', t.db], { home: t.home });
    expect(after.stdout).toContain("MACs: every entry's checked");

    const broken = await setUp(2, null);
    const store = await openStore({ kind: 'sqlite', file: broken.db }, { mode: 'existing' });
    await sql`update audit_log set ip = '198.51.100.1'`.execute(store.db);
    await store.close();
    const r = await nswg(['audit-log', 'anchor', '--db', broken.db], { home: broken.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not intact, so its entries were not given MACs: entry 1: .*edited/);
  });

  it('appends whole lines: one cut short by a crash is left as it is, the next starts on a line of its own', async () => {
    const file = join(tempHome(), 'anchors', 'a.jsonl');
    const sink = fileAnchorSink(file);
    expect(await sink.read?.()).toBeNull();
    await sink.append('{"one":1}\n');
    writeFileSync(file, '{"two":', { flag: 'a' });
    await sink.append('{"three":3}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"one":1}\n{"two":\n{"three":3}\n');
    expect(await sink.read?.(13)).toBe('\n{"three":3}\n');
  });
});
