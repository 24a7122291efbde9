import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type BountyModule, moduleEligible, type RewardState } from '../../../disclosure/index.js';
import { requireInteractive, requireScope, requireUser } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import {
  FiguresSchema,
  LedgerEntrySchema,
  ModuleBody,
  ModuleParams,
  ModuleSchema,
  OverviewSchema,
  OwnRewardSchema,
  RewardParams,
  RewardSchema,
  TableBody,
  TableSchema,
} from './bounty-schemas.js';
import { errors } from './schemas.js';

const tags = ['bounty'];
const interactive =
  'Admins only, from a login session opened with two factors: never an API token, whatever its scopes.';

/** A module as JSON, with whether it counts for rewards now. */
export const moduleJson = (m: BountyModule) => ({ ...m, eligible: moduleEligible(m) });

/** The bug bounty over JSON: the public overview; admins' modules, table and budget; rewards. */
export function bountyApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { bounty } = ctx.program;

  app.get(
    '/api/bounty',
    {
      schema: {
        summary: 'The bug bounty: eligible modules, the reward table, the total paid (anyone)',
        tags,
        response: { 200: OverviewSchema, ...errors },
      },
    },
    async () => {
      const o = await bounty.overview();
      return { ...o, modules: o.modules.map(moduleJson) };
    },
  );

  app.post(
    '/api/bounty/modules',
    {
      schema: {
        summary: 'Add an eligible module with its maintainer’s approval (admins)',
        description: `${interactive} \`name\`: a package, or @scope. 409 when it is in the bounty already.`,
        tags,
        body: Type.Object(
          { name: Type.String({ maxLength: 214 }), ...ModuleBody.properties },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ module: ModuleSchema }), ...errors },
      },
    },
    async (req, reply) => {
      requireInteractive(req.caller);
      const m = await bounty.addModule(req.caller.actor, req.body, originOf(req));
      return reply.code(201).send({ module: moduleJson(m) });
    },
  );

  app.put(
    '/api/bounty/modules/:module',
    {
      schema: {
        summary: 'Change a module’s section or approval (admins)',
        description: interactive,
        tags,
        params: ModuleParams,
        body: ModuleBody,
        response: { 200: Type.Object({ module: ModuleSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { module } = req.params as { module: string };
      return {
        module: moduleJson(await bounty.updateModule(req.caller.actor, module, req.body, originOf(req))),
      };
    },
  );

  app.delete(
    '/api/bounty/modules/:module',
    {
      schema: {
        summary: 'Take a module out of the bounty (admins): rewards proposed already stay',
        description: interactive,
        tags,
        params: ModuleParams,
        response: { 200: Type.Object({ removed: Type.String() }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { module } = req.params as { module: string };
      await bounty.removeModule(req.caller.actor, module, originOf(req));
      return { removed: module };
    },
  );

  app.post(
    '/api/bounty/modules/:module/refresh',
    {
      schema: {
        summary: 'Refresh a module’s downloads a month from the registry, or an admin’s override (admins)',
        description: `${interactive} 409 when nobody knows the count (no registry, no override).`,
        tags,
        params: ModuleParams,
        response: { 200: Type.Object({ module: ModuleSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { module } = req.params as { module: string };
      return { module: moduleJson(await bounty.refreshDownloads(req.caller.actor, module, originOf(req))) };
    },
  );

  app.post(
    '/api/bounty/refresh',
    {
      schema: {
        summary: 'Refresh every module’s downloads a month (admins)',
        description: interactive,
        tags,
        response: {
          200: Type.Object({ refreshed: Type.Array(Type.String()), unknown: Type.Array(Type.String()) }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return bounty.refreshAll(req.caller.actor, originOf(req));
    },
  );

  app.put(
    '/api/bounty/table',
    {
      schema: {
        summary: 'Set the reward of each severity, in cents (admins): for rewards proposed from now on',
        description: interactive,
        tags,
        body: TableBody,
        response: { 200: Type.Object({ table: TableSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return { table: await bounty.setTable(req.caller.actor, req.body, originOf(req)) };
    },
  );

  app.post(
    '/api/bounty/deposits',
    {
      schema: {
        summary:
          'Add money to the budget (admins): rewards waiting for budget are funded, longest waiting first',
        description: interactive,
        tags,
        body: Type.Object(
          { amount: Type.Integer({ description: 'US cents' }), reason: Type.String({ maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ entry: LedgerEntrySchema, funded: Type.Array(Type.String()) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      requireInteractive(req.caller);
      const b = req.body as { amount: number; reason: string };
      return reply.code(201).send(await bounty.deposit(req.caller.actor, b.amount, b.reason, originOf(req)));
    },
  );

  app.get(
    '/api/bounty/ledger',
    {
      schema: {
        summary: 'Every movement of the budget, and its figures (admins; the read is logged)',
        description: interactive,
        tags,
        response: {
          200: Type.Object({ entries: Type.Array(LedgerEntrySchema), figures: FiguresSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return bounty.ledger(req.caller.actor, originOf(req));
    },
  );

  app.get(
    '/api/bounty/rewards',
    {
      schema: {
        summary: 'Every reward, or those of one state (the triage team; the read is logged)',
        description: 'An API token needs reports:read.',
        tags,
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union(
                ['proposed', 'approved', 'waiting-for-budget', 'paid', 'ineligible'].map((s) =>
                  Type.Literal(s),
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ rewards: Type.Array(RewardSchema) }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      const q = req.query as { state?: RewardState };
      return {
        rewards: await bounty.rewards(req.caller.actor, originOf(req), q.state ? { states: [q.state] } : {}),
      };
    },
  );

  app.get(
    '/api/bounty/rewards/mine',
    {
      schema: {
        summary: 'The rewards of my own reports: the amount, where each stands, the reason when ineligible',
        description: 'An API token needs reports:read.',
        tags,
        response: { 200: Type.Object({ rewards: Type.Array(OwnRewardSchema) }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return { rewards: await bounty.mine(req.caller.actor, originOf(req)) };
    },
  );

  app.post(
    '/api/bounty/rewards/:rewardId/approve',
    {
      schema: {
        summary: 'Approve a proposed reward (a second team member: never its researcher or proposer)',
        description:
          'An API token needs reports:write. The money is reserved from the budget; when it is short the reward waits for budget. `maintainerShare` (cents, out of the reward) goes to `maintainerId`, a maintainer of the report.',
        tags,
        params: RewardParams,
        body: Type.Object(
          {
            maintainerShare: Type.Optional(Type.Integer()),
            maintainerId: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ reward: RewardSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { rewardId } = req.params as { rewardId: string };
      const b = (req.body ?? {}) as { maintainerShare?: number; maintainerId?: string };
      return { reward: await bounty.approve(req.caller.actor, rewardId, b, originOf(req)) };
    },
  );

  app.post(
    '/api/bounty/rewards/:rewardId/ineligible',
    {
      schema: {
        summary: 'Declare a reward ineligible, with the reason its researcher reads (the triage team)',
        description: 'An API token needs reports:write. An approved reward’s money goes back to the budget.',
        tags,
        params: RewardParams,
        body: Type.Object({ reason: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ reward: RewardSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { rewardId } = req.params as { rewardId: string };
      const { reason } = req.body as { reason: string };
      return { reward: await bounty.markIneligible(req.caller.actor, rewardId, reason, originOf(req)) };
    },
  );

  app.post(
    '/api/bounty/rewards/:rewardId/paid',
    {
      schema: {
        summary: 'Record the payment of an approved reward, with its reference (admins; once)',
        description: `${interactive} 409 for a reward paid already, or a reference recorded already.`,
        tags,
        params: RewardParams,
        body: Type.Object({ reference: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ reward: RewardSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      requireUser(req.caller);
      const { rewardId } = req.params as { rewardId: string };
      const { reference } = req.body as { reference: string };
      return { reward: await bounty.markPaid(req.caller.actor, rewardId, reference, originOf(req)) };
    },
  );

  const { recognition } = ctx.program;
  const Fame = Type.Object({
    advisoryId: Type.String(),
    title: Type.String(),
    subject: Type.String(),
    publishedAt: Type.String(),
  });

  app.get(
    '/api/hall-of-fame',
    {
      schema: {
        summary: 'The hall of fame: researchers by year and month, as each chose to be credited (anyone)',
        tags,
        response: {
          200: Type.Object({
            years: Type.Array(
              Type.Object({
                year: Type.String(),
                months: Type.Array(
                  Type.Object({
                    month: Type.String(),
                    researchers: Type.Array(
                      Type.Object({
                        shownAs: Type.String(),
                        profile: Type.Union([Type.String(), Type.Null()]),
                        advisories: Type.Array(Fame),
                      }),
                    ),
                  }),
                ),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async () => ({ years: await recognition.hallOfFame() }),
  );

  app.get(
    '/api/researchers/:handle',
    {
      schema: {
        summary: 'A researcher’s public profile (anyone): 404 unless they opted in',
        tags,
        params: Type.Object({ handle: Type.String({ maxLength: 100 }) }),
        response: {
          200: Type.Object({
            handle: Type.String(),
            advisories: Type.Array(Type.Object({ ...Fame.properties, shownAs: Type.String() })),
          }),
          ...errors,
        },
      },
    },
    async (req) => recognition.profile((req.params as { handle: string }).handle),
  );

  app.put(
    '/api/me/researcher-profile',
    {
      schema: {
        summary: 'Turn my public researcher profile on or off (it lives under my handle)',
        description: 'A login session, not an API token.',
        tags,
        body: Type.Object({ public: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ public: Type.Boolean() }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'session');
      const on = (req.body as { public: boolean }).public;
      return { public: await recognition.setProfile(req.caller.actor, on, originOf(req)) };
    },
  );
}
