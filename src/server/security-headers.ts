import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers helmet sets with these options, worked out once: helmet's middleware is
 * run on a stand-in response that records what it sets.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (e?: unknown) => {
    failed = e;
  });
  if (failed) throw failed;
  return Object.freeze(headers);
}

/**
 * Sets helmet's headers on every answer, pages and API alike (a route may still change one, as
 * the API docs do for their stylesheet). They are the same for every request, so they are worked
 * out once at start-up: helmet's own Fastify plugin builds its middleware again for each request,
 * which cost more than many API answers themselves.
 */
export function addSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
