import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope, User } from '../../disclosure/index.js';
import { type Actor, ANONYMOUS } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import type { Store } from '../../store/index.js';

/** The session cookie of the pages (the API takes `Authorization: Bearer …` only). */
export const SESSION_COOKIE = 'nswg_session';
/** How long the browser keeps the session cookie; the server ends the session itself (idle 14 days, at most 90). */
export const SESSION_COOKIE_MAX_AGE_S = 90 * 86_400;

/** Who is asking, as the server established it. */
export interface Caller {
  /** The actor the domain sees: team roles only with two factors, nothing at all while unconfirmed. */
  actor: Actor;
  user: User | null;
  /** How they proved it: a session (cookie or bearer), an API token, or not at all. */
  via: 'session' | 'token' | 'none';
  /** The session token (to log out), when via a session. */
  sessionToken: string | null;
  /** What an API token may do; a session may do everything. */
  scopes: readonly ApiScope[] | 'all';
  /** The session was opened (the token made) with two factors. */
  mfa: boolean;
  /** True when the user holds a team role not in effect for want of the second factor. */
  totpRequired: boolean;
  /** Credentials were sent but no longer work (a session that ended): "sign in again", not "who are you?". */
  ended: boolean;
}

export const NOBODY: Caller = {
  actor: ANONYMOUS,
  user: null,
  via: 'none',
  sessionToken: null,
  scopes: [],
  mfa: false,
  totpRequired: false,
  ended: false,
};

function callerOf(
  user: User,
  actor: Actor,
  via: Caller['via'],
  sessionToken: string | null,
  scopes: Caller['scopes'],
  mfa: boolean,
): Caller {
  const totpRequired = actor.kind === 'user' && (actor.pendingRoles?.length ?? 0) > 0;
  return { actor, user, via, sessionToken, scopes, mfa, totpRequired, ended: false };
}

/** The caller behind a session token (a cookie's, or a bearer session from POST /api/login), or null. */
export async function sessionCaller(store: Store, token: string): Promise<Caller | null> {
  const s = await store.accounts.authenticate(token);
  return s ? callerOf(s.user, s.actor, 'session', token, 'all', s.mfa) : null;
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
    if (t)
      return callerOf(
        t.user,
        t.actor,
        'token',
        null,
        t.scopes,
        t.actor.kind === 'user' && t.actor.roles.length > 0,
      );
  }
  const s = await sessionCaller(store, token);
  if (s) return s;
  throw new NswgError(
    'E_AUTH',
    'this token is not valid (unknown, expired or revoked); a login session ends after 14 days without use: log in again',
    { field: 'authorization' },
  );
}

/**
 * The caller of a page request: the session cookie, else nobody; a cookie whose session ended is
 * nobody too, marked `ended` so that the page says "sign in again" instead of losing what was sent.
 */
export async function cookieCaller(store: Store, req: FastifyRequest): Promise<Caller> {
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return NOBODY;
  if (token.length > 200) return { ...NOBODY, ended: true };
  return (await sessionCaller(store, token)) ?? { ...NOBODY, ended: true };
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

/**
 * Refuses anything but an interactive session whose team roles are in effect (two factors): what
 * administers accounts or reads the outbox never answers to an API token.
 */
export function requireInteractive(c: Caller): void {
  requireUser(c);
  if (c.via !== 'session')
    throw new NswgError('E_FORBIDDEN', 'this needs a login session with two factors, not an API token', {
      field: 'authorization',
    });
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
    /** Where the server's mail goes (set by the pages' onRequest hook). */
    mailDelivery?: 'mail' | 'outbox';
  }
}
