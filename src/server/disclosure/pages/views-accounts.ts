import { NOTIFICATION_KINDS, type NotificationKind } from '../../../disclosure/index.js';
import { API_SCOPES, type ApiTokenInfo } from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { PAGES } from '../context.js';
import { csrfField, type PageCtx, type Problems, page, postButton, problemOf, when } from './layout.js';

const input = (
  name: string,
  label: string,
  type: string,
  value: string,
  problems: Problems,
  extra: { hint?: string; autocomplete?: string; required?: boolean; max?: number } = {},
): SafeHtml =>
  html`<div class="${problems[name] ? 'invalid' : ''}"><label for="${name}">${label}${extra.hint ? html` <span class="hint">${extra.hint}</span>` : ''}</label>
<input id="${name}" name="${name}" type="${type}" value="${value}" ${extra.required ? html`required` : ''} maxlength="${extra.max ?? 254}" autocomplete="${extra.autocomplete ?? 'off'}">${problemOf(problems, name)}</div>`;

/** The error summary above a form. */
export const formError = (message: string | null): SafeHtml | '' =>
  message ? html`<div class="notice bad" role="alert"><p>${message}</p></div>` : '';

/** Sign-up: e-mail, name, handle, password. */
export function signupPage(
  p: PageCtx,
  values: Record<string, string>,
  problems: Problems,
  error: string | null,
  next: string,
): SafeHtml {
  return page(
    p,
    'Sign up',
    html`<h1>Sign up</h1>
<p class="lead">An account lets you report vulnerabilities privately, follow them, and take part as a maintainer when invited.</p>
${formError(error)}
<form class="stack" method="post" action="${PAGES}/signup">${csrfField(p)}<input type="hidden" name="next" value="${next}">
${input('email', 'E-mail address', 'email', values.email ?? '', problems, { required: true, autocomplete: 'email' })}
${input('displayName', 'Name', 'text', values.displayName ?? '', problems, { required: true, max: 100, autocomplete: 'name', hint: 'as the team sees it' })}
${input('handle', 'Handle', 'text', values.handle ?? '', problems, { max: 39, hint: 'optional: letters, digits, - and _ (how you may be credited)' })}
${input('password', 'Password', 'password', '', problems, { required: true, max: 1024, autocomplete: 'new-password', hint: 'at least 12 characters' })}
<div><button type="submit">Sign up</button></div>
</form>
<p>Already registered? <a href="${PAGES}/login?next=${encodeURIComponent(next)}">Log in</a>.</p>`,
  );
}

/** Login: e-mail, password, and the TOTP code when it is on. */
export function loginPage(
  p: PageCtx,
  email: string,
  error: string | null,
  next: string,
  askCode: boolean,
): SafeHtml {
  return page(
    p,
    'Log in',
    html`<h1>Log in</h1>
${formError(error)}
<form class="stack" method="post" action="${PAGES}/login">${csrfField(p)}<input type="hidden" name="next" value="${next}">
${input('email', 'E-mail address', 'email', email, {}, { required: true, autocomplete: 'username' })}
${input('password', 'Password', 'password', '', {}, { required: true, max: 1024, autocomplete: 'current-password' })}
<div><label for="totp">Authentication code <span class="hint">${askCode ? 'the 6 digits your authenticator app shows' : 'only if you turned two-factor authentication on'}</span></label>
<input id="totp" name="totp" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"></div>
<div><button type="submit">Log in</button></div>
</form>
<p><a href="${PAGES}/password-reset">Forgot your password?</a> · <a href="${PAGES}/signup?next=${encodeURIComponent(next)}">Sign up</a></p>`,
  );
}

/** A page with a title, a sentence and a one-button form (confirming a link from an e-mail). */
export function confirmPage(
  p: PageCtx,
  title: string,
  text: string,
  action: string,
  button: string,
): SafeHtml {
  return page(
    p,
    title,
    html`<h1>${title}</h1><p class="lead">${text}</p><form class="stack" method="post" action="${action}">${csrfField(p)}<div><button type="submit">${button}</button></div></form>`,
  );
}

/** A page that only says something (and links somewhere). */
export function messagePage(
  p: PageCtx,
  title: string,
  text: string,
  link?: { href: string; label: string },
): SafeHtml {
  return page(
    p,
    title,
    html`<h1>${title}</h1><p class="lead">${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}

/** Asks for the address to send a reset link to. */
export function resetRequestPage(p: PageCtx, error: string | null): SafeHtml {
  return page(
    p,
    'Reset your password',
    html`<h1>Reset your password</h1>${formError(error)}
<form class="stack" method="post" action="${PAGES}/password-reset">${csrfField(p)}
${input('email', 'E-mail address', 'email', '', {}, { required: true, autocomplete: 'email' })}
<div><button type="submit">Send the link</button></div></form>`,
  );
}

/** Chooses a new password (from the link). */
export function resetPage(p: PageCtx, token: string, error: string | null): SafeHtml {
  return page(
    p,
    'Choose a new password',
    html`<h1>Choose a new password</h1>${formError(error)}
<form class="stack" method="post" action="${PAGES}/password-reset/${encodeURIComponent(token)}">${csrfField(p)}
${input('password', 'New password', 'password', '', {}, { required: true, max: 1024, autocomplete: 'new-password', hint: 'at least 12 characters' })}
<div><button type="submit">Set the password</button></div></form>`,
  );
}

/** What the account page shows once, after an action. */
export interface AccountExtras {
  totp?: { secret: string; uri: string };
  newToken?: { name: string; token: string };
  error?: string | null;
}

const NOTIFICATION_WORDS: Record<NotificationKind, string> = {
  'state-change': 'a report I take part in changes state',
  comment: 'someone comments on a report I take part in',
  reminder: 'deadlines come near or pass',
  vote: 'an extension vote opens',
};

/** The account page: address, two-factor authentication, notifications, API tokens. */
export function accountPage(
  p: PageCtx,
  prefs: Record<NotificationKind, boolean>,
  tokens: ApiTokenInfo[],
  extras: AccountExtras = {},
): SafeHtml {
  const u = p.caller.user!;
  const totp = u.totpEnabled
    ? html`<p>Two-factor authentication is <strong>on</strong>.</p>`
    : extras.totp
      ? html`<p>Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.</p>
<p>Key: <span class="secret" id="totp-secret">${extras.totp.secret}</span></p>
<p><a href="${extras.totp.uri}" id="totp-uri">Open in an authenticator app</a></p>
<form class="inline" method="post" action="${PAGES}/account/totp/enable">${csrfField(p)}<label for="code">Code</label><input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required><button type="submit">Turn it on</button></form>`
      : html`<p>Two-factor authentication is <strong>off</strong>.${u.roles.length ? html` <strong class="overdue">Your team role needs it.</strong>` : ''}</p>${postButton(p, `${PAGES}/account/totp`, 'Set up two-factor authentication')}`;
  return page(
    p,
    'Your account',
    html`<h1>Your account</h1>
${formError(extras.error ?? null)}
<dl class="facts"><dt>E-mail</dt><dd>${u.email} ${u.emailVerified ? html`<span class="muted">(confirmed)</span>` : html`<strong>(not confirmed)</strong>`}</dd>
<dt>Name</dt><dd>${u.displayName}${u.handle ? html` <span class="muted">@${u.handle}</span>` : ''}</dd>
<dt>Team roles</dt><dd>${u.roles.length ? u.roles.join(', ') : html`<span class="muted">none</span>`}</dd></dl>
${u.emailVerified ? '' : postButton(p, `${PAGES}/account/verify-email`, 'Send the confirmation link again', 'secondary')}
<section aria-labelledby="totp"><h2 id="totp">Two-factor authentication</h2>${totp}</section>
<section aria-labelledby="notifications"><h2 id="notifications">Notifications</h2>
<form class="stack" method="post" action="${PAGES}/account/notifications">${csrfField(p)}
<fieldset><legend>E-mail me when</legend><div class="choices">${NOTIFICATION_KINDS.map(
      (k) =>
        html`<label><input type="checkbox" name="${k}" value="on" ${prefs[k] ? html`checked` : ''}> ${NOTIFICATION_WORDS[k]}</label>`,
    )}</div></fieldset>
<p class="hint muted">Maintainer invitations always arrive.</p>
<div><button type="submit">Save</button></div></form></section>
<section aria-labelledby="tokens"><h2 id="tokens">API tokens</h2>
<p>For scripts: send <code>Authorization: Bearer &lt;token&gt;</code> to <code>/api/…</code> (see <a href="/docs">the API</a>).</p>
${extras.newToken ? html`<div class="notice ok"><p>Your new token “${extras.newToken.name}” (shown once): <span class="secret" id="new-token">${extras.newToken.token}</span></p></div>` : ''}
${
  tokens.length
    ? html`<div class="table-scroll"><table><thead><tr><th>Name</th><th>Scopes</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>${tokens.map(
        (t) =>
          html`<tr><td>${t.name}</td><td>${t.scopes.join(', ')}</td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td><td>${
            t.revokedAt
              ? html`revoked ${when(t.revokedAt)}`
              : postButton(
                  p,
                  `${PAGES}/account/tokens/${encodeURIComponent(t.id)}/revoke`,
                  'Revoke',
                  'secondary',
                )
          }</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No tokens.</p>`
}
<form class="stack" method="post" action="${PAGES}/account/tokens">${csrfField(p)}
<div><label for="token-name">Name</label><input id="token-name" name="name" type="text" maxlength="100" required></div>
<fieldset><legend>Scopes</legend><div class="choices">${API_SCOPES.map((s) => html`<label><input type="checkbox" name="scopes" value="${s}"> ${s}</label>`)}</div></fieldset>
<div><button type="submit">Create a token</button></div></form></section>`,
  );
}
