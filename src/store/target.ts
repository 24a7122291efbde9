import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NswgError } from '../errors.js';

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
    throw new NswgError(
      'E_USAGE',
      `unsupported database URL ${JSON.stringify(text)}: use a file path or postgres://…`,
      { field: '--db' },
    );
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
