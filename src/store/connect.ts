import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { NswgError } from '../errors.js';
import type { Database } from './schema.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { openSqlite, type SqliteDatabase } from './sqlite-open.js';
import { type DbTarget, describeTarget } from './target.js';

export { type DbTarget, defaultDbFile, describeTarget, resolveDbTarget } from './target.js';

/** The SQLite connection under a Kysely instance opened by `connect`, for the few hot read paths. */
const sqliteHandles = new WeakMap<Kysely<Database>, SqliteDatabase>();

/** The pg pool under a Kysely instance opened by `connect` on PostgreSQL, for its gauges. */
const pgPools = new WeakMap<Kysely<Database>, import('pg').Pool>();

/** How busy a PostgreSQL connection pool is: its connections, the idle ones, the queries waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The connection pool's figures of a PostgreSQL database (null on SQLite: one connection, no pool). */
export function poolStats(db: Kysely<Database>): PoolStats | null {
  const pool = pgPools.get(db);
  if (!pool) return null;
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options.max ?? 10,
  };
}

/** The file an SQLite database was opened on, as it was then (its device and inode). */
const sqliteFiles = new WeakMap<Kysely<Database>, { file: string; dev: number; ino: number }>();

/**
 * What is wrong with an SQLite database's file, or null: deleted or replaced under the open
 * connection (which goes on reading and writing the old file, lost at the next start), or no longer
 * readable and writable (the next connection, or the next start, fails). Null on PostgreSQL.
 */
export function sqliteFileProblem(db: Kysely<Database>): string | null {
  const opened = sqliteFiles.get(db);
  if (!opened) return null;
  try {
    const now = statSync(opened.file);
    if (now.dev !== opened.dev || now.ino !== opened.ino) return 'the database file was replaced by another';
    accessSync(opened.file, constants.R_OK | constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'the database file is gone: deleted or moved';
    return `the database file is not readable and writable (${code ?? 'error'})`;
  }
}

/** The node:sqlite connection of an SQLite database (null on PostgreSQL). */
export function rawSqlite(db: Kysely<Database>): SqliteDatabase | null {
  return sqliteHandles.get(db) ?? null;
}

/** Opens a Kysely instance on the target; an SQLite file's directory is created when missing. */
export async function connect(t: DbTarget): Promise<Kysely<Database>> {
  if (t.kind === 'sqlite') {
    if (t.file !== ':memory:') mkdirSync(dirname(t.file), { recursive: true });
    let database: SqliteDatabase;
    try {
      database = openSqlite(t.file);
      database.exec('PRAGMA journal_mode = WAL');
      // Durable across a crash of the process (or of the server's worker thread): a commit is in
      // the WAL file, written to the operating system, before the server answers. Not across a
      // power loss or an OS crash: the WAL is synced at checkpoints, not at every commit, so the
      // last transactions before one can be lost then (FULL would sync each commit, at a cost).
      database.exec('PRAGMA synchronous = NORMAL');
      database.exec('PRAGMA foreign_keys = ON');
    } catch (e) {
      throw new NswgError('E_DB_CONNECT', `cannot open the SQLite database: ${(e as Error).message}`, {
        file: t.file,
      });
    }
    const db = new Kysely<Database>({ dialect: sqliteDialect(database) });
    sqliteHandles.set(db, database);
    if (t.file !== ':memory:') {
      const st = statSync(t.file);
      sqliteFiles.set(db, { file: t.file, dev: st.dev, ino: st.ino });
    }
    return db;
  }
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: t.url, max: 10 });
  // an idle connection the server closes (restart, failover, a dropped database) must not crash the
  // process: pg drops it from the pool and the next query opens a new one
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new NswgError(
      'E_DB_CONNECT',
      `cannot connect to PostgreSQL at ${describeTarget(t)}: ${(e as Error).message}`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pgPools.set(db, pool);
  return db;
}
