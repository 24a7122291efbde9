import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { CVSS_FORM_JS } from './cvss-form-js.js';
import { DISCLOSURE_CSS } from './disclosure-css.js';

interface Asset {
  path: string;
  type: string;
  body: Buffer;
  etag: string;
}

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body, etag: `"${hash}"` };
}

const JS = 'text/javascript; charset=utf-8';
let built: { css: Asset; cvssForm: Asset; cvssLib: Asset } | null = null;

/**
 * The program's stylesheet and scripts: the CVSS library's browser build (the one the server scores
 * with, read from its package once) and the small calculator script that uses it.
 */
export function disclosureAssets(): { css: Asset; cvssForm: Asset; cvssLib: Asset } {
  if (!built) {
    const lib = createRequire(import.meta.url).resolve('ae-cvss-calculator');
    built = {
      css: asset('disclosure', 'css', 'text/css; charset=utf-8', Buffer.from(DISCLOSURE_CSS, 'utf8')),
      cvssForm: asset('cvss-form', 'js', JS, Buffer.from(CVSS_FORM_JS, 'utf8')),
      cvssLib: asset('cvss-lib', 'js', JS, readFileSync(lib)),
    };
  }
  return built;
}

/** Serves them under content-hashed names, cached for a year. */
export function disclosureAssetRoutes(app: FastifyInstance): void {
  for (const a of Object.values(disclosureAssets())) {
    app.get(a.path, { schema: { hide: true } }, async (req, reply) => {
      void reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', a.etag)
        .type(a.type);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return reply.send(a.body);
    });
  }
}
