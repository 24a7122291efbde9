import type { SQLInputValue } from 'node:sqlite';
import { type SqliteDatabase as KyselySqliteDatabase, SqliteDialect } from 'kysely';
import type { SqliteDatabase } from './sqlite-open.js';

/**
 * node:sqlite's connection in the shape Kysely's SqliteDialect drives (better-sqlite3's): the
 * parameters as one array instead of arguments, and `reader`, whether the statement returns rows
 * (a select, or a write with `returning`), from the columns it declares.
 */
function asKyselyDatabase(db: SqliteDatabase): KyselySqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const stmt = db.prepare(sql);
      return {
        reader: stmt.columns().length > 0,
        all: (parameters: readonly unknown[]) => stmt.all(...(parameters as SQLInputValue[])),
        run: (parameters: readonly unknown[]) => stmt.run(...(parameters as SQLInputValue[])),
        iterate: (parameters: readonly unknown[]) => stmt.iterate(...(parameters as SQLInputValue[])),
      };
    },
  };
}

/** Kysely's SQLite dialect on a node:sqlite connection. */
export function sqliteDialect(db: SqliteDatabase): SqliteDialect {
  return new SqliteDialect({ database: asKyselyDatabase(db) });
}
