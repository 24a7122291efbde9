import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type CloseCategory,
  isPackageName,
  type StatementsInput,
  type Transition,
} from '../../../disclosure/index.js';
import { isNswgError } from '../../../errors.js';
import { type DisclosureContext, originOf, PAGES, paths } from '../context.js';
import { sendAttachment } from '../downloads.js';
import { limited } from '../limits.js';
import { uploadedFile } from '../uploads.js';
import { field, pageCtx, seeOther, sendPage, toLogin } from './layout.js';
import { invitationLinkPage, invitationPage, myReportsPage } from './views-lists.js';
import { disclosedPage, reportPage } from './views-report.js';
import { formField, formValues, reportFormPage, submissionFromForm } from './views-report-form.js';

const hidden = { hide: true };

type IdReq = FastifyRequest<{ Params: { id: string } }>;

/** The report pages: the form, my reports, one report (in full or disclosed), and every action on it. */
export function reportPages(app: FastifyInstance, ctx: DisclosureContext): void {
  const { reports, queue, workflow, collaboration, invitations, votes } = ctx.program;
  const back = (id: string, msg: string) => `${paths.report(id)}?msg=${msg}`;

  app.get(`${PAGES}/reports`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const items = await queue.list(req.caller.actor, originOf(req), { mine: true });
    const team = req.caller.actor.kind === 'user' && req.caller.actor.roles.length > 0;
    return sendPage(reply, myReportsPage(pageCtx(req, reply), items, team));
  });

  app.get(`${PAGES}/reports/new`, { schema: hidden }, async (req, reply) => {
    const u = req.caller.user;
    if (!u) return toLogin(req, reply);
    // a package's SECURITY.md links here with its name: the form starts with it (a valid name only)
    const asked = (req.query as { package?: unknown } | undefined)?.package;
    const defaults = {
      kind: 'npm',
      ...(typeof asked === 'string' && isPackageName(asked) ? { packageName: asked } : {}),
      contactedMaintainer: '',
      creditAs: u.handle ? 'handle' : 'name',
      creditHandle: u.handle ?? '',
      creditName: u.displayName,
    };
    return sendPage(reply, reportFormPage(pageCtx(req, reply), defaults, {}, null));
  });

  app.post(`${PAGES}/reports`, { schema: hidden, config: limited(ctx, 'submit') }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    try {
      const email = field(req.body, 'onBehalfOf', 254).trim();
      const { report } = await reports.submit(
        req.caller.actor,
        submissionFromForm(req.body),
        originOf(req),
        email ? { onBehalfOf: { email } } : {},
      );
      return seeOther(reply, back(report.id, 'submitted'));
    } catch (e) {
      if (!isNswgError(e) || !['E_REPORT_INVALID', 'E_FORBIDDEN'].includes(e.code)) throw e;
      const problems: Record<string, string> = {};
      for (const p of e.problems ?? []) problems[formField(p.field)] ??= `${p.message}.`;
      const summary =
        e.code === 'E_FORBIDDEN'
          ? e.message
          : `Please correct ${e.problems.length === 1 ? 'this field' : `these ${e.problems.length} fields`}.`;
      return sendPage(
        reply,
        reportFormPage(pageCtx(req, reply), formValues(req.body), problems, summary),
        e.code === 'E_FORBIDDEN' ? 403 : 400,
      );
    }
  });

  app.get(`${PAGES}/reports/:id`, { schema: hidden }, async (req: IdReq, reply) => {
    const read = await reports.read(req.caller.actor, req.params.id, originOf(req), { duplicates: true });
    if (read.form === 'disclosed')
      return sendPage(reply, disclosedPage(pageCtx(req, reply), read.disclosure));
    const { view } = read;
    const r = view.report;
    const ids = new Set<string>([
      r.reporterId,
      r.filedById,
      ...r.maintainerIds,
      ...view.comments.map((c) => c.authorId),
      ...(view.notes ?? []).map((c) => c.authorId),
      ...view.history.flatMap((c) => (c.actorId ? [c.actorId] : [])),
      ...view.attachments.map((a) => a.uploadedBy),
      ...view.proposals.map((x) => x.proposedBy),
      ...(r.fixProposal ? [r.fixProposal.proposedBy] : []),
      ...view.credits.map((c) => c.proposedBy),
    ]);
    const names = ctx.names();
    const resolved = new Map<string, string>();
    for (const id of ids) resolved.set(id, await names.nameIn(view, id));
    // the release holding a core report, for the core security team only (null for everyone else)
    const release =
      r.kind === 'core' ? await ctx.program.releases.ofReport(req.caller.actor, r.id, originOf(req)) : null;
    const data = { view, names: resolved, duplicates: read.duplicates ?? [], now: ctx.clock.now(), release };
    return sendPage(reply, reportPage(pageCtx(req, reply), data));
  });

  /** A POST on one report by a logged-in user, answered by going back to the report with a message. */
  const action = (path: string, run: (req: IdReq) => Promise<string>) =>
    app.post(`${PAGES}/reports/:id/${path}`, { schema: hidden }, async (req: IdReq, reply: FastifyReply) => {
      if (!req.caller.user) return toLogin(req, reply);
      const msg = await run(req);
      return seeOther(reply, back(req.params.id, msg));
    });

  action('transition', async (req) => {
    const b = req.body;
    const t = field(b, 'transition', 40) as Transition;
    const params = {
      ...(field(b, 'reason') ? { reason: field(b, 'reason', 5000) } : {}),
      ...(field(b, 'closedAs') ? { closedAs: field(b, 'closedAs', 40) as CloseCategory } : {}),
      ...(field(b, 'duplicateOf') ? { duplicateOf: field(b, 'duplicateOf', 100).trim() } : {}),
      ...(t === 'mark-fixed' ? { patchedVersions: field(b, 'patchedVersions', 500) } : {}),
      ...(t === 'publish' && field(b, 'withoutCveReason')
        ? { withoutCveReason: field(b, 'withoutCveReason', 500) }
        : {}),
    };
    await workflow.transition(req.caller.actor, req.params.id, t, params, originOf(req));
    return 'moved';
  });

  action('public-note', async (req) => {
    await ctx.program.intake.publishNote(
      req.caller.actor,
      req.params.id,
      { title: field(req.body, 'title', 200), text: field(req.body, 'text', 5000) },
      originOf(req),
    );
    return 'note-published';
  });

  action('assessment', async (req) => {
    const b = req.body;
    const opt = (n: string, max: number) => field(b, n, max).trim() || null;
    const affected = field(b, 'affectedVersions', 500).trim();
    await workflow.assess(
      req.caller.actor,
      req.params.id,
      {
        cvssVector: opt('cvssVector', 200),
        cwe: opt('cwe', 12),
        cveId: opt('cveId', 20),
        ...(affected ? { affectedVersions: affected } : {}),
      },
      originOf(req),
    );
    return 'assessed';
  });

  action('comments', async (req) => {
    await collaboration.comment(
      req.caller.actor,
      req.params.id,
      field(req.body, 'body', 50_000),
      originOf(req),
    );
    return 'commented';
  });

  action('notes', async (req) => {
    await collaboration.addNote(
      req.caller.actor,
      req.params.id,
      field(req.body, 'body', 50_000),
      originOf(req),
    );
    return 'noted';
  });

  action('fix-proposals', async (req) => {
    const b = req.body;
    await workflow.proposeFix(
      req.caller.actor,
      req.params.id,
      {
        patchedVersions: field(b, 'patchedVersions', 500),
        releaseDate: field(b, 'releaseDate', 10),
        note: field(b, 'note', 5000),
      },
      originOf(req),
    );
    return 'fix-proposed';
  });

  action('disclosure-statements', async (req) => {
    await workflow.stateDisclosure(
      req.caller.actor,
      req.params.id,
      statementsFromForm(req.body),
      originOf(req),
    );
    return 'disclosure-stated';
  });

  app.post(`${PAGES}/reports/:id/invitations`, { schema: hidden }, async (req: IdReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const inv = await invitations.invite(
      req.caller.actor,
      req.params.id,
      field(req.body, 'email', 254),
      originOf(req),
    );
    if (ctx.delivery === 'mail') return seeOther(reply, back(req.params.id, 'invited'));
    // no mail to carry it: the inviter hands the link over (only the invited address's account accepts it)
    return sendPage(
      reply,
      invitationLinkPage(pageCtx(req, reply), req.params.id, ctx.links.invitation(inv.token)),
    );
  });

  const invitationAction = (verb: 'revoke' | 'resend') =>
    app.post(
      `${PAGES}/reports/:id/invitations/:invitationId/${verb}`,
      { schema: hidden },
      async (req: FastifyRequest<{ Params: { id: string; invitationId: string } }>, reply) => {
        if (!req.caller.user) return toLogin(req, reply);
        const { id, invitationId } = req.params;
        if (verb === 'revoke') {
          await invitations.revoke(req.caller.actor, id, invitationId, originOf(req));
          return seeOther(reply, back(id, 'invitation-revoked'));
        }
        const inv = await invitations.resend(req.caller.actor, id, invitationId, originOf(req));
        if (ctx.delivery === 'mail') return seeOther(reply, back(id, 'invitation-resent'));
        return sendPage(reply, invitationLinkPage(pageCtx(req, reply), id, ctx.links.invitation(inv.token)));
      },
    );
  invitationAction('revoke');
  invitationAction('resend');

  app.post(
    `${PAGES}/reports/:id/maintainers/:userId/remove`,
    { schema: hidden },
    async (req: FastifyRequest<{ Params: { id: string; userId: string } }>, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      await invitations.removeMaintainer(req.caller.actor, req.params.id, req.params.userId, originOf(req));
      return seeOther(reply, back(req.params.id, 'maintainer-removed'));
    },
  );

  action('fix-proposals/confirm', async (req) => {
    await workflow.confirmFix(req.caller.actor, req.params.id, originOf(req));
    return 'fix-confirmed';
  });

  action('cve', async (req) => {
    await ctx.program.cve.assignNext(req.caller.actor, req.params.id, originOf(req));
    return 'cve-assigned';
  });

  action('early-publication', async (req) => {
    await workflow.requestEarlyPublication(
      req.caller.actor,
      req.params.id,
      { reason: field(req.body, 'reason', 40), details: field(req.body, 'details', 5000) },
      originOf(req),
    );
    return 'early-asked';
  });

  action('early-publication/withdraw', async (req) => {
    await workflow.withdrawEarlyPublication(req.caller.actor, req.params.id, originOf(req));
    return 'early-withdrawn';
  });

  action('proposals', async (req) => {
    const b = req.body;
    const hours = field(b, 'windowHours', 10).trim();
    await votes.propose(
      req.caller.actor,
      req.params.id,
      {
        days: Number(field(b, 'days', 10)),
        reason: field(b, 'reason', 5000),
        ...(hours ? { windowHours: Number(hours) } : {}),
      },
      originOf(req),
    );
    return 'proposed';
  });

  app.post(`${PAGES}/proposals/:id/vote`, { schema: hidden }, async (req: IdReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const v = await votes.cast(
      req.caller.actor,
      req.params.id,
      field(req.body, 'inFavour') === 'yes',
      originOf(req),
    );
    return seeOther(reply, back(v.reportId, 'voted'));
  });

  app.post(`${PAGES}/proposals/:id/close`, { schema: hidden }, async (req: IdReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const p = await votes.close(req.caller.actor, req.params.id, originOf(req));
    return seeOther(reply, back(p.reportId, 'closed'));
  });

  app.get(`${PAGES}/attachments/:id`, { schema: hidden }, async (req: IdReq, reply) => {
    const { meta, bytes } = await collaboration.readAttachment(
      req.caller.actor,
      req.params.id,
      originOf(req),
    );
    return sendAttachment(reply, meta, bytes);
  });

  app.get(
    `${PAGES}/invitations/:token`,
    { schema: hidden },
    async (req: FastifyRequest<{ Params: { token: string } }>, reply) => {
      return sendPage(reply, invitationPage(pageCtx(req, reply), req.params.token));
    },
  );

  app.post(
    `${PAGES}/invitations/:token`,
    { schema: hidden },
    async (req: FastifyRequest<{ Params: { token: string } }>, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      const report = await invitations.accept(req.caller.actor, req.params.token, originOf(req));
      return seeOther(reply, back(report.id, 'joined'));
    },
  );
}

/** The attachment upload page route: registered in a scope that reads uploads (its CSRF token is a form field). */
export function attachmentPage(app: FastifyInstance, ctx: DisclosureContext): void {
  app.post(`${PAGES}/reports/:id/attachments`, { schema: hidden }, async (req: IdReq, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const file = await uploadedFile(req);
    await ctx.program.collaboration.addAttachment(req.caller.actor, req.params.id, file, originOf(req));
    return seeOther(reply, `${paths.report(req.params.id)}?msg=attached`);
  });
}

/**
 * The statements of the disclosure form: `proofOfConcept`, `comments` and `attachment-<id>`, each
 * "yes" or "no" (a question left unanswered says nothing).
 */
export function statementsFromForm(body: unknown): StatementsInput {
  const yesNo = (v: string) => (v === 'yes' ? true : v === 'no' ? false : undefined);
  const out: StatementsInput = {};
  const poc = yesNo(field(body, 'proofOfConcept', 3));
  if (poc !== undefined) out.proofOfConcept = poc;
  const comments = yesNo(field(body, 'comments', 3));
  if (comments !== undefined) out.comments = comments;
  const attachments: { id: string; disclosable: boolean }[] = [];
  for (const key of Object.keys((body ?? {}) as object)) {
    if (!key.startsWith('attachment-')) continue;
    const v = yesNo(field(body, key, 3));
    if (v !== undefined) attachments.push({ id: key.slice('attachment-'.length), disclosable: v });
  }
  if (attachments.length) out.attachments = attachments;
  return out;
}
