import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertCan } from '../../../disclosure/index.js';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { teamRoles } from '../service.js';
import { userJson } from './accounts.js';
import { AuditEntrySchema, errors, IdParams, Role, UserSchema } from './schemas.js';

const tags = ['admin'];
const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,9}$', description });

/** What admins do over JSON: read the audit log and the outbox, manage the team. */
export function adminApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const store = ctx.deps.store;

  app.get(
    '/api/audit-log',
    {
      schema: {
        summary: 'The audit log (admins): who did what, when and from where; hash-chained',
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
      requireScope(req.caller, 'reports:read');
      assertCan(req.caller.actor, 'view-audit-log', null, ctx.clock.now());
      const q = req.query as { reportId?: string; afterSeq?: string; limit?: string };
      return store.auditLog.list({
        ...(q.reportId ? { reportId: q.reportId } : {}),
        afterSeq: Number(q.afterSeq ?? 0),
        limit: Math.min(5000, Math.max(1, Number(q.limit ?? 1000))),
      });
    },
  );

  app.get(
    '/api/outbox',
    {
      schema: {
        summary:
          'The e-mail kept in the outbox when no SMTP server is configured (admins; the read is logged)',
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
      requireScope(req.caller, 'reports:read');
      const q = req.query as { to?: string; limit?: string };
      return store.outbox.list(req.caller.actor, originOf(req), {
        ...(q.to ? { to: q.to } : {}),
        limit: Math.min(1000, Math.max(1, Number(q.limit ?? 200))),
      });
    },
  );

  app.get(
    '/api/team',
    {
      schema: {
        summary: 'The team: every user holding a role (admins)',
        tags,
        response: { 200: Type.Array(UserSchema), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      assertCan(req.caller.actor, 'manage-team', null, ctx.clock.now());
      return (await store.accounts.team()).map(userJson);
    },
  );

  app.put(
    '/api/users/:id/roles',
    {
      schema: {
        summary: 'Set a user’s team roles (admins; logged with before and after)',
        description: 'Team roles take effect once the user has turned TOTP on.',
        tags,
        params: IdParams,
        body: Type.Object({ roles: Type.Array(Role) }, { additionalProperties: false }),
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      const roles = teamRoles((req.body as { roles: unknown }).roles);
      const user = await store.accounts.setRoles(
        req.caller.actor,
        (req.params as { id: string }).id,
        roles,
        originOf(req),
      );
      return userJson(user);
    },
  );
}
