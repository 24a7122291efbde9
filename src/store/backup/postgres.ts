import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type pg from 'pg';
import { NswgError } from '../../errors.js';
import { describeTarget } from '../target.js';
import { commitFile, createPrivate, failedBackup, removeTemp, tempBeside } from './files.js';
import { libpqTarget, pgTool, replaceFromArchive, runTool } from './pg-tools.js';
import { type BackupSummary, SUMMARY_SQL, summaryOf } from './summary.js';

async function client(url: string): Promise<pg.Client> {
  // loaded on use, as connect.ts does: every command imports the store, few reach PostgreSQL
  const { default: Pg } = await import('pg');
  const c = new Pg.Client({ connectionString: url });
  try {
    await c.connect();
  } catch (e) {
    throw new NswgError(
      'E_DB_CONNECT',
      `cannot connect to PostgreSQL at ${describeTarget({ kind: 'postgres', url })}: ${(e as Error).message}`,
    );
  }
  return c;
}

/**
 * Backs a PostgreSQL database up with pg_dump (custom format: compressed, restored by pg_restore in
 * one transaction). The summary is counted in a REPEATABLE READ transaction whose snapshot pg_dump is
 * given (--snapshot), so the counts printed are those of the very point in time the file holds,
 * while the server goes on writing. Written to a temporary file, synced, then renamed.
 */
export async function backupPostgres(url: string, out: string): Promise<BackupSummary> {
  const pgDump = pgTool('pg_dump');
  const c = await client(url);
  const tmp = tempBeside(out, 'backup');
  try {
    await c.query('begin isolation level repeatable read read only');
    const found = await c.query("select to_regclass('nswg_migrations') is not null as found");
    if (!found.rows[0]?.found)
      throw new NswgError('E_DB', `${describeTarget({ kind: 'postgres', url })} is not an nswg database`, {
        field: '--db',
      });
    const snapshot = (await c.query('select pg_export_snapshot() as id')).rows[0].id as string;
    const counted = (await c.query(SUMMARY_SQL)).rows[0] as Record<string, unknown>;
    mkdirSync(dirname(out), { recursive: true });
    createPrivate(tmp);
    const { dbname, env } = libpqTarget(url);
    await runTool(
      pgDump,
      ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--file=${tmp}`, dbname],
      env,
      'the backup failed',
    );
    await c.query('commit');
    commitFile(tmp, out);
    return summaryOf(counted, statSync(out).size);
  } catch (e) {
    throw failedBackup(tmp, out, e);
  } finally {
    await c.end().catch(() => {});
  }
}

/** What a PostgreSQL target holds now, in words, or null when its schema has no table. */
export async function postgresContents(url: string): Promise<string | null> {
  const c = await client(url);
  try {
    const tables = Number(
      (
        await c.query(
          "select count(*) as n from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
        )
      ).rows[0].n,
    );
    if (!tables) return null;
    const nswg = (await c.query("select to_regclass('nswg_migrations') is not null as found")).rows[0].found;
    if (!nswg) return `${tables} tables`;
    const s = summaryOf((await c.query(SUMMARY_SQL)).rows[0], 0);
    return `${s.advisories} advisories, ${s.reports} reports, ${s.auditEntries} audit log entries`;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Restores a pg_dump backup: the whole file is read through first (pg_restore to nowhere), so a
 * truncated or corrupted one is refused before the database is touched; then every table is dropped
 * and the archive's script run, in one transaction (see replaceFromArchive): a failure rolls back and
 * leaves the database as it was. pg_restore --single-transaction --clean would leave the tables a
 * newer schema added, on which the migrations then fail. `refuse` is called with what the target holds when not empty.
 */
export async function restorePostgres(
  from: string,
  url: string,
  refuse: (contents: string) => void,
): Promise<void> {
  const pgRestore = pgTool('pg_restore');
  const { dbname, env } = libpqTarget(url);
  try {
    await runTool(pgRestore, ['--file=-', from], env, 'reading the backup', true);
  } catch (e) {
    throw new NswgError(
      'E_FILE_READ',
      `${from} is not a usable backup: ${(e as Error).message.replace(/^reading the backup: /, '')}; the database was not touched`,
      { file: from, field: '--from' },
    );
  }
  const contents = await postgresContents(url);
  if (contents !== null) refuse(contents);
  await replaceFromArchive({ pgRestore, psql: pgTool('psql') }, from, dbname, env);
}
