import {
  type Actor,
  assertCan,
  auditEntry,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type Origin,
  TEAM_ROLES,
  type TeamRole,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { lockDisclosure } from './audit-log.js';
import { type AccountsContext, toUser, type User, type UserRow } from './disclosure-accounts-common.js';

// The team's roles and every user's notification preferences.

/** Sets a user's team roles, admins only (see AccountStore.setRoles). */
export async function setRoles(
  ctx: AccountsContext,
  actor: Actor,
  userId: string,
  roles: readonly TeamRole[],
  origin: Origin,
): Promise<User> {
  const now = ctx.clock.now();
  assertCan(actor, 'manage-team', null, now);
  const bad = roles.filter((r) => !TEAM_ROLES.includes(r));
  if (bad.length) throw new NswgError('E_AUTH', `unknown roles: ${bad.join(', ')}`, { field: 'roles' });
  const next = TEAM_ROLES.filter((r) => roles.includes(r));
  return ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    const r = await trx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!r) throw new NswgError('E_NOT_FOUND', 'no such user', { field: 'user' });
    await trx
      .updateTable('users')
      .set({ roles: JSON.stringify(next) })
      .where('id', '=', userId)
      .execute();
    await ctx.audit.append(
      auditEntry(actor, 'user.roles', origin, now, null, {
        userId,
        before: JSON.parse(r.roles),
        after: [...next],
      }),
      trx,
    );
    return { ...toUser(r as UserRow), roles: [...next] };
  });
}

/** Every user holding a team role (see AccountStore.team). */
export async function team(ctx: AccountsContext): Promise<User[]> {
  const rows = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('roles', '!=', '[]')
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

/** Which notifications the user receives (see AccountStore.notificationPrefs). */
export async function notificationPrefs(
  ctx: AccountsContext,
  userId: string,
): Promise<Record<NotificationKind, boolean>> {
  const rows = await ctx.db
    .selectFrom('notification_prefs')
    .select(['kind', 'enabled'])
    .where('user_id', '=', userId)
    .execute();
  const out = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as Record<
    NotificationKind,
    boolean
  >;
  for (const r of rows)
    if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind))
      out[r.kind as NotificationKind] = Number(r.enabled) === 1;
  return out;
}

/** Turns one kind of notification on or off (see AccountStore.setNotificationPref). */
export async function setNotificationPref(
  ctx: AccountsContext,
  userId: string,
  kind: NotificationKind,
  enabled: boolean,
): Promise<void> {
  if (!NOTIFICATION_KINDS.includes(kind))
    throw new NswgError('E_AUTH', `kind must be one of ${NOTIFICATION_KINDS.join(', ')}`, {
      field: 'kind',
    });
  await ctx.db
    .insertInto('notification_prefs')
    .values({ user_id: userId, kind, enabled: enabled ? 1 : 0 })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled: enabled ? 1 : 0 }))
    .execute();
}
