import type { FastifyInstance } from 'fastify';
import { securityTxt } from '../../disclosure/index.js';
import type { AppDeps } from '../deps.js';

const PATH = '/.well-known/security.txt';

/**
 * The server's security.txt (RFC 9116), from its configuration and its clock: GET
 * /.well-known/security.txt, and the legacy /security.txt redirected there.
 */
export async function securityTxtRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    PATH,
    {
      schema: {
        summary: "The server's security.txt (RFC 9116)",
        description:
          'Where to report vulnerabilities: the configured contacts and the report form, the disclosure policy, ' +
          'the hall of fame, the preferred language and the canonical URL; it expires 180 days after the request.',
        tags: ['disclosure'],
      },
    },
    async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        // an hour: the Expires it carries moves with the clock, and a day's drift is nothing to it
        .header('cache-control', 'public, max-age=3600')
        .send(
          securityTxt({
            publicUrl: deps.config.publicUrl,
            contacts: deps.config.securityContacts,
            now: deps.clock.now(),
          }),
        ),
  );
  // RFC 9116 §3: a file at the top level is for legacy clients; send them to the one place
  app.get('/security.txt', { schema: { hide: true } }, async (_req, reply) => reply.redirect(PATH, 301));
}
