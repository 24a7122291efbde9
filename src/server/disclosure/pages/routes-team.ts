import type { FastifyInstance } from 'fastify';
import { assertCan } from '../../../disclosure/index.js';
import { queueFilter } from '../api/views.js';
import { type DisclosureContext, originOf, PAGES } from '../context.js';
import { dashboardData } from '../queries.js';
import { pageCtx, sendPage, toLogin } from './layout.js';
import { auditLogPage, dashboardPage } from './views-lists.js';

const hidden = { hide: true };

/** The team's pages: the triage dashboard; for admins, the audit log. */
export function teamPages(app: FastifyInstance, ctx: DisclosureContext): void {
  app.get(`${PAGES}/triage`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const q = req.query as Record<string, string | undefined>;
    const filter = queueFilter({
      ...(q.state ? { state: q.state } : {}),
      ...(q.package ? { package: q.package } : {}),
      ...(q.severity ? { severity: q.severity } : {}),
      ...(q.mine ? { mine: q.mine } : {}),
    });
    const data = await dashboardData(ctx, req.caller.actor, originOf(req), filter);
    return sendPage(reply, dashboardPage(pageCtx(req, reply), data, filter));
  });

  app.get(`${PAGES}/admin/audit-log`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    assertCan(req.caller.actor, 'view-audit-log', null, ctx.clock.now());
    const head = await ctx.deps.store.auditLog.head();
    const entries = await ctx.deps.store.auditLog.list({ afterSeq: Math.max(0, head.seq - 200), limit: 200 });
    return sendPage(reply, auditLogPage(pageCtx(req, reply), entries));
  });
}
