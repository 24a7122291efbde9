import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  type Advisory,
  CSAF_PROVIDER_METADATA_PATH,
  CSAF_WHITE_PATH,
  type CsafSite,
  csafSite,
} from '../../advisories/index.js';
import { csafReleasesOf } from '../../disclosure/index.js';
import type { AppDeps } from '../deps.js';
import { lookupFor } from './lookup.js';
import { ErrorSchema } from './schemas.js';

/** Like the other exports: a minute old in caches at most. */
const CACHE = 'public, max-age=60';

// One answer for every path that holds no document, so that nothing is told apart.
const NOT_FOUND = JSON.stringify({
  statusCode: 404,
  code: 'E_NOT_FOUND',
  error: 'Not Found',
  message: 'no CSAF document has this path',
});

const json = { 200: Type.Object({}, { additionalProperties: true }), 404: ErrorSchema };

/**
 * The server as a CSAF 2.0 provider (§7.1 requirements 7, 9, 11–13): the provider metadata at its
 * well-known URL, and the TLP:WHITE directory with `index.txt`, `changes.csv` and one
 * `csaf_security_advisory` per Node.js core advisory under `<year>/<file>.json`.
 */
export async function csafRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const lookup = await lookupFor(app, deps);
  async function site(): Promise<CsafSite> {
    await lookup.refresh();
    return lookup.memo('csaf', async () => {
      const list: Advisory[] = [];
      for await (const r of lookup.store.all('core')) list.push(JSON.parse(r.record) as Advisory);
      const publicUrl = deps.config.publicUrl;
      const releases = csafReleasesOf(
        await deps.store.reports.publishedReleases(),
        (id) => `${publicUrl}/disclosure/releases/${encodeURIComponent(id)}`,
      );
      return csafSite(list, releases, { publicUrl }, deps.clock.now());
    });
  }

  app.get(
    CSAF_PROVIDER_METADATA_PATH,
    {
      schema: {
        summary: 'The CSAF 2.0 provider metadata',
        description:
          'Role `csaf_provider`, publisher the Node.js Security Working Group, one TLP:WHITE directory distribution.',
        tags: ['export'],
        response: json,
      },
    },
    async (_req, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .header('cache-control', CACHE)
        .send((await site()).metadata),
  );

  app.get(
    `${CSAF_WHITE_PATH}/index.txt`,
    {
      schema: {
        summary: 'Every CSAF document of the TLP:WHITE directory, one relative path a line',
        tags: ['export'],
      },
    },
    async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', CACHE)
        .send((await site()).index),
  );

  app.get(
    `${CSAF_WHITE_PATH}/changes.csv`,
    {
      schema: {
        summary: 'Each CSAF document’s path and current release date, newest first',
        tags: ['export'],
      },
    },
    async (_req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', CACHE)
        .send((await site()).changes),
  );

  app.get(
    `${CSAF_WHITE_PATH}/:year/:file`,
    {
      schema: {
        summary: 'One CSAF 2.0 security advisory of a Node.js core advisory',
        description:
          'At `<year of its initial release>/<tracking id in lower case>.json`; any other path gets the same 404.',
        tags: ['export'],
        params: Type.Object({
          year: Type.String({ description: 'the year of its initial release: 2026' }),
          file: Type.String({ description: 'the file name: nswg-cor-170.json' }),
        }),
        response: json,
      },
    },
    async (req, reply) => {
      const { year, file } = req.params as { year: string; file: string };
      const text = (await site()).files.get(`${year}/${file}`);
      if (text === undefined)
        return reply
          .code(404)
          .header('cache-control', 'no-store')
          .type('application/json; charset=utf-8')
          .send(NOT_FOUND);
      // sent as made: a response schema would only strip what the CSAF schema allows
      return reply.type('application/json; charset=utf-8').header('cache-control', CACHE).send(text);
    },
  );
}
