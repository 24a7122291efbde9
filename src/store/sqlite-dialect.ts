import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { type SqliteDatabase as KyselySqliteDatabase, SqliteDialect } from 'kysely';
import type { SqliteDatabase } from './sqlite-open.js';

/**
 * Statements kept prepared per connection, the most recently used: Kysely asks for the same SQL
 * again and again (a look-up, each batch of an import), and preparing it each time cost a look-up
 * a fifth of its time.
 */
const KEPT = 200;

/**
 * node:sqlite's connection in the shape Kysely's SqliteDialect drives (better-sqlite3's): the
 * parameters as one array instead of arguments, and `reader`, whether the statement returns rows
 * (a select, or a write with `returning`), from the columns it declares.
 */
function asKyselyDatabase(db: SqliteDatabase): KyselySqliteDatabase {
  const kept = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const prepared = (sql: string) => {
    let s = kept.get(sql);
    if (s) kept.delete(sql);
    else {
      const stmt = db.prepare(sql);
      s = { stmt, reader: stmt.columns().length > 0 };
      if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, s);
    return s;
  };
  return {
    close() {
      kept.clear();
      db.close();
    },
    prepare(sql: string) {
      const { stmt, reader } = prepared(sql);
      return {
        reader,
        all: (parameters: readonly unknown[]) => stmt.all(...(parameters as SQLInputValue[])),
        run: (parameters: readonly unknown[]) => stmt.run(...(parameters as SQLInputValue[])),
        // a statement of its own: a kept one could run again before the iteration ends
        iterate: (parameters: readonly unknown[]) =>
          db.prepare(sql).iterate(...(parameters as SQLInputValue[])),
      };
    },
  };
}

/** Kysely's SQLite dialect on a node:sqlite connection. */
export function sqliteDialect(db: SqliteDatabase): SqliteDialect {
  return new SqliteDialect({ database: asKyselyDatabase(db) });
}
