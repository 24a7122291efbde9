import qrcode from 'qrcode-generator';
import {
  API_SCOPES,
  type ApiTokenInfo,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { PAGES } from '../context.js';
import {
  csrfField,
  NO_MAIL,
  type PageCtx,
  type Problems,
  page,
  postButton,
  problemOf,
  when,
} from './layout.js';

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
<p class="lead">An account lets you report vulnerabilities privately, follow them, and take part as a maintainer when invited. We send a link to confirm your address: the account can do nothing until it is confirmed.</p>
${p.delivery === 'outbox' ? html`<div class="notice" id="no-mail"><p>${NO_MAIL}</p></div>` : ''}
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

/** What a sign-up answers, whatever the address: where the confirmation link went, and what next. */
export function signedUpPage(p: PageCtx, message: string, next: string): SafeHtml {
  return page(
    p,
    'Confirm your address',
    html`<h1>Confirm your e-mail address</h1>
<p class="lead" id="signed-up">${message}</p>
<p>Once it is confirmed, <a href="${PAGES}/login?next=${encodeURIComponent(next)}">log in</a>. Until then the account can do nothing.</p>`,
  );
}

/** Login: e-mail, password, and the second factor's code when it is on. */
export function loginPage(p: PageCtx, email: string, error: string | null, next: string): SafeHtml {
  return page(
    p,
    'Log in',
    html`<h1>Log in</h1>
${formError(error)}
<form class="stack" method="post" action="${PAGES}/login">${csrfField(p)}<input type="hidden" name="next" value="${next}">
${input('email', 'E-mail address', 'email', email, {}, { required: true, autocomplete: 'username' })}
${input('password', 'Password', 'password', '', {}, { required: true, max: 1024, autocomplete: 'current-password' })}
<div><label for="code">Authentication code <span class="hint">with two-factor authentication on: the 6 digits your app shows, or a recovery code</span></label>
<input id="code" name="code" type="text" maxlength="40" autocomplete="one-time-code" spellcheck="false"></div>
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
    html`<h1>Reset your password</h1>${formError(error)}${p.delivery === 'outbox' ? html`<div class="notice" id="no-mail"><p>${NO_MAIL}</p></div>` : ''}
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
  /** Recovery codes just made (shown this once). */
  recoveryCodes?: string[];
  /** Two-factor authentication was just turned on. */
  enabled?: boolean;
  error?: string | null;
}

/** The QR code of an otpauth:// URI, as an image (an SVG made here, inlined as a data: URL under the CSP). */
function qrImage(uri: string): SafeHtml {
  const qr = qrcode(0, 'M');
  qr.addData(uri);
  qr.make();
  const svg = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return html`<img id="totp-qr" class="qr" src="${src}" alt="QR code of the key, for an authenticator app" width="200" height="200">`;
}

/** Recovery codes, shown once. */
function recoveryList(codes: string[]): SafeHtml {
  return html`<div class="notice ok" id="recovery-codes"><p><strong>Your recovery codes, shown this once.</strong> Keep them somewhere safe (a password manager, a printout): each one logs you in once in place of a code from your app, if you lose your phone.</p>
<ol class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol></div>`;
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
  const codes = extras.recoveryCodes?.length ? recoveryList(extras.recoveryCodes) : '';
  const totp = u.totpEnabled
    ? html`${extras.enabled ? html`<div class="notice ok"><p>Two-factor authentication is on. Every other session of your account ended; logins now ask for a code.</p></div>` : ''}
<p>Two-factor authentication is <strong>on</strong>.</p>${codes}
${postButton(p, `${PAGES}/account/recovery-codes`, 'Make new recovery codes', 'secondary')}
<p class="hint muted">New codes replace the old ones.</p>`
    : extras.totp
      ? html`<p>Scan this QR code with your authenticator app (or type the key into it), then enter the 6-digit code it shows.</p>
<div class="totp-setup">${qrImage(extras.totp.uri)}
<p>Key: <span class="secret" id="totp-secret">${extras.totp.secret}</span><br><a href="${extras.totp.uri}" id="totp-uri">Open in an authenticator app on this device</a></p></div>
<form class="inline" method="post" action="${PAGES}/account/totp/enable">${csrfField(p)}<label for="enable-code">Code</label><input id="enable-code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required><button type="submit">Turn it on</button></form>
<p class="hint muted">Turning it on ends every other session of your account and gives you one-time recovery codes.</p>`
      : html`<p>Two-factor authentication is <strong>off</strong>.${u.roles.length ? html` <strong class="overdue">Your team role needs it.</strong>` : ''}</p>${postButton(p, `${PAGES}/account/totp`, 'Set up two-factor authentication')}`;
  return page(
    p,
    'Your account',
    html`<h1>Your account</h1>
${formError(extras.error ?? null)}
<dl class="facts"><dt>E-mail</dt><dd>${u.email} ${u.emailVerified ? html`<span class="muted">(confirmed)</span>` : html`<strong>(not confirmed)</strong>`}</dd>
<dt>Name</dt><dd>${u.displayName}${u.handle ? html` <span class="muted">@${u.handle}</span>` : ''}</dd>
<dt>Team roles</dt><dd>${u.roles.length ? u.roles.join(', ') : html`<span class="muted">none</span>`}</dd></dl>
${u.emailVerified || p.delivery === 'outbox' ? '' : postButton(p, `${PAGES}/account/verify-email`, 'Send the confirmation link again', 'secondary')}
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
${u.emailVerified ? '' : html`<p class="muted">An account whose address is not confirmed has no tokens.</p>`}
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
