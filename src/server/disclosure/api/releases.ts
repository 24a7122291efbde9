import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RELEASE_STATES } from '../../../disclosure/index.js';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { errors, IdParams } from './schemas.js';

// Node.js core security releases over JSON, for the core security team. A release is as confidential
// as its reports until it is published, so the scopes that guard reports guard it (reports:read to
// read, reports:write to change); outside the team every release under embargo is "not found". Once
// published, its announcement is public.

const tags = ['releases'];
const Str = (description?: string) => Type.String(description ? { description } : {});
const StateSchema = Type.Union(
  RELEASE_STATES.map((s) => Type.Literal(s)),
  { description: 'where a security release stands' },
);

/** A release as stored (its fields are documented in docs/api-disclosure.md). */
const ReleaseSchema = Type.Object(
  {
    id: Str(),
    state: StateSchema,
    targetDate: Str('YYYY-MM-DD: the day it ships, until which everything about it is under embargo'),
    stewardId: Str(),
    releaserIds: Type.Array(Str()),
    lines: Type.Array(
      Type.Object({
        line: Str('v22'),
        version: Type.Union([Str('the version it ships on the line'), Type.Null()]),
        endOfLife: Type.Boolean(),
      }),
    ),
  },
  { additionalProperties: true },
);
const One = Type.Object({ release: ReleaseSchema });
/** A published release as everyone sees it. */
const PublicSchema = Type.Object(
  {
    id: Str(),
    title: Str(),
    state: StateSchema,
    targetDate: Str(),
    releasedAt: Str(),
    lines: ReleaseSchema.properties.lines,
    advisoryIds: Type.Array(Str()),
    announcement: Str('Markdown'),
    csafPath: Str("the path of the release's CSAF 2.0 document in the provider's directory"),
  },
  { additionalProperties: false },
);
const View = Type.Object(
  {
    release: ReleaseSchema,
    title: Str(),
    checklist: Type.Array(Type.Object({}, { additionalProperties: true })),
    fixes: Type.Array(Type.Object({}, { additionalProperties: true })),
    preAnnouncement: Str('Markdown: as it would go out now, or as it went out'),
    announcement: Str('Markdown: as it would be published now, or as it was'),
    announcementList: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** A string of at most `maxLength` characters: the plan's refusals repeat the ids they name. */
const Short = (maxLength: number, description: string) => Type.String({ maxLength, description });
const PlanBody = Type.Object(
  {
    targetDate: Type.Optional(Short(100, 'YYYY-MM-DD, not in the past')),
    stewardId: Type.Optional(Short(100, 'a member of the core security team')),
    releaserIds: Type.Optional(
      Type.Array(Short(100, 'a member of the core security team'), { maxItems: 50 }),
    ),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            line: Type.Optional(Short(100, 'a line of the release schedule, e.g. v22')),
            version: Type.Optional(
              Type.Union([Short(100, 'the version it ships, e.g. 22.13.1'), Type.Null()]),
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);
const FixBody = Type.Object(
  {
    summary: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()])),
    lines: Type.Optional(Type.Array(Str(), { maxItems: 50 })),
    patchAuthors: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const ReportParams = Type.Object(
  { id: Type.String({ maxLength: 200 }), reportId: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.String({ maxLength: 20_000 }) }, { additionalProperties: false });

/** The routes of the security releases: plan, reports, checklist, pre-announce, postpone, publish, cancel. */
export function releaseApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { releases } = ctx.program;
  const caller = (
    req: { caller: Parameters<typeof requireScope>[0] },
    scope: 'reports:read' | 'reports:write',
  ) => {
    requireScope(req.caller, scope);
    return req.caller.actor;
  };

  app.get(
    '/api/releases',
    {
      schema: {
        summary: 'The security releases: every one for the core security team, the published ones for others',
        description:
          'A token needs reports:read. Newest first. Outside the core security team each is its public form, ' +
          'as GET /api/releases/{id}/announcement gives it.',
        tags,
        response: {
          200: Type.Object({ releases: Type.Union([Type.Array(ReleaseSchema), Type.Array(PublicSchema)]) }),
          ...errors,
        },
      },
    },
    async (req) => ({ releases: await releases.list(caller(req, 'reports:read'), originOf(req)) }),
  );

  app.post(
    '/api/releases',
    {
      schema: {
        summary: 'Plan a security release (the core security team)',
        description:
          'The date, the steward and releasers (members of the core security team), and the lines from the release ' +
          'schedule with the version each ships; a line past its end at the date is flagged and ships nothing. ' +
          'A token needs reports:write.',
        tags,
        body: PlanBody,
        response: { 201: One, ...errors },
      },
    },
    async (req, reply) => {
      const release = await releases.plan(caller(req, 'reports:write'), req.body, originOf(req));
      return reply.code(201).send({ release });
    },
  );

  app.get(
    '/api/releases/:id',
    {
      schema: {
        summary:
          'One release with its checklist, reports and drafts (the core security team; "not found" for others)',
        description: 'A token needs reports:read. Every read is logged, and every refused one.',
        tags,
        params: IdParams,
        response: { 200: View, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      return releases.read(caller(req, 'reports:read'), id, originOf(req));
    },
  );

  app.get(
    '/api/releases/:id/announcement',
    {
      schema: {
        summary: 'The announcement of a published release, for everyone (Markdown in `announcement`)',
        description: '"Not found" until the release is published, whoever asks.',
        tags,
        params: IdParams,
        response: {
          200: PublicSchema,
          ...errors,
        },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      return releases.published(req.caller.actor, id, originOf(req));
    },
  );

  app.put(
    '/api/releases/:id/plan',
    {
      schema: {
        summary: 'Change the steward, releasers and lines while planning (the date moves by postponing)',
        description: 'A token needs reports:write. 409 once pre-announced.',
        tags,
        params: IdParams,
        body: PlanBody,
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      return {
        release: await releases.updatePlan(caller(req, 'reports:write'), id, req.body, originOf(req)),
      };
    },
  );

  app.post(
    '/api/releases/:id/reports',
    {
      schema: {
        summary: 'Add a core report the release fixes, with its summary, affected lines and patch authors',
        description:
          'The report must be accepted, its fix in progress or fixed, and in no other release. The lines default to ' +
          'those its affected versions reach. A token needs reports:write.',
        tags,
        params: IdParams,
        // one object: FixBody, closed to other fields, would refuse reportId as one of them
        body: Type.Object(
          { reportId: Type.String({ maxLength: 200 }), ...FixBody.properties },
          { additionalProperties: false },
        ),
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { reportId, ...fix } = req.body as { reportId: string };
      return {
        release: await releases.addFix(caller(req, 'reports:write'), id, reportId, fix, originOf(req)),
      };
    },
  );

  app.put(
    '/api/releases/:id/reports/:reportId',
    {
      schema: {
        summary: 'Change what the announcement says of a report (planning)',
        description: 'A token needs reports:write.',
        tags,
        params: ReportParams,
        body: FixBody,
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id, reportId } = req.params as { id: string; reportId: string };
      return {
        release: await releases.updateFix(
          caller(req, 'reports:write'),
          id,
          reportId,
          req.body,
          originOf(req),
        ),
      };
    },
  );

  app.delete(
    '/api/releases/:id/reports/:reportId',
    {
      schema: {
        summary: 'Take a report out of the release (planning): it returns to the queue',
        description: 'A token needs reports:write.',
        tags,
        params: ReportParams,
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id, reportId } = req.params as { id: string; reportId: string };
      return { release: await releases.removeFix(caller(req, 'reports:write'), id, reportId, originOf(req)) };
    },
  );

  app.put(
    '/api/releases/:id/checklist/:step',
    {
      schema: {
        summary: 'Tick or untick a step of the checklist that people do, while its phase is open',
        description:
          'A token needs reports:write. The server does its own steps (pre-announcement, publication).',
        tags,
        params: Type.Object(
          { id: Type.String({ maxLength: 200 }), step: Type.String({ maxLength: 100 }) },
          { additionalProperties: false },
        ),
        body: Type.Object({ done: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id, step } = req.params as { id: string; step: string };
      const { done } = req.body as { done: boolean };
      return { release: await releases.tick(caller(req, 'reports:write'), id, step, done, originOf(req)) };
    },
  );

  app.post(
    '/api/releases/:id/pre-announce',
    {
      schema: {
        summary: 'Pre-announce: lines, date and counts per severity to the announcement list, no details',
        description:
          'Every report needs its CVE id, summary, CWE and CVSS, and the planning steps ticked; at least 7 days ' +
          'before the date unless `override` gives a reason (10 to 2000 characters). A token needs reports:write.',
        tags,
        params: IdParams,
        body: Type.Object(
          { override: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()])) },
          { additionalProperties: false },
        ),
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const body = (req.body ?? {}) as { override?: string | null };
      return { release: await releases.preAnnounce(caller(req, 'reports:write'), id, body, originOf(req)) };
    },
  );

  app.post(
    '/api/releases/:id/postpone',
    {
      schema: {
        summary: 'Move the date (only later once pre-announced), with a reason; everyone told is told',
        description: 'A token needs reports:write.',
        tags,
        params: IdParams,
        body: Type.Object(
          { targetDate: Type.String({ maxLength: 100 }), reason: Type.String({ maxLength: 20_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      return {
        release: await releases.postpone(caller(req, 'reports:write'), id, req.body as object, originOf(req)),
      };
    },
  );

  for (const [move, summary] of [
    [
      'publish',
      'On its day or later: the reports are published with their advisories, CVE ids announced, the announcement sent',
    ],
    ['complete', 'Complete a published release once its clean-up steps are ticked'],
  ] as const)
    app.post(
      `/api/releases/:id/${move}`,
      {
        schema: {
          summary,
          description: 'A token needs reports:write. 409 when the release is not ready.',
          tags,
          params: IdParams,
          response: { 200: One, ...errors },
        },
      },
      async (req) => {
        const { id } = req.params as { id: string };
        const actor = caller(req, 'reports:write');
        const origin = originOf(req);
        const release =
          move === 'publish'
            ? await releases.release(actor, id, origin)
            : await releases.complete(actor, id, origin);
        return { release };
      },
    );

  app.post(
    '/api/releases/:id/cancel',
    {
      schema: {
        summary: 'Cancel a release not yet published, with a reason: its reports return to the queue',
        description: 'A token needs reports:write.',
        tags,
        params: IdParams,
        body: Reason,
        response: { 200: One, ...errors },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { reason } = req.body as { reason: string };
      return { release: await releases.cancel(caller(req, 'reports:write'), id, reason, originOf(req)) };
    },
  );
}
