import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { NswgError } from '../../errors.js';
import { openSqlite, type SqliteDatabase } from '../sqlite-open.js';
import { openStore } from '../store.js';
import { commitFile, createPrivate, failedBackup, removeTemp, tempBeside } from './files.js';
import { type BackupSummary, SUMMARY_SQL, summaryOf } from './summary.js';

const isNswg = (db: SqliteDatabase) =>
  Number(
    (
      db
        .prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'nswg_migrations'")
        .get() as {
        n: number;
      }
    ).n,
  ) > 0;

/** What an SQLite database (a backup, or a copy of one) holds. */
function summarize(file: string): BackupSummary {
  const db = openSqlite(file, { readOnly: true });
  try {
    return summaryOf(db.prepare(SUMMARY_SQL).get() as Record<string, unknown>, statSync(file).size);
  } finally {
    db.close();
  }
}

/**
 * Backs an SQLite database up with VACUUM INTO: one read transaction, so one point in time, while
 * the server keeps writing (WAL: readers and the writer do not block each other). The online backup
 * API copying 100 pages a step starts over whenever another connection writes, and under a steady
 * writer never finished (measured: 5.9 s, 4,446 steps, done only once the writer stopped); VACUUM INTO
 * took 0.35–0.45 s for 43 MB under the same writer. Written to a temporary file, synced, then renamed.
 */
export function backupSqlite(file: string, out: string): BackupSummary {
  if (!existsSync(file))
    throw new NswgError('E_DB', `there is no database at ${file}`, { file, field: '--db' });
  const db = openSqlite(file);
  const tmp = tempBeside(out, 'backup');
  try {
    if (!isNswg(db)) throw new NswgError('E_DB', `${file} is not an nswg database`, { file, field: '--db' });
    mkdirSync(dirname(out), { recursive: true });
    createPrivate(tmp);
    db.prepare('VACUUM INTO ?').run(tmp);
    const summary = summarize(tmp);
    commitFile(tmp, out);
    return summary;
  } catch (e) {
    throw failedBackup(tmp, out, e);
  } finally {
    db.close();
  }
}

/** What an SQLite target holds now, in words, or null when it is missing or empty. */
export function sqliteContents(file: string): string | null {
  if (!existsSync(file) || statSync(file).size === 0) return null;
  const db = openSqlite(file, { readOnly: true });
  try {
    const tables = Number(
      (db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n,
    );
    if (!tables) return null;
    if (!isNswg(db)) return `${tables} tables`;
    const s = summaryOf(db.prepare(SUMMARY_SQL).get() as Record<string, unknown>, 0);
    return `${s.advisories} advisories, ${s.reports} reports, ${s.auditEntries} audit log entries`;
  } finally {
    db.close();
  }
}

const badBackup = (from: string, why: string) =>
  new NswgError('E_FILE_READ', `${from} is not a usable backup: ${why}; the database was not touched`, {
    file: from,
    field: '--from',
  });

/**
 * Restores an SQLite backup into `file`: the backup is copied beside the target, checked (SQLite's
 * integrity check, an nswg database), brought to this version's schema, and only then copied into the
 * target with SQLite's backup API, which writes the whole target in one transaction: a reader (a
 * running server) sees the old database or the new one, and a failure leaves the old one. `refuse`
 * is called with what the target holds when it is not empty.
 */
export async function restoreSqlite(
  from: string,
  file: string,
  refuse: (contents: string) => void,
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempBeside(file, 'restore');
  try {
    copyFileSync(from, tmp);
    let copy: SqliteDatabase;
    try {
      copy = openSqlite(tmp);
    } catch (e) {
      throw badBackup(from, (e as Error).message);
    }
    try {
      let rows: { integrity_check: string }[];
      try {
        rows = copy.prepare('PRAGMA integrity_check(5)').all() as { integrity_check: string }[];
      } catch (e) {
        throw badBackup(from, (e as Error).message);
      }
      const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
      if (problems.length) throw badBackup(from, `SQLite's integrity check found: ${problems.join('; ')}`);
      if (!isNswg(copy)) throw badBackup(from, 'it is an SQLite database, but not an nswg one');
    } finally {
      copy.close();
    }
    const contents = sqliteContents(file);
    if (contents !== null) refuse(contents);
    // the schema brought up to date on the copy: the target gets the whole of it, or nothing
    await (await openStore({ kind: 'sqlite', file: tmp }, { mode: 'existing' })).close();
    const { backup } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
    const source = openSqlite(tmp, { readOnly: true });
    try {
      // every page in one step: one write transaction on the target
      await backup(source, file, { rate: 2 ** 30 });
    } catch (e) {
      throw new NswgError('E_DB', `cannot write the restored database: ${(e as Error).message}`, {
        file,
        field: '--db',
      });
    } finally {
      source.close();
    }
  } finally {
    removeTemp(tmp);
  }
}
