import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SITE_CSS } from './site-css.js';
import { ICON_SVG, SITE_JS } from './site-js.js';

interface Asset {
  /** The URL path, with a hash of the content in the file name so it can be cached for good. */
  path: string;
  type: string;
  body: Buffer;
  etag: string;
}

function asset(name: string, ext: string, type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body, etag: `"${hash}"` };
}

/** The stylesheet, script and icon every page links to. */
export const ASSETS = {
  css: asset('site', 'css', 'text/css; charset=utf-8', SITE_CSS),
  js: asset('site', 'js', 'text/javascript; charset=utf-8', SITE_JS),
  icon: asset('icon', 'svg', 'image/svg+xml', ICON_SVG),
} as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Serves the assets: content-hashed names cached for a year, ETag revalidation otherwise. */
export function assetRoutes(app: FastifyInstance): void {
  for (const a of Object.values(ASSETS)) {
    app.get(a.path, { schema: { hide: true } }, async (req, reply) => {
      void reply.header('cache-control', IMMUTABLE).header('etag', a.etag).type(a.type);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return reply.send(a.body);
    });
  }
  // Browsers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type(ASSETS.icon.type).send(ASSETS.icon.body),
  );
}
