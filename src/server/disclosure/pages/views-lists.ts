import type { AuditEntry, Dashboard, QueueFilter, QueueItem } from '../../../disclosure/index.js';
import { REPORT_STATES } from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { severityBadge } from '../../pages/parts.js';
import { PAGES, paths } from '../context.js';
import { csrfField, type PageCtx, page, stateBadge, when } from './layout.js';

/** A table of reports, most urgent first. */
export function queueTable(items: readonly QueueItem[], empty: string): SafeHtml {
  if (!items.length) return html`<p class="muted">${empty}</p>`;
  // the reporter's signal and the statement on tools are the team's: their columns only when it sees them
  const withSignal = items.some((i) => i.reporterSignal !== null);
  return html`<div class="table-scroll"><table class="queue"><thead><tr><th>Report</th><th>Affects</th><th>State</th>${withSignal ? html`<th>Reporter's signal</th><th>Tools or AI</th>` : ''}<th>Severity</th><th>Next deadline</th><th>Planned release</th><th>Age</th></tr></thead><tbody>${items.map(
    (
      i,
    ) => html`<tr class="${i.overdue ? 'overdue-row' : ''}" data-report="${i.id}"><td><a href="${paths.report(i.id)}">${i.title}</a>${i.mine ? html` <span class="muted">(yours)</span>` : ''}</td>
<td>${i.kind === 'npm' ? i.packageName : html`Node.js ${i.component}`}</td><td>${stateBadge(i.state)}</td>${signalCells(i, withSignal)}
<td>${i.severity ? severityBadge(i.severity) : html`<span class="muted">—</span>`}</td>
<td>${i.deadline ? when(i.deadline) : html`<span class="muted">—</span>`}${i.overdue ? html` <span class="overdue">overdue</span>` : ''}</td>
<td class="release">${i.fixProposal ? html`${i.fixProposal.releaseDate} <code>${i.fixProposal.patchedVersions}</code>${i.fixProposal.afterDeadline ? html` <span class="overdue">after the deadline</span>` : ''}` : html`<span class="muted">—</span>`}</td><td>${i.ageDays} d</td></tr>`,
  )}</tbody></table></div>`;
}

/** The team's columns of a queue line: the reporter's share of valid reports, and the statement on tools. */
function signalCells(i: QueueItem, shown: boolean): SafeHtml | '' {
  if (!shown) return '';
  const s = i.reporterSignal;
  const share =
    !s || s.validShare === null
      ? html`<span class="muted">new</span>`
      : html`${Math.round(s.validShare * 100)}% <span class="muted">of ${s.decided}${s.spam ? `, ${s.spam} spam` : ''}</span>`;
  return html`<td class="signal">${share}</td><td>${i.toolsUsed ?? html`<span class="muted">—</span>`}</td>`;
}

/** The reports a user takes part in. */
export function myReportsPage(p: PageCtx, items: QueueItem[], team: boolean): SafeHtml {
  return page(
    p,
    'My reports',
    html`<h1>My reports</h1>
<p><a href="${PAGES}/reports/new">Report a vulnerability</a>${team ? html` · <a href="${PAGES}/triage">The triage queue</a>` : ''}</p>
${queueTable(items, 'You take part in no report yet.')}`,
  );
}

const hours = (h: number | null) =>
  h === null ? '—' : h < 48 ? `${h} h` : `${Math.round(h / 2.4) / 10} days`;

/** The team's dashboard: figures, counts by state, the filtered queue. */
export function dashboardPage(p: PageCtx, d: Dashboard, f: QueueFilter): SafeHtml {
  const f0 = d.figures;
  const sel = (on: boolean) => (on ? html`selected` : '');
  return page(
    p,
    'Triage',
    html`<h1>Triage</h1>
<p><a href="${PAGES}/cve-requests">CVE requests</a>: external requests for a CVE id, waiting for the team.</p>
<ul class="figures" aria-label="Figures">
<li><strong>${hours(f0.medianHours.firstAnswer)}</strong>median time to the first answer</li>
<li><strong>${hours(f0.medianHours.triage)}</strong>median time to triage</li>
<li><strong>${hours(f0.medianHours.fix)}</strong>median time to a fix</li>
<li><strong>${hours(f0.medianHours.publication)}</strong>median time to publication</li>
<li><strong id="published-without-fix">${f0.publishedWithoutFix}</strong>published without a fix (of ${f0.published})</li>
<li><strong>${f0.overdueFirstAnswer}</strong>first answers overdue</li>
<li><strong id="cve-available">${d.cveIds.available}</strong>CVE ids available (${d.cveIds.pending} pending)</li>
</ul>
${d.cveIds.requestBlock ? html`<div class="notice bad"><p id="cve-request-block">Fewer than two CVE ids are available: an admin requests a new block from the CVE Program and records it (<code>nswg cve add-block</code>).</p></div>` : ''}
${d.cveIds.pastYearAvailable ? html`<div class="notice bad"><p id="cve-past-year">${d.cveIds.pastYearAvailable} available CVE id(s) of a past year: assign them soon, or retire them.</p></div>` : ''}
<p class="muted">${REPORT_STATES.filter((s) => d.byState[s]).map((s) => html`${stateBadge(s)} ${d.byState[s]} `)}</p>
<form class="filters" method="get" action="${PAGES}/triage">
<label>State<select name="state"><option value="">open and closed</option>${REPORT_STATES.map(
      (s) => html`<option value="${s}" ${sel(f.states?.length === 1 && f.states[0] === s)}>${s}</option>`,
    )}</select></label>
<label>Package or component<input type="text" name="package" value="${f.packageName ?? ''}" maxlength="214"></label>
<label>Severity<select name="severity"><option value="">any</option>${(
      ['critical', 'high', 'moderate', 'low', 'info'] as const
    ).map((s) => html`<option value="${s}" ${sel(f.severity === s)}>${s}</option>`)}</select></label>
<label>Tools or AI<select name="toolsUsed"><option value="">any</option>${(
      [
        ['none', 'neither'],
        ['tools', 'tools'],
        ['ai', 'AI'],
        ['tools-and-ai', 'tools and AI'],
        ['unstated', 'not stated'],
      ] as const
    ).map(([v, w]) => html`<option value="${v}" ${sel(f.toolsUsed === v)}>${w}</option>`)}</select></label>
<label><span><input type="checkbox" name="mine" value="1" ${f.mine ? html`checked` : ''}> only mine</span></label>
<button type="submit" class="secondary">Filter</button>
</form>
${queueTable(d.queue, 'No report matches.')}`,
  );
}

/** The landing page of an invitation link: log in (or sign up), then accept. */
export function invitationPage(p: PageCtx, token: string): SafeHtml {
  const here = paths.invitation(token);
  const body = p.caller.user
    ? html`<h1>You are invited to a report</h1>
<p class="lead">The Node.js Security Working Group invites you, as a maintainer, to see a private vulnerability report and fix it.
Accepting makes you a maintainer of that one report, as ${p.caller.user.displayName} (${p.caller.user.email}): the invitation works only for the account of the address it was sent to.</p>
<form class="stack" method="post" action="${here}">${csrfField(p)}<div><button type="submit">Accept the invitation</button></div></form>
<p class="muted">The link works once, for 14 days. Please keep the report confidential until it is published.</p>`
    : html`<h1>You are invited to a report</h1>
<p class="lead">To see it, <a href="${PAGES}/login?next=${encodeURIComponent(here)}">log in</a> or
<a href="${PAGES}/signup?next=${encodeURIComponent(here)}">sign up</a> with the address the invitation was sent to, then accept it.</p>`;
  return page(p, 'Invitation', body);
}

/** The link of an invitation just made, on a server without mail: the inviter sends it by hand. */
export function invitationLinkPage(p: PageCtx, reportId: string, link: string): SafeHtml {
  return page(
    p,
    'Invitation',
    html`<h1>The invitation is made</h1>
<p class="lead">This server sends no e-mail, so send this link to the maintainer yourself. It works once, for 14 days, and only for the account of the address you invited (confirmed); it is not kept anywhere.</p>
<p><code class="secret" id="invitation-link">${link}</code></p>
<p><a href="${paths.report(reportId)}">Back to the report</a></p>`,
  );
}

/** The audit log, newest last, for admins. */
export function auditLogPage(p: PageCtx, entries: AuditEntry[]): SafeHtml {
  return page(
    p,
    'Audit log',
    html`<h1>Audit log</h1>
<p class="muted">Every entry is chained to the previous one by its hash; <code>nswg audit-log verify</code> checks the chain.</p>
<div class="table-scroll"><table><thead><tr><th>#</th><th>When</th><th>Who</th><th>From</th><th>What</th><th>Report</th><th>Details</th></tr></thead><tbody>${entries.map(
      (e) =>
        html`<tr><td>${e.seq}</td><td>${when(e.at)}</td><td>${e.actorId ?? e.actorKind}</td><td>${e.ip ?? ''}<br><span class="muted">${e.userAgent ?? ''}</span></td><td>${e.action}</td><td>${e.reportId ? html`<a href="${paths.report(e.reportId)}">${e.reportId.slice(0, 8)}</a>` : ''}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`,
    )}</tbody></table></div>`,
  );
}
