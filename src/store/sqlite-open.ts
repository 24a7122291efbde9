import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;

let binding: string | undefined | null = null;

/**
 * better-sqlite3's compiled addon, found in its package. Passed to every connection, so that the
 * `bindings` package (which searches a dozen folders from its caller's stack trace, ~4 ms, and
 * fails from inside the command's bundle) is never asked. Undefined when the addon is elsewhere.
 */
function nativeBinding(): string | undefined {
  if (binding === null) {
    try {
      const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
      const file = join(dirname(pkg), 'build', 'Release', 'better_sqlite3.node');
      binding = existsSync(file) ? file : undefined;
    } catch {
      binding = undefined;
    }
  }
  return binding;
}

/** Opens an SQLite database with better-sqlite3 (its options, plus the addon located once). */
export async function openSqlite(file: string, options: BetterSqlite3.Options = {}): Promise<SqliteDatabase> {
  const { default: SQLite } = await import('better-sqlite3');
  const nativeBindingFile = nativeBinding();
  return new SQLite(file, nativeBindingFile ? { ...options, nativeBinding: nativeBindingFile } : options);
}
