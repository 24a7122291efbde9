import type { FastifyInstance } from 'fastify';
import { asset, serveAssets } from '../../assets.js';
import { SITE_CSS } from './site-css.js';
import { ICON_SVG, SITE_JS } from './site-js.js';

/** The stylesheet, script and icon every page links to. */
export const ASSETS = {
  css: asset('site', 'css', 'text/css; charset=utf-8', SITE_CSS),
  js: asset('site', 'js', 'text/javascript; charset=utf-8', SITE_JS),
  icon: asset('icon', 'svg', 'image/svg+xml', ICON_SVG),
} as const;

/** Serves the assets: content-hashed names cached for a year, ETag revalidation otherwise. */
export function assetRoutes(app: FastifyInstance): void {
  serveAssets(app, Object.values(ASSETS));
  // Browsers ask for /favicon.ico whatever the page says.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=86400').type(ASSETS.icon.type).send(ASSETS.icon.body),
  );
}
