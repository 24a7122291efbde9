import type { SQLInputValue, StatementSync } from 'node:sqlite';
import {
  type DialectAdapter,
  type SqliteDatabase as KyselySqliteDatabase,
  SqliteAdapter,
  SqliteDialect,
} from 'kysely';
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

/**
 * SQLite runs schema changes inside a transaction, but Kysely's adapter says it does not, so its
 * migrator would run each statement on its own: a process killed in the middle of a migration (the
 * first `nswg db init`, an upgrade) left tables made and the migration not recorded, and every later
 * start failed on "table already exists" until someone repaired the file by hand. Saying so makes
 * the migrator run all pending migrations in one transaction: all of them or none.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite dialect on a node:sqlite connection, with migrations in a transaction. */
class NodeSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Kysely's SQLite dialect on a node:sqlite connection. */
export function sqliteDialect(db: SqliteDatabase): SqliteDialect {
  return new NodeSqliteDialect({ database: asKyselyDatabase(db) });
}
