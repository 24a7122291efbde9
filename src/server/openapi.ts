import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';

/** The hash of the one <style> element Swagger UI inserts (the docs browser test notices a change). */
export const SWAGGER_UI_STYLE_HASH = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';

/**
 * Collects every route's schema into the OpenAPI document served at /openapi.json, and serves
 * Swagger UI at /docs. Swagger UI's page loads only its own files (no inline script), so it runs
 * under the site's strict Content-Security-Policy; the validator badge (an image from elsewhere)
 * is turned off.
 */
export async function registerOpenApi(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'nswg',
        // Swagger UI renders this Markdown at the top of /docs: the way back to the site's pages
        description:
          '[← The advisory database’s pages](/) · [Node.js](/node) · [Report a vulnerability](/disclosure/reports/new)\n\n' +
          'The Node.js Security Working Group advisory database: npm’s audit endpoints, the OSV API, bulk exports. ' +
          'Errors are JSON: `{statusCode, code, error, message, field?}`.',
        version: '0.1.0',
      },
      servers: [{ url: deps.config.publicUrl }],
      tags: [
        { name: 'npm', description: 'npm audit, yarn 1 and pnpm audit endpoints' },
        { name: 'osv', description: 'The OSV API (osv.dev)' },
        { name: 'export', description: 'Bulk data and the feed' },
        { name: 'registry', description: 'Package metadata: passed to the upstream registry, or 404' },
        { name: 'operations', description: 'Health' },
      ],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: true },
    // helmet's strict policy holds for these files too, with one exception: Swagger UI's bundle
    // inserts one fixed <style> element at start-up, allowed by its hash (not by 'unsafe-inline')
    transformStaticCSP: (header) =>
      header.replace("style-src 'self'", `style-src 'self' '${SWAGGER_UI_STYLE_HASH}'`),
    theme: { title: 'nswg API' },
  });
}
