import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { User } from '../../../disclosure/index.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../../disclosure/index.js';
import { requestPasswordReset, sendVerification, signUp, signUpMessage } from '../account-mail.js';
import { requireScope, requireUser } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { limited } from '../limits.js';
import { errors, Me, Ok, Prefs, Scope, TokenInfo, UserSchema } from './schemas.js';

const tags = ['accounts'];
const Email = Type.String({ maxLength: 254 });
const Password = Type.String({ maxLength: 1024 });
const TokenBody = Type.Object({ token: Type.String({ maxLength: 300 }) }, { additionalProperties: false });

/** A user as the API shows them (never the password hash or the TOTP secret). */
export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  handle: u.handle,
  roles: u.roles,
  emailVerified: u.emailVerified,
  totpEnabled: u.totpEnabled,
  createdAt: u.createdAt,
});

/** Accounts over JSON: sign-up, e-mail verification, login (a bearer session), password reset, TOTP, tokens, notifications. */
export function accountApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const accounts = ctx.deps.store.accounts;

  app.post(
    '/api/signup',
    {
      config: limited(ctx, 'signup'),
      schema: {
        summary: 'Sign up: a confirmation link is e-mailed (the answer is the same for every address)',
        description:
          'A new address gets a confirmation link. An address whose account was never confirmed gets a new account in ' +
          'place of the old one (which could have been made by anyone). A confirmed address is not changed: its owner ' +
          'is told by e-mail. So the answer never tells who is registered. The account can do nothing until confirmed.',
        tags,
        body: Type.Object(
          {
            email: Email,
            displayName: Type.String({ maxLength: 100 }),
            handle: Type.Optional(Type.Union([Type.String({ maxLength: 39 }), Type.Null()])),
            password: Password,
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ ok: Type.Literal(true), message: Type.String() }), ...errors },
      },
    },
    async (req, reply) => {
      await signUp(ctx, req.body as Parameters<typeof signUp>[1], originOf(req), req.log);
      return reply.code(202).send({ ok: true as const, message: signUpMessage(ctx) });
    },
  );

  app.post(
    '/api/verify-email',
    {
      schema: {
        summary: 'Confirm an e-mail address with the token of the link that was sent',
        tags,
        body: TokenBody,
        response: { 200: Type.Object({ user: UserSchema }), ...errors },
      },
    },
    async (req) => ({
      user: userJson(await accounts.verifyEmail((req.body as { token: string }).token, originOf(req))),
    }),
  );

  app.post(
    '/api/login',
    {
      config: limited(ctx, 'login'),
      schema: {
        summary: 'Log in: answers a session token to send as `Authorization: Bearer …`',
        description:
          'With TOTP turned on, `code` (the 6-digit code, each accepted once, or a recovery code) is required. ' +
          'A failure says nothing of which part was wrong; after repeated failures the address is locked for a while ' +
          '(429, whether an account has it or not). Every attempt is in the audit log.',
        tags,
        body: Type.Object(
          {
            email: Email,
            password: Password,
            code: Type.Optional(Type.String({ maxLength: 40 })),
            totp: Type.Optional(Type.String({ maxLength: 40, description: 'the same as code' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: UserSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      const b = req.body as { email: string; password: string; code?: string; totp?: string };
      const r = await accounts.login(
        { email: b.email, password: b.password, code: b.code ?? b.totp },
        originOf(req),
      );
      return { token: r.token, expiresAt: r.expiresAt, user: userJson(r.user) };
    },
  );

  app.post(
    '/api/logout',
    { schema: { summary: 'End the bearer session', tags, response: { 200: Ok, ...errors } } },
    async (req) => {
      requireScope(req.caller, 'session');
      await accounts.logout(req.caller.sessionToken!, originOf(req));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/password-reset',
    {
      config: limited(ctx, 'reset'),
      schema: {
        summary:
          'E-mail a password reset link (the answer is the same whether the address has an account or not)',
        tags,
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Ok, ...errors },
      },
    },
    async (req, reply) => {
      await requestPasswordReset(ctx, (req.body as { email: string }).email, req.log);
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/password-reset/confirm',
    {
      config: limited(ctx, 'reset'),
      schema: {
        summary:
          'Set a new password with the token of the reset link: every session and API token ends, every other reset link stops working',
        tags,
        body: Type.Object(
          { token: Type.String({ maxLength: 300 }), password: Password },
          { additionalProperties: false },
        ),
        response: { 200: Ok, ...errors },
      },
    },
    async (req) => {
      const b = req.body as { token: string; password: string };
      await accounts.resetPassword(b.token, b.password, originOf(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        summary: 'Who the credentials belong to, and the roles in effect',
        tags,
        response: { 200: Me, ...errors },
      },
    },
    async (req) => {
      const user = requireUser(req.caller);
      const c = req.caller;
      return {
        user: userJson(user),
        actingRoles: c.actor.kind === 'user' ? [...c.actor.roles] : [],
        pendingRoles: c.actor.kind === 'user' ? [...(c.actor.pendingRoles ?? [])] : [],
        totpRequired: c.totpRequired,
        twoFactors: c.mfa,
        via: c.via === 'token' ? ('token' as const) : ('session' as const),
        scopes: c.scopes === 'all' ? ['all'] : [...c.scopes],
      };
    },
  );

  app.post(
    '/api/me/verify-email',
    {
      schema: { summary: 'Send the e-mail verification link again', tags, response: { 202: Ok, ...errors } },
    },
    async (req, reply) => {
      requireScope(req.caller, 'session');
      await sendVerification(ctx, requireUser(req.caller), req.log);
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/me/totp',
    {
      schema: {
        summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (not active until confirmed)',
        tags,
        response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      return accounts.beginTotp(requireUser(req.caller).id);
    },
  );

  app.post(
    '/api/me/totp/enable',
    {
      schema: {
        summary: 'Turn TOTP on with a code from the authenticator; logins then need a code',
        description:
          'Every session of the account ends: the answer carries a new session token (with two factors) to use from ' +
          'now on, and ten one-time recovery codes, shown this once, that stand in for the authenticator if it is lost.',
        tags,
        body: Type.Object({ code: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.String(),
            recoveryCodes: Type.Array(Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      const user = requireUser(req.caller);
      const r = await accounts.enableTotp(user.id, (req.body as { code: string }).code, originOf(req));
      return { token: r.session.token, expiresAt: r.session.expiresAt, recoveryCodes: r.recoveryCodes };
    },
  );

  app.post(
    '/api/me/recovery-codes',
    {
      schema: {
        summary: 'New one-time recovery codes (the old ones stop working), shown this once',
        tags,
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      requireUser(req.caller);
      return { recoveryCodes: await accounts.regenerateRecoveryCodes(req.caller.actor, originOf(req)) };
    },
  );

  app.get(
    '/api/me/notifications',
    { schema: { summary: 'Which notifications I receive', tags, response: { 200: Prefs, ...errors } } },
    async (req) => accounts.notificationPrefs(requireUser(req.caller).id),
  );

  app.put(
    '/api/me/notifications',
    {
      schema: {
        summary: 'Turn kinds of notifications on or off (invitations always arrive)',
        tags,
        body: Type.Partial(Prefs, { additionalProperties: false }),
        response: { 200: Prefs, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      const user = requireUser(req.caller);
      for (const [kind, on] of Object.entries(req.body as Record<string, boolean>)) {
        if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind)) continue;
        await accounts.setNotificationPref(user.id, kind as NotificationKind, on);
      }
      return accounts.notificationPrefs(user.id);
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        summary: 'My API tokens (never the tokens themselves)',
        tags,
        response: { 200: Type.Array(TokenInfo), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      return accounts.apiTokens(requireUser(req.caller).id);
    },
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        summary: 'Create an API token for scripts (shown once; stored hashed); a confirmed account only',
        description:
          'A token carries the team roles of its maker only when made in a session opened with two factors. ' +
          'No token administers accounts or reads the outbox, whatever its scopes.',
        tags,
        body: Type.Object(
          {
            name: Type.String({ maxLength: 100 }),
            scopes: Type.Array(Scope, { minItems: 1 }),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }), ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'session');
      const b = req.body as { name: string; scopes: string[]; expiresAt?: string };
      const t = await accounts.createApiToken(
        { user: requireUser(req.caller), mfa: req.caller.mfa },
        b.name,
        b.scopes,
        originOf(req),
        b.expiresAt ?? null,
      );
      return reply.code(201).send(t);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token (mine; admins: anyone’s)',
        tags,
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: Ok, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      await accounts.revokeApiToken(req.caller.actor, (req.params as { id: string }).id, originOf(req));
      return { ok: true as const };
    },
  );
}
