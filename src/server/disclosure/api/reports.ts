import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireScope } from '../auth.js';
import { type DisclosureContext, originOf } from '../context.js';
import { sendAttachment } from '../downloads.js';
import { queueFilter } from '../filters.js';
import { limited } from '../limits.js';
import { uploadedFile } from '../uploads.js';
import {
  AttachmentSchema,
  DashboardSchema,
  DuplicateSchema,
  errors,
  IdParams,
  QueueItemSchema,
  QueueQuery,
  ReportSchema,
  ReportViewSchema,
  Submission,
} from './schemas.js';
import { duplicateJson, reportJson, viewJson } from './views.js';

const tags = ['disclosure'];

/** Reports over JSON: submit, list, read (in full or disclosed), possible duplicates, the dashboard, attachments. */
export function reportApi(app: FastifyInstance, ctx: DisclosureContext): void {
  const { reports, queue, collaboration } = ctx.program;
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;
  app.post(
    '/api/reports',
    {
      config: limited(ctx, 'submit'),
      schema: {
        summary: 'Submit a report (the Working Group’s template); answers it with its possible duplicates',
        description:
          'Needs a confirmed e-mail address. Every bad field is named in `problems`. A CVSS score sent is ignored: the server computes it. ' +
          'Team members may file for another registered user with `onBehalfOf`.',
        tags,
        body: Submission,
        response: {
          201: Type.Object({ report: ReportSchema, possibleDuplicates: Type.Array(DuplicateSchema) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      requireScope(req.caller, 'reports:write');
      const { onBehalfOf, ...input } = req.body as { onBehalfOf?: string };
      const { report, duplicates } = await reports.submit(
        req.caller.actor,
        input,
        originOf(req),
        onBehalfOf ? { onBehalfOf: { id: onBehalfOf } } : {},
      );
      return reply
        .code(201)
        .send({ report: reportJson(report), possibleDuplicates: duplicates.map(duplicateJson) });
    },
  );

  app.get(
    '/api/reports',
    {
      schema: {
        summary: 'The reports I may see, most urgent first (the team: its queue)',
        tags,
        querystring: QueueQuery,
        response: { 200: Type.Array(QueueItemSchema), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return queue.list(req.caller.actor, originOf(req), queueFilter(req.query as Record<string, string>));
    },
  );

  app.get(
    '/api/reports/:id',
    {
      schema: {
        summary:
          'One report: in full for its participants, in the disclosed form for everyone once published',
        description:
          'Every read of a private report is recorded in the audit log. A report one may not see is "not found".',
        tags,
        params: IdParams,
        response: { 200: ReportViewSchema, ...errors },
      },
    },
    async (req) => {
      if (req.caller.user) requireScope(req.caller, 'reports:read');
      const read = await reports.read(req.caller.actor, id(req), originOf(req));
      return viewJson(read, ctx.names());
    },
  );

  app.get(
    '/api/reports/:id/duplicates',
    {
      schema: {
        summary:
          'Possible duplicates: open reports I may see and published advisories with overlapping versions',
        tags,
        params: IdParams,
        response: { 200: Type.Array(DuplicateSchema), ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return (await reports.duplicates(req.caller.actor, id(req), originOf(req))).map(duplicateJson);
    },
  );

  app.get(
    '/api/dashboard',
    {
      schema: {
        summary:
          'The team’s dashboard: the queue (overdue first), counts by state, and the figures the Working Group reports',
        tags,
        querystring: QueueQuery,
        response: { 200: DashboardSchema, ...errors },
      },
    },
    async (req) => {
      requireScope(req.caller, 'reports:read');
      return queue.dashboard(
        req.caller.actor,
        originOf(req),
        queueFilter(req.query as Record<string, string>),
      );
    },
  );

  app.get(
    '/api/attachments/:id',
    {
      schema: {
        summary:
          'Download an attachment: participants (recorded in the audit log); anyone once its report is published and its disclosure agreed',
        tags,
        params: IdParams,
        response: { 200: Type.String({ description: 'the file, as a download' }), ...errors },
      },
    },
    async (req, reply) => {
      if (req.caller.user) requireScope(req.caller, 'reports:read');
      const { meta, bytes } = await collaboration.readAttachment(req.caller.actor, id(req), originOf(req));
      return sendAttachment(reply, meta, bytes);
    },
  );
}

/** The attachment upload (multipart/form-data, field `file`): registered in a scope that reads uploads. */
export function attachmentApi(app: FastifyInstance, ctx: DisclosureContext): void {
  app.post(
    '/api/reports/:id/attachments',
    {
      schema: {
        summary:
          'Attach a file (participants; at most 10 MiB; its type is decided from its bytes and must agree with its name)',
        description:
          'multipart/form-data with the file in the field `file`. PNG, JPEG, GIF, WebP, PDF, ZIP, gzip, MP4, WebM or UTF-8 text ' +
          '(code included, served as text/plain); a name that says a kind needs its bytes (`.png` a PNG, `.js` text). Markup ' +
          '(HTML, SVG, XML) is refused under any name, and so are names a browser opens as a page (`.html`, `.svg`, `.xml`, …) ' +
          'or Windows runs (`.bat`, `.ps1`, `.hta`, …); anything else is refused whatever its claimed type (400 E_ATTACHMENT). ' +
          'Past the upload quotas (per person: 10 files per 10 minutes, 30 files and 50 MiB per 24 hours; 100 files per report): ' +
          '429 E_QUOTA, saying which limit and when it frees up.',
        tags,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: AttachmentSchema, ...errors },
      },
      // refuse before the upload is read
      onRequest: async (req) => requireScope(req.caller, 'reports:write'),
    },
    async (req, reply) => {
      const file = await uploadedFile(req);
      const meta = await ctx.program.collaboration.addAttachment(
        req.caller.actor,
        (req.params as { id: string }).id,
        file,
        originOf(req),
      );
      return reply.code(201).send(meta);
    },
  );
}
