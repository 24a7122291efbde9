import { randomUUID } from 'node:crypto';
import { NswgError } from '../../errors.js';
import { auditEntry, type Origin } from '../audit-log.js';
import { CONFIRM_FIRST } from '../permissions.js';
import { type Actor, isAdmin } from '../roles.js';
import { type AccountsContext, newToken, sha256, toUser } from './context.js';
import { API_SCOPES, type ApiScope, actorFor, type User } from './model.js';

// API tokens for scripts: made by a confirmed account from a login session (shown once, stored as
// their SHA-256), checked on use, listed, revoked.

/** One of a user's API tokens as listed (never the token itself). */
export interface ApiTokenInfo {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Who made a token: the user, and whether their session had two factors (the token carries roles only then). */
export interface TokenMaker {
  user: User;
  mfa: boolean;
}

/** Creates an API token (see Accounts.createApiToken). */
export async function createApiToken(
  ctx: AccountsContext,
  maker: TokenMaker,
  name: string,
  scopes: readonly string[],
  origin: Origin,
  expiresAt: string | null,
): Promise<{ id: string; token: string }> {
  if (!maker.user.emailVerified) throw new NswgError('E_FORBIDDEN', CONFIRM_FIRST, { field: 'email' });
  const bad = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || bad.length)
    throw new NswgError('E_ACCOUNT_INVALID', `scopes must be among ${API_SCOPES.join(', ')}`, {
      field: 'scopes',
    });
  const label = String(name ?? '').trim();
  if (!label || label.length > 100)
    throw new NswgError('E_ACCOUNT_INVALID', 'name must be 1 to 100 characters', { field: 'name' });
  const now = ctx.clock.now();
  if (expiresAt !== null && !(Date.parse(expiresAt) > now.getTime()))
    throw new NswgError('E_ACCOUNT_INVALID', 'expiresAt must be a time in the future', {
      field: 'expiresAt',
    });
  const token = newToken('nswg_');
  const id = randomUUID();
  await ctx.repo.transaction(async (tx) => {
    // the account as it is now, not as the session saw it
    const r = await tx.userById(maker.user.id);
    if (!r?.emailVerifiedAt || r.disabled)
      throw new NswgError('E_FORBIDDEN', CONFIRM_FIRST, { field: 'email' });
    await tx.insertApiToken({
      id,
      userId: r.id,
      name: label,
      tokenHash: sha256(token),
      scopes: [...new Set(scopes)] as ApiScope[],
      createdAt: now.toISOString(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      mfa: maker.mfa,
    });
    await tx.audit(
      auditEntry(actorFor(toUser(r), { mfa: maker.mfa }), 'token.create', origin, now, null, {
        tokenId: id,
        scopes: [...scopes],
      }),
    );
  });
  return { id, token };
}

/** The user, actor and scopes of an API token, recording its use (see Accounts.apiToken). */
export async function apiToken(
  ctx: AccountsContext,
  token: string,
): Promise<{ user: User; actor: Actor; scopes: ApiScope[] } | null> {
  const now = ctx.clock.now();
  return ctx.repo.direct(async (tx) => {
    const t = await tx.apiTokenByHash(sha256(token));
    if (!t || t.revokedAt !== null || (t.expiresAt !== null && Date.parse(t.expiresAt) <= now.getTime()))
      return null;
    const r = await tx.userById(t.userId);
    if (!r || r.disabled || !r.emailVerifiedAt) return null;
    await tx.touchApiToken(t.id, now.toISOString());
    const user = toUser(r);
    return { user, actor: actorFor(user, { mfa: t.mfa }), scopes: t.scopes };
  });
}

/** A user's API tokens (see Accounts.apiTokens). */
export async function apiTokens(ctx: AccountsContext, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await ctx.repo.direct((tx) => tx.apiTokens(userId));
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    scopes: [...t.scopes],
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  }));
}

/** Revokes an API token: its owner's, or anyone's for an admin (see Accounts.revokeApiToken). */
export async function revokeApiToken(
  ctx: AccountsContext,
  actor: Actor,
  tokenId: string,
  origin: Origin,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.repo.transaction(async (tx) => {
    const t = await tx.apiTokenById(tokenId);
    const mine = actor.kind === 'user' && t?.userId === actor.id;
    if (!t || !(mine || isAdmin(actor) || actor.kind === 'operator'))
      throw new NswgError('E_NOT_FOUND', 'no such token', { field: 'token' });
    if (t.revokedAt === null) await tx.revokeApiToken(tokenId, now.toISOString());
    await tx.audit(auditEntry(actor, 'token.revoke', origin, now, null, { tokenId, owner: t.userId }));
  });
}
