import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireInteractive } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { errors } from './schemas.js';

const tags = ['registry'];
const interactive =
  'Admins only, from a login session opened with two factors: never an API token, whatever its scopes.';

const OverrideSchema = Type.Object({
  name: Type.String({ description: 'a package, or a scope (@scope)' }),
  versions: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'the published versions ([]: no such package); null: the registry says',
  }),
  monthlyDownloads: Type.Union([Type.Integer(), Type.Null()], {
    description: 'downloads last month; null: the registry says',
  }),
  setAt: Type.String(),
  setBy: Type.String(),
});

/** The admins' answers for the npm registry over JSON: list, set, clear. */
export function registryApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { registry } = ctx.program;

  app.get(
    '/api/registry/overrides',
    {
      schema: {
        summary: "The admins' answers for the npm registry (package versions, monthly downloads)",
        description: interactive,
        tags,
        response: { 200: Type.Object({ overrides: Type.Array(OverrideSchema) }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      return { overrides: await registry.list(req.caller.actor, originOf(req)) };
    },
  );

  app.put(
    '/api/registry/overrides',
    {
      schema: {
        summary: 'Set the answer for a package or scope, used before the registry is asked (admins)',
        description: `${interactive} Reports about a package whose versions are set are checked against them; the bug bounty's eligible modules count the downloads set.`,
        tags,
        body: Type.Object(
          {
            name: Type.String({ maxLength: 214 }),
            versions: Type.Optional(
              Type.Union([Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10_000 }), Type.Null()]),
            ),
            monthlyDownloads: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ override: OverrideSchema }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const b = req.body as { name: string; versions?: string[] | null; monthlyDownloads?: number | null };
      return { override: await registry.setOverride(req.caller.actor, b.name, b, originOf(req)) };
    },
  );

  app.post(
    '/api/registry/overrides/clear',
    {
      schema: {
        summary: "Clear a package's or scope's override: the registry answers again (admins)",
        description: `${interactive} 404 when the name has none.`,
        tags,
        body: Type.Object({ name: Type.String({ maxLength: 214 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ cleared: Type.String() }), ...errors },
      },
    },
    async (req) => {
      requireInteractive(req.caller);
      const { name } = req.body as { name: string };
      await registry.clearOverride(req.caller.actor, name, originOf(req));
      return { cleared: name };
    },
  );
}
