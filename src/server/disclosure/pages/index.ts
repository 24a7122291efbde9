import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseFormBody } from '../../body.js';
import { cookieCaller, csrfUserInfo } from '../auth.js';
import type { DisclosureContext } from '../context.js';
import { acceptUploads } from '../uploads.js';
import { pageErrorHandler } from './errors.js';
import { accountPages } from './routes-accounts.js';
import { bountyPages } from './routes-bounty.js';
import { creditPages } from './routes-credits.js';
import { cveRequestPages } from './routes-cve-requests.js';
import { releasePages } from './routes-releases.js';
import { attachmentPage, reportPages } from './routes-reports.js';
import { teamPages } from './routes-team.js';

/** The CSRF token of a form: its `_csrf` field (urlencoded or multipart), else the X-CSRF-Token header. */
function csrfToken(req: FastifyRequest): string | undefined {
  const v = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string')
    return (v as { value: string }).value;
  const h = req.headers['x-csrf-token'];
  return typeof h === 'string' ? h : undefined;
}

/**
 * The program's pages: the session cookie says who is asking; every form carries a CSRF token tied
 * to that session (double-submit with an HMAC-keyed token), checked on every POST before anything
 * happens, so a request forged by another site is refused with 403.
 */
export async function disclosurePages(app: FastifyInstance, ctx: DisclosureContext): Promise<void> {
  const secure = ctx.deps.config.secureCookies;
  // within the app's byte limit (1 MiB), with its fields counted before they are parsed
  await app.register(formbody, { parser: parseFormBody });
  await app.register(csrf, {
    cookieKey: secure ? '__Host-nswg_csrf' : 'nswg_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    getToken: csrfToken,
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: ctx.keys.csrf },
  });
  app.decorateRequest('caller', null as never);
  app.decorateRequest('mailDelivery', undefined);
  app.addHook('onRequest', async (req) => {
    req.caller = await cookieCaller(ctx.deps.store, req);
    req.mailDelivery = ctx.delivery;
  });
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'POST') app.csrfProtection(req, reply, done);
    else done();
  });
  app.setErrorHandler(pageErrorHandler);
  accountPages(app, ctx);
  reportPages(app, ctx);
  teamPages(app, ctx);
  creditPages(app, ctx);
  cveRequestPages(app, ctx);
  bountyPages(app, ctx);
  releasePages(app, ctx);
  await app.register(async (uploads) => {
    await acceptUploads(uploads);
    attachmentPage(uploads, ctx);
  });
}
