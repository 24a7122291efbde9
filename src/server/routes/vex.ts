import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type Advisory, toOpenVex, OPENVEX_PATH as VEX_PATH } from '../../advisories/index.js';
import { dependencyList } from '../../files/index.js';
import { bundledMeta } from '../../store/index.js';
import type { AppDeps } from '../deps.js';
import { advisoryPath } from '../pages/html.js';
import { lookupFor } from './lookup.js';
import { ErrorSchema } from './schemas.js';

/** As the other exports: a minute old in caches at most, revalidated by ETag after that. */
const VEX_CACHE = 'public, max-age=60';

const NOTHING = JSON.stringify({
  statusCode: 404,
  code: 'E_NOT_FOUND',
  error: 'Not Found',
  message: 'the database holds no Node.js core advisory and no dependency assessment: nothing to state',
});

/** `GET /vex/node.openvex.json`: OpenVEX 0.2.0 for Node.js core, as the Working Group publishes it. */
export async function vexRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const lookup = await lookupFor(app, deps);
  const dependencies = () =>
    deps.vexDependencies ?? { list: dependencyList(), modified: bundledMeta().commitDate };

  app.get(
    VEX_PATH,
    {
      schema: {
        summary: 'OpenVEX 0.2.0 for Node.js core (node.openvex.json)',
        description:
          'A `fixed` statement per CVE of each published core advisory, its products `pkg:nodejs/node@v<version>` for ' +
          'the least version of each line of its patched range; a `not_affected` statement with a justification per ' +
          'dependency CVE the Working Group assessed as not reaching Node.js. The timestamp is the newest change to ' +
          'the data and the version that time in Unix seconds, so the document only changes with the data.',
        tags: ['export'],
        response: {
          200: Type.Object(
            { '@context': Type.String(), '@id': Type.String(), version: Type.Integer() },
            {
              additionalProperties: true,
              description: 'an OpenVEX 0.2.0 document (https://github.com/openvex/spec)',
            },
          ),
          304: Type.Null({ description: 'not modified: the ETag in If-None-Match is current' }),
          404: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      await lookup.refresh();
      const made = await lookup.memo('openvex', async () => {
        const core: Advisory[] = [];
        for await (const r of lookup.store.all('core')) core.push(JSON.parse(r.record) as Advisory);
        const { list, modified } = dependencies();
        const base = deps.config.publicUrl;
        const doc = toOpenVex(core, list, {
          id: `${base}${VEX_PATH}`,
          advisoryUrl: (id) => `${base}${advisoryPath(id)}`,
          listModified: modified,
        });
        if (!doc) return null;
        const body = `${JSON.stringify(doc, null, 2)}\n`;
        return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      });
      if (!made)
        return reply
          .code(404)
          .header('cache-control', 'no-store')
          .type('application/json; charset=utf-8')
          .send(NOTHING);
      void reply.header('cache-control', VEX_CACHE).header('etag', made.etag);
      if (req.headers['if-none-match'] === made.etag) return reply.code(304).send();
      // serialized as is: the document was made to the OpenVEX schema, a response schema would only strip it
      return reply.type('application/json; charset=utf-8').send(made.body);
    },
  );
}
