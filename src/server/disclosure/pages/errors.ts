import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isNswgError } from '../../../errors.js';
import { httpStatusOf } from '../../errors.js';
import { html } from '../../pages/html.js';
import { csrfUserInfo, NOBODY } from '../auth.js';
import { PAGES } from '../context.js';
import { type PageCtx, page, sendPage, toLogin } from './layout.js';

const TITLES: Record<number, string> = {
  400: 'That did not work',
  401: 'Log in first',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not now',
  413: 'Too large',
  415: 'Not a form',
  429: 'Too many requests',
};

const CSRF_CODES = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

/**
 * Errors of the program's pages as pages: the status of the error's code and its message (escaped),
 * never a stack trace. A refused CSRF check says what to do; "not found" reads the same whatever
 * was not found, so that it never confirms a private report exists.
 */
export function pageErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  let status: number;
  let message: string;
  if (isNswgError(err)) {
    status = httpStatusOf(err.code);
    message = err.message;
    if (status >= 500) req.log.error({ err }, 'request failed');
  } else if (CSRF_CODES.has(err.code)) {
    status = 403;
    message =
      'This form could not be checked: it is too old, or it did not come from this site. Go back, reload the page and send it again.';
  } else if (err.validation) {
    status = 400;
    message = err.message;
  } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    status = err.statusCode;
    message = err.message;
  } else {
    req.log.error({ err }, 'request failed');
    status = 500;
    message = 'The server could not answer this request. Try again later.';
  }
  // someone whose session ended meets "sign in again" (whatever was asked for: it tells nothing of it)
  if (req.caller?.ended && [401, 403, 404].includes(status)) return toLogin(req, reply);
  // a refused form leads back to what it was about: a report, a security release, or the releases
  const m = /^\/disclosure\/(reports|releases)\/([^/?#]+)\/[^?#]+/.exec(req.url);
  const link =
    status === 404
      ? html`<p><a href="${PAGES}/reports">Your reports</a> · <a href="/">Advisories</a></p>`
      : m
        ? html`<p><a href="${PAGES}/${m[1]!}/${m[2]!}">Back to the ${m[1] === 'reports' ? 'report' : 'release'}</a></p>`
        : /^\/disclosure\/releases\/?(\?|$)/.test(req.url)
          ? html`<p><a href="${PAGES}/releases">Back to the security releases</a></p>`
          : html`<p><a href="${PAGES}/reports">Your reports</a></p>`;
  let csrf = '';
  try {
    csrf = reply.generateCsrf({ userInfo: csrfUserInfo(req) });
  } catch {}
  const p: PageCtx = {
    caller: req.caller ?? NOBODY,
    csrf,
    notice: null,
    delivery: req.mailDelivery ?? 'mail',
  };
  return sendPage(
    reply,
    page(
      p,
      TITLES[status] ?? 'Error',
      html`<h1>${TITLES[status] ?? 'Error'}</h1><p class="lead" id="error-message">${message}</p>${link}`,
    ),
    status,
  );
}
