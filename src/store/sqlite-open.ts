import type { DatabaseSync } from 'node:sqlite';

export type SqliteDatabase = DatabaseSync;

export interface SqliteOpenOptions {
  /** Opens the file read-only (it must exist). */
  readOnly?: boolean;
}

let sqlite: typeof import('node:sqlite') | undefined;

/**
 * Node.js's own SQLite module. Node.js 22 calls it experimental and says so on stderr when it is
 * loaded, which the commands must not print: that one warning is left out while the module loads
 * (its API is stable on the versions the engines field allows); every other warning is emitted.
 */
function sqliteModule(): typeof import('node:sqlite') {
  if (sqlite) return sqlite;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(text)) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    // synchronous, and the same from the ES modules and from the command's CommonJS bundle
    sqlite = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
  return sqlite;
}

/**
 * Opens an SQLite database with node:sqlite, built into Node.js: nothing to compile or download at
 * install. Waits up to 5 s for a lock another connection holds (as the server's writers may).
 */
export function openSqlite(file: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  const { DatabaseSync } = sqliteModule();
  return new DatabaseSync(file, { readOnly: options.readOnly ?? false, timeout: 5000 });
}
