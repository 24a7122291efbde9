import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type {
  CloseCategory as CloseCategoryName,
  IssuedInvitation,
  Transition,
} from '../../../disclosure/index.js';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import {
  AgreementAnswer,
  CloseCategory,
  CommentSchema,
  errors,
  IdParams,
  ProposalSchema,
  ReportSchema,
  TransitionName,
} from './schemas.js';
import { reportJson } from './views.js';

const tags = ['disclosure'];
const Ok = Type.Object({ ok: Type.Literal(true) });
const InvitationParams = Type.Object({
  id: Type.String({ maxLength: 100 }),
  invitationId: Type.String({ maxLength: 100 }),
});
const Issued = Type.Object({
  invitationId: Type.String(),
  expiresAt: Type.String(),
  link: Type.Optional(Type.String({ description: 'only on a server without mail: send it by hand' })),
});

/** What an invitation's answer carries: its link only when the server has no mail to send it. */
function issued(ctx: DisclosureContext, inv: IssuedInvitation) {
  return {
    invitationId: inv.invitationId,
    expiresAt: inv.expiresAt,
    ...(ctx.delivery === 'outbox' ? { link: ctx.links.invitation(inv.token) } : {}),
  };
}
const Body = Type.Object(
  { body: Type.String({ maxLength: 50_000, description: 'Markdown' }) },
  { additionalProperties: false },
);

/** The workflow over JSON: transitions, assessment, comments and notes, invitations, extension votes. */
export function workflowApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { workflow, collaboration, invitations, votes } = ctx.program;
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.post(
    '/api/reports/:id/transitions',
    {
      schema: {
        summary: 'Move a report through the workflow',
        description:
          'request-info, provide-info, accept, reject (with `closedAs`: spam, informative or not-applicable, and `reason`: the message to the reporter), mark-duplicate (with `duplicateOf`), start-fix, ' +
          "mark-fixed (with `patchedVersions`), publish (the report's CVE id is announced, or the next available one assigned; " +
          'with none, `withoutCveReason` says why, else 409), withdraw. A maintainer is invited with POST /api/reports/{id}/invitations. ' +
          'Refused moves answer 403 (who) or 409 (the state does not allow it), each with the reason.',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            transition: TransitionName,
            reason: Type.Optional(
              Type.String({ maxLength: 5000, description: "reject: the team's message to the reporter" }),
            ),
            closedAs: Type.Optional(CloseCategory),
            duplicateOf: Type.Optional(Type.String({ maxLength: 100 })),
            patchedVersions: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
            withoutCveReason: Type.Optional(
              Type.String({
                maxLength: 500,
                description: 'publish: why there is no CVE id, when none is held and none is available',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const b = req.body as {
        transition: Transition;
        reason?: string;
        closedAs?: CloseCategoryName;
        duplicateOf?: string;
        patchedVersions?: string | null;
        withoutCveReason?: string;
      };
      const { transition, ...params } = b;
      const report = await workflow.transition(req.caller.actor, id(req), transition, params, originOf(req));
      return { report: reportJson(report) };
    },
  );

  app.patch(
    '/api/reports/:id/assessment',
    {
      schema: {
        summary:
          'Amend the assessment (the team, until the report is closed): CVSS vector, CWE, affected versions, and a CVE id another CNA assigned (recorded as such)',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            cvssVector: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            cwe: Type.Optional(Type.Union([Type.String({ maxLength: 12 }), Type.Null()])),
            cveId: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
            affectedVersions: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const report = await workflow.assess(req.caller.actor, id(req), req.body as object, originOf(req));
      return { report: reportJson(report) };
    },
  );

  // comments (every participant) and internal notes (the team): the same route but for who may read them
  for (const [path, summary, add] of [
    [
      '/api/reports/:id/comments',
      'Comment (every participant sees it; a team member’s comment is the first answer)',
      collaboration.comment.bind(collaboration),
    ],
    [
      '/api/reports/:id/notes',
      'Add an internal note (the team only)',
      collaboration.addNote.bind(collaboration),
    ],
  ] as const) {
    app.post(
      path,
      {
        schema: { summary, tags, params: IdParams, body: Body, response: { 201: CommentSchema, ...errors } },
      },
      async (req, reply) => {
        requireScope(req.caller, 'reports:write');
        const c = await add(req.caller.actor, id(req), (req.body as { body: string }).body, originOf(req));
        return reply.code(201).send({ ...c, author: req.caller.user!.displayName });
      },
    );
  }

  app.post(
    '/api/reports/:id/fix-proposals',
    {
      schema: {
        summary:
          'Propose the fixed versions and a release date (an invited maintainer or the team, between triage and publication)',
        description:
          'The proposal becomes the report’s `fixProposal` (the previous one stays in the audit log). The release date may not ' +
          'be in the past. Marking the report fixed without `patchedVersions` takes the proposal’s; once the report is fixed, ' +
          'a new proposal also sets the fixed versions that publication uses. Every participant is told by e-mail.',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            patchedVersions: Type.String({ maxLength: 500, description: 'an npm range, e.g. >=1.4.2' }),
            releaseDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, today or later (UTC)' }),
            note: Type.Optional(Type.String({ maxLength: 5000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const report = await workflow.proposeFix(req.caller.actor, id(req), req.body, originOf(req));
      return reply.code(201).send({ report: reportJson(report) });
    },
  );

  app.post(
    '/api/reports/:id/disclosure-statements',
    {
      schema: {
        summary:
          'State what may be disclosed on publication: the proof of concept, the comments and each attachment (the reporter, an invited maintainer, the team)',
        description:
          'I speak for one party: the reporter, a maintainer (each separately), or the team (any member; the latest word counts). ' +
          'A statement replaces my party’s earlier one and is recorded in the audit log. On publication the proof of concept, the ' +
          'comment thread (`comments`, as a whole; internal notes never) and each attachment are each disclosed only when the ' +
          'reporter and the team agreed and no maintainer objected; nothing said means private. Refused (409) once the report is ' +
          'closed: the published form is what was agreed by then.',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            proofOfConcept: Type.Optional(Type.Boolean()),
            comments: Type.Optional(Type.Boolean({ description: 'the comment thread, as a whole' })),
            attachments: Type.Optional(
              Type.Array(
                Type.Object(
                  { id: Type.String({ maxLength: 100 }), disclosable: Type.Boolean() },
                  { additionalProperties: false },
                ),
                { maxItems: 100 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AgreementAnswer, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      return workflow.stateDisclosure(req.caller.actor, id(req), req.body, originOf(req));
    },
  );

  app.post(
    '/api/reports/:id/invitations',
    {
      schema: {
        summary:
          'Invite a maintainer by e-mail (the team; npm reports): a signed, single-use link valid 14 days',
        description:
          'Only the account of the invited address (confirmed) can accept it. The link travels by e-mail; on a server ' +
          'without mail (no SMTP server) the answer carries it as `link`, for the team to send by hand. The first ' +
          'invitation moves an accepted report to maintainer-invited.',
        tags,
        params: IdParams,
        body: Type.Object({ email: Type.String({ maxLength: 254 }) }, { additionalProperties: false }),
        response: { 201: Issued, ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const inv = await invitations.invite(
        req.caller.actor,
        id(req),
        (req.body as { email: string }).email,
        originOf(req),
      );
      return reply.code(201).send(issued(ctx, inv));
    },
  );

  app.post(
    '/api/reports/:id/invitations/:invitationId/revoke',
    {
      schema: {
        summary: 'Revoke a maintainer invitation that was not accepted (the team): its link stops working',
        tags,
        params: InvitationParams,
        response: { 200: Ok, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { id: reportId, invitationId } = req.params as { id: string; invitationId: string };
      await invitations.revoke(req.caller.actor, reportId, invitationId, originOf(req));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/reports/:id/invitations/:invitationId/resend',
    {
      schema: {
        summary: 'Send an invitation that was not accepted again, as a new link (the old one stops working)',
        tags,
        params: InvitationParams,
        response: { 201: Issued, ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const { id: reportId, invitationId } = req.params as { id: string; invitationId: string };
      const inv = await invitations.resend(req.caller.actor, reportId, invitationId, originOf(req));
      return reply.code(201).send(issued(ctx, inv));
    },
  );

  app.delete(
    '/api/reports/:id/maintainers/:userId',
    {
      schema: {
        summary: 'Remove a maintainer from a report (the team): from then on they do not see it',
        tags,
        params: Type.Object({ id: Type.String({ maxLength: 100 }), userId: Type.String({ maxLength: 100 }) }),
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const { id: reportId, userId } = req.params as { id: string; userId: string };
      const report = await invitations.removeMaintainer(req.caller.actor, reportId, userId, originOf(req));
      return { report: reportJson(report) };
    },
  );

  app.post(
    '/api/reports/:id/fix-proposals/confirm',
    {
      schema: {
        summary:
          'Confirm the fixed versions a maintainer proposed after the report was fixed (the team): what is published is the team’s word',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const report = await workflow.confirmFix(req.caller.actor, id(req), originOf(req));
      return { report: reportJson(report) };
    },
  );

  app.put(
    '/api/reports/:id/early-publication',
    {
      schema: {
        summary:
          'Ask to publish an unfixed report before its deadline (the team): a second team member publishes',
        description:
          'For a vulnerability already public or actively exploited, as the process allows. The reason and what shows ' +
          'it are recorded, every participant is told, and the advisory says why it was published without a fix. ' +
          'Publishing is then a `publish` transition by another team member (never who asked, who reported or who filed).',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            reason: Type.Union([Type.Literal('already-public'), Type.Literal('actively-exploited')]),
            details: Type.String({ maxLength: 5000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const report = await workflow.requestEarlyPublication(
        req.caller.actor,
        id(req),
        req.body,
        originOf(req),
      );
      return { report: reportJson(report) };
    },
  );

  app.delete(
    '/api/reports/:id/early-publication',
    {
      schema: {
        summary: 'Withdraw a request for early publication (the team)',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const report = await workflow.withdrawEarlyPublication(req.caller.actor, id(req), originOf(req));
      return { report: reportJson(report) };
    },
  );

  app.post(
    '/api/invitations/accept',
    {
      schema: {
        summary: 'Accept a maintainer invitation: I become a maintainer of that one report',
        tags,
        body: Type.Object({ token: Type.String({ maxLength: 400 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ report: ReportSchema }), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      const report = await invitations.accept(
        req.caller.actor,
        (req.body as { token: string }).token,
        originOf(req),
      );
      return { report: reportJson(report) };
    },
  );

  app.post(
    '/api/reports/:id/proposals',
    {
      schema: {
        summary: 'Propose an extension of the publication deadline and open its vote',
        tags,
        params: IdParams,
        body: Type.Object(
          {
            days: Type.Integer({ minimum: 1, maximum: 90 }),
            reason: Type.String({ maxLength: 5000 }),
            windowHours: Type.Optional(Type.Number({ minimum: 1, maximum: 336 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ProposalSchema, ...errors },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const proposal = await votes.propose(
        req.caller.actor,
        id(req),
        req.body as { days: number; reason: string },
        originOf(req),
      );
      return reply.code(201).send(proposal);
    },
  );

  app.post(
    '/api/proposals/:id/votes',
    {
      schema: {
        summary: 'Vote on an extension (the team and the reporter; once; inside the window)',
        tags,
        params: IdParams,
        body: Type.Object({ inFavour: Type.Boolean() }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            proposalId: Type.String(),
            voterId: Type.String(),
            inFavour: Type.Boolean(),
            castAt: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const v = await votes.cast(
        req.caller.actor,
        id(req),
        (req.body as { inFavour: boolean }).inFavour,
        originOf(req),
      );
      return reply.code(201).send(v);
    },
  );

  app.post(
    '/api/proposals/:id/close',
    {
      schema: {
        summary: 'Count a vote whose window has closed (the scheduler does it when due)',
        tags,
        params: IdParams,
        response: { 200: ProposalSchema, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:write');
      return votes.close(req.caller.actor, id(req), originOf(req));
    },
  );
}
