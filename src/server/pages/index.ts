import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Advisory, advisoryIdForms, staleNpmData } from '../../advisories/index.js';
import { publicNoteView } from '../../disclosure/index.js';
import { releaseSchedule } from '../../files/index.js';
import {
  type AskedNodeVersion,
  askedNodeVersion,
  checkNode,
  nodeUpgrade,
  PLATFORMS,
} from '../../scan/index.js';
import { parseVersion } from '../../versions/index.js';
import type { AppDeps } from '../deps.js';
import { assetRoutes } from './assets/index.js';
import { advisoryPath, html, type SafeHtml } from './html.js';
import { groupByReleaseLine } from './node-lines.js';
import { advisoryPage, aliasChoicePage } from './views/advisory.js';
import { homePage, notFoundPage, type SearchResult, searchPage } from './views/home.js';
import { type NodeCheck, nodePage, releaseLineSections } from './views/node.js';
import { affectsPackage, packagePage, type VersionCheck } from './views/package.js';

export { ASSETS } from './assets/index.js';
export { escapeHtml, type Html, html, raw, SafeHtml, safeUrl } from './html.js';
export { renderMarkdown } from './markdown.js';

const PAGE_SIZE = 50;
const LATEST = 25;
/** More core advisories than there will ever be (171 in twelve years). */
const ALL_CORE = 100_000;
/** Pages change when the database is re-imported: caches may keep them a minute. */
const PAGE_CACHE = 'public, max-age=60';

/** Pages are not part of the API: keep them out of the OpenAPI document. */
const hidden = { schema: { hide: true } };

function send(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', status < 400 ? PAGE_CACHE : 'no-cache')
    .send(page.value);
}

/** One query parameter as text (the first when repeated), trimmed and bounded; '' when absent. */
function param(req: FastifyRequest, key: string, max = 256): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[key];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, max) : '';
}

/** Registers the web pages: home, search, advisory, package and Node.js pages, and their assets. */
/** The CVE ids of an advisory whose record this server serves: announced ids of the program's blocks. */
async function servedCveRecords(deps: AppDeps, a: Advisory): Promise<string[]> {
  if (!deps.config.cna) return [];
  const out: string[] = [];
  for (const alias of a.aliases) {
    if (!alias.startsWith('CVE-')) continue;
    const p = await deps.store.reports.publicCve(alias);
    if (p?.state === 'announced' && p.advisoryId === a.id && !a.withdrawn) out.push(alias);
  }
  return out;
}

export async function pageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const advisories = deps.store.advisories;
  assetRoutes(app);

  const notFound = (reply: FastifyReply, what: string, detail?: SafeHtml) =>
    send(reply, notFoundPage(what, detail), 404);

  app.get('/', hidden, async (req, reply) => {
    const page = Math.min(1000, Math.max(1, Number.parseInt(param(req, 'page'), 10) || 1));
    // one more than shown tells whether there is an older page
    const [rows, summary] = await Promise.all([
      advisories.latest(LATEST + 1, (page - 1) * LATEST),
      advisories.summary(),
    ]);
    return send(
      reply,
      homePage({
        latest: rows.slice(0, LATEST),
        page,
        more: rows.length > LATEST,
        freshness: summary.freshness,
        staleNpm: staleNpmData(summary.freshness, deps.clock.now()),
      }),
    );
  });

  app.get('/search', hidden, async (req, reply) => {
    const query = param(req, 'q', 200);
    if (!query) return reply.redirect('/', 302);
    const page = Math.min(1000, Math.max(1, Number.parseInt(param(req, 'page'), 10) || 1));
    // npm names are lower case now; older ones (JSONStream) are not: try as typed, then lower case.
    const lower = query.toLowerCase();
    const [named, pkgAdvisories, hits] = await Promise.all([
      advisories.resolve(query),
      advisories
        .forPackage(query)
        .then(async (list) => (list.length || lower === query ? list : advisories.forPackage(lower))),
      advisories.search(query, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
    ]);
    // An id or a CVE, in any spelling, that names one advisory: go there.
    if (page === 1 && named.length === 1) return reply.redirect(advisoryPath(named[0]!.id), 302);
    const result: SearchResult = {
      query,
      pkg: pkgAdvisories.length
        ? {
            name: pkgAdvisories[0]!.affected.find((x) => x.name.toLowerCase() === lower)?.name ?? query,
            count: pkgAdvisories.length,
          }
        : null,
      exact: named.length > 1 ? named : [],
      hits: hits.slice(0, PAGE_SIZE),
      page,
      more: hits.length > PAGE_SIZE,
    };
    return send(reply, searchPage(result));
  });

  // The bare collections have no page of their own: the home page lists and searches them.
  for (const path of ['/advisories', '/packages'])
    app.get(path, hidden, async (_req, reply) => reply.redirect('/', 302));

  app.get<{ Params: { id: string } }>('/advisories/:id', hidden, async (req, reply) => {
    const id = req.params.id;
    // the id in any spelling (x_NSWG-ECO-1, nswg-eco-1), or an alias (a CVE): one advisory or several
    const named = await advisories.resolve(id);
    const found = named.length === 1 ? named[0]! : null;
    if (found?.id === id) return send(reply, advisoryPage(found, await servedCveRecords(deps, found)));
    if (found) return reply.redirect(advisoryPath(found.id), 302);
    if (named.length > 1) return send(reply, aliasChoicePage(advisoryIdForms(id).at(-1)!, named));
    return notFound(
      reply,
      `There is no advisory ${id}.`,
      html`<p>Search for it: <a href="/search?q=${encodeURIComponent(id)}">${id}</a>.</p>`,
    );
  });

  const packageHandler = async (name: string, req: FastifyRequest, reply: FastifyReply) => {
    const list = await advisories.forPackage(name);
    // the team's notes for the maintainer (from reports that were no vulnerability): no advisory, no CVE
    const notes = (await deps.store.reports.publicNotes({ packageName: name })).map(publicNoteView);
    if (!list.length && !notes.length)
      return notFound(reply, `There is no advisory for the npm package ${name}.`);
    const input = param(req, 'version');
    let check: VersionCheck = { kind: 'none' };
    if (input) {
      const v = parseVersion(input);
      check = v
        ? {
            kind: 'checked',
            version: v.version,
            affecting: list.filter((a) => affectsPackage(a, name, v.version)),
          }
        : { kind: 'invalid', input };
    }
    return send(reply, packagePage(name, list, check, notes), check.kind === 'invalid' ? 400 : 200);
  };
  app.get<{ Params: { name: string } }>('/packages/:name', hidden, async (req, reply) =>
    packageHandler(req.params.name, req, reply),
  );
  app.get<{ Params: { scope: string; name: string } }>(
    '/packages/:scope/:name',
    hidden,
    async (req, reply) => {
      const { scope, name } = req.params;
      if (!scope.startsWith('@')) return notFound(reply, `There is no npm package ${scope}/${name}.`);
      return packageHandler(`${scope}/${name}`, req, reply);
    },
  );

  // The release line sections depend only on the core advisories: keep the last rendering, keyed on
  // their ids and modification dates (grouping and rendering take longer than reading them).
  let lines: { key: string; html: SafeHtml } | null = null;
  app.get('/node', hidden, async (req, reply) => {
    // Through the (kind, modified) index: all() walks every id, which is slow among many npm advisories.
    const core = await advisories.search('', { kind: 'core', limit: ALL_CORE });
    core.sort((a, b) => coreNumber(b) - coreNumber(a));
    const key = core.map((a) => `${a.id}@${a.modified}`).join(',');
    if (lines?.key !== key) lines = { key, html: releaseLineSections(groupByReleaseLine(core)) };
    const input = param(req, 'version');
    // a page cannot know the reader's machine: every platform unless one is chosen
    const asked = param(req, 'platform');
    const platform = PLATFORMS.includes(asked) ? asked : 'all';
    let check: NodeCheck = { kind: 'none', platform };
    if (input) check = checkNodeVersion(input, platform, core, deps);
    return send(reply, nodePage(lines.html, core.length, check), check.kind === 'invalid' ? 400 : 200);
  });
}

/** The check `nswg check-node` makes, for the page: the same decision, the same platforms. */
function checkNodeVersion(input: string, platform: string, core: Advisory[], deps: AppDeps): NodeCheck {
  let asked: AskedNodeVersion;
  try {
    asked = askedNodeVersion(input, core, 'version');
  } catch {
    return { kind: 'invalid', input, platform };
  }
  const today = deps.clock.now();
  const schedule = deps.releaseSchedule ?? releaseSchedule();
  const result = checkNode(asked.version, platform, core, today, schedule);
  const ids = new Set(result.findings.map((f) => f.id));
  return {
    kind: 'checked',
    version: result.version,
    platform,
    ...(asked.line ? { line: asked.line } : {}),
    affecting: core.filter((a) => ids.has(a.id)),
    endOfLife: result.endOfLife
      ? { name: result.line?.name ?? 'release', end: result.line?.end ?? null }
      : null,
    upgrade: nodeUpgrade(result, core, schedule, today),
  };
}

/** NSWG-COR-<n>'s number, for newest-first order (other ids last). */
const coreNumber = (a: Advisory): number => Number(/^NSWG-COR-(\d+)$/.exec(a.id)?.[1] ?? -1);
