import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseCveId, publicCveRecord } from '../../disclosure/index.js';
import type { AppDeps } from '../deps.js';
import { advisoryPath } from '../pages/html.js';
import { ErrorSchema } from './schemas.js';

// One answer for every id without a public record, whatever the id's state: a pending id (assigned to
// a report still private) must not be told apart from one never issued.
const NOT_FOUND = JSON.stringify({
  statusCode: 404,
  code: 'E_NOT_FOUND',
  error: 'Not Found',
  message: 'no CVE record of this program has this id',
});
const NOT_SERVED = JSON.stringify({
  statusCode: 404,
  code: 'E_NOT_FOUND',
  error: 'Not Found',
  message:
    'this server publishes no CVE records: its CNA organization id and short name are not configured (nswg serve --cna-org-id, --cna-short-name)',
});

/** `<id>.json`; the id's syntax is the program's one (parseCveId). */
const FILE = /^(.{1,40})\.json$/;

/** The program's CVE records as a CNA: GET /cve/{CVE-ID}.json. */
export async function cveRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/cve/:file',
    {
      schema: {
        summary: "One CVE record of the program's, as CVE JSON 5.1",
        description:
          'For a CVE id the program assigned from its blocks: the PUBLISHED record of its advisory once announced, ' +
          'the REJECTED record when its report was closed without publication. Any other id (unknown, not yet ' +
          'public, another CNA’s, malformed) gets the same 404. Without the CNA configured, every id gets a 404 saying so.',
        tags: ['cve'],
        params: Type.Object({
          file: Type.String({ description: 'the CVE id and .json: CVE-2026-1000.json' }),
        }),
        response: {
          200: Type.Object(
            { dataType: Type.Literal('CVE_RECORD'), dataVersion: Type.String() },
            {
              additionalProperties: true,
              description: 'a CVE JSON 5.1 record (https://github.com/CVEProject/cve-schema)',
            },
          ),
          404: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const cna = deps.config.cna;
      const notFound = (body: string) =>
        reply
          .code(404)
          .header('cache-control', 'no-store')
          .type('application/json; charset=utf-8')
          .send(body);
      if (!cna) return notFound(NOT_SERVED);
      const m = FILE.exec((req.params as { file: string }).file);
      if (!m || !parseCveId(m[1]!)) return notFound(NOT_FOUND);
      const p = await deps.store.reports.publicCve(m[1]!);
      if (!p) return notFound(NOT_FOUND);
      const advisory = p.advisoryId ? await deps.store.advisories.get(p.advisoryId) : null;
      const record = publicCveRecord(p, advisory, cna, (id) => `${deps.config.publicUrl}${advisoryPath(id)}`);
      if (!record) return notFound(NOT_FOUND);
      // serialized as is: the record was made to the CVE schema, a response schema would only strip it
      return reply
        .header('cache-control', 'public, max-age=60')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(record));
    },
  );
}
