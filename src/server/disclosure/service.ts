import type { FastifyBaseLogger } from 'fastify';
import type { User } from '../../disclosure/index.js';
import {
  assertCan,
  type Disclosure,
  type MailMessage,
  type Origin,
  type Report,
  type ReportView,
  type Transition,
  type TransitionParams,
} from '../../disclosure/index.js';
import { isNswgError, NswgError } from '../../errors.js';
import { accountMessages } from '../../mail/index.js';
import { type Caller, requireUser } from './auth.js';
import { type DisclosureContext, paths, UserNames } from './context.js';
import { type PossibleDuplicate, possibleDuplicates } from './queries.js';

/** What one caller reads of one report. */
export type ReadReport =
  | { form: 'full'; view: ReportView; names: UserNames; team: boolean }
  | { form: 'disclosed'; disclosure: Disclosure };

/** The one answer for a report that does not exist and for one the caller may not see. */
export const reportNotFound = () => new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });

/**
 * A report as the caller may read it: in full for its participants (the read is recorded in the audit
 * log), in the disclosed form for everyone else once it is published, otherwise "report not found".
 */
export async function readReport(
  ctx: DisclosureContext,
  caller: Caller,
  id: string,
  origin: Origin,
): Promise<ReadReport> {
  const read = await ctx.program.read(caller.actor, id, origin).catch(sameNotFound);
  if (read.form === 'disclosed') return read;
  return {
    form: 'full',
    view: read.view,
    names: new UserNames((uid) => ctx.deps.store.accounts.get(uid)),
    team: read.view.notes !== null,
  };
}

/**
 * How an author is named to a viewer: by name, except that a reporter who chose to stay anonymous is
 * "the reporter" to everyone outside the team.
 */
export async function authorName(
  names: UserNames,
  report: Report,
  team: boolean,
  uid: string | null,
): Promise<string> {
  if (!team && uid === report.reporterId && report.credit.as === 'anonymous') return 'the reporter';
  return names.name(uid);
}

/** Maps errors of one report's routes so that every "not found" reads the same, whatever was missing. */
export function sameNotFound(e: unknown): never {
  if (isNswgError(e) && e.code === 'E_NOT_FOUND' && e.field !== 'onBehalfOf') throw reportNotFound();
  throw e;
}

/** Asks the upstream registry, when there is one, whether an npm package exists (no answer: assume it does). */
async function packageExists(ctx: DisclosureContext, name: string): Promise<boolean> {
  const upstream = ctx.deps.config.upstreamRegistry;
  if (!upstream) return true;
  const url = new URL(name.replace('/', '%2f'), upstream.endsWith('/') ? upstream : `${upstream}/`);
  try {
    const res = await fetch(url, {
      method: 'GET',
      headers: { accept: 'application/vnd.npm.install-v1+json' },
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.status !== 404;
  } catch {
    return true;
  }
}

/**
 * Submits a report for the caller: the package known to the upstream registry (when one is
 * configured), then the domain's checks (a confirmed account among them). Returns the report and its
 * possible duplicates among what the caller may see.
 */
export async function submitReport(
  ctx: DisclosureContext,
  caller: Caller,
  body: Record<string, unknown>,
  origin: Origin,
): Promise<{ report: Report; duplicates: PossibleDuplicate[] }> {
  requireUser(caller);
  const { onBehalfOf, ...input } = body;
  if (input.kind === 'npm' && typeof input.packageName === 'string' && input.packageName.trim()) {
    const name = input.packageName.trim();
    if (!(await packageExists(ctx, name)))
      throw new NswgError(
        'E_REPORT_INVALID',
        `packageName ${name} is not a package on the registry`,
        { field: 'packageName' },
        [{ field: 'packageName', message: 'is not a package on the registry' }],
      );
  }
  const report = await ctx.program.submit(
    caller.actor,
    input,
    origin,
    typeof onBehalfOf === 'string' && onBehalfOf ? { onBehalfOf } : {},
  );
  const duplicates = await possibleDuplicates(ctx, caller.actor, origin, report);
  return { report, duplicates };
}

/** Sends a message, logging a failure (the pages offer to send it again). */
async function sendLogged(ctx: DisclosureContext, m: MailMessage, log: FastifyBaseLogger, what: string) {
  try {
    await ctx.mailer.send(m);
  } catch (e) {
    log.error({ err: e }, `the ${what} e-mail was not sent`);
  }
}

/** Sends a new confirmation link to an account not confirmed yet. */
export async function sendVerification(
  ctx: DisclosureContext,
  user: User,
  log: FastifyBaseLogger,
): Promise<void> {
  const token = await ctx.deps.store.accounts.startEmailVerification(user.id);
  await sendLogged(
    ctx,
    accountMessages.verifyEmail(user.email, ctx.url(paths.verifyEmail(token))),
    log,
    'verification',
  );
}

/**
 * Signs up and mails what the outcome calls for: the confirmation link to a new address (or one
 * whose earlier account was never confirmed), a notice to the owner of a confirmed one. The caller
 * answers the same in every case.
 */
export async function signUp(
  ctx: DisclosureContext,
  input: { email?: unknown; displayName?: unknown; handle?: unknown; password?: unknown },
  origin: Origin,
  log: FastifyBaseLogger,
): Promise<void> {
  const done = await ctx.deps.store.accounts.register(input, origin);
  const to = done.user.email;
  if (done.outcome === 'exists')
    await sendLogged(
      ctx,
      accountMessages.alreadyRegistered(to, ctx.url(paths.login()), ctx.url(paths.passwordResetRequest())),
      log,
      'already-registered',
    );
  else
    await sendLogged(
      ctx,
      accountMessages.verifyEmail(to, ctx.url(paths.verifyEmail(done.verifyToken))),
      log,
      'verification',
    );
}

/** What a sign-up answers, whatever its outcome: where the confirmation link went. */
export function signUpMessage(ctx: DisclosureContext): string {
  return ctx.delivery === 'mail'
    ? 'If this address can be registered, a link to confirm it is on its way: follow it, then log in. If the address has an account already, its owner is told instead.'
    : 'This server sends no e-mail (no SMTP server is configured): an admin of the program confirms your address. Ask them to (nswg user confirm, or the Users page); then log in.';
}

/** Mails a password reset link when the address has an account; the answer is the same either way. */
export async function requestPasswordReset(
  ctx: DisclosureContext,
  email: string,
  log: FastifyBaseLogger,
): Promise<void> {
  const started = await ctx.deps.store.accounts.startPasswordReset(String(email ?? ''));
  if (!started) return;
  await sendLogged(
    ctx,
    accountMessages.passwordReset(started.user.email, ctx.url(paths.passwordReset(started.token))),
    log,
    'password reset',
  );
}

/** A report the caller may see (read inside its own transaction, not recorded: the caller acts on it next). */
async function visibleReport(ctx: DisclosureContext, caller: Caller, id: string): Promise<Report> {
  const r = await ctx.deps.store.reports.transaction((tx) => tx.getReport(id));
  if (!r) throw reportNotFound();
  try {
    assertCan(caller.actor, 'view-report', r, ctx.clock.now());
  } catch (e) {
    sameNotFound(e);
  }
  return r;
}

/**
 * Moves a report through the workflow. Inviting a maintainer is not a bare move: it goes through the
 * invitation, which carries the e-mail address and the link.
 */
export async function transitionReport(
  ctx: DisclosureContext,
  caller: Caller,
  id: string,
  t: Transition,
  params: TransitionParams,
  origin: Origin,
): Promise<Report> {
  requireUser(caller);
  if (t === 'invite-maintainer') {
    await visibleReport(ctx, caller, id);
    throw new NswgError('E_TRANSITION', 'a maintainer is invited by e-mail address: use the invitation', {
      field: 'transition',
    });
  }
  return ctx.program.transition(caller.actor, id, t, params, origin).catch(sameNotFound);
}
