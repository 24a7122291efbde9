import type { FastifyInstance, FastifyRequest } from 'fastify';
import { centsOf } from '../../../disclosure/index.js';
import { type DisclosureContext, originOf, PAGES } from '../context.js';
import { field, pageCtx, seeOther, sendPage, toLogin } from './layout.js';
import {
  ADMIN_BOUNTY,
  adminBountyPage,
  BOUNTY_PUBLIC,
  bountyPublicPage,
  MY_REWARDS,
  myRewardsPage,
  TEAM_REWARDS,
  teamRewardsPage,
} from './views-bounty.js';
import { HALL_OF_FAME, hallOfFamePage, profileChoice, profilePage } from './views-fame.js';

const hidden = { hide: true };
type RewardReq = FastifyRequest<{ Params: { rewardId: string } }>;
type ModuleReq = FastifyRequest<{ Params: { module: string } }>;

/** The bug bounty's pages: public, the researcher's, the team's rewards, the admins' modules and budget. */
export function bountyPages(app: FastifyInstance, ctx: DisclosureContext): void {
  const { bounty, recognition } = ctx.program;

  app.get(BOUNTY_PUBLIC, { schema: hidden }, async (req, reply) =>
    sendPage(reply, bountyPublicPage(pageCtx(req, reply), await bounty.overview())),
  );

  app.get(HALL_OF_FAME, { schema: hidden }, async (req, reply) =>
    sendPage(reply, hallOfFamePage(pageCtx(req, reply), await recognition.hallOfFame())),
  );

  app.get(
    `${PAGES}/researchers/:handle`,
    { schema: hidden },
    async (req: FastifyRequest<{ Params: { handle: string } }>, reply) =>
      sendPage(reply, profilePage(pageCtx(req, reply), await recognition.profile(req.params.handle))),
  );

  app.get(MY_REWARDS, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const rewards = await bounty.mine(req.caller.actor, originOf(req));
    const p = pageCtx(req, reply);
    const choice = profileChoice(
      p,
      await recognition.profileChoice(req.caller.actor),
      req.caller.user.handle ?? null,
      `${MY_REWARDS}/profile`,
    );
    return sendPage(reply, myRewardsPage(p, rewards, choice));
  });

  app.post(`${MY_REWARDS}/profile`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const on = field(req.body, 'public', 3) === 'yes';
    await recognition.setProfile(req.caller.actor, on, originOf(req));
    return seeOther(reply, `${MY_REWARDS}?msg=${on ? 'profile-public' : 'profile-private'}`);
  });

  app.get(TEAM_REWARDS, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const rewards = await bounty.rewards(req.caller.actor, originOf(req));
    const names = ctx.names();
    const map = new Map<string, string>();
    for (const r of rewards) map.set(r.researcherId, await names.name(r.researcherId));
    return sendPage(
      reply,
      teamRewardsPage(pageCtx(req, reply), rewards, map, {
        admin: req.caller.actor.kind === 'user' && req.caller.actor.roles.includes('admin'),
        me: req.caller.user.id,
      }),
    );
  });

  app.post(`${TEAM_REWARDS}/:rewardId/approve`, { schema: hidden }, async (req: RewardReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const share = field(req.body, 'maintainerShare', 20).trim();
    await bounty.approve(
      req.caller.actor,
      req.params.rewardId,
      share && share !== '0' ? { maintainerShare: centsOf(share) } : {},
      originOf(req),
    );
    return seeOther(reply, `${TEAM_REWARDS}?msg=reward-approved`);
  });

  app.post(`${TEAM_REWARDS}/:rewardId/ineligible`, { schema: hidden }, async (req: RewardReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.markIneligible(
      req.caller.actor,
      req.params.rewardId,
      field(req.body, 'reason', 1000),
      originOf(req),
    );
    return seeOther(reply, `${TEAM_REWARDS}?msg=reward-ineligible`);
  });

  app.post(`${TEAM_REWARDS}/:rewardId/paid`, { schema: hidden }, async (req: RewardReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.markPaid(
      req.caller.actor,
      req.params.rewardId,
      field(req.body, 'reference', 400),
      originOf(req),
    );
    return seeOther(reply, `${TEAM_REWARDS}?msg=reward-paid`);
  });

  app.get(ADMIN_BOUNTY, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const ledger = await bounty.ledger(req.caller.actor, originOf(req));
    return sendPage(
      reply,
      adminBountyPage(pageCtx(req, reply), await bounty.overview(), ledger, ctx.clock.now()),
    );
  });

  app.post(`${ADMIN_BOUNTY}/modules`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const b = req.body;
    await bounty.addModule(
      req.caller.actor,
      {
        name: field(b, 'name', 300),
        section: field(b, 'section', 40),
        approvedBy: field(b, 'approvedBy', 400),
        approvedOn: field(b, 'approvedOn', 20),
      },
      originOf(req),
    );
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=module-added`);
  });

  app.post(`${ADMIN_BOUNTY}/modules/:module/remove`, { schema: hidden }, async (req: ModuleReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.removeModule(req.caller.actor, req.params.module, originOf(req));
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=module-removed`);
  });

  app.post(`${ADMIN_BOUNTY}/modules/:module`, { schema: hidden }, async (req: ModuleReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const b = req.body;
    await bounty.updateModule(
      req.caller.actor,
      req.params.module,
      {
        section: field(b, 'section', 40),
        approvedBy: field(b, 'approvedBy', 400),
        approvedOn: field(b, 'approvedOn', 20),
      },
      originOf(req),
    );
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=module-saved`);
  });

  app.post(`${ADMIN_BOUNTY}/refresh`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.refreshAll(req.caller.actor, originOf(req));
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=module-refreshed`);
  });

  app.post(`${ADMIN_BOUNTY}/modules/:module/refresh`, { schema: hidden }, async (req: ModuleReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.refreshDownloads(req.caller.actor, req.params.module, originOf(req));
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=module-refreshed`);
  });

  app.post(`${ADMIN_BOUNTY}/table`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const t: Record<string, number> = {};
    for (const s of ['critical', 'high', 'moderate', 'low', 'info']) {
      const v = field(req.body, s, 20);
      if (v.trim()) t[s] = centsOf(v);
    }
    await bounty.setTable(req.caller.actor, t, originOf(req));
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=table-saved`);
  });

  app.post(`${ADMIN_BOUNTY}/deposits`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    await bounty.deposit(
      req.caller.actor,
      centsOf(field(req.body, 'amount', 20)),
      field(req.body, 'reason', 1000),
      originOf(req),
    );
    return seeOther(reply, `${ADMIN_BOUNTY}?msg=deposited`);
  });
}
