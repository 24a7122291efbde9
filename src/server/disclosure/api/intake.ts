import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publicNoteView } from '../../../disclosure/index.js';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { errors, IdParams, PublicNoteSchema, SignalSchema } from './schemas.js';

const tags = ['disclosure'];

/** Against junk over JSON: my own signal, the team's public notes from closed reports, and reading them. */
export function intakeApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { intake } = ctx.program;

  app.get(
    '/api/me/signal',
    {
      schema: {
        summary: 'How my reports ended: the counts by outcome and the share of valid ones the team sees',
        tags,
        response: { 200: SignalSchema, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return intake.mySignal(req.caller.actor, originOf(req));
    },
  );

  app.post(
    '/api/reports/:id/public-note',
    {
      schema: {
        summary:
          'Publish a note for the maintainer from a report closed as informative or not applicable (the team)',
        description:
          "The team's own title and text, shown on the package: never the private report, with no CVE id and no advisory (no audit reports it). One per report (409 for a second).",
        tags,
        params: IdParams,
        body: Type.Object(
          { title: Type.String({ maxLength: 200 }), text: Type.String({ maxLength: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ note: PublicNoteSchema }), ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const note = await intake.publishNote(
        req.caller.actor,
        (req.params as { id: string }).id,
        req.body,
        originOf(req),
      );
      return reply.code(201).send({ note: publicNoteView(note) });
    },
  );

  app.get(
    '/api/public-notes',
    {
      schema: {
        summary: 'The public notes for maintainers, newest first: for everyone, about one package when asked',
        tags,
        querystring: Type.Object(
          {
            package: Type.Optional(Type.String({ maxLength: 214, description: 'an npm package name' })),
            component: Type.Optional(Type.String({ maxLength: 64, description: 'a Node.js component' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(PublicNoteSchema), ...errors },
      },
    },
    async (req) => {
      const q = req.query as { package?: string; component?: string };
      return intake.notes({
        ...(q.package ? { packageName: q.package } : {}),
        ...(q.component ? { component: q.component } : {}),
      });
    },
  );
}
