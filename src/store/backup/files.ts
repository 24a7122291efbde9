import { chmodSync, closeSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { NswgError } from '../../errors.js';

// The file side of backups: what kind of backup a file holds (by its first bytes), a temporary file
// beside the final one, and making a finished file durable under its final name.

/** The engines a backup file can be of: an SQLite database file, or pg_dump's custom format. */
export type BackupKind = 'sqlite' | 'postgres';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const PGDMP_MAGIC = Buffer.from('PGDMP', 'latin1');

/** The kind of backup `file` holds, from its first bytes; E_FILE_READ naming the file when it is none. */
export function backupKindOf(file: string): BackupKind {
  const head = Buffer.alloc(16);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new NswgError('E_FILE_READ', `cannot read the backup file: ${(e as Error).message}`, {
      file,
      field: '--from',
    });
  }
  if (read === 16 && head.equals(SQLITE_MAGIC)) return 'sqlite';
  if (read >= 5 && head.subarray(0, 5).equals(PGDMP_MAGIC)) return 'postgres';
  throw new NswgError(
    'E_FILE_READ',
    `${file} is not an nswg backup: it is neither an SQLite database nor a PostgreSQL custom-format dump (made by \`nswg backup\`)`,
    { file, field: '--from' },
  );
}

/** A temporary file in the same directory as `file` (so that renaming it there is atomic). */
export function tempBeside(file: string, what: string): string {
  return join(dirname(file), `.${basename(file)}.${what}-${process.pid}-${Date.now()}.tmp`);
}

/**
 * Makes the temporary file a backup is written into, empty and its owner's only: a backup holds the
 * private reports, password hashes and sealed secrets, so no one else may read it, even meanwhile.
 */
export function createPrivate(tmp: string): void {
  closeSync(openSync(tmp, 'wx', 0o600));
  chmodSync(tmp, 0o600);
}

/** Syncs `tmp` to the disk, renames it to `file`, and syncs the directory so the new name lasts. */
export function commitFile(tmp: string, file: string): void {
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  if (process.platform === 'win32') return;
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Removes a temporary file (and an SQLite journal or WAL beside it), quietly. */
export function removeTemp(tmp: string): void {
  for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
}

/**
 * After a backup failed: its temporary file removed, and the error to throw (an NswgError as it was,
 * anything else as E_FILE_WRITE naming the output file).
 */
export function failedBackup(tmp: string, out: string, e: unknown): NswgError {
  removeTemp(tmp);
  return e instanceof NswgError
    ? e
    : new NswgError('E_FILE_WRITE', `cannot write the backup: ${(e as Error).message}`, {
        file: out,
        field: '--out',
      });
}
