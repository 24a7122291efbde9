import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DisclosureContext, originOf, PAGES, paths } from '../context.js';
import { queueFilter } from '../filters.js';
import { field, pageCtx, seeOther, sendPage, toLogin } from './layout.js';
import { type IssuedLink, outboxPage, usersPage } from './views-admin.js';
import { CVE_PAGE, cvePage } from './views-cve.js';
import { auditLogPage, dashboardPage } from './views-lists.js';

type UserReq = FastifyRequest<{ Params: { id: string } }>;

const hidden = { hide: true };

/** The team's pages: the triage dashboard; for admins, the audit log. */
export function teamPages(app: FastifyInstance, ctx: DisclosureContext): void {
  app.get(`${PAGES}/triage`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const filter = queueFilter(req.query as Record<string, string | undefined>);
    const data = await ctx.program.queue.dashboard(req.caller.actor, originOf(req), filter);
    return sendPage(reply, dashboardPage(pageCtx(req, reply), data, filter));
  });

  const accounts = ctx.deps.store.accounts;
  const users = async (req: FastifyRequest, reply: FastifyReply, issued: IssuedLink | null = null) =>
    sendPage(reply, usersPage(pageCtx(req, reply), await accounts.listUsers(req.caller.actor), issued));

  app.get(`${PAGES}/admin/users`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    return users(req, reply);
  });

  app.post(`${PAGES}/admin/users/:id/confirm`, { schema: hidden }, async (req: UserReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await accounts.confirmEmail(req.caller.actor, req.params.id, originOf(req));
    return seeOther(reply, `${PAGES}/admin/users?msg=confirmed-user`);
  });

  app.post(`${PAGES}/admin/users/:id/roles`, { schema: hidden }, async (req: UserReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const raw = (req.body as Record<string, unknown> | undefined)?.roles;
    const roles = (Array.isArray(raw) ? raw : [raw]).filter(
      (r): r is string => typeof r === 'string' && r !== '',
    );
    await accounts.setRoles(req.caller.actor, req.params.id, roles, originOf(req));
    return seeOther(reply, `${PAGES}/admin/users?msg=roles-saved`);
  });

  app.post(`${PAGES}/admin/users/:id/links`, { schema: hidden }, async (req: UserReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const purpose = field(req.body, 'purpose', 20) === 'verify-email' ? 'verify-email' : 'reset-password';
    const made = await accounts.issueLink(req.caller.actor, req.params.id, purpose, originOf(req));
    const path = purpose === 'verify-email' ? paths.verifyEmail(made.token) : paths.passwordReset(made.token);
    return users(req, reply, {
      email: made.user.email,
      purpose,
      link: ctx.url(path),
      expiresHours: made.expiresHours,
    });
  });

  app.get(`${PAGES}/admin/outbox`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const messages = await ctx.program.records.outbox(req.caller.actor, originOf(req), { limit: 200 });
    const { records } = ctx.program;
    const queue = {
      pending: await records.mailQueue(req.caller.actor, { state: 'pending' }),
      failed: await records.mailQueue(req.caller.actor, { state: 'failed' }),
    };
    return sendPage(reply, outboxPage(pageCtx(req, reply), messages, queue));
  });

  app.post(`${PAGES}/admin/mail/:id/retry`, { schema: hidden }, async (req: UserReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await ctx.program.records.retryMail(req.caller.actor, req.params.id, originOf(req));
    return seeOther(reply, `${PAGES}/admin/outbox?msg=mail-retried#mail-queue`);
  });

  // the program's CVE ids (admins): the figures, a new block, every id, retiring a past year's
  app.get(CVE_PAGE, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const got = await ctx.program.cve.list(req.caller.actor, originOf(req));
    return sendPage(reply, cvePage(pageCtx(req, reply), got.ids, got.figures, ctx.clock.now()));
  });

  app.post(`${CVE_PAGE}/blocks`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await ctx.program.cve.addBlock(
      req.caller.actor,
      field(req.body, 'year', 4),
      field(req.body, 'ids', 20_000),
      originOf(req),
    );
    return seeOther(reply, `${CVE_PAGE}?msg=cve-block-added`);
  });

  app.post(`${CVE_PAGE}/blocks/remove`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await ctx.program.cve.removeIds(
      req.caller.actor,
      field(req.body, 'year', 4),
      field(req.body, 'ids', 20_000),
      originOf(req),
    );
    return seeOther(reply, `${CVE_PAGE}?msg=cve-ids-removed`);
  });

  app.post(
    `${CVE_PAGE}/:cveId/retire`,
    { schema: hidden },
    async (req: FastifyRequest<{ Params: { cveId: string } }>, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      await ctx.program.cve.retire(req.caller.actor, req.params.cveId, originOf(req));
      return seeOther(reply, `${CVE_PAGE}?msg=cve-retired`);
    },
  );

  app.get(`${PAGES}/admin/audit-log`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const entries = await ctx.program.records.auditLog(req.caller.actor, { latest: 200 });
    return sendPage(reply, auditLogPage(pageCtx(req, reply), entries));
  });
}
