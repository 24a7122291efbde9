import { type QueuedMail, TEAM_ROLES, type User } from '../../../disclosure/index.js';
import type { OutboxMessage } from '../../../store/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { PAGES } from '../context.js';
import { csrfField, NO_MAIL, type PageCtx, page, postButton, when } from './layout.js';

/** A link made for an admin to hand over by hand, shown once. */
export interface IssuedLink {
  email: string;
  purpose: 'verify-email' | 'reset-password';
  link: string;
  expiresHours: number;
}

const userPath = (id: string) => `${PAGES}/admin/users/${encodeURIComponent(id)}`;

function userRow(p: PageCtx, u: User): SafeHtml {
  const roleBoxes = TEAM_ROLES.map(
    (r) =>
      html`<label><input type="checkbox" name="roles" value="${r}" ${u.roles.includes(r) ? html`checked` : ''} ${u.emailVerified ? '' : html`disabled`}> ${r}</label>`,
  );
  return html`<tr data-user="${u.email}"><td>${u.email}${u.handle ? html`<br><span class="muted">@${u.handle}</span>` : ''}</td><td>${u.displayName}</td>
<td>${u.emailVerified ? 'confirmed' : html`<strong>not confirmed</strong>`}${u.totpEnabled ? html`<br><span class="muted">two factors</span>` : ''}</td>
<td>${when(u.createdAt)}</td>
<td>${
    u.emailVerified
      ? html`<form class="inline" method="post" action="${userPath(u.id)}/roles">${csrfField(p)}${roleBoxes}<button type="submit" class="secondary">Save roles</button></form>
${postButton(p, `${userPath(u.id)}/links`, 'Make a password link', 'secondary', html`<input type="hidden" name="purpose" value="reset-password">`)}`
      : html`${postButton(p, `${userPath(u.id)}/confirm`, 'Confirm the address')}
${postButton(p, `${userPath(u.id)}/links`, 'Make a confirmation link', 'secondary', html`<input type="hidden" name="purpose" value="verify-email">`)}`
  }</td></tr>`;
}

/** The users, unconfirmed accounts first: confirm an address, hand a link over, set team roles. */
export function usersPage(p: PageCtx, users: User[], issued: IssuedLink | null): SafeHtml {
  const pending = users.filter((u) => !u.emailVerified);
  const rest = users.filter((u) => u.emailVerified);
  const table = (list: User[], empty: string) =>
    list.length
      ? html`<div class="table-scroll"><table class="users"><thead><tr><th>Address</th><th>Name</th><th>Status</th><th>Since</th><th></th></tr></thead><tbody>${list.map((u) => userRow(p, u))}</tbody></table></div>`
      : html`<p class="muted">${empty}</p>`;
  return page(
    p,
    'Users',
    html`<h1>Users</h1>
${p.delivery === 'outbox' ? html`<div class="notice" id="no-mail"><p>${NO_MAIL}</p></div>` : ''}
${
  issued
    ? html`<div class="notice ok" id="issued-link"><p>The ${issued.purpose === 'verify-email' ? 'confirmation' : 'password'} link for ${issued.email}, valid ${issued.expiresHours} hours and shown this once: send it to them yourself (it is not kept).</p><p><code class="secret">${issued.link}</code></p></div>`
    : ''
}
<p class="muted">Confirm an address only when you know it belongs to the person (they asked you from it, or you know them). Team roles take effect when the user logs in with two factors. Every change is in the audit log.</p>
<section aria-labelledby="unconfirmed"><h2 id="unconfirmed">Not confirmed</h2>${table(pending, 'Every address is confirmed.')}</section>
<section aria-labelledby="confirmed"><h2 id="confirmed">Confirmed</h2>${table(rest, 'No user yet.')}</section>`,
  );
}

/** One row of the mail queue: never its text (it may hold a link that grants access). */
function queuedRow(p: PageCtx, m: QueuedMail): SafeHtml {
  return html`<tr data-mail="${m.id}"><td>${m.to}</td><td>${m.subject}</td><td>${when(m.createdAt)}</td><td>${m.attempts}</td>
<td>${m.lastError ?? ''}</td><td>${m.state === 'failed' ? html`given up ${when(m.failedAt ?? m.createdAt)}` : m.nextAttemptAt ? when(m.nextAttemptAt) : ''}</td>
<td>${postButton(p, `${PAGES}/admin/mail/${encodeURIComponent(m.id)}/retry`, 'Try again now', 'secondary')}</td></tr>`;
}

/** The mail the SMTP server has not taken: waiting for a retry, and given up. */
function mailQueueSection(p: PageCtx, queue: { pending: QueuedMail[]; failed: QueuedMail[] }): SafeHtml {
  const table = (list: QueuedMail[], empty: string, id: string) =>
    list.length
      ? html`<div class="table-scroll"><table class="mail-queue" id="${id}"><thead><tr><th>To</th><th>Subject</th><th>Queued</th><th>Attempts</th><th>Last error</th><th>Next attempt</th><th></th></tr></thead><tbody>${list.map((m) => queuedRow(p, m))}</tbody></table></div>`
      : html`<p class="muted">${empty}</p>`;
  return html`<section aria-labelledby="mail-queue"><h2 id="mail-queue">Mail the SMTP server has not taken</h2>
<p class="muted">Each message is retried with growing pauses (a minute, doubling, at most four hours) and given up after ten attempts or three days. Try one again once the SMTP server is fixed; each retry is in the audit log.</p>
<h3>Given up</h3>${table(queue.failed, 'No message was given up.', 'mail-failed')}
<h3>Waiting</h3>${table(queue.pending, 'No message waits.', 'mail-pending')}</section>`;
}

/** The outbox: the mail kept when no SMTP server is configured, its access links withheld; and the mail queue. */
export function outboxPage(
  p: PageCtx,
  messages: OutboxMessage[],
  queue: { pending: QueuedMail[]; failed: QueuedMail[] } = { pending: [], failed: [] },
): SafeHtml {
  return page(
    p,
    'Outbox',
    html`<h1>Outbox</h1>
${p.delivery === 'mail' ? mailQueueSection(p, queue) : ''}
<p class="lead">${p.delivery === 'outbox' ? NO_MAIL : 'This server sends its mail through SMTP; these are messages kept before it was configured.'}</p>
${
  messages.length
    ? html`<ol class="thread">${messages.map(
        (m) =>
          html`<li><div class="by">To ${m.to} · ${when(m.createdAt)}</div><p><strong>${m.subject}</strong></p><pre class="sent">${m.text}</pre></li>`,
      )}</ol>`
    : html`<p class="muted">No message.</p>`
}`,
  );
}
