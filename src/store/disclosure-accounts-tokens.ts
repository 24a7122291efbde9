import { randomUUID } from 'node:crypto';
import { type Actor, auditEntry, type Origin } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { lockDisclosure } from './audit-log.js';
import {
  type AccountsContext,
  API_SCOPES,
  type ApiScope,
  actorOf,
  newToken,
  sha256,
  toUser,
  type User,
  userRow,
} from './disclosure-accounts-common.js';

// API tokens: created (shown once, stored as their SHA-256), checked, listed, revoked.

/** One of a user's API tokens as listed (never the token itself). */
export interface ApiTokenInfo {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Creates an API token (see AccountStore.createApiToken). */
export async function createApiToken(
  ctx: AccountsContext,
  user: User,
  name: string,
  scopes: readonly string[],
  origin: Origin,
  expiresAt: string | null,
): Promise<{ id: string; token: string }> {
  const bad = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || bad.length)
    throw new NswgError('E_AUTH', `scopes must be among ${API_SCOPES.join(', ')}`, { field: 'scopes' });
  const label = String(name ?? '').trim();
  if (!label || label.length > 100)
    throw new NswgError('E_AUTH', 'name must be 1 to 100 characters', { field: 'name' });
  const token = newToken('nswg_');
  const id = randomUUID();
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        user_id: user.id,
        name: label,
        token_hash: sha256(token),
        scopes: JSON.stringify([...new Set(scopes)]),
        created_at: now.toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    await ctx.audit.append(
      auditEntry(actorOf(user), 'token.create', origin, now, null, {
        tokenId: id,
        scopes: [...scopes],
      }),
      trx,
    );
  });
  return { id, token };
}

/** The user and scopes of an API token, recording its use (see AccountStore.apiToken). */
export async function apiToken(
  ctx: AccountsContext,
  token: string,
): Promise<{ user: User; actor: Actor; scopes: ApiScope[] } | null> {
  const t = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  const now = ctx.clock.now();
  if (!t || t.revoked_at !== null || (t.expires_at !== null && Date.parse(t.expires_at) <= now.getTime()))
    return null;
  const r = await userRow(ctx, t.user_id);
  if (!r || Number(r.disabled) === 1) return null;
  await ctx.db
    .updateTable('api_tokens')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', t.id)
    .execute();
  const user = toUser(r);
  return { user, actor: actorOf(user), scopes: JSON.parse(t.scopes) as ApiScope[] };
}

/** A user's API tokens (see AccountStore.apiTokens). */
export async function apiTokens(ctx: AccountsContext, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    scopes: JSON.parse(t.scopes),
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  }));
}

/** Revokes an API token: its owner's, or anyone's for an admin (see AccountStore.revokeApiToken). */
export async function revokeApiToken(
  ctx: AccountsContext,
  actor: Actor,
  tokenId: string,
  origin: Origin,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockDisclosure(trx);
    const t = await trx
      .selectFrom('api_tokens')
      .select(['user_id'])
      .where('id', '=', tokenId)
      .executeTakeFirst();
    const mine = actor.kind === 'user' && t?.user_id === actor.id;
    if (!t || !(mine || (actor.kind === 'user' && actor.roles.includes('admin'))))
      throw new NswgError('E_NOT_FOUND', 'no such token', { field: 'token' });
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', tokenId)
      .execute();
    await ctx.audit.append(auditEntry(actor, 'token.revoke', origin, now, null, { tokenId }), trx);
  });
}
