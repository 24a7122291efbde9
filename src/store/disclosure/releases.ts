import type { Kysely } from 'kysely';
import type { ReleaseTx, SecurityRelease, TeamRole } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { withReleases } from './release-schema.js';
import type { DisclosureDb } from './schema.js';

// The security releases, for the disclosure program's transaction (store.ts).

const columns = (r: SecurityRelease) => ({
  state: r.state,
  target_date: r.targetDate,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  record: JSON.stringify(r),
});

/** The release queries over `trx`, a transaction holding the disclosure write lock. */
export function releaseQueries(trx: Kysely<DisclosureDb>): ReleaseTx {
  const db = withReleases(trx);
  return {
    async insertRelease(r) {
      await db
        .insertInto('security_releases')
        .values({ id: r.id, ...columns(r) })
        .execute();
    },

    async updateRelease(r) {
      await db.updateTable('security_releases').set(columns(r)).where('id', '=', r.id).execute();
    },

    async getRelease(id) {
      const row = await db
        .selectFrom('security_releases')
        .select('record')
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? (JSON.parse(row.record) as SecurityRelease) : null;
    },

    async listReleases(filter = {}) {
      let q = db.selectFrom('security_releases').select('record');
      if (filter.states) q = q.where('state', 'in', filter.states.length ? [...filter.states] : ['-']);
      const rows = await q.orderBy('target_date').orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => JSON.parse(r.record) as SecurityRelease);
    },

    async holdReports(releaseId, reportIds) {
      if (reportIds.length) {
        const held = await db
          .selectFrom('security_release_reports')
          .select(['report_id', 'release_id'])
          .where('report_id', 'in', [...reportIds])
          .where('release_id', '!=', releaseId)
          .executeTakeFirst();
        if (held)
          throw new NswgError('E_CONFLICT', `report ${held.report_id} is in another security release`, {
            field: 'reportId',
          });
      }
      await db.deleteFrom('security_release_reports').where('release_id', '=', releaseId).execute();
      if (reportIds.length)
        await db
          .insertInto('security_release_reports')
          .values(reportIds.map((report_id) => ({ report_id, release_id: releaseId })))
          .execute();
    },

    async releaseOfReport(reportId) {
      const row = await db
        .selectFrom('security_release_reports')
        .select('release_id')
        .where('report_id', '=', reportId)
        .executeTakeFirst();
      return row?.release_id ?? null;
    },

    async coreTeam() {
      const rows = await db
        .selectFrom('users')
        .select(['id', 'display_name', 'handle'])
        .where('disabled', '=', 0)
        .where('email_verified_at', 'is not', null)
        .where((eb) => eb.or([eb('roles', 'like', '%"core-security"%'), eb('roles', 'like', '%"admin"%')]))
        .orderBy('display_name')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: r.id, displayName: r.display_name, handle: r.handle }));
    },

    async teamRolesOf(userId) {
      const row = await db
        .selectFrom('users')
        .select('roles')
        .where('id', '=', userId)
        .where('disabled', '=', 0)
        .where('email_verified_at', 'is not', null)
        .executeTakeFirst();
      return row ? (JSON.parse(row.roles) as TeamRole[]) : null;
    },
  };
}
