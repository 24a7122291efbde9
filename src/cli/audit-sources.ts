// The audit's advisory sources other than the read-only SQLite reader: an nswg server's API
// (--server), and the whole store, for PostgreSQL and for a SQLite database that must first be made
// or migrated. They carry the query builder, the migrations and the zip reader, which the usual
// audit (of a current SQLite file) never runs: in the command's own bundle (dist/bin/audit.cjs) this
// module is a bundle of its own, dist/bin/audit-sources.cjs (scripts/bundle.mjs), loaded only when
// one of them is used, so that every other audit does not read and load their code.
import type { AdvisorySource } from '../scan/index.js';
import type { DbOption } from './context.js';
import { openDb } from './context.js';
import { storeSource } from './sources.js';

export { serverSource } from './server-source.js';

/** Runs `use` with the database `opts` names (made and migrated as any command does), then closes it. */
export async function withStoreSource<T>(
  opts: DbOption,
  use: (source: AdvisorySource) => Promise<T>,
): Promise<T> {
  const store = await openDb(opts);
  try {
    return await use(storeSource(store));
  } finally {
    await store.close();
  }
}
