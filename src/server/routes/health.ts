import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';

/** `GET /healthz`: the process answers and the database does too. */
export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        description: 'Liveness and database health',
        tags: ['operations'],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            advisories: Type.Integer(),
            database: Type.String(),
          }),
          503: Type.Object({ status: Type.Literal('unavailable'), message: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        const stats = await deps.store.advisories.stats();
        return { status: 'ok' as const, advisories: stats.total, database: deps.store.target.kind };
      } catch (e) {
        return reply.code(503).send({ status: 'unavailable' as const, message: (e as Error).message });
      }
    },
  );
}
