import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireInteractive, requireScope } from '../auth.js';
import { type DisclosureContext, originOf, paths } from '../context.js';
import { userJson } from './accounts.js';
import { AuditEntrySchema, errors, IdParams, Role, UserSchema } from './schemas.js';

const tags = ['admin'];
const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,9}$', description });
const interactive =
  'Admins only, from a login session opened with two factors: never an API token, whatever its scopes.';

/** What admins do over JSON: read the audit log and the outbox, administer accounts and the team. */
export function adminApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { records } = ctx.program;
  const accounts = ctx.deps.store.accounts;

  app.get(
    '/api/audit-log',
    {
      schema: {
        summary: 'The audit log (admins): who did what, when and from where; hash-chained',
        description: 'An API token needs the audit:read scope.',
        tags,
        querystring: Type.Object(
          {
            reportId: Type.Optional(Type.String({ maxLength: 100 })),
            afterSeq: Type.Optional(Digits('entries after this one (paging)')),
            limit: Type.Optional(Digits('at most this many (default 1000)')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AuditEntrySchema), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'audit:read');
      const q = req.query as { reportId?: string; afterSeq?: string; limit?: string };
      return records.auditLog(req.caller.actor, {
        ...(q.reportId ? { reportId: q.reportId } : {}),
        ...(q.afterSeq ? { afterSeq: Number(q.afterSeq) } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
      });
    },
  );

  app.get(
    '/api/outbox',
    {
      schema: {
        summary: 'The e-mail kept when no SMTP server is configured (the read is logged)',
        description: `${interactive} Links that grant access are never kept: they read "[link withheld …]".`,
        tags,
        querystring: Type.Object(
          {
            to: Type.Optional(Type.String({ maxLength: 254 })),
            limit: Type.Optional(Digits('at most this many')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              to: Type.String(),
              subject: Type.String(),
              text: Type.String(),
              createdAt: Type.String(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const q = req.query as { to?: string; limit?: string };
      return records.outbox(req.caller.actor, originOf(req), {
        ...(q.to ? { to: q.to } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
      });
    },
  );

  const QueuedMailSchema = Type.Object({
    id: Type.String(),
    to: Type.String(),
    subject: Type.String(),
    state: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
    createdAt: Type.String(),
    attempts: Type.Integer(),
    nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    sentAt: Type.Union([Type.String(), Type.Null()]),
    failedAt: Type.Union([Type.String(), Type.Null()]),
  });

  app.get(
    '/api/mail-queue',
    {
      schema: {
        summary:
          'The e-mail the SMTP server has not taken: given up, or waiting to be tried again (both when no state is asked)',
        description: `${interactive} Recipients, subjects, attempts and the last error; never the texts (they may hold links that grant access). Empty on a server without SMTP.`,
        tags,
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('failed')])),
            limit: Type.Optional(Digits('at most this many (default 200)')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(QueuedMailSchema), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const q = req.query as { state?: 'pending' | 'failed'; limit?: string };
      return records.mailQueue(req.caller.actor, {
        ...(q.state ? { state: q.state } : {}),
        ...(q.limit ? { limit: Number(q.limit) } : {}),
      });
    },
  );

  app.post(
    '/api/mail-queue/:id/retry',
    {
      schema: {
        summary: 'Try an e-mail that was given up (or still waits) again now, its attempts counted afresh',
        description: `${interactive} Recorded in the audit log. 404 when no such message waits or was given up.`,
        tags,
        params: IdParams,
        response: { 200: QueuedMailSchema, ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return records.retryMail(req.caller.actor, (req.params as { id: string }).id, originOf(req));
    },
  );

  app.get(
    '/api/users',
    {
      schema: {
        summary: 'Users: those whose address is not confirmed, or the team, or everyone',
        description: interactive,
        tags,
        querystring: Type.Object(
          {
            confirmed: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
            team: Type.Optional(Type.Literal('true')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(UserSchema), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const q = req.query as { confirmed?: string; team?: string };
      const users = await accounts.listUsers(req.caller.actor, {
        ...(q.confirmed ? { confirmed: q.confirmed === 'true' } : {}),
        ...(q.team ? { team: true } : {}),
      });
      return users.map(userJson);
    },
  );

  app.get(
    '/api/team',
    {
      schema: {
        summary: 'The team: every user holding a role',
        description: interactive,
        tags,
        response: { 200: Type.Array(UserSchema), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return (await accounts.listUsers(req.caller.actor, { team: true })).map(userJson);
    },
  );

  app.put(
    '/api/users/:id/roles',
    {
      schema: {
        summary: 'Set a user’s team roles (logged with before and after)',
        description: `${interactive} The address must be confirmed. Team roles take effect once the user logs in with two factors.`,
        tags,
        params: IdParams,
        body: Type.Object({ roles: Type.Array(Role) }, { additionalProperties: false }),
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const user = await accounts.setRoles(
        req.caller.actor,
        (req.params as { id: string }).id,
        (req.body as { roles: string[] }).roles,
        originOf(req),
      );
      return userJson(user);
    },
  );

  app.post(
    '/api/users/:id/confirm-email',
    {
      schema: {
        summary: 'Confirm a user’s address on the admin’s word (a server without mail)',
        description: interactive,
        tags,
        params: IdParams,
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return userJson(
        await accounts.confirmEmail(req.caller.actor, (req.params as { id: string }).id, originOf(req)),
      );
    },
  );

  app.post(
    '/api/users/:id/links',
    {
      schema: {
        summary: 'A new link to hand over by hand: confirm the address, or set a password',
        description: `${interactive} The link is shown in this answer only (never kept); the audit log records who made it.`,
        tags,
        params: IdParams,
        body: Type.Object(
          { purpose: Type.Union([Type.Literal('verify-email'), Type.Literal('reset-password')]) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ link: Type.String(), expiresHours: Type.Number(), user: UserSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { purpose } = req.body as { purpose: 'verify-email' | 'reset-password' };
      const made = await accounts.issueLink(
        req.caller.actor,
        (req.params as { id: string }).id,
        purpose,
        originOf(req),
      );
      const path =
        purpose === 'verify-email' ? paths.verifyEmail(made.token) : paths.passwordReset(made.token);
      return { link: ctx.url(path), expiresHours: made.expiresHours, user: userJson(made.user) };
    },
  );
}
