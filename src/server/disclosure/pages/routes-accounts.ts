import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NOTIFICATION_KINDS } from '../../../disclosure/index.js';
import { isNswgError } from '../../../errors.js';
import { requestPasswordReset, sendVerification, signUp, signUpMessage } from '../account-mail.js';
import { clearSessionCookie, sessionCaller, setSessionCookie } from '../auth.js';
import { type DisclosureContext, originOf, PAGES } from '../context.js';
import { limited } from '../limits.js';
import { field, pageCtx, safeNext, seeOther, sendPage, toLogin } from './layout.js';
import {
  type AccountExtras,
  accountPage,
  confirmPage,
  loginPage,
  messagePage,
  resetPage,
  resetRequestPage,
  signedUpPage,
  signupPage,
} from './views-accounts.js';

const hidden = { hide: true };

/** The account pages: sign-up, e-mail confirmation, login and logout, password reset, the account settings. */
export function accountPages(app: FastifyInstance, ctx: DisclosureContext): void {
  const accounts = ctx.deps.store.accounts;
  const secure = ctx.deps.config.secureCookies;
  const next = (req: FastifyRequest) => safeNext(field(req.body ?? req.query, 'next'));

  app.get(`${PAGES}/signup`, { schema: hidden }, async (req, reply) =>
    sendPage(reply, signupPage(pageCtx(req, reply), {}, {}, null, next(req))),
  );

  app.post(`${PAGES}/signup`, { schema: hidden, config: limited(ctx, 'signup') }, async (req, reply) => {
    const values = {
      email: field(req.body, 'email', 254),
      displayName: field(req.body, 'displayName', 100),
      handle: field(req.body, 'handle', 39),
    };
    const password = field(req.body, 'password', 1024);
    try {
      await signUp(ctx, { ...values, handle: values.handle || null, password }, originOf(req), req.log);
    } catch (e) {
      if (!isNswgError(e) || !['E_ACCOUNT_INVALID', 'E_CONFLICT'].includes(e.code)) throw e;
      const problems = e.field ? { [e.field]: e.message } : {};
      return sendPage(
        reply,
        signupPage(pageCtx(req, reply), values, problems, e.message, next(req)),
        e.code === 'E_CONFLICT' ? 409 : 400,
      );
    }
    // the same answer whatever the address: it never tells who is registered
    return sendPage(reply, signedUpPage(pageCtx(req, reply), signUpMessage(ctx), next(req)), 202);
  });

  app.get<{ Params: { token: string } }>(
    `${PAGES}/verify-email/:token`,
    { schema: hidden },
    async (req, reply) =>
      sendPage(
        reply,
        confirmPage(
          pageCtx(req, reply),
          'Confirm your e-mail address',
          'Confirm that this address is yours.',
          `${PAGES}/verify-email/${encodeURIComponent(req.params.token)}`,
          'Confirm my address',
        ),
      ),
  );

  app.post<{ Params: { token: string } }>(
    `${PAGES}/verify-email/:token`,
    { schema: hidden },
    async (req, reply) => {
      try {
        await accounts.verifyEmail(req.params.token, originOf(req));
      } catch (e) {
        if (!isNswgError(e) || e.code !== 'E_TOKEN') throw e;
        return sendPage(
          reply,
          messagePage(pageCtx(req, reply), 'This link does not work', e.message, {
            href: `${PAGES}/account`,
            label: 'Your account',
          }),
          400,
        );
      }
      return seeOther(
        reply,
        req.caller.user ? `${PAGES}/account?msg=email-verified` : `${PAGES}/login?msg=email-verified`,
      );
    },
  );

  app.get(`${PAGES}/login`, { schema: hidden }, async (req, reply) =>
    sendPage(reply, loginPage(pageCtx(req, reply), '', null, next(req))),
  );

  app.post(`${PAGES}/login`, { schema: hidden, config: limited(ctx, 'login') }, async (req, reply) => {
    const email = field(req.body, 'email', 254);
    try {
      const code = (field(req.body, 'code', 40) || field(req.body, 'totp', 40)).trim();
      const session = await accounts.login(
        { email, password: field(req.body, 'password', 1024), code },
        originOf(req),
      );
      setSessionCookie(reply, session.token, secure);
      return seeOther(reply, next(req));
    } catch (e) {
      if (!isNswgError(e) || !['E_AUTH', 'E_LOCKED'].includes(e.code)) throw e;
      // one message whatever was wrong; a lockout says for how long
      const message =
        e.code === 'E_LOCKED'
          ? `${e.message[0]!.toUpperCase()}${e.message.slice(1)}.`
          : 'Wrong e-mail address, password or code. With two-factor authentication on, enter the code your app shows (or a recovery code).';
      return sendPage(
        reply,
        loginPage(pageCtx(req, reply), email, message, next(req)),
        e.code === 'E_LOCKED' ? 429 : 401,
      );
    }
  });

  app.post(`${PAGES}/logout`, { schema: hidden }, async (req, reply) => {
    if (req.caller.sessionToken) await accounts.logout(req.caller.sessionToken, originOf(req));
    clearSessionCookie(reply, secure);
    return seeOther(reply, `${PAGES}/login?msg=logged-out`);
  });

  app.get(`${PAGES}/password-reset`, { schema: hidden }, async (req, reply) =>
    sendPage(reply, resetRequestPage(pageCtx(req, reply), null)),
  );

  app.post(
    `${PAGES}/password-reset`,
    { schema: hidden, config: limited(ctx, 'reset') },
    async (req, reply) => {
      await requestPasswordReset(ctx, field(req.body, 'email', 254), req.log);
      return seeOther(reply, `${PAGES}/login?msg=reset-sent`);
    },
  );

  app.get<{ Params: { token: string } }>(
    `${PAGES}/password-reset/:token`,
    { schema: hidden },
    async (req, reply) => sendPage(reply, resetPage(pageCtx(req, reply), req.params.token, null)),
  );

  app.post<{ Params: { token: string } }>(
    `${PAGES}/password-reset/:token`,
    { schema: hidden, config: limited(ctx, 'reset') },
    async (req, reply) => {
      try {
        await accounts.resetPassword(req.params.token, field(req.body, 'password', 1024), originOf(req));
      } catch (e) {
        if (!isNswgError(e) || !['E_TOKEN', 'E_ACCOUNT_INVALID'].includes(e.code)) throw e;
        return sendPage(reply, resetPage(pageCtx(req, reply), req.params.token, e.message), 400);
      }
      clearSessionCookie(reply, secure);
      return seeOther(reply, `${PAGES}/login?msg=password-set`);
    },
  );

  app.get(`${PAGES}/account/recovery-codes`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    return seeOther(reply, `${PAGES}/account#totp`);
  });

  app.post(`${PAGES}/account/recovery-codes`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    const codes = await accounts.regenerateRecoveryCodes(req.caller.actor, originOf(req));
    return account(req, reply, { recoveryCodes: codes });
  });

  const account = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extras: AccountExtras = {},
    status = 200,
  ) => {
    const user = req.caller.user!;
    const [prefs, tokens] = await Promise.all([
      accounts.notificationPrefs(user.id),
      accounts.apiTokens(user.id),
    ]);
    return sendPage(reply, accountPage(pageCtx(req, reply), prefs, tokens, extras), status);
  };

  app.get(`${PAGES}/account`, { schema: hidden }, async (req, reply) => {
    if (!req.caller.user) return toLogin(req, reply);
    return account(req, reply);
  });

  app.post(`${PAGES}/account/verify-email`, { schema: hidden }, async (req, reply) => {
    const user = req.caller.user;
    if (!user) return toLogin(req, reply);
    // a confirmed address needs no link: the page just goes back to the account
    await sendVerification(ctx, user, req.log).catch((e) => {
      if (!isNswgError(e) || e.code !== 'E_CONFLICT') throw e;
    });
    return seeOther(reply, `${PAGES}/account${ctx.delivery === 'mail' ? '?msg=verify-sent' : ''}`);
  });

  app.post(`${PAGES}/account/totp`, { schema: hidden }, async (req, reply) => {
    const user = req.caller.user;
    if (!user) return toLogin(req, reply);
    return account(req, reply, { totp: await accounts.beginTotp(user.id) });
  });

  app.post(`${PAGES}/account/totp/enable`, { schema: hidden }, async (req, reply) => {
    const user = req.caller.user;
    if (!user) return toLogin(req, reply);
    let enrolled: Awaited<ReturnType<typeof accounts.enableTotp>>;
    try {
      enrolled = await accounts.enableTotp(user.id, field(req.body, 'code', 10).trim(), originOf(req));
    } catch (e) {
      if (!isNswgError(e) || !['E_ACCOUNT_INVALID', 'E_CONFLICT'].includes(e.code)) throw e;
      // the secret stays as it was: start again to see a new one
      return account(
        req,
        reply,
        {
          error:
            'That code is not right (or the set-up expired): set it up again and enter the code your app shows.',
        },
        400,
      );
    }
    // every session ended (one opened without the second factor); this browser gets the new one
    setSessionCookie(reply, enrolled.session.token, secure);
    const caller = await sessionCaller(ctx.deps.store, enrolled.session.token);
    if (caller) req.caller = caller;
    return account(req, reply, { recoveryCodes: enrolled.recoveryCodes, enabled: true });
  });

  app.post(`${PAGES}/account/notifications`, { schema: hidden }, async (req, reply) => {
    const user = req.caller.user;
    if (!user) return toLogin(req, reply);
    for (const kind of NOTIFICATION_KINDS)
      await accounts.setNotificationPref(user.id, kind, field(req.body, kind) === 'on');
    return seeOther(reply, `${PAGES}/account?msg=prefs-saved`);
  });

  app.post(`${PAGES}/account/tokens`, { schema: hidden }, async (req, reply) => {
    const user = req.caller.user;
    if (!user) return toLogin(req, reply);
    const raw = (req.body as Record<string, unknown> | undefined)?.scopes;
    const scopes = (Array.isArray(raw) ? raw : [raw]).filter((s): s is string => typeof s === 'string');
    const name = field(req.body, 'name', 100);
    try {
      const t = await accounts.createApiToken({ user, mfa: req.caller.mfa }, name, scopes, originOf(req));
      return account(req, reply, { newToken: { name, token: t.token } });
    } catch (e) {
      if (!isNswgError(e) || e.code !== 'E_ACCOUNT_INVALID') throw e;
      return account(req, reply, { error: e.message }, 400);
    }
  });

  app.post<{ Params: { id: string } }>(
    `${PAGES}/account/tokens/:id/revoke`,
    { schema: hidden },
    async (req, reply) => {
      if (!req.caller.user) return toLogin(req, reply);
      await accounts.revokeApiToken(req.caller.actor, req.params.id, originOf(req));
      return seeOther(reply, `${PAGES}/account?msg=token-revoked`);
    },
  );
}
