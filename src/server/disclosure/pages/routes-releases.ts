import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isCoreTeam, releaseTitle } from '../../../disclosure/index.js';
import { type DisclosureContext, originOf, paths } from '../context.js';
import { field, pageCtx, seeOther, sendPage, toLogin } from './layout.js';
import { parseLines, publicReleasePage, releasePage, releasesPage } from './views-releases.js';

type IdReq = FastifyRequest<{ Params: { id: string } }>;
type FixReq = FastifyRequest<{ Params: { id: string; reportId: string } }>;
const hidden = { hide: true };

/** Every value of a repeated form field (checkboxes), at most 50. */
function all(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string').slice(0, 50);
}

/** Names one a line, as the forms take patch authors. */
const oneALine = (text: string) =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The security release pages: the list and the plan form, one release and its forms (each a CSRF form). */
export function releasePages(app: FastifyInstance, ctx: DisclosureContext): void {
  const { releases } = ctx.program;
  const isTeam = (req: FastifyRequest) => isCoreTeam(req.caller.actor);

  app.get(paths.releases(), { schema: hidden }, async (req, reply) => {
    const list = await releases.list(req.caller.actor, originOf(req));
    const team = isTeam(req) ? await releases.team(req.caller.actor, originOf(req)) : null;
    return sendPage(reply, releasesPage(pageCtx(req, reply), list, team, releaseTitle));
  });

  app.post(paths.releases(), { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const b = req.body;
    const r = await releases.plan(
      req.caller.actor,
      {
        targetDate: field(b, 'targetDate', 100),
        stewardId: field(b, 'stewardId', 200),
        releaserIds: all(b, 'releaserIds'),
        lines: parseLines(field(b, 'lines', 5000)),
      },
      originOf(req),
    );
    return seeOther(reply, paths.release(r.id));
  });

  // the team's page of any release; everyone else's of a published one ("not found" for the rest)
  app.get(`${paths.releases()}/:id`, { schema: hidden }, async (req: IdReq, reply) => {
    const p = pageCtx(req, reply);
    if (!isTeam(req))
      return sendPage(
        reply,
        publicReleasePage(p, await releases.published(req.caller.actor, req.params.id, originOf(req))),
      );
    const view = await releases.read(req.caller.actor, req.params.id, originOf(req));
    const names: Record<string, string> = {};
    const r = view.release;
    const ids = [r.stewardId, ...r.releaserIds, r.preAnnouncedBy, r.releasedBy, r.cancelledBy, r.override?.by]
      .concat(
        r.ticks.map((t) => t.by),
        r.dateChanges.map((c) => c.by),
      )
      .filter((x): x is string => !!x);
    const users = ctx.names();
    for (const id of new Set(ids)) names[id] = await users.name(id);
    // the plan's form offers the team while the plan may still change
    const team = r.state === 'planning' ? await releases.team(req.caller.actor, originOf(req)) : [];
    return sendPage(reply, releasePage(p, view, names, team));
  });

  const post = (
    suffix: string,
    act: (
      req: FastifyRequest<{ Params: { id: string; reportId?: string; step?: string } }>,
    ) => Promise<unknown>,
  ) =>
    app.post(`${paths.releases()}/:id${suffix}`, { schema: hidden }, async (req: IdReq, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      await act(req);
      return seeOther(reply, paths.release(req.params.id));
    });
  const origin = originOf;

  post('/plan', (req) =>
    releases.updatePlan(
      req.caller.actor,
      req.params.id,
      {
        stewardId: field(req.body, 'stewardId', 200),
        releaserIds: all(req.body, 'releaserIds'),
        lines: parseLines(field(req.body, 'lines', 5000)),
      },
      origin(req),
    ),
  );
  post('/reports', (req) =>
    releases.addFix(
      req.caller.actor,
      req.params.id,
      field(req.body, 'reportId', 200),
      {
        summary: field(req.body, 'summary', 20_000),
        ...(all(req.body, 'lines').length ? { lines: all(req.body, 'lines') } : {}),
        patchAuthors: oneALine(field(req.body, 'patchAuthors', 20_000)),
      },
      origin(req),
    ),
  );
  post('/reports/:reportId', (req) =>
    releases.updateFix(
      req.caller.actor,
      req.params.id,
      (req as FixReq).params.reportId,
      {
        summary: field(req.body, 'summary', 20_000),
        lines: all(req.body, 'lines'),
        patchAuthors: oneALine(field(req.body, 'patchAuthors', 20_000)),
      },
      origin(req),
    ),
  );
  post('/reports/:reportId/remove', (req) =>
    releases.removeFix(req.caller.actor, req.params.id, (req as FixReq).params.reportId, origin(req)),
  );
  post('/checklist/:step', (req) =>
    releases.tick(
      req.caller.actor,
      req.params.id,
      req.params.step,
      field(req.body, 'done', 5) === '1',
      origin(req),
    ),
  );
  post('/pre-announce', (req) =>
    releases.preAnnounce(
      req.caller.actor,
      req.params.id,
      { override: field(req.body, 'override', 20_000) },
      origin(req),
    ),
  );
  post('/postpone', (req) =>
    releases.postpone(
      req.caller.actor,
      req.params.id,
      { targetDate: field(req.body, 'targetDate', 100), reason: field(req.body, 'reason', 20_000) },
      origin(req),
    ),
  );
  post('/publish', (req) => releases.release(req.caller.actor, req.params.id, origin(req)));
  post('/complete', (req) => releases.complete(req.caller.actor, req.params.id, origin(req)));
  post('/cancel', (req) =>
    releases.cancel(req.caller.actor, req.params.id, field(req.body, 'reason', 20_000), origin(req)),
  );
}
