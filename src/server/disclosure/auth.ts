import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, ANONYMOUS } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { AccountStore, type ApiScope, type Store, type User } from '../../store/index.js';

/** The session cookie of the pages (the API takes `Authorization: Bearer …` only). */
export const SESSION_COOKIE = 'nswg_session';
/** How long the browser keeps the session cookie; the server ends the session itself after 14 days. */
export const SESSION_COOKIE_MAX_AGE_S = 14 * 86_400;

/** Who is asking, as the server established it. */
export interface Caller {
  /** The actor the domain sees: team roles only once TOTP is on (see effectiveActor). */
  actor: Actor;
  user: User | null;
  /** How they proved it: a session (cookie or bearer), an API token, or not at all. */
  via: 'session' | 'token' | 'none';
  /** The session token (to log out), when via a session. */
  sessionToken: string | null;
  /** What an API token may do; a session may do everything. */
  scopes: readonly ApiScope[] | 'all';
  /** True when the user holds a team role but has not turned TOTP on: they act as a plain user until they do. */
  totpRequired: boolean;
}

export const NOBODY: Caller = {
  actor: ANONYMOUS,
  user: null,
  via: 'none',
  sessionToken: null,
  scopes: [],
  totpRequired: false,
};

/**
 * The actor a user acts as. Team roles (triage, core security, admin) need two-factor authentication:
 * without TOTP turned on, the user acts as a registered user with no role until they enrol.
 */
export function effectiveActor(user: User): { actor: Actor; totpRequired: boolean } {
  if (user.roles.length && !user.totpEnabled)
    return { actor: { kind: 'user', id: user.id, roles: [] }, totpRequired: true };
  return { actor: AccountStore.actorOf(user), totpRequired: false };
}

function callerOf(
  user: User,
  via: Caller['via'],
  sessionToken: string | null,
  scopes: Caller['scopes'],
): Caller {
  return { ...effectiveActor(user), user, via, sessionToken, scopes };
}

/** The caller behind a session token (a cookie's, or a bearer session from POST /api/login), or null. */
export async function sessionCaller(store: Store, token: string): Promise<Caller | null> {
  const s = await store.accounts.session(token);
  return s ? callerOf(s.user, 'session', token, 'all') : null;
}

/** The caller of an API request: `Authorization: Bearer <API token or session token>`, else nobody. */
export async function bearerCaller(store: Store, req: FastifyRequest): Promise<Caller> {
  const header = req.headers.authorization;
  if (header === undefined) return NOBODY;
  const m = /^Bearer\s+(\S{10,200})\s*$/i.exec(header);
  if (!m)
    throw new NswgError('E_AUTH', 'send the credentials as "Authorization: Bearer <token>"', {
      field: 'authorization',
    });
  const token = m[1]!;
  if (token.startsWith('nswg_')) {
    const t = await store.accounts.apiToken(token);
    if (t) return callerOf(t.user, 'token', null, t.scopes);
  }
  const s = await sessionCaller(store, token);
  if (s) return s;
  throw new NswgError('E_AUTH', 'this token is not valid (unknown, expired or revoked)', {
    field: 'authorization',
  });
}

/** The caller of a page request: the session cookie, else nobody (an unknown or expired session is nobody). */
export async function cookieCaller(store: Store, req: FastifyRequest): Promise<Caller> {
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token || token.length > 200) return NOBODY;
  return (await sessionCaller(store, token)) ?? NOBODY;
}

/** What ties a CSRF token to a session: a digest of the session cookie ("anonymous" before login). */
export function csrfUserInfo(req: FastifyRequest): string {
  const token = req.cookies?.[SESSION_COOKIE];
  return token ? createHash('sha256').update(token).digest('base64url').slice(0, 22) : 'anonymous';
}

/** Sets the session cookie: HttpOnly, SameSite=Lax (links from e-mail keep the session), Secure behind TLS. */
export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: SESSION_COOKIE_MAX_AGE_S,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Refuses a caller who is not logged in (401). */
export function requireUser(c: Caller): User & { id: string } {
  if (!c.user)
    throw new NswgError('E_AUTH', 'log in first (or send an API token)', { field: 'authorization' });
  return c.user;
}

/** Refuses an API token that lacks `scope`; `session` refuses API tokens altogether (account settings). */
export function requireScope(c: Caller, scope: ApiScope | 'session'): void {
  requireUser(c);
  if (c.scopes === 'all') return;
  if (scope === 'session')
    throw new NswgError('E_FORBIDDEN', 'this needs a login session, not an API token', {
      field: 'authorization',
    });
  if (!c.scopes.includes(scope))
    throw new NswgError('E_FORBIDDEN', `this API token lacks the ${scope} scope`, { field: 'authorization' });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking (set by the disclosure scopes' onRequest hook). */
    caller: Caller;
  }
}
