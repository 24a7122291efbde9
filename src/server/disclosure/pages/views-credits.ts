import {
  CREDIT_ROLES,
  type CreditOffer,
  type CreditRole,
  type CreditView,
  type ReportView,
} from '../../../disclosure/index.js';
import { advisoryPath, html, type SafeHtml } from '../../pages/html.js';
import { PAGES, paths } from '../context.js';
import { csrfField, type PageCtx, page, postButton, when } from './layout.js';

// Credits on the report page (the list, proposing, withdrawing) and the page where the credited
// person accepts or declines the credits proposed to them.

/** How a role reads in a sentence. */
export const ROLE_WORDS: Record<CreditRole, string> = {
  finder: 'finder',
  reporter: 'reporter',
  analyst: 'analyst',
  coordinator: 'coordinator',
  'remediation-developer': 'remediation developer',
  'remediation-reviewer': 'remediation reviewer',
  'remediation-verifier': 'remediation verifier',
  tool: 'tool',
  sponsor: 'sponsor',
  other: 'other',
};

const STATE_WORDS: Record<CreditView['state'], string> = {
  proposed: 'waiting for the credited person',
  accepted: 'accepted',
  declined: 'declined',
  withdrawn: 'withdrawn',
};

const roleSelect = (id: string) =>
  html`<select id="${id}" name="role" required>${CREDIT_ROLES.map((r) => html`<option value="${r}">${ROLE_WORDS[r]}</option>`)}</select>`;

/** The credits section of the report page: each credit, and the forms the viewer may use. */
export function creditsSection(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml {
  const r = view.report;
  const me = p.caller.actor.kind === 'user' ? p.caller.actor.id : null;
  const mayPropose = view.allowed.includes('propose-credit');
  const list = view.credits.length
    ? html`<div class="table-scroll"><table><thead><tr><th>Name</th><th>Role</th><th>Status</th><th></th></tr></thead><tbody>${view.credits.map(
        (c) =>
          html`<tr data-credit="${c.id}"><td>${c.name}${c.email ? html` <span class="muted">&lt;${c.email}&gt;</span>` : ''}</td><td>${ROLE_WORDS[c.role]}</td>
<td>${STATE_WORDS[c.state]}${c.email === null && view.team ? html` <span class="muted">(entered by ${names.get(c.proposedBy) ?? 'the team'})</span>` : ''}</td>
<td>${mayPropose && (view.team || c.proposedBy === me) && (c.state === 'proposed' || c.state === 'accepted') ? postButton(p, `${PAGES}/credits/${encodeURIComponent(c.id)}/withdraw`, 'Withdraw', 'secondary') : ''}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No credits besides the reporter's own.</p>`;
  const form = mayPropose
    ? html`<form class="stack" method="post" action="${paths.report(r.id)}/credits">${csrfField(p)}
<div><label for="credit-role">Role</label>${roleSelect('credit-role')}</div>
<div><label for="credit-name">Name <span class="hint">as the advisory shows it</span></label><input id="credit-name" name="name" type="text" maxlength="200" required></div>
<div><label for="credit-email">E-mail of their account <span class="hint">they accept or decline it; public only once accepted</span></label><input id="credit-email" name="email" type="email" maxlength="254"></div>
${view.allowed.includes('enter-credit') ? html`<div><label><input type="checkbox" name="withoutAccount" value="yes"> A person without an account: the team asked them, and enters the credit as accepted</label></div>` : ''}
<div><button type="submit" class="secondary">Propose the credit</button></div></form>`
    : '';
  return html`<section aria-labelledby="credits"><h2 id="credits">Credits</h2>${list}${form}</section>`;
}

/** The page of the credits proposed to the logged-in user: accept (under another name, if they like) or decline. */
export function myCreditsPage(p: PageCtx, offers: CreditOffer[]): SafeHtml {
  const item = (o: CreditOffer) => {
    const base = `${PAGES}/credits/${encodeURIComponent(o.id)}`;
    const decide = o.open
      ? html`${
          o.state !== 'accepted'
            ? html`<form class="inline" method="post" action="${base}/accept">${csrfField(p)}<label for="name-${o.id}">Shown as</label><input id="name-${o.id}" name="name" type="text" maxlength="200" value="${o.name}"><button type="submit">Accept</button></form>`
            : ''
        }${o.state !== 'declined' ? postButton(p, `${base}/decline`, 'Decline', 'secondary') : ''}`
      : html`<span class="muted">final${o.advisoryId ? html`: <a href="${advisoryPath(o.advisoryId)}">${o.advisoryId}</a>` : ''}</span>`;
    return html`<li data-credit="${o.id}"><strong>${ROLE_WORDS[o.role]}</strong>, as “${o.name}”, proposed by ${o.proposedBy} ${when(o.proposedAt)}: <strong>${o.state}</strong><br>${decide}</li>`;
  };
  const body = html`<h1>Credits proposed to you</h1>
<p>The Node.js Security Working Group credits the people who found, analysed, fixed or helped with a vulnerability in its advisory, the CVE record and OSV. A credit proposed to you is public only if you accept it, until the advisory is published.</p>
${offers.length ? html`<ul class="credits">${offers.map(item)}</ul>` : html`<p class="muted">No credit is proposed to you.</p>`}`;
  return page(p, 'Credits proposed to you', body);
}
