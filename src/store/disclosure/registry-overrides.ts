import type { Kysely } from 'kysely';
import type { DisclosureTx, RegistryOverride } from '../../disclosure/index.js';
import type { DisclosureDb } from './schema.js';

// The admins' answers for the npm registry, for the disclosure program's transaction (store.ts) and
// for the server's registry facts, which read one outside any transaction.

/** The registry overrides part of a DisclosureTx. */
export type RegistryOverrideQueries = Pick<
  DisclosureTx,
  'registryOverrides' | 'registryOverride' | 'putRegistryOverride' | 'removeRegistryOverride'
>;

type Row = DisclosureDb['registry_overrides'];

const toOverride = (r: Row): RegistryOverride => ({
  name: r.name,
  versions: r.versions === null ? null : (JSON.parse(r.versions) as string[]),
  monthlyDownloads: r.monthly_downloads === null ? null : Number(r.monthly_downloads),
  setAt: r.set_at,
  setBy: r.set_by,
});

/** The override queries over `db` (a transaction, or the database for a single read). */
export function registryOverrideQueries(db: Kysely<DisclosureDb>): RegistryOverrideQueries {
  return {
    async registryOverrides() {
      return (await db.selectFrom('registry_overrides').selectAll().orderBy('name').execute()).map(
        toOverride,
      );
    },

    async registryOverride(name) {
      const r = await db
        .selectFrom('registry_overrides')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? toOverride(r) : null;
    },

    async putRegistryOverride(o) {
      const row: Row = {
        name: o.name,
        versions: o.versions === null ? null : JSON.stringify(o.versions),
        monthly_downloads: o.monthlyDownloads,
        set_at: o.setAt,
        set_by: o.setBy,
      };
      await db
        .insertInto('registry_overrides')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet({ ...row }))
        .execute();
    },

    async removeRegistryOverride(name) {
      const res = await db.deleteFrom('registry_overrides').where('name', '=', name).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
