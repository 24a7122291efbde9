import { resolve } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { NswgError } from '../../errors.js';
import type { Database } from '../schema.js';
import { type DbTarget, describeTarget } from '../target.js';
import { backupKindOf } from './files.js';
import { backupPostgres, restorePostgres } from './postgres.js';
import { backupSqlite, restoreSqlite } from './sqlite.js';
import { type BackupSummary, SUMMARY_SQL, summaryOf } from './summary.js';

export type { BackupKind } from './files.js';
export type { BackupSummary } from './summary.js';

/** Writes a consistent backup of the database at `target` to `out`, while it stays in use. */
export async function backupDatabase(target: DbTarget, out: string): Promise<BackupSummary> {
  const file = resolve(out);
  if (target.kind === 'sqlite') {
    if (resolve(target.file) === file)
      throw new NswgError('E_USAGE', 'the backup file cannot be the database itself', { field: '--out' });
    return backupSqlite(target.file, file);
  }
  return backupPostgres(target.url, file);
}

/**
 * Replaces the database at `target` with the backup in `from`, whole or not at all; a target that is
 * not empty is refused unless `force`. The backup must be of the target's engine. Does not open the
 * restored database: the caller does (migrations, audit log check).
 */
export async function restoreDatabase(
  target: DbTarget,
  from: string,
  opts: { force: boolean },
): Promise<void> {
  const file = resolve(from);
  const kind = backupKindOf(file);
  const name = describeTarget(target);
  if (kind !== target.kind)
    throw new NswgError(
      'E_USAGE',
      `${file} is ${kind === 'sqlite' ? 'an SQLite' : 'a PostgreSQL'} backup and ${name} is a ${target.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database: a backup restores only into a database of the engine it was made from`,
      { file, field: '--from' },
    );
  const refuse = (contents: string) => {
    if (!opts.force)
      throw new NswgError(
        'E_CONFLICT',
        `${name} is not empty (${contents}): restoring would replace all of it; add --force to do so`,
        { field: '--db' },
      );
  };
  if (target.kind === 'sqlite') await restoreSqlite(file, target.file, refuse);
  else await restorePostgres(file, target.url, refuse);
}

/** What an open database holds, counted in one statement (after a restore). */
export async function databaseSummary(db: Kysely<Database>): Promise<BackupSummary> {
  const { rows } = await sql.raw<Record<string, unknown>>(SUMMARY_SQL).execute(db);
  return summaryOf(rows[0] ?? {}, 0);
}
