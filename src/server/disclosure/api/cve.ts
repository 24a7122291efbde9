import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CveState } from '../../../disclosure/index.js';
import { requireInteractive, requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { CveFiguresSchema, CveSchema, errors, IdParams, ReportSchema } from './schemas.js';
import { reportJson } from './views.js';

const tags = ['cve'];
/** A block's ids, as recorded or removed: a year, and a range or a list. */
const BlockBody = Type.Object(
  {
    year: Type.Integer({ minimum: 1999, maximum: 9999 }),
    ids: Type.Union([
      Type.String({ maxLength: 20_000 }),
      Type.Array(Type.String({ maxLength: 20 }), { maxItems: 1000 }),
    ]),
  },
  { additionalProperties: false },
);
const interactive =
  'Admins only, from a login session opened with two factors: never an API token, whatever its scopes.';

/** The program as a CNA over JSON: admins record blocks, list and retire ids; the team assigns one to a report. */
export function cveApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { cve } = ctx.program;

  app.post(
    '/api/cve/blocks',
    {
      schema: {
        summary: 'Record a block of CVE ids received from the CVE Program (admins)',
        description: `${interactive} \`ids\`: a range (\`CVE-2027-1000..CVE-2027-1009\` or \`1000..1009\`) or a list, all of \`year\`. An id known already refuses the block (409).`,
        tags,
        body: BlockBody,
        response: {
          201: Type.Object({ added: Type.Array(Type.String()), figures: CveFiguresSchema }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      requireInteractive(req.caller);
      const b = req.body as { year: number; ids: string | string[] };
      return reply.code(201).send(await cve.addBlock(req.caller.actor, b.year, b.ids, originOf(req)));
    },
  );

  app.post(
    '/api/cve/blocks/remove',
    {
      schema: {
        summary: 'Remove CVE ids recorded by mistake: available ids of a block, never assigned (admins)',
        description: `${interactive} \`ids\` as for a block. All of them or none: 409 naming those that are not available ids of a block.`,
        tags,
        body: BlockBody,
        response: {
          200: Type.Object({ removed: Type.Array(Type.String()), figures: CveFiguresSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const b = req.body as { year: number; ids: string | string[] };
      return cve.removeIds(req.caller.actor, b.year, b.ids, originOf(req));
    },
  );

  app.get(
    '/api/cve/ids',
    {
      schema: {
        summary: 'The CVE ids, each with its state and report, and the figures (admins; the read is logged)',
        description: interactive,
        tags,
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union(
                ['available', 'pending', 'announced', 'rejected', 'retired'].map((s) => Type.Literal(s)),
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ ids: Type.Array(CveSchema), figures: CveFiguresSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const q = req.query as { state?: CveState };
      return cve.list(req.caller.actor, originOf(req), q.state ? { states: [q.state] } : {});
    },
  );

  app.post(
    '/api/cve/ids/:cveId/retire',
    {
      schema: {
        summary: 'Retire an available CVE id of a past year that will not be used (admins)',
        description: `${interactive} 409 for an id that is not available or of the current year.`,
        tags,
        params: Type.Object({ cveId: Type.String({ maxLength: 20 }) }),
        response: { 200: Type.Object({ cve: CveSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { cveId } = req.params as { cveId: string };
      return { cve: await cve.retire(req.caller.actor, cveId, originOf(req)) };
    },
  );

  app.post(
    '/api/reports/:id/cve',
    {
      schema: {
        summary: 'Assign the next available CVE id to a report (its team): pending until publication',
        description:
          'An API token needs reports:write. 409 when the report holds an id already, is closed, or none is available. ' +
          'Whoever sees the report sees its id; nobody else before publication.',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { id } = req.params as { id: string };
      return { report: reportJson(await cve.assignNext(req.caller.actor, id, originOf(req))) };
    },
  );
}
