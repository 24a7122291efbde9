import type { Kysely } from 'kysely';
import type { DisclosureTx, Invitation } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import type { DisclosureDb } from './schema.js';

// Who takes part in a report and who is told, for the disclosure program's transaction (store.ts):
// maintainer invitations, maintainers, users, notification recipients.

/** The people part of a DisclosureTx. */
export type PeopleQueries = Pick<
  DisclosureTx,
  | 'addInvitation'
  | 'invitationByHash'
  | 'invitation'
  | 'invitations'
  | 'useInvitation'
  | 'revokeInvitation'
  | 'addMaintainer'
  | 'removeMaintainer'
  | 'userExists'
  | 'userIdByEmail'
  | 'userContact'
  | 'recipients'
>;

const toInvitation = (r: DisclosureDb['invitations']): Invitation => ({
  id: r.id,
  reportId: r.report_id,
  email: r.email,
  tokenHash: r.token_hash,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedBy: r.used_by,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
});

/** The people queries over `db`, a transaction holding the disclosure write lock. */
export function peopleQueries(db: Kysely<DisclosureDb>): PeopleQueries {
  return {
    async addInvitation(i) {
      await db
        .insertInto('invitations')
        .values({
          id: i.id,
          report_id: i.reportId,
          email: i.email,
          token_hash: i.tokenHash,
          invited_by: i.invitedBy,
          created_at: i.createdAt,
          expires_at: i.expiresAt,
          used_at: i.usedAt,
          used_by: i.usedBy,
          revoked_at: i.revokedAt,
          revoked_by: i.revokedBy,
        })
        .execute();
    },

    async invitation(id) {
      const r = await db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toInvitation(r) : null;
    },

    async invitations(reportId) {
      const rows = await db
        .selectFrom('invitations')
        .selectAll()
        .where('report_id', '=', reportId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toInvitation);
    },

    async revokeInvitation(id, by, at) {
      await db
        .updateTable('invitations')
        .set({ revoked_at: at, revoked_by: by })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async removeMaintainer(reportId, userId) {
      await db
        .deleteFrom('report_maintainers')
        .where('report_id', '=', reportId)
        .where('user_id', '=', userId)
        .execute();
    },

    async userContact(userId) {
      const r = await db
        .selectFrom('users')
        .select(['email', 'email_verified_at'])
        .where('id', '=', userId)
        .where('disabled', '=', 0)
        .executeTakeFirst();
      return r ? { email: r.email, confirmed: r.email_verified_at !== null } : null;
    },

    async invitationByHash(tokenHash) {
      const r = await db
        .selectFrom('invitations')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r ? toInvitation(r) : null;
    },

    async useInvitation(id, userId, at) {
      const res = await db
        .updateTable('invitations')
        .set({ used_at: at, used_by: userId })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new NswgError('E_TOKEN', 'this invitation has already been used or was revoked', {
          field: 'token',
        });
    },

    async addMaintainer(reportId, userId, at) {
      await db
        .insertInto('report_maintainers')
        .values({ report_id: reportId, user_id: userId, joined_at: at })
        .onConflict((oc) => oc.columns(['report_id', 'user_id']).doNothing())
        .execute();
    },

    async userExists(userId) {
      const r = await db
        .selectFrom('users')
        .select('id')
        .where('id', '=', userId)
        .where('disabled', '=', 0)
        .where('email_verified_at', 'is not', null)
        .executeTakeFirst();
      return r !== undefined;
    },

    async userIdByEmail(email) {
      const r = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst();
      return r?.id ?? null;
    },

    async recipients(report, audiences, kind) {
      const ids = new Set<string>();
      if (audiences.includes('reporter')) ids.add(report.reporterId);
      if (audiences.includes('maintainers') && report.kind === 'npm') {
        const rows = await db
          .selectFrom('report_maintainers')
          .select('user_id')
          .where('report_id', '=', report.id)
          .execute();
        for (const r of rows) ids.add(r.user_id);
      }
      let q = db
        .selectFrom('users')
        .select(['users.email'])
        .where('users.disabled', '=', 0)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('notification_prefs')
                .select('notification_prefs.user_id')
                .whereRef('notification_prefs.user_id', '=', 'users.id')
                .where('notification_prefs.kind', '=', kind)
                .where('notification_prefs.enabled', '=', 0),
            ),
          ),
        );
      const role = report.kind === 'core' ? 'core-security' : 'triage';
      const team = audiences.includes('team');
      q = q.where((eb) => {
        const who = [eb('users.id', 'in', ids.size ? [...ids] : ['-'])];
        if (team) who.push(eb('users.roles', 'like', `%"${role}"%`));
        return eb.or(who);
      });
      const rows = await q.orderBy('users.email').execute();
      return [...new Set(rows.map((r) => r.email))];
    },
  };
}
