import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { strToU8 } from 'fflate';
import {
  type Advisory,
  type AdvisoryKind,
  idFromOsv,
  osvIdOf,
  parseWgId,
  toNswgCore,
  toNswgNpm,
  toOsv,
} from '../../advisories/index.js';
import { NswgError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { feedRoutes } from './feed.js';
import { lookupFor } from './lookup.js';
import { ErrorSchema } from './schemas.js';
import { type ZipEntry, zipStream } from './zip-stream.js';

/** Exports may be a minute old in caches: the data changes by imports, rarely. */
const EXPORT_CACHE = 'public, max-age=60';

const Kind = Type.Union([Type.Literal('npm'), Type.Literal('core')], {
  description: 'npm packages or Node.js core',
});
const Binary = (description: string) => Type.String({ description });

/** Pretty JSON with a final newline, as `nswg db export` writes files. */
const fileText = (value: unknown) => strToU8(`${JSON.stringify(value, null, 2)}\n`);

/**
 * Bulk data as osv.dev publishes it (`all.zip` with one OSV record per advisory, `modified_id.csv`),
 * per kind, and the Working Group's own layout (`nswg.zip`); the Atom feed (feed.ts).
 */
export async function exportRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const lookup = await lookupFor(app, deps);
  /** Every advisory (of a kind), parsed, by id. */
  async function* advisories(kind?: AdvisoryKind): AsyncGenerator<Advisory> {
    for await (const r of lookup.store.all(kind)) yield JSON.parse(r.record) as Advisory;
  }

  app.get(
    '/v1/export/:kind/all.zip',
    {
      schema: {
        summary: 'Every advisory of a kind as OSV, one JSON file each (as osv.dev’s all.zip)',
        description:
          'Files are named after the OSV id (`x_NSWG-ECO-1.json`, `GHSA-….json`). The archive is built while it is sent.',
        tags: ['export'],
        params: Type.Object({ kind: Kind }),
        response: { 200: Binary('application/zip'), 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { kind } = req.params as { kind: AdvisoryKind };
      async function* entries(): AsyncGenerator<ZipEntry> {
        for await (const a of advisories(kind))
          yield { name: `${osvIdOf(a.id)}.json`, data: fileText(toOsv(a)) };
      }
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="nswg-${kind}-osv.zip"`)
        .header('cache-control', EXPORT_CACHE)
        .send(zipStream(entries()));
    },
  );

  app.get(
    '/v1/export/:kind/modified_id.csv',
    {
      schema: {
        summary: 'Each advisory’s last modification and OSV id, newest first (as osv.dev’s modified_id.csv)',
        description:
          'Lines `<modified>,<id>` (RFC 3339 UTC time, OSV id), no header. Mirrors fetch only what changed: see `nswg db sync`.',
        tags: ['export'],
        params: Type.Object({ kind: Kind }),
        response: { 200: Binary('text/csv'), 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { kind } = req.params as { kind: AdvisoryKind };
      await lookup.refresh();
      const csv = await lookup.memo(`modified_id.${kind}`, async () =>
        (await lookup.store.modifiedIndex(kind)).map((r) => `${r.modified},${osvIdOf(r.id)}\n`).join(''),
      );
      return reply.type('text/csv; charset=utf-8').header('cache-control', EXPORT_CACHE).send(csv);
    },
  );

  app.get(
    '/v1/export/:kind/:file',
    {
      schema: {
        summary: 'One advisory of a kind as an OSV file (as osv.dev’s `<ID>.json`)',
        description:
          'The files all.zip holds, one at a time, named by OSV id: what a mirror fetches for each line of modified_id.csv.',
        tags: ['export'],
        params: Type.Object({ kind: Kind, file: Type.String({ pattern: '^[^/]{1,200}\\.json$' }) }),
        response: { 200: Binary('application/json'), 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { kind, file } = req.params as { kind: AdvisoryKind; file: string };
      const id = idFromOsv(file.slice(0, -'.json'.length));
      await lookup.refresh();
      const row = await lookup.store.byId(id);
      const a = row ? (JSON.parse(row.record) as Advisory) : null;
      if (!a || a.kind !== kind)
        throw new NswgError('E_NOT_FOUND', `no ${kind} advisory has the id ${JSON.stringify(id)}`, {
          field: 'file',
        });
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', EXPORT_CACHE)
        .send(Buffer.from(fileText(toOsv(a))));
    },
  );

  app.get(
    '/v1/export/nswg.zip',
    {
      schema: {
        summary: 'The Working Group’s own layout: npm/<n>.json and core/<n>.json',
        description:
          'Exactly the files `nswg db export --format nswg` writes; advisories from other databases are not in it.',
        tags: ['export'],
        response: { 200: Binary('application/zip') },
      },
    },
    async (_req, reply) => {
      async function* entries(): AsyncGenerator<ZipEntry> {
        for await (const a of advisories()) {
          const wg = parseWgId(a.id);
          if (!wg) continue;
          const json = wg.kind === 'npm' ? toNswgNpm(a) : toNswgCore(a, { withId: false });
          yield { name: `${wg.kind}/${wg.number}.json`, data: fileText(json) };
        }
      }
      return reply
        .type('application/zip')
        .header('content-disposition', 'attachment; filename="nswg.zip"')
        .header('cache-control', EXPORT_CACHE)
        .send(zipStream(entries()));
    },
  );

  await feedRoutes(app, deps, lookup);
}
