// The mail of the accounts: the domain's Accounts make the links' tokens, the server mails the links
// (it knows its own URLs), and every answer reads the same whatever the outcome.
import type { FastifyBaseLogger } from 'fastify';
import type { MailMessage, Origin, User } from '../../disclosure/index.js';
import { accountMessages } from '../../mail/index.js';
import { type DisclosureContext, paths } from './context.js';

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
