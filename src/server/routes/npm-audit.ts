import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { entriesHolding, entryHolds } from '../../scan/index.js';
import { parseVersion } from '../../versions/index.js';
import { acceptJsonBodies, jsonBodyLimits } from '../body.js';
import type { AppDeps } from '../deps.js';
import type { JsonLimits } from '../json-limits.js';
import {
  type AdvisoryLookup,
  type AliasGroup,
  aliasAnswers,
  bulkEntries,
  type CachedAdvisory,
  lookupFor,
} from './lookup.js';
import { legacyAudit, TREE_LIMITS } from './npm-legacy-audit.js';
import { limitPostRequests } from './rate-limit.js';
import { registryRoutes } from './registry.js';
import { Dictionary, errorResponses } from './schemas.js';

/** Package names in one bulk request (npm sends one per installed package name). */
export const MAX_BULK_NAMES = 50_000;
/**
 * The bulk body's limits, sized to MAX_BULK_NAMES names as npm sends them: about 26 bytes and 1.3
 * versions a name on a real lockfile, so 64 bytes a name, and 4 values (the name, its list, two
 * versions on average).
 */
const BULK_LIMITS: JsonLimits = {
  bytes: MAX_BULK_NAMES * 64,
  values: MAX_BULK_NAMES * 4,
  depth: 4,
  reason: `sized for ${MAX_BULK_NAMES} package names`,
};

const Severity = Type.Union(['info', 'low', 'moderate', 'high', 'critical'].map((s) => Type.Literal(s)));
const Cvss = Type.Object({ score: Type.Number(), vectorString: Type.Union([Type.String(), Type.Null()]) });

const BulkAdvisory = Type.Object({
  id: Type.Integer({
    description: 'NSWG-ECO-<n> → n; other databases’ advisories a stable number above 10^9',
  }),
  url: Type.String({ description: "the advisory's page on this server" }),
  title: Type.String(),
  severity: Severity,
  vulnerable_versions: Type.String(),
  cwe: Type.Array(Type.String()),
  cvss: Cvss,
});

const Finding = Type.Object({
  version: Type.String(),
  paths: Type.Array(Type.String()),
  dev: Type.Boolean(),
  optional: Type.Boolean(),
  bundled: Type.Boolean(),
});
const Person = Type.Union([Type.Object({ name: Type.String() }), Type.Null()]);
const LegacyAdvisory = Type.Object({
  findings: Type.Array(Finding),
  id: Type.Integer(),
  title: Type.String(),
  module_name: Type.String(),
  vulnerable_versions: Type.String(),
  patched_versions: Type.String(),
  overview: Type.String(),
  recommendation: Type.String(),
  references: Type.String(),
  severity: Severity,
  cwe: Type.String(),
  cves: Type.Array(Type.String()),
  cvss: Cvss,
  access: Type.String(),
  url: Type.String(),
  created: Type.String(),
  updated: Type.String(),
  deleted: Type.Null(),
  found_by: Person,
  reported_by: Person,
  metadata: Type.Object({
    module_type: Type.String(),
    exploitability: Type.Number(),
    affected_components: Type.String(),
  }),
  github_advisory_id: Type.Optional(Type.String()),
});
const LegacyReport = Type.Object({
  actions: Type.Array(
    Type.Object({
      action: Type.String(),
      module: Type.String(),
      resolves: Type.Array(
        Type.Object({
          id: Type.Integer(),
          path: Type.String(),
          dev: Type.Boolean(),
          optional: Type.Boolean(),
          bundled: Type.Boolean(),
        }),
      ),
    }),
  ),
  advisories: Dictionary(LegacyAdvisory, 'by advisory number'),
  muted: Type.Array(Type.Unknown()),
  metadata: Type.Object({
    vulnerabilities: Type.Object({
      info: Type.Integer(),
      low: Type.Integer(),
      moderate: Type.Integer(),
      high: Type.Integer(),
      critical: Type.Integer(),
    }),
    dependencies: Type.Integer(),
    devDependencies: Type.Integer(),
    optionalDependencies: Type.Integer(),
    totalDependencies: Type.Integer(),
  }),
  runId: Type.String(),
});

const TreeNode = Type.Object(
  {
    version: Type.Optional(Type.String()),
    dev: Type.Optional(Type.Boolean()),
    optional: Type.Optional(Type.Boolean()),
    dependencies: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'name → node, recursively' }),
    ),
  },
  { additionalProperties: true },
);
const LegacyRequest = Type.Object(
  {
    name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    requires: Type.Optional(Type.Object({}, { additionalProperties: true })),
    dependencies: Type.Optional(Dictionary(TreeNode)),
  },
  { additionalProperties: true, description: 'npm v6 style dependency tree (what yarn 1 and pnpm send)' },
);

type Serialize = (o: { [key: string]: unknown }) => string;

/** An advisory's bulk entries as JSON text with its page's URL, serialized once by the schema and kept. */
function bulkTexts(c: CachedAdvisory, url: string, serialize: Serialize): Map<number, string> {
  if (!c.bulkJson || c.bulkUrl !== url) {
    c.bulkJson = new Map([...bulkEntries(c)].map(([i, b]) => [i, serialize({ ...b, url })]));
    c.bulkUrl = url;
  }
  return c.bulkJson;
}

/**
 * The bulk answer for a request `{name: [versions]}` as JSON text: per name, the advisory entries
 * that hold at least one of the versions, records of one vulnerability (aliases of each other)
 * answered once, by the record naming it (as the audit joins them). Each entry's text is made once and kept with the cached
 * advisory, so a repeated audit costs little more than the matching.
 */
async function bulk(
  body: Record<string, string[]>,
  lookup: AdvisoryLookup,
  urlOf: (id: string) => string,
  serialize: Serialize,
): Promise<string> {
  const out: string[] = [];
  const lists = await lookup.packagesFor('npm', new Map(Object.entries(body)));
  for (const [name, versions] of Object.entries(body)) {
    const list = lists.get(name)!;
    if (!list.length) continue;
    const parsed = versions.map((v) => parseVersion(v));
    const hits: string[] = [];
    let answers: Map<AliasGroup, Map<CachedAdvisory, number[][]>> | undefined;
    for (const c of list) {
      // not loaded: it holds none of the versions (packagesFor)
      if (!c.loaded || c.withdrawn) continue;
      if (c.aliasGroup) {
        // records of one vulnerability: only the one naming it answers (worked out per group, rarely)
        answers ??= new Map();
        let answer = answers.get(c.aliasGroup);
        if (!answer) {
          answer = aliasAnswers(c.aliasGroup, versions.length, (x, k) =>
            entriesHolding(x, 'npm', name, versions[k]!, parsed[k]!),
          );
          answers.set(c.aliasGroup, answer);
        }
        const entries = new Set(answer.get(c)!.flat());
        if (entries.size) {
          const texts = bulkTexts(c, urlOf(c.id), serialize);
          for (const i of [...entries].sort((x, y) => x - y)) hits.push(texts.get(i)!);
        }
        continue;
      }
      let texts: Map<number, string> | undefined;
      for (let i = 0; i < c.matchers.length; i++) {
        if (!versions.some((v, k) => entryHolds(c, i, 'npm', name, v, parsed[k]!))) continue;
        texts ??= bulkTexts(c, urlOf(c.id), serialize);
        hits.push(texts.get(i)!);
      }
    }
    if (hits.length) out.push(`${JSON.stringify(name)}:[${hits.join(',')}]`);
  }
  return `{${out.join(',')}}`;
}

/**
 * npm's audit endpoints: the bulk advisory endpoint of `npm audit` (npm 7 and later) and the
 * retired `audits` and `audits/quick` that yarn 1 and pnpm still call; package metadata requests
 * go to the upstream registry, or get 404 (registry.ts).
 */
export async function npmAuditRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  acceptJsonBodies(app);
  await limitPostRequests(app, deps, 'npm');
  const lookup = await lookupFor(app, deps);
  const urlOf = (id: string) => `${deps.config.publicUrl}/advisories/${encodeURIComponent(id)}`;

  app.post(
    '/-/npm/v1/security/advisories/bulk',
    {
      ...jsonBodyLimits(BULK_LIMITS),
      schema: {
        summary: "npm audit's bulk advisory endpoint",
        description:
          'Body: `{package name: [installed versions]}`, plain or gzip. Answer: per package name, the advisories affecting at least ' +
          'one of the versions (npm semver semantics, prereleases included), in the shape npm audit reads.',
        tags: ['npm'],
        body: Dictionary(
          Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10_000 }),
          'package name → versions installed',
        ),
        response: { 200: Dictionary(Type.Array(BulkAdvisory)), ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = req.body as Record<string, string[]>;
      if (Object.keys(body).length > MAX_BULK_NAMES) {
        throw Object.assign(new Error(`at most ${MAX_BULK_NAMES} package names in one request`), {
          statusCode: 400,
          code: 'E_REQUEST_INVALID',
        });
      }
      await lookup.refresh();
      const text = await bulk(body, lookup, urlOf, reply.compileSerializationSchema(BulkAdvisory));
      return reply.type('application/json; charset=utf-8').send(text);
    },
  );

  for (const url of ['/-/npm/v1/security/audits', '/-/npm/v1/security/audits/quick']) {
    app.post(
      url,
      {
        ...jsonBodyLimits(TREE_LIMITS),
        schema: {
          summary: url.endsWith('quick')
            ? 'Quick audit of a dependency tree (pnpm, npm 6)'
            : 'Audit of a dependency tree (yarn 1, npm 6)',
          description:
            'The audit endpoints npm retired, as yarn 1 and pnpm still call them: an npm v6 style dependency tree in, ' +
            'the advisories with their findings (paths through the tree), a review action per advisory and counts out.',
          tags: ['npm'],
          body: LegacyRequest,
          response: { 200: LegacyReport, ...errorResponses },
        },
      },
      async (req) => {
        await lookup.refresh();
        return legacyAudit(req.body, lookup, urlOf);
      },
    );
  }

  await registryRoutes(app, deps);
}
