import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupSummary,
  type Database,
  type DbTarget,
  databaseSummary,
  openStore,
} from '../../src/store/index.js';
import { nswg, tempHome } from '../helpers/cli.js';
import { freshDb, type TestDb, testEngines } from '../helpers/db.js';
import { ROOT } from '../helpers/shared.js';

const SECRET = 'the server secret, kept in its file'.padEnd(40, '.');
const WRITER = join(ROOT, 'test', 'cli', 'workers', 'backup-writer.mjs');
const dbArg = (t: DbTarget) => (t.kind === 'sqlite' ? t.file : t.url);

/** The writer process (reports with one attachment each, through the program), and its output. */
function writer(target: DbTarget, handle: string, howMany: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [WRITER, JSON.stringify(target), SECRET, handle, howMany],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  const written = () => Number(/wrote (\d+)\n$/.exec(out)?.[1] ?? 0);
  child.stdout!.setEncoding('utf8').on('data', (d) => {
    out += d;
    for (const w of waiters.splice(0))
      if (written() >= w.n) w.resolve();
      else waiters.push(w);
  });
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  const done = new Promise<number>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve(written()) : reject(new Error(`writer failed: ${err}`)),
    ),
  );
  return {
    done,
    written,
    /** Resolves once the writer has written `n` reports. */
    reached: (n: number) =>
      new Promise<void>((resolve) => (written() >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

/** What a database holds, and each attachment's bytes and the audit log's actions, for comparing. */
async function contents(target: DbTarget) {
  const store = await openStore(target, { mode: 'existing' });
  try {
    const summary = await databaseSummary(store.db);
    const attachments = await sql<{
      id: string;
      data: Uint8Array;
    }>`select id, data from attachments order by id`
      .execute(store.db)
      .then((r) => r.rows.map((a) => `${a.id}:${Buffer.from(a.data).toString('hex')}`));
    const actions = await sql<{ action: string; n: number | string }>`
      select action, count(*) as n from audit_log group by action order by action`
      .execute(store.db)
      .then((r) => Object.fromEntries(r.rows.map((a) => [a.action, Number(a.n)])));
    return { summary, attachments, actions };
  } finally {
    await store.close();
  }
}

/** Runs `body` on the database's Kysely instance. */
async function withStore<T>(target: DbTarget, body: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const store = await openStore(target, { mode: 'existing' });
  try {
    return await body(store.db);
  } finally {
    await store.close();
  }
}

const tableExists = async (db: Kysely<Database>, name: string) =>
  (
    await sql<{
      n: number | string;
    }>`select count(*) as n from information_schema.tables where table_name = ${name}`
      .execute(db)
      .catch(() =>
        sql<{ n: number | string }>`select count(*) as n from sqlite_master where name = ${name}`.execute(db),
      )
  ).rows.some((r) => Number(r.n) > 0);

for (const engine of await testEngines()) {
  describe(`nswg backup and restore (${engine})`, () => {
    const dbs: TestDb[] = [];
    let home: string;
    let source: DbTarget;
    const fresh = async () => {
      const t = await freshDb(engine);
      dbs.push(t);
      return t.target;
    };
    const run = (args: string[]) => nswg(args, { home });

    beforeAll(async () => {
      home = tempHome();
      writeFileSync(join(home, 'secret'), `${SECRET}\n`, { mode: 0o600 });
      source = await fresh();
      expect((await run(['db', 'init', '--db', dbArg(source)])).code).toBe(0);
      await writer(source, 'alice', '2').done;
      // the head anchored, as the server does after each write
      expect((await run(['audit-log', 'anchor', '--db', dbArg(source)])).code).toBe(0);
    }, 60_000);
    afterAll(async () => {
      for (const t of dbs) await t.drop();
    });

    it('backs up every part and restores it into an empty database, whose audit log verifies', async () => {
      const out = join(home, 'first.backup');
      const b = await run(['backup', '--db', dbArg(source), '--out', out, '--format', 'json']);
      expect(b.stderr).toBe('');
      expect(b.code).toBe(0);
      const said = JSON.parse(b.stdout) as BackupSummary;
      const before = await contents(source);
      expect(said).toMatchObject({ ...before.summary, bytes: statSync(out).size });
      expect(said).toMatchObject({ advisories: 638, reports: 2, attachments: 2 });
      expect(said.auditEntries).toBeGreaterThan(4);
      expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      // it holds private reports and password hashes: its owner's only
      expect(statSync(out).mode & 0o777).toBe(0o600);

      const target = await fresh();
      const r = await run(['restore', '--db', dbArg(target), '--from', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('restored ');
      expect(r.stdout).toContain('638 advisories, 2 reports (2 attachments)');
      expect(r.stdout).toContain(`audit log intact (${said.auditEntries} entries)`);
      expect(r.stdout).toContain("MACs: every entry's checked");
      expect(r.stdout).toContain('anchor: 1 line of');
      expect(await contents(target)).toEqual(before);
      const v = await run(['audit-log', 'verify', '--db', dbArg(target)]);
      expect(v.code).toBe(0);
    });

    it('refuses a database that is not empty without --force; with it, restores and sets the anchor file aside', async () => {
      const out = join(home, 'older.backup');
      expect((await run(['backup', '--db', dbArg(source), '--out', out])).code).toBe(0);
      const inBackup = await contents(source);
      await writer(source, 'bob', '1').done;
      expect((await run(['audit-log', 'anchor', '--db', dbArg(source)])).code).toBe(0);
      const later = await contents(source);

      const refused = await run(['restore', '--db', dbArg(source), '--from', out]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is not empty (638 advisories, 3 reports');
      expect(refused.stderr).toContain('add --force');
      expect(await contents(source)).toEqual(later);

      // a table a newer schema added does not outlive the restore (its migration would fail on it)
      await withStore(source, (db) => sql`create table from_a_newer_schema (id integer)`.execute(db));
      const r = await run(['restore', '--db', dbArg(source), '--from', out, '--force']);
      expect(r.stderr).toBe('');
      expect(await withStore(source, (db) => tableExists(db, 'from_a_newer_schema'))).toBe(false);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`audit log intact (${inBackup.summary.auditEntries} entries)`);
      expect(r.stdout).toMatch(
        new RegExp(
          `anchor file records entry ${later.summary.auditHead.seq} .* the backup ends at entry ${inBackup.summary.auditHead.seq}`,
        ),
      );
      expect(await contents(source)).toEqual(inBackup);
      expect(readdirSync(home).some((f) => f.startsWith('audit-anchor.jsonl.before-restore-'))).toBe(true);
      // the server goes on from the restored head: what it writes next verifies against the new anchor
      await writer(source, 'carol', '1').done;
      expect((await run(['audit-log', 'anchor', '--db', dbArg(source)])).code).toBe(0);
      const v = await run(['audit-log', 'verify', '--db', dbArg(source)]);
      expect(v.stdout).toContain('audit log intact');
      expect(v.code).toBe(0);
    });

    it('takes a consistent backup while another process keeps writing', async () => {
      const stop = join(home, 'stop-writing');
      const w = writer(source, 'dave', `until:${stop}`);
      await w.reached(2);
      const out = join(home, 'online.backup');
      const b = await run(['backup', '--db', dbArg(source), '--out', out, '--format', 'json']);
      expect(b.code).toBe(0);
      const atBackup = w.written();
      await w.reached(atBackup + 2);
      writeFileSync(stop, '');
      const total = await w.done;
      const after = await contents(source);

      const target = await fresh();
      const r = await run(['restore', '--db', dbArg(target), '--from', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('audit log intact');
      const restored = await contents(target);
      // one point in time: what the backup said it holds, each report with its audit entry, each
      // attachment with its own, and none of what was written after it
      const {
        database: _,
        file: __,
        ...said
      } = JSON.parse(b.stdout) as BackupSummary & Record<string, string>;
      expect(restored.summary).toEqual({ ...said, bytes: 0 });
      expect(restored.actions['report.submit']).toBe(restored.summary.reports);
      expect(restored.actions['attachment.add']).toBe(restored.summary.attachments);
      expect(restored.summary.reports).toBeLessThan(after.summary.reports);
      expect(after.summary.reports - restored.summary.reports).toBeLessThanOrEqual(total);
      expect((await run(['audit-log', 'verify', '--db', dbArg(target)])).code).toBe(0);
    }, 60_000);

    it('refuses a backup file that is not one, truncated or of another kind, naming it; the database untouched', async () => {
      const out = join(home, 'whole.backup');
      expect((await run(['backup', '--db', dbArg(source), '--out', out])).code).toBe(0);
      const bytes = readFileSync(out);
      const cut = join(home, 'cut.backup');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const before = await contents(source);
      const truncated = await run(['restore', '--db', dbArg(source), '--from', cut, '--force']);
      expect(truncated.code).toBe(2);
      expect(truncated.stderr).toContain(`${cut} is not a usable backup`);
      expect(truncated.stderr).toContain('the database was not touched');
      expect(await contents(source)).toEqual(before);

      const other = join(home, 'notes.txt');
      writeFileSync(other, 'not a backup\n');
      const wrong = await run(['restore', '--db', dbArg(source), '--from', other, '--force']);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(`${other} is not an nswg backup`);
      expect(await contents(source)).toEqual(before);

      // the other engine's kind of backup, recognized by its first bytes
      const foreign = join(home, 'foreign.backup');
      writeFileSync(foreign, engine === 'sqlite' ? 'PGDMP\x01\x0e\x00' : 'SQLite format 3\0 and more');
      const crossed = await run(['restore', '--db', dbArg(source), '--from', foreign, '--force']);
      expect(crossed.code).toBe(2);
      expect(crossed.stderr).toContain(
        engine === 'sqlite' ? 'is a PostgreSQL backup and' : 'is an SQLite backup and',
      );
      expect(await contents(source)).toEqual(before);

      const empty = await fresh();
      const intoEmpty = await run(['restore', '--db', dbArg(empty), '--from', cut]);
      expect(intoEmpty.code).toBe(2);
      if (engine === 'sqlite') expect(existsSync(dbArg(empty))).toBe(false);
    });

    it.runIf(engine === 'postgres')(
      'rolls a restore that fails part way back: the database as it was',
      async () => {
        const out = join(home, 'for-rollback.backup');
        expect((await run(['backup', '--db', dbArg(source), '--out', out])).code).toBe(0);
        // a view where the backup has a table: the restore drops every table, then fails on it
        const target = await fresh();
        const pool = new pg.Pool({ connectionString: dbArg(target), max: 1 });
        try {
          await pool.query('create table kept (note text)');
          await pool.query("insert into kept values ('still here')");
          await pool.query('create view audit_head as select 1 as id');
          const r = await run(['restore', '--db', dbArg(target), '--from', out, '--force']);
          expect(r.code).toBe(2);
          expect(r.stderr).toContain('the restore failed and was rolled back');
          expect((await pool.query('select note from kept')).rows).toEqual([{ note: 'still here' }]);
          expect((await pool.query("select to_regclass('advisories') as t")).rows).toEqual([{ t: null }]);
        } finally {
          await pool.end();
        }
      },
    );

    it('leaves no file behind when a backup fails', async () => {
      const url = engine === 'postgres' ? new URL(dbArg(source)) : null;
      if (url) url.pathname += '_missing';
      const missing = url?.toString() ?? join(home, 'missing.db');
      const out = join(home, 'failed.backup');
      const r = await run(['backup', '--db', missing, '--out', out]);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
}
