import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';

/** Collects every route's schema into the OpenAPI document served at /openapi.json. */
export async function registerOpenApi(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'nswg', description: 'The Node.js Security Working Group advisory database and disclosure program', version: '0.1.0' },
      servers: [{ url: deps.config.publicUrl }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
