import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Facts about the database (seed source and time, last import), as key/value pairs. */
export class MetaStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async all(): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('meta').select(['key', 'value']).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
