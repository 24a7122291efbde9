import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTeamFor } from '../../../disclosure/index.js';
import { ASSETS } from '../../pages/assets/index.js';
import { type Html, html, type SafeHtml } from '../../pages/html.js';
import { disclosureAssets } from '../assets/index.js';
import { type Caller, csrfUserInfo } from '../auth.js';
import { PAGES } from '../context.js';

/** What one page needs from its request: who is asking and the CSRF token for its forms. */
export interface PageCtx {
  caller: Caller;
  csrf: string;
  /** A fixed message chosen by `?msg=` (never text from the request). */
  notice: string | null;
  /** Where the server's mail goes: the pages that promise mail say so when it is kept for admins. */
  delivery: 'mail' | 'outbox';
}

/** The messages a redirect may ask a page to show. */
const NOTICES: Record<string, string> = {
  'verify-sent': 'We sent you a new link to confirm your e-mail address.',
  'email-verified': 'Your e-mail address is confirmed: log in.',
  'logged-in': 'You are logged in.',
  'logged-out': 'You are logged out.',
  'reset-sent':
    'If an account has this address, we sent it a link to choose a new password (valid one hour).',
  'password-set':
    'Your password is set: every session and API token of the account ended, and the address is confirmed. Log in with the new password.',
  'totp-on': 'Two-factor authentication is on: logins now ask for a code.',
  'session-ended':
    'Your session ended (14 days without use, a logout elsewhere, or a new password): log in again.',
  'confirmed-user': 'The address is confirmed.',
  'mail-retried': 'The message was tried again: see below whether the SMTP server took it.',
  'roles-saved': 'The roles are saved: they take effect when the user logs in with two factors.',
  'fix-confirmed': 'The fixed versions are confirmed: they are what will be published.',
  'early-asked': 'Early publication is asked for: a second team member publishes.',
  'cve-assigned': 'A CVE id is assigned to the report: it is announced with the advisory.',
  'cve-block-added': 'The block is recorded: its ids are available.',
  'cve-ids-removed': 'The ids recorded by mistake are removed.',
  'cve-retired': 'The CVE id is retired.',
  'credit-proposed':
    'The credit is recorded. One proposed to an address waits for its account to accept it; it is public only then.',
  'credit-withdrawn': 'The credit is withdrawn.',
  'reward-approved': 'The reward is approved: its money is reserved, or it waits for budget.',
  'reward-ineligible': 'The reward is ineligible: the researcher reads the reason.',
  'reward-paid': 'The payment is recorded.',
  'module-added': 'The module is in the bounty.',
  'module-removed': 'The module is out of the bounty.',
  'module-saved': 'The module is saved.',
  'module-refreshed': 'The download count is refreshed.',
  'table-saved': 'The reward table is saved: it applies to rewards proposed from now on.',
  'profile-public': 'Your profile is public.',
  'profile-private': 'Your profile is no longer public.',
  deposited: 'The deposit is recorded; rewards waiting for budget were funded as far as it goes.',
  'credit-accepted': 'You accepted the credit: the advisory will carry it.',
  'credit-declined': 'You declined the credit: the advisory will not carry it.',
  'early-withdrawn': 'The request for early publication is withdrawn.',
  'note-published': 'The public note is published on the package: no CVE id, no advisory.',
  'invitation-revoked': 'The invitation is revoked: its link no longer works.',
  'invitation-resent': 'A new invitation is sent; the old link no longer works.',
  'maintainer-removed': 'The maintainer no longer sees this report.',
  'prefs-saved': 'Your notification choices are saved.',
  'token-revoked': 'The token is revoked.',
  submitted: 'Your report is submitted. The team answers within 2 business days.',
  moved: 'Done: the report moved on.',
  commented: 'Your comment is posted.',
  noted: 'The internal note is added.',
  attached: 'The file is attached.',
  invited: 'The invitation is sent.',
  joined: 'You are now a maintainer of this report.',
  assessed: 'The assessment is saved.',
  proposed: 'The extension is proposed: the vote is open.',
  voted: 'Your vote is counted.',
  closed: 'The vote is counted and closed.',
  'fix-proposed': 'Your fix proposal is saved: every participant is told.',
  'disclosure-stated': 'Your disclosure statement is recorded.',
};

/** The CSRF token for this page's forms, tied to the session cookie. */
export function pageCtx(req: FastifyRequest, reply: FastifyReply): PageCtx {
  const msg = (req.query as Record<string, unknown> | undefined)?.msg;
  return {
    caller: req.caller,
    csrf: reply.generateCsrf({ userInfo: csrfUserInfo(req) }),
    notice: typeof msg === 'string' ? (NOTICES[msg] ?? null) : null,
    delivery: req.mailDelivery ?? 'mail',
  };
}

/** What a page says where it would promise mail and the server keeps mail for its admins instead. */
export const NO_MAIL =
  'This server sends no e-mail (no SMTP server is configured): messages are kept for its admins, without their links. An admin confirms addresses and hands links over by hand (nswg user confirm, nswg user link, or the Users page).';

/** The hidden field every form carries. */
export const csrfField = (p: PageCtx): SafeHtml => html`<input type="hidden" name="_csrf" value="${p.csrf}">`;

/** A one-button form posting to `action`. */
export function postButton(
  p: PageCtx,
  action: string,
  label: string,
  cls = '',
  fields: SafeHtml | '' = '',
): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">${csrfField(p)}${fields}<button type="submit" class="${cls}">${label}</button></form>`;
}

/** The layout of the program's pages: the site's header with the account links, its stylesheet and ours. */
export function page(p: PageCtx, title: string, body: Html, opts: { scripts?: string[] } = {}): SafeHtml {
  const a = disclosureAssets();
  const u = p.caller.user;
  const team = p.caller.actor.kind === 'user' && p.caller.actor.roles.length > 0;
  const admin = p.caller.actor.kind === 'user' && p.caller.actor.roles.includes('admin');
  const coreTeam = isTeamFor(p.caller.actor, 'core');
  const pending = p.caller.actor.kind === 'user' ? (p.caller.actor.pendingRoles ?? []) : [];
  const account = u
    ? html`<a href="${PAGES}/account">${u.displayName}</a>${postButton(p, `${PAGES}/logout`, 'Log out', 'link')}`
    : html`<a href="${PAGES}/login">Log in</a><a href="${PAGES}/signup">Sign up</a>`;
  const banners = [
    p.caller.totpRequired
      ? html`<div class="notice bad" role="alert"><p>Your team role (${pending.join(', ')}) needs two-factor authentication: ${u?.totpEnabled ? html`log out and log in again with a code` : html`<a href="${PAGES}/account#totp">turn it on</a>`}. Until then you act as a registered user only.</p></div>`
      : '',
    u && !u.emailVerified
      ? p.delivery === 'mail'
        ? html`<div class="notice" id="confirm-notice"><p>Confirm your e-mail address (see the link we sent) before you report: until then the account can do nothing. <a href="${PAGES}/account">Send it again</a>.</p></div>`
        : html`<div class="notice" id="confirm-notice"><p>Your e-mail address is not confirmed yet: until it is, the account can do nothing. ${NO_MAIL}</p></div>`
      : '',
    p.notice ? html`<div class="notice ok" role="status"><p>${p.notice}</p></div>` : '',
  ];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Node.js Security WG disclosure program</title>
<link rel="stylesheet" href="${ASSETS.css.path}">
<link rel="stylesheet" href="${a.css.path}">
<link rel="icon" type="image/svg+xml" href="${ASSETS.icon.path}">
<script src="${ASSETS.js.path}" defer></script>
${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<header class="site">
<div class="wrap">
<a class="brand" href="/"><span>nswg</span> advisories</a>
<nav aria-label="Disclosure program"><a href="${PAGES}/reports/new">Report a vulnerability</a><a href="${PAGES}/reports">My reports</a><a href="${PAGES}/cve-requests">CVE requests</a>${u ? html`<a href="${PAGES}/credits">Credits</a><a href="${PAGES}/rewards" id="nav-rewards">Rewards</a>` : ''}${team ? html`<a href="${PAGES}/triage">Triage</a><a href="${PAGES}/bounty/rewards" id="nav-bounty-team">Rewards to decide</a>` : ''}${coreTeam ? html`<a href="${PAGES}/releases" id="nav-releases">Security releases</a>` : ''}${admin ? html`<a href="${PAGES}/admin/users">Users</a><a href="${PAGES}/admin/cve">CVE ids</a><a href="${PAGES}/admin/bounty" id="nav-bounty-admin">Budget</a><a href="${PAGES}/admin/outbox">Outbox</a><a href="${PAGES}/admin/audit-log">Audit log</a>` : ''}</nav>
<div class="account">${account}</div>
</div>
</header>
<main class="wrap" id="main">
${banners}
${body}
</main>
<footer class="site">
<div class="wrap">The Node.js Security Working Group's responsible disclosure program: <a href="/">advisories</a> · <a href="${PAGES}/bounty" id="footer-bounty">bug bounty</a> · <a href="${PAGES}/hall-of-fame" id="footer-hall-of-fame">hall of fame</a> · <a href="${PAGES}/releases" id="footer-releases">Node.js security releases</a> · <a href="/openapi.json">API</a>.</div>
</footer>
</body>
</html>
`;
}

/** Sends a page: never cached (it shows private data and carries a CSRF token). */
export function sendPage(reply: FastifyReply, body: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body.value);
}

/** Redirects after a POST (303: the browser follows with a GET). */
export const seeOther = (reply: FastifyReply, to: string): FastifyReply => reply.redirect(to, 303);

/** A local path to return to after logging in (anything else goes to the reports). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' &&
    next.startsWith(`${PAGES}/`) &&
    !/[\\\s]|\/\//.test(next) &&
    next.length < 600
    ? next
    : `${PAGES}/reports`;
}

/**
 * Sends an anonymous visitor to the login page, back here afterwards. A form sent with a session
 * that has ended is not lost silently: the answer is the login page, saying the session ended, with
 * the text that was sent, to copy back once logged in again.
 */
export function toLogin(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const back = req.method === 'GET' ? req.url : (req.headers.referer ?? '');
  let path = `${PAGES}/reports`;
  try {
    path = new URL(back, 'http://x').pathname;
  } catch {}
  const next = safeNext(path);
  if (req.caller?.ended && req.method === 'POST')
    return sendPage(reply, sessionEndedPage(pageCtx(req, reply), next, sentText(req.body)), 401);
  const msg = req.caller?.ended ? '&msg=session-ended' : '';
  return seeOther(reply, `${PAGES}/login?next=${encodeURIComponent(next)}${msg}`);
}

/** The text fields of a form that was sent (never a password or the CSRF token), to give back. */
function sentText(body: unknown): [string, string][] {
  if (!body || typeof body !== 'object') return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf' || /password|code|totp/i.test(k)) continue;
    const text = typeof v === 'string' ? v : null;
    if (text?.trim()) out.push([k, text.slice(0, 200_000)]);
  }
  return out.slice(0, 40);
}

/** The login page a form sent after the session ended gets: what happened, the form's text, the login. */
function sessionEndedPage(p: PageCtx, next: string, sent: [string, string][]): SafeHtml {
  return page(
    p,
    'Log in again',
    html`<h1>Your session ended</h1>
<p class="lead" id="session-ended">You were logged out (after 14 days without use, a logout elsewhere, or a new password), so what you sent was <strong>not saved</strong>. Log in again, then send it again${sent.length ? ': your text is below, to copy' : ''}.</p>
${sent.length ? html`<details open id="sent-text"><summary>What you sent</summary>${sent.map(([k, v]) => html`<p class="muted">${k}</p><pre class="sent">${v}</pre>`)}</details>` : ''}
<p><a class="button" href="${PAGES}/login?next=${encodeURIComponent(next)}">Log in again</a></p>`,
  );
}

/** A trimmed text field of a form body ('' when absent). */
export function field(body: unknown, name: string, max = 200_000): string {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.slice(0, max) : '';
}

/** Problems by field, for showing each next to its input. */
export type Problems = Record<string, string>;

/** The error line under an input, if it has a problem. */
export const problemOf = (problems: Problems, name: string): SafeHtml | '' =>
  problems[name] ? html`<p class="field-error" id="${name}-error">${problems[name]}</p>` : '';

/** A date from an ISO timestamp (UTC), readable. */
export function when(ts: string | null | undefined): SafeHtml {
  if (!ts) return html`<span class="muted">—</span>`;
  return html`<time datetime="${ts}">${ts.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** A report state as a badge. */
export const stateBadge = (s: string): SafeHtml => html`<span class="state state-${s}">${s}</span>`;
