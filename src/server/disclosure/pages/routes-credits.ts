import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type DisclosureContext, originOf, PAGES, paths } from '../context.js';
import { field, pageCtx, seeOther, sendPage, toLogin } from './layout.js';
import { myCreditsPage } from './views-credits.js';

const hidden = { hide: true };
type ReportReq = FastifyRequest<{ Params: { id: string } }>;
type CreditReq = FastifyRequest<{ Params: { creditId: string } }>;

/** The credit pages: proposing on a report, withdrawing, and the credited person's page to accept or decline. */
export function creditPages(app: FastifyInstance, ctx: DisclosureContext): void {
  const { credits } = ctx.program;

  app.post(`${PAGES}/reports/:id/credits`, { schema: hidden }, async (req: ReportReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const b = req.body;
    const withoutAccount = field(b, 'withoutAccount', 3) === 'yes';
    const email = field(b, 'email', 254).trim();
    await credits.propose(
      req.caller.actor,
      req.params.id,
      {
        role: field(b, 'role', 40),
        name: field(b, 'name', 1000),
        ...(withoutAccount ? { withoutAccount: true } : {}),
        ...(email ? { email } : {}),
      },
      originOf(req),
    );
    return seeOther(reply, `${paths.report(req.params.id)}?msg=credit-proposed#credits`);
  });

  app.post(`${PAGES}/credits/:creditId/withdraw`, { schema: hidden }, async (req: CreditReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const c = await credits.withdraw(req.caller.actor, req.params.creditId, originOf(req));
    return seeOther(reply, `${paths.report(c.reportId)}?msg=credit-withdrawn#credits`);
  });

  app.get(`${PAGES}/credits`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const offers = await credits.mine(req.caller.actor, originOf(req));
    return sendPage(reply, myCreditsPage(pageCtx(req, reply), offers));
  });

  for (const decision of ['accept', 'decline'] as const)
    app.post(`${PAGES}/credits/:creditId/${decision}`, { schema: hidden }, async (req: CreditReq, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      const opts = decision === 'accept' ? { name: field(req.body, 'name', 1000) } : {};
      await credits.decide(req.caller.actor, req.params.creditId, decision, originOf(req), opts);
      return seeOther(
        reply,
        `${PAGES}/credits?msg=credit-${decision === 'accept' ? 'accepted' : 'declined'}`,
      );
    });
}
