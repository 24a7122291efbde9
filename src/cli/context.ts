import { existsSync } from 'node:fs';
import { type DbTarget, openStore, resolveDbTarget, type Store, seedBundled } from '../store/index.js';
import { writeStderr, writeStdout } from './output.js';
import { progress } from './progress.js';

/** The options every command takes. */
export interface DbOption {
  db?: string;
}

/**
 * Opens the database a command names. The default database (no --db, NSWG_DB or DATABASE_URL) is
 * created and seeded from the bundled Working Group data on first use, so every command works
 * offline on a fresh machine; a database named explicitly must exist unless `create` is set.
 */
export async function openDb(
  opts: DbOption,
  mode: 'read' | 'create' = 'read',
  seed: 'default-only' | 'any-new-file' = 'default-only',
  secret?: string,
): Promise<Store> {
  const explicit = opts.db ?? process.env.NSWG_DB ?? process.env.DATABASE_URL;
  const target: DbTarget = resolveDbTarget(opts.db);
  const fresh = target.kind === 'sqlite' && !existsSync(target.file);
  const store = await openStore(target, {
    mode: mode === 'create' || !explicit ? 'create' : 'existing',
    ...(secret === undefined ? {} : { secret }),
  });
  if (fresh && (!explicit || seed === 'any-new-file')) {
    writeStderr(`nswg: creating ${store.name} from the bundled Working Group data\n`);
    try {
      await seedBundled(store, { onProgress: progress('seeding') });
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}

/** Runs a command body with an open database, closing it afterwards whatever happens. */
export async function withDb<T>(
  opts: DbOption,
  mode: 'read' | 'create',
  body: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openDb(opts, mode);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** Writes JSON to stdout, pretty-printed. */
export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}
