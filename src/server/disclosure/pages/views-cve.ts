import type { CveFigures, CveRecord } from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { PAGES, paths } from '../context.js';
import { csrfField, type PageCtx, page, postButton, when } from './layout.js';

/** Where an admin records blocks of CVE ids and retires those of a past year. */
export const CVE_PAGE = `${PAGES}/admin/cve`;

function row(p: PageCtx, c: CveRecord, now: Date): SafeHtml {
  const retirable = c.state === 'available' && c.year < now.getUTCFullYear();
  return html`<tr data-cve="${c.id}"><td><code>${c.id}</code></td><td>${c.state}${c.pastYearFlaggedAt ? html` <span class="muted">(a past year's)</span>` : ''}</td>
<td>${c.source === 'other-cna' ? 'another CNA' : 'our block'}</td>
<td>${
    c.reportId
      ? html`<a href="${paths.report(c.reportId)}">${c.reportId}</a>`
      : c.requestId
        ? html`<a href="${paths.cveRequest(c.requestId)}">CVE request ${c.requestId}</a>`
        : html`<span class="muted">—</span>`
  }</td>
<td>${when(c.announcedAt ?? c.assignedAt ?? c.receivedAt)}</td>
<td>${retirable ? postButton(p, `${CVE_PAGE}/${encodeURIComponent(c.id)}/retire`, 'Retire', 'secondary') : ''}</td></tr>`;
}

/** The program's CVE ids: the figures, the notices, a form for a new block, every id with its state. */
export function cvePage(p: PageCtx, ids: CveRecord[], f: CveFigures, now: Date): SafeHtml {
  return page(
    p,
    'CVE ids',
    html`<h1>CVE ids</h1>
<ul class="figures" aria-label="CVE ids">
<li><strong id="cve-available">${f.available}</strong>available</li>
<li><strong>${f.pending}</strong>pending</li>
<li><strong>${f.announced}</strong>announced</li>
<li><strong>${f.rejected}</strong>rejected</li>
<li><strong>${f.retired}</strong>retired</li>
</ul>
${f.requestBlock ? html`<div class="notice bad"><p id="cve-request-block">Fewer than two CVE ids are available: request a new block from the CVE Program and record it below.</p></div>` : ''}
${f.pastYearAvailable ? html`<div class="notice bad"><p id="cve-past-year">${f.pastYearAvailable} available CVE id(s) of a past year: assign them soon, or retire them.</p></div>` : ''}
<section aria-labelledby="new-block"><h2 id="new-block">Record a block</h2>
<form class="stack" method="post" action="${CVE_PAGE}/blocks">${csrfField(p)}
<div><label for="cve-year">Year</label><input id="cve-year" name="year" type="text" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" required value="${String(now.getUTCFullYear())}"></div>
<div><label for="cve-ids">Ids <span class="hint">a range such as CVE-2027-1000..CVE-2027-1009, or the ids</span></label><textarea id="cve-ids" name="ids" required maxlength="20000"></textarea></div>
<div><button type="submit">Record the block</button></div></form>
<details><summary>Remove ids recorded by mistake</summary>
<form class="stack" method="post" action="${CVE_PAGE}/blocks/remove">${csrfField(p)}
<div><label for="cve-remove-year">Year</label><input id="cve-remove-year" name="year" type="text" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" required value="${String(now.getUTCFullYear())}"></div>
<div><label for="cve-remove-ids">Ids <span class="hint">only available ids, never assigned: all of them or none are removed</span></label><textarea id="cve-remove-ids" name="ids" required maxlength="20000"></textarea></div>
<div><button type="submit" class="danger">Remove these ids</button></div></form></details></section>
<section aria-labelledby="all-ids"><h2 id="all-ids">Every id</h2>
${
  ids.length
    ? html`<div class="table-scroll"><table class="cve-ids"><thead><tr><th>Id</th><th>State</th><th>From</th><th>Report or request</th><th>Since</th><th></th></tr></thead><tbody>${ids.map((c) => row(p, c, now))}</tbody></table></div>`
    : html`<p class="muted">No CVE id yet.</p>`
}</section>`,
  );
}
