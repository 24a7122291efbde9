import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A stylesheet, script or image the pages link to. */
export interface Asset {
  /** The URL path, with a hash of the content in the file name so it can be cached for good. */
  path: string;
  type: string;
  body: Buffer;
  etag: string;
}

/** An asset named `name.<hash>.ext` after its content. */
export function asset(name: string, ext: string, type: string, content: string | Buffer): Asset {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body, etag: `"${hash}"` };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Serves assets under their content-hashed names: cached for a year, ETag revalidation otherwise. */
export function serveAssets(app: FastifyInstance, assets: Iterable<Asset>): void {
  for (const a of assets) {
    app.get(a.path, { schema: { hide: true } }, async (req, reply) => {
      void reply.header('cache-control', IMMUTABLE).header('etag', a.etag).type(a.type);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return reply.send(a.body);
    });
  }
}
