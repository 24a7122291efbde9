import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NODE_OSV_PACKAGE, osvIdOf } from '../../advisories/index.js';
import { NswgError } from '../../errors.js';
import { affects } from '../../scan/index.js';
import { parseVersion } from '../../versions/index.js';
import { acceptJsonBodies, jsonBodyLimits } from '../body.js';
import type { AppDeps } from '../deps.js';
import { limitsOfLargest } from '../json-limits.js';
import { type AdvisoryLookup, type CachedAdvisory, lookupFor } from './lookup.js';
import { limitPostRequests } from './rate-limit.js';
import { errorResponses, OsvRecordSchema } from './schemas.js';

/** Full records per /v1/query answer, and {id, modified} per /v1/querybatch result, before paging. */
export const QUERY_PAGE = 100;
export const BATCH_PAGE = 1000;
/** Queries in one /v1/querybatch request, as osv.dev allows. */
export const MAX_BATCH = 1000;

const Query = Type.Object(
  {
    package: Type.Optional(
      Type.Object({
        name: Type.Optional(Type.String({ maxLength: 214 * 2 })),
        ecosystem: Type.Optional(Type.String({ maxLength: 100 })),
        purl: Type.Optional(Type.String({ maxLength: 1024 })),
      }),
    ),
    version: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'the package version; none: every advisory of the package',
      }),
    ),
    commit: Type.Optional(Type.String({ maxLength: 100, description: 'not supported here (400)' })),
    page_token: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { description: 'osv.dev query: a package (name and ecosystem, or purl) and a version' },
);
type QueryBody = Static<typeof Query>;

const BatchBody = Type.Object({ queries: Type.Array(Query, { maxItems: MAX_BATCH }) });
/**
 * The batch's body limits, from its largest valid body: MAX_BATCH queries with every field at its
 * maxLength (about 3 KB each in ASCII, which names, versions, purls and page tokens are), with a
 * margin (json-limits.ts). A larger batch would be refused by the schema anyway, after parsing.
 */
const BATCH_LIMITS = limitsOfLargest(BatchBody, `sized for ${MAX_BATCH} queries`);

/** What a query asks, once checked. */
interface Resolved {
  ecosystem: 'npm' | 'node';
  name: string;
  version: string | null;
  after: string | null;
}

/** A request error pointing at one field, shaped like Fastify's schema validation errors. */
function invalid(path: string, message: string): Error {
  return Object.assign(new Error(message), {
    statusCode: 400,
    validation: [{ instancePath: path, message }],
    validationContext: 'body',
  });
}

const NODE_REPO = /^https?:\/\/github\.com\/nodejs\/node(\.git)?\/?$/i;
const KNOWN = `this database holds npm packages (ecosystem "npm") and Node.js core (ecosystem "${NODE_OSV_PACKAGE.ecosystem}", name "${NODE_OSV_PACKAGE.name}")`;

/** `pkg:npm/%40scope/name@1.0.0` → ecosystem, name, version (purl spec: percent-encoded parts, no qualifiers needed). */
function fromPurl(
  purl: string,
  at: string,
): { ecosystem: 'npm' | 'node' | null; name: string; version: string | null } {
  const m = /^pkg:([a-zA-Z][\w.+-]*)\/([^?#]+?)(?:@([^?#@/]+))?(?:[?#].*)?$/.exec(purl.trim());
  if (!m)
    throw invalid(
      `${at}/package/purl`,
      `not a package URL: ${JSON.stringify(purl)} (expected e.g. pkg:npm/lodash@4.17.4)`,
    );
  let name: string;
  let version: string | null;
  try {
    name = m[2]!.split('/').map(decodeURIComponent).join('/');
    version = m[3] !== undefined ? decodeURIComponent(m[3]) : null;
  } catch {
    throw invalid(`${at}/package/purl`, `badly percent-encoded package URL: ${JSON.stringify(purl)}`);
  }
  const type = m[1]!.toLowerCase();
  if (type === 'npm') return { ecosystem: 'npm', name, version };
  if (type === 'github' && name.toLowerCase() === 'nodejs/node')
    return { ecosystem: 'node', name: 'node', version: version?.replace(/^v/, '') ?? null };
  if (type === 'github') return { ecosystem: null, name, version };
  throw invalid(`${at}/package/purl`, `unknown package URL type "${m[1]}": ${KNOWN}`);
}

/** Checks a query and says what it asks; a 400 naming the field for anything it cannot answer. */
function resolve(q: QueryBody, at: string): Resolved | null {
  if (q.commit !== undefined) {
    throw invalid(
      `${at}/commit`,
      'commit queries are not supported: this database has no git commit ranges; query a package and version',
    );
  }
  const pkg = q.package;
  if (!pkg)
    throw invalid(
      `${at}/package`,
      'a query needs a package: {"package": {"name": …, "ecosystem": "npm"}, "version": …} or {"package": {"purl": …}}',
    );
  let version = q.version === undefined || q.version === '' ? null : q.version;
  let ecosystem: 'npm' | 'node' | null;
  let name: string;
  if (pkg.purl !== undefined) {
    if (pkg.name !== undefined || pkg.ecosystem !== undefined) {
      throw invalid(`${at}/package`, 'give either a purl or a name and ecosystem, not both');
    }
    const p = fromPurl(pkg.purl, at);
    if (p.version !== null && version !== null)
      throw invalid(`${at}/version`, 'the version is given twice: in the purl and in "version"');
    ecosystem = p.ecosystem;
    name = p.name;
    version = p.version ?? version;
  } else {
    if (pkg.ecosystem === undefined)
      throw invalid(`${at}/package/ecosystem`, `a package needs an ecosystem: ${KNOWN}`);
    if (!pkg.name) throw invalid(`${at}/package/name`, 'a package needs a name');
    name = pkg.name;
    if (pkg.ecosystem === 'npm') ecosystem = 'npm';
    else if (pkg.ecosystem === NODE_OSV_PACKAGE.ecosystem) {
      // the store names Node.js core `node` in its own ecosystem, apart from the npm package "node"
      ecosystem = NODE_REPO.test(name) ? 'node' : null;
      name = 'node';
    } else
      throw invalid(
        `${at}/package/ecosystem`,
        `unknown ecosystem ${JSON.stringify(pkg.ecosystem)}: ${KNOWN}`,
      );
  }
  let after: string | null = null;
  if (q.page_token !== undefined && q.page_token !== '') {
    after = Buffer.from(q.page_token, 'base64url').toString('utf8');
    if (!after || Buffer.from(after, 'utf8').toString('base64url') !== q.page_token) {
      throw invalid(`${at}/page_token`, 'not a page token this server gave out');
    }
  }
  // a GIT repository other than Node.js: nothing is known about it
  return ecosystem ? { ecosystem, name, version, after } : null;
}

/**
 * The advisories a resolved query finds, by id, after the page token's id. `npm`: the npm packages
 * already read for this request with its versions (packagesFor), when the caller has them.
 */
function find(
  lookup: AdvisoryLookup,
  r: Resolved,
  npm?: ReadonlyMap<string, CachedAdvisory[]>,
): CachedAdvisory[] | Promise<CachedAdvisory[]> {
  const versions = r.version === null ? null : [r.version];
  // at once when the cache holds what the query needs, as it usually does: no turn of the loop
  const list =
    (r.ecosystem === 'npm' ? npm?.get(r.name) : undefined) ?? lookup.cachedFor(r.ecosystem, r.name, versions);
  if (list) return affecting(list, r);
  return lookup
    .packagesFor(r.ecosystem, new Map([[r.name, versions]]))
    .then((found) => affecting(found.get(r.name)!, r));
}

/** The advisories of a package's list that the query's version (any, when none is given) is affected by. */
function affecting(list: CachedAdvisory[], r: Resolved): CachedAdvisory[] {
  const parsed = r.version === null ? null : parseVersion(r.version);
  // an advisory not loaded holds none of the versions asked about (packagesFor)
  return list.filter(
    (c) =>
      c.loaded && (r.after === null || c.id > r.after) && affects(c, r.ecosystem, r.name, r.version, parsed),
  );
}

/**
 * The rest of a query, after its package, among the kept answers: "*" for any version, "=" and the
 * version; with a page token, the length of that first, then the token (it starts with a digit, so
 * it is never one without a token).
 */
function restOf(r: Resolved): string {
  const v = r.version === null ? '*' : `=${r.version}`;
  return r.after === null ? v : `${v.length}:${v}${r.after}`;
}

/** The answer to a query that no advisory affects, the most common one. */
const NO_VULNS = '{"vulns":[]}';

/** The first `size` of the list, and the token of the next page when there is more. */
function page(list: CachedAdvisory[], size: number): { shown: CachedAdvisory[]; next?: string } {
  if (list.length <= size) return { shown: list };
  const shown = list.slice(0, size);
  return { shown, next: Buffer.from(shown[shown.length - 1]!.id, 'utf8').toString('base64url') };
}

/** The OSV records as JSON text, each serialized once by the OSV record schema and kept with the advisory. */
function osvTexts(lookup: AdvisoryLookup, reply: FastifyReply, list: CachedAdvisory[]): Promise<string[]> {
  return lookup.osvJson(list, reply.compileSerializationSchema(OsvRecordSchema));
}

const NextPageToken = Type.Optional(
  Type.String({ description: 'more results: repeat the query with this page_token' }),
);

/** The OSV API as osv.dev defines it: /v1/query, /v1/querybatch, /v1/vulns/{id}. */
export async function osvRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  acceptJsonBodies(app);
  await limitPostRequests(app, deps, 'osv');
  const lookup = await lookupFor(app, deps);

  app.post(
    '/v1/query',
    {
      schema: {
        summary: 'Advisories affecting one package version (osv.dev /v1/query)',
        description:
          'Full OSV records of the advisories affecting the version (every advisory of the package when no version is given), ' +
          `by id, at most ${QUERY_PAGE} per answer. npm packages: ecosystem "npm". Node.js core: ecosystem "GIT", name ` +
          `"${NODE_OSV_PACKAGE.name}" (or purl pkg:github/nodejs/node@VERSION); an npm package named "node" is not Node.js.`,
        tags: ['osv'],
        body: Query,
        response: {
          200: Type.Object({ vulns: Type.Array(OsvRecordSchema), next_page_token: NextPageToken }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const r = resolve(req.body as QueryBody, '');
      if (!r) return { vulns: [] };
      // the hot path of the API: an answer given before comes from memory, as bytes, and nothing
      // waits for a turn of the loop where none is needed
      const checking = lookup.refresh();
      if (checking) await checking;
      reply.type('application/json; charset=utf-8');
      const rest = restOf(r);
      const kept = lookup.answer(r.ecosystem, r.name, rest);
      if (kept) return reply.send(kept);
      const generation = lookup.generationNow;
      const found = find(lookup, r);
      const { shown, next } = page(Array.isArray(found) ? found : await found, QUERY_PAGE);
      const token = next === undefined ? '' : `,"next_page_token":${JSON.stringify(next)}`;
      const answer = Buffer.from(
        shown.length ? `{"vulns":[${(await osvTexts(lookup, reply, shown)).join(',')}]${token}}` : NO_VULNS,
      );
      lookup.keepAnswer(r.ecosystem, r.name, rest, generation, answer);
      return reply.send(answer);
    },
  );

  app.post(
    '/v1/querybatch',
    {
      ...jsonBodyLimits(BATCH_LIMITS),
      schema: {
        summary: 'Many queries at once (osv.dev /v1/querybatch)',
        description: `At most ${MAX_BATCH} queries. Each result lists ids and modified dates only (fetch records with /v1/vulns/{id}), at most ${BATCH_PAGE} per result, in the order of the queries.`,
        tags: ['osv'],
        body: BatchBody,
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Object({
                vulns: Type.Array(Type.Object({ id: Type.String(), modified: Type.String() })),
                next_page_token: NextPageToken,
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      schemaErrorFormatter: (errors, dataVar) => {
        const tooMany = errors.find((e) => e.keyword === 'maxItems' && e.instancePath === '/queries');
        const message = tooMany
          ? `at most ${MAX_BATCH} queries in one batch: split the request`
          : errors.map((e) => `${dataVar}${e.instancePath} ${e.message}`).join(', ');
        return new Error(message);
      },
    },
    async (req) => {
      const { queries } = req.body as { queries: QueryBody[] };
      const resolved = queries.map((q, i) => resolve(q, `/queries/${i}`));
      await lookup.refresh();
      // every npm package and version of the batch in two reads, read once
      const wants = new Map<string, string[] | null>();
      for (const r of resolved) {
        if (r?.ecosystem !== 'npm') continue;
        const before = wants.get(r.name);
        if (r.version === null || before === null) wants.set(r.name, null);
        else if (before) before.push(r.version);
        else wants.set(r.name, [r.version]);
      }
      const npm = await lookup.packagesFor('npm', wants);
      const results = [];
      for (const r of resolved) {
        if (!r) {
          results.push({ vulns: [] });
          continue;
        }
        const { shown, next } = page(await find(lookup, r, npm), BATCH_PAGE);
        const vulns = shown.map((c) => ({ id: osvIdOf(c.id), modified: c.modified }));
        results.push(next === undefined ? { vulns } : { vulns, next_page_token: next });
      }
      return { results };
    },
  );

  app.get(
    '/v1/vulns/:id',
    {
      schema: {
        summary: 'One advisory as OSV (osv.dev /v1/vulns/{id})',
        description:
          'By id (NSWG-ECO-1), by OSV id (x_NSWG-ECO-1, GHSA-…), or by an alias such as a CVE id (the first advisory by id when several share it), in any case (nswg-eco-1, cve-2014-7205).',
        tags: ['osv'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: OsvRecordSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      await lookup.refresh();
      const found = await lookup.advisory(id);
      if (!found)
        throw new NswgError('E_NOT_FOUND', `no advisory has the id or alias ${JSON.stringify(id)}`, {
          field: 'id',
        });
      return reply
        .header('cache-control', 'public, max-age=60')
        .type('application/json; charset=utf-8')
        .send((await osvTexts(lookup, reply, [found]))[0]);
    },
  );
}
