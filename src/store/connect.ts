import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { NswgError } from '../errors.js';
import type { Database } from './schema.js';

/** Where the database is: an SQLite file (the embedded default) or a PostgreSQL URL. */
export type DbTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The default database file: ~/.nswg/nswg.db (NSWG_HOME moves the data directory). */
export function defaultDbFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.NSWG_HOME ? resolve(env.NSWG_HOME) : join(homedir(), '.nswg'), 'nswg.db');
}

/** The target named by `--db`, else NSWG_DB, else DATABASE_URL, else the default file. */
export function resolveDbTarget(arg: string | undefined, env: NodeJS.ProcessEnv = process.env): DbTarget {
  const text = arg ?? env.NSWG_DB ?? env.DATABASE_URL;
  if (!text) return { kind: 'sqlite', file: defaultDbFile(env) };
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text };
  if (/^sqlite:/i.test(text)) return { kind: 'sqlite', file: resolve(text.replace(/^sqlite:(\/\/)?/i, '')) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new NswgError('E_USAGE', `unsupported database URL ${JSON.stringify(text)}: use a file path or postgres://…`, { field: '--db' });
  }
  return { kind: 'sqlite', file: resolve(text) };
}

/** A printable name for a target (a PostgreSQL URL without its password). */
export function describeTarget(t: DbTarget): string {
  if (t.kind === 'sqlite') return t.file;
  try {
    const u = new URL(t.url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens a Kysely instance on the target; an SQLite file's directory is created when missing. */
export async function connect(t: DbTarget): Promise<Kysely<Database>> {
  if (t.kind === 'sqlite') {
    const { default: SQLite } = await import('better-sqlite3');
    if (t.file !== ':memory:') mkdirSync(dirname(t.file), { recursive: true });
    let database: InstanceType<typeof SQLite>;
    try {
      database = new SQLite(t.file);
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      database.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new NswgError('E_DB_CONNECT', `cannot open the SQLite database: ${(e as Error).message}`, { file: t.file });
    }
    return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  }
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: t.url, max: 10 });
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new NswgError('E_DB_CONNECT', `cannot connect to PostgreSQL at ${describeTarget(t)}: ${(e as Error).message}`);
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
