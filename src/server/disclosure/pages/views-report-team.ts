import type { InvitationView, ReportView } from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { paths } from '../context.js';
import { csrfField, type PageCtx, postButton, when } from './layout.js';

// The team's part of the report page: maintainer invitations and maintainers, the confirmation of
// fixed versions proposed after the fix, and early publication.

const STATUS_WORDS: Record<InvitationView['status'], string> = {
  pending: 'waiting',
  accepted: 'accepted',
  revoked: 'revoked',
  expired: 'expired',
};

function invitations(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml | '' {
  const list = view.invitations;
  if (!list?.length) return '';
  const manage = view.allowed.includes('manage-invitations');
  const base = (i: InvitationView) =>
    `${paths.report(view.report.id)}/invitations/${encodeURIComponent(i.id)}`;
  return html`<div data-action="invitations"><h3>Maintainer invitations</h3><div class="table-scroll"><table><thead><tr><th>Address</th><th>Sent</th><th>Status</th><th></th></tr></thead><tbody>${list.map(
    (i) =>
      html`<tr data-invitation="${i.email}"><td>${i.email}</td><td>${when(i.createdAt)} <span class="muted">by ${names.get(i.invitedBy) ?? 'the team'}</span></td>
<td>${STATUS_WORDS[i.status]}${i.status === 'pending' ? html` <span class="muted">until ${when(i.expiresAt)}</span>` : i.at ? html` ${when(i.at)}` : ''}</td>
<td>${manage && i.status === 'pending' ? postButton(p, `${base(i)}/revoke`, 'Revoke', 'secondary') : ''}${manage && i.status !== 'accepted' ? postButton(p, `${base(i)}/resend`, 'Send a new link', 'secondary') : ''}</td></tr>`,
  )}</tbody></table></div>
<p class="hint muted">Only the account of the invited address accepts an invitation. A new link replaces the old one.</p></div>`;
}

function maintainers(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml | '' {
  const r = view.report;
  if (!view.allowed.includes('remove-maintainer') || !r.maintainerIds.length) return '';
  return html`<div data-action="maintainers"><h3>Maintainers</h3><ul>${r.maintainerIds.map(
    (m) =>
      html`<li data-maintainer="${m}">${names.get(m) ?? 'a maintainer'} ${postButton(p, `${paths.report(r.id)}/maintainers/${encodeURIComponent(m)}/remove`, 'Remove from the report', 'danger')}</li>`,
  )}</ul></div>`;
}

function confirmFix(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml | '' {
  const r = view.report;
  const f = r.fixProposal;
  if (!f?.awaitsConfirmation) return '';
  const who = names.get(f.proposedBy) ?? 'a maintainer';
  const waiting = html`<p id="fix-awaits">${who} proposed the fixed versions <code>${f.patchedVersions}</code> after the report was fixed: the report still says <code>${r.patchedVersions ?? 'none'}</code> until the team confirms them (affected: <code>${r.affectedVersions}</code>).</p>`;
  if (!view.allowed.includes('confirm-fix')) return html`<div data-action="confirm-fix">${waiting}</div>`;
  return html`<div data-action="confirm-fix"><h3>Fixed versions to confirm</h3>${waiting}
${postButton(p, `${paths.report(r.id)}/fix-proposals/confirm`, `Confirm ${f.patchedVersions} as the fixed versions`)}</div>`;
}

const EARLY_WORDS = {
  'already-public': 'already public',
  'actively-exploited': 'actively exploited',
} as const;

function earlyPublication(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml | '' {
  const r = view.report;
  const e = r.earlyPublication;
  const may = view.allowed.includes('request-early-publication');
  if (e)
    return html`<div data-action="early-publication"><h3>Early publication</h3>
<p id="early-publication">${names.get(e.requestedBy) ?? 'A team member'} asked ${when(e.requestedAt)} to publish before a fix: <strong>${EARLY_WORDS[e.reason]}</strong>. ${e.details}</p>
<p class="hint muted">A second team member publishes it (the publish button), or it is withdrawn.</p>
${may ? postButton(p, `${paths.report(r.id)}/early-publication/withdraw`, 'Withdraw the request', 'secondary') : ''}</div>`;
  if (!may) return '';
  return html`<div data-action="early-publication"><h3>Publish early, without a fix</h3><form class="stack" method="post" action="${paths.report(r.id)}/early-publication">${csrfField(p)}
<div><label for="early-reason">Because the vulnerability is</label><select id="early-reason" name="reason" required><option value="already-public">already public</option><option value="actively-exploited">actively exploited</option></select></div>
<div><label for="early-details">What shows it <span class="hint">a public link, the exploitation seen; the advisory says it</span></label><textarea id="early-details" name="details" required minlength="10" maxlength="5000"></textarea></div>
<div><button type="submit" class="danger">Ask for early publication</button></div></form>
<p class="hint muted">A second team member then publishes it; every participant is told.</p></div>`;
}

/** How the reporter's reports ended, for the team: the counts, and the share of valid ones. */
function reporterSignal(view: ReportView): SafeHtml | '' {
  const s = view.reporterSignal;
  if (!s) return '';
  const share = s.validShare === null ? 'no decision yet' : `${Math.round(s.validShare * 100)}% valid`;
  return html`<div data-action="reporter-signal" id="reporter-signal"><h3>The reporter's signal: ${share}</h3>
<p>${s.reports} reports: ${s.valid} valid, ${s.spam} spam, ${s.informative} informative, ${s.notApplicable} not applicable, ${s.duplicate} duplicate${s.rejectedOther ? `, ${s.rejectedOther} rejected otherwise` : ''}; ${s.open} waiting, ${s.withdrawn} withdrawn.</p></div>`;
}

/** The public note made from the report, and the team's form to make one from a report closed so. */
function publicNote(p: PageCtx, view: ReportView): SafeHtml | '' {
  const n = view.publicNote;
  if (n)
    return html`<div data-action="public-note" id="public-note"><h3>Public note for the maintainer</h3><p><strong>${n.title}</strong> <span class="muted">(${when(n.publishedAt)}; no CVE id, no advisory)</span></p><div class="prose">${n.text}</div></div>`;
  if (!view.allowed.includes('publish-note')) return '';
  return html`<div data-action="public-note"><h3>A public note for the maintainer</h3><form class="stack" method="post" action="${paths.report(view.report.id)}/public-note">${csrfField(p)}
<div><label for="note-title">Title</label><input id="note-title" name="title" type="text" required minlength="5" maxlength="200"></div>
<div><label for="note-text">Text <span class="hint">your own words, never the report's: shown on the package with no CVE id and no advisory</span></label><textarea id="note-text" name="text" required minlength="20" maxlength="5000"></textarea></div>
<div><button type="submit" class="secondary">Publish the note</button></div></form></div>`;
}

/** How a report was closed, in words. */
export const CLOSED_AS_WORDS: Record<NonNullable<ReportView['report']['closedAs']>, string> = {
  spam: 'spam',
  informative: 'informative: true, but not a vulnerability',
  'not-applicable': 'not applicable',
  duplicate: 'duplicate',
};

/** The reporter's statement on tools and AI, in words. */
export const TOOLS_USED_WORDS: Record<NonNullable<ReportView['report']['toolsUsed']>, string> = {
  none: 'neither',
  tools: 'tools',
  ai: 'AI',
  'tools-and-ai': 'tools and AI',
};

/** The team's forms on the report page (empty for everyone else). */
export function teamForms(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml[] {
  return [
    reporterSignal(view),
    publicNote(p, view),
    confirmFix(p, view, names),
    earlyPublication(p, view, names),
    invitations(p, view, names),
    maintainers(p, view, names),
  ].filter((x): x is SafeHtml => x !== '');
}

/** Why a published report has no fix, in the participants' words. */
export const WITHOUT_FIX_WORDS: Record<NonNullable<ReportView['report']['withoutFix']>, string> = {
  'early-publication': 'Published early, before a fix',
  'maintainers-silent': 'Published at the deadline without a fix: the maintainers did not answer',
  'no-fix-started': 'Published at the deadline without a fix: no fix was started',
  'fix-in-progress': 'Published at the deadline while a fix was in progress',
};
