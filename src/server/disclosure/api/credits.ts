import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CREDIT_ROLES } from '../../../disclosure/index.js';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { CreditOfferSchema, CreditSchema, errors, IdParams } from './schemas.js';

const tags = ['credits'];
const CreditParams = Type.Object({ creditId: Type.String({ maxLength: 100 }) });

/**
 * Credits with roles over JSON: the team or the reporter proposes one on a report, the credited person
 * accepts or declines it, whoever proposed it (or the team) withdraws it, until publication.
 */
export function creditApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { credits } = ctx.program;

  app.post(
    '/api/reports/:id/credits',
    {
      schema: {
        summary:
          'Propose a credit (the team or the reporter), or enter one for a person without an account (the team)',
        description:
          'An API token needs reports:write. With `email`, the credit waits for the holder of an account with that address to accept it ' +
          '(they are mailed; a credit to yourself is accepted at once); the answer is the same whether such an account exists or not. ' +
          `With \`withoutAccount: true\` (the team only), it is accepted at once. At most 20 credits a report (409).`,
        tags,
        params: IdParams,
        body: Type.Object(
          {
            role: Type.Union(CREDIT_ROLES.map((r) => Type.Literal(r))),
            name: Type.String({ maxLength: 1000 }),
            email: Type.Optional(Type.String({ maxLength: 320 })),
            withoutAccount: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ credit: CreditSchema }), ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const { id } = req.params as { id: string };
      const credit = await credits.propose(req.caller.actor, id, req.body, originOf(req));
      return reply.code(201).send({ credit });
    },
  );

  app.post(
    '/api/credits/:creditId/withdraw',
    {
      schema: {
        summary:
          'Withdraw a proposed or accepted credit (whoever proposed it, or the team), before publication',
        description: 'An API token needs reports:write.',
        tags,
        params: CreditParams,
        response: { 200: Type.Object({ credit: CreditSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { creditId } = req.params as { creditId: string };
      return { credit: await credits.withdraw(req.caller.actor, creditId, originOf(req)) };
    },
  );

  app.get(
    '/api/credits',
    {
      schema: {
        summary: 'The credits proposed to my confirmed address (never the reports they belong to)',
        description: 'An API token needs reports:read.',
        tags,
        response: { 200: Type.Object({ credits: Type.Array(CreditOfferSchema) }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return { credits: await credits.mine(req.caller.actor, originOf(req)) };
    },
  );

  for (const decision of ['accept', 'decline'] as const) {
    app.post(
      `/api/credits/:creditId/${decision}`,
      {
        schema: {
          summary:
            decision === 'accept'
              ? 'Accept a credit proposed to me, optionally under another name'
              : 'Decline a credit proposed to me (also one accepted before)',
          description:
            (decision === 'accept'
              ? 'An optional JSON body `{"name": "…"}` changes the name the advisory shows. '
              : '') +
            'An API token needs reports:write. Only the holder of the confirmed address the credit was proposed to; 404 for anyone else. ' +
            '409 once the report is published: its credits are final.',
          tags,
          params: CreditParams,
          response: { 200: Type.Object({ credit: CreditOfferSchema }), ...errors },
        },
      },
      async (req) => {
        requireScope(req.caller, 'reports:write');
        const { creditId } = req.params as { creditId: string };
        // the body is optional (a name to show instead); the program checks the name itself
        const body = req.body;
        const name = body && typeof body === 'object' ? (body as { name?: unknown }).name : undefined;
        const opts = decision === 'accept' ? { name } : {};
        return { credit: await credits.decide(req.caller.actor, creditId, decision, originOf(req), opts) };
      },
    );
  }
}
