import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { SCHEMA_VERSION } from '../../store/index.js';
import type { AppDeps } from '../deps.js';

/** How long readiness waits for the database before it says the database did not answer. */
const READY_WAIT_MS = 2_000;

/**
 * Why the server should not be sent requests now, or null when it is ready. The probe is public:
 * the reason names the failure's code, never the database's address or file (the log has the whole
 * error).
 */
async function notReady(deps: AppDeps, log: FastifyBaseLogger): Promise<string | null> {
  // an SQLite connection reads on from a file deleted under it: asking the database cannot tell
  const file = deps.store.fileProblem();
  if (file) return `database: ${file}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const applied = await Promise.race([
      deps.store.schemaVersion(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), READY_WAIT_MS);
      }),
    ]);
    if (applied === 'timeout') return `database: no answer within ${READY_WAIT_MS / 1000} s`;
    if (applied === SCHEMA_VERSION) return null;
    return `schema: the database is at ${applied ?? 'no migration'}, this server needs ${SCHEMA_VERSION}`;
  } catch (e) {
    log.warn({ err: e }, 'not ready: the database failed');
    const code = (e as { code?: unknown }).code;
    return `database: failed${typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : ''}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The probes: `GET /livez` (the process answers: never the database, so that a database outage
 * does not get the process restarted), `GET /readyz` (send it requests: the database answers and
 * its schema is the one this server needs; once the server closes, Fastify answers 503 to every
 * request, return503OnClosing, and refuses new connections) and `GET /healthz` (the process
 * and the database, with the advisories' count: what `nswg` commands read of a server).
 */
export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/livez',
    {
      schema: {
        description: 'Liveness: the process answers (the database is not asked)',
        tags: ['operations'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        description: 'Readiness: the database answers and its schema is current (503 with the reason)',
        tags: ['operations'],
        response: {
          200: Type.Object({ status: Type.Literal('ready') }),
          503: Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() }),
        },
      },
    },
    async (req, reply) => {
      const reason = await notReady(deps, req.log);
      reply.header('cache-control', 'no-store');
      if (reason) return reply.code(503).send({ status: 'unavailable' as const, reason });
      return { status: 'ready' as const };
    },
  );
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
