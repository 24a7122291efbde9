import { CSAF_WHITE_PATH, csafFileName } from '../../../advisories/index.js';
import {
  openPhases,
  type PublicRelease,
  RELEASE_PHASES,
  type ReleaseFixView,
  type ReleaseView,
  type SecurityRelease,
  type TeamMember,
} from '../../../disclosure/index.js';
import { advisoryPath, html, type SafeHtml } from '../../pages/html.js';
import { renderMarkdown } from '../../pages/markdown.js';
import { paths } from '../context.js';
import { csrfField, type PageCtx, page, postButton, stateBadge, when } from './layout.js';

// The security release pages: the list (every release for the core security team, the published ones
// for everyone), the plan form, one release with its checklist, reports, actions and drafts for the
// team, and a published release's announcement for everyone. Every value is escaped by html``.

const PHASE_TITLES: Record<(typeof RELEASE_PHASES)[number], string> = {
  planning: 'Planning',
  announcement: 'Announcement (at least one week before)',
  'release-day': 'Release day',
  'clean-up': 'Clean-up',
};

/** A member as the forms show them. */
const memberName = (m: TeamMember) => (m.handle ? `${m.displayName} (@${m.handle})` : m.displayName);

const linesText = (r: Pick<SecurityRelease, 'lines'>): SafeHtml =>
  html`${r.lines.map(
    (l, i) =>
      html`${i ? ', ' : ''}<span class="release-line" data-line="${l.line}">${l.line.slice(1)}.x${l.version ? html` → <code>${l.version}</code>` : ''}${l.endOfLife ? html` <span class="state state-withdrawn">end of life</span>` : ''}</span>`,
  )}`;

/** The releases, and for the core security team the form to plan one. */
export function releasesPage(
  p: PageCtx,
  list: readonly (SecurityRelease | PublicRelease)[],
  team: TeamMember[] | null,
  titleOf: (r: SecurityRelease) => string,
): SafeHtml {
  const rows = list.map(
    (r) =>
      html`<tr data-release="${r.id}"><td><a href="${paths.release(r.id)}">${'title' in r ? r.title : titleOf(r)}</a></td><td>${stateBadge(r.state)}</td><td>${linesText(r)}</td><td>${String('fixes' in r ? r.fixes.length : r.advisoryIds.length)}</td></tr>`,
  );
  return page(
    p,
    'Security releases',
    html`<h1>Node.js security releases</h1>
<p>Vulnerabilities in Node.js itself ship in coordinated security releases. ${team ? 'Everything about a release stays with the core security team until its day.' : 'A release appears here on its day.'}</p>
${
  list.length
    ? html`<div class="table-scroll"><table class="releases"><thead><tr><th>Release</th><th>State</th><th>Lines</th><th>Fixes</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p class="muted">No security release yet.</p>`
}
${team ? planForm(p, team) : ''}`,
  );
}

function planForm(p: PageCtx, team: TeamMember[]): SafeHtml {
  const self = p.caller.actor.kind === 'user' ? p.caller.actor.id : '';
  return html`<section aria-labelledby="plan"><h2 id="plan">Plan a release</h2>
<form class="stack" method="post" action="${paths.releases()}" id="plan-form">${csrfField(p)}
<div><label for="r-date">Release date <span class="hint">YYYY-MM-DD; under embargo until then</span></label><input id="r-date" name="targetDate" type="date" required></div>
<div><label for="r-steward">Steward</label><select id="r-steward" name="stewardId">${team.map((m) => html`<option value="${m.id}"${m.id === self ? html` selected` : ''}>${memberName(m)}</option>`)}</select></div>
<fieldset><legend>Releasers</legend>${team.map((m) => html`<label class="check"><input type="checkbox" name="releaserIds" value="${m.id}"> ${memberName(m)}</label>`)}</fieldset>
<div><label for="r-lines">Lines <span class="hint">one a line: the line and the version it ships (v22 22.13.1); an end-of-life line alone (v18)</span></label><textarea id="r-lines" name="lines" rows="4" required></textarea></div>
<div><button type="submit">Plan the release</button></div></form></section>`;
}

/** The plan's steward, releasers and lines while planning (the date moves by postponing). */
function changePlanForm(p: PageCtx, r: SecurityRelease, base: string, team: TeamMember[]): SafeHtml {
  const typed = r.lines.map((l) => (l.version ? `${l.line} ${l.version}` : l.line)).join('\n');
  return html`<details id="change-plan"><summary>Change the plan</summary><form class="stack" method="post" action="${base}/plan">${csrfField(p)}
<div><label for="p-steward">Steward</label><select id="p-steward" name="stewardId">${team.map((m) => html`<option value="${m.id}"${m.id === r.stewardId ? html` selected` : ''}>${memberName(m)}</option>`)}</select></div>
<fieldset><legend>Releasers</legend>${team.map((m) => html`<label class="check"><input type="checkbox" name="releaserIds" value="${m.id}"${r.releaserIds.includes(m.id) ? html` checked` : ''}> ${memberName(m)}</label>`)}</fieldset>
<div><label for="p-lines">Lines <span class="hint">one a line: the line and the version it ships (v22 22.13.1); an end-of-life line alone (v18)</span></label><textarea id="p-lines" name="lines" rows="4" required>${typed}</textarea></div>
<div><button type="submit">Save the plan</button></div></form></details>`;
}

/** Lines typed one a line (`v22 22.13.1`, `v18`) as the plan takes them. */
export function parseLines(text: string): { line: string; version?: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 50)
    .map((l) => {
      const [line = '', version] = l.split(/\s+/);
      return version ? { line, version } : { line };
    });
}

/** One release for the core security team: facts, checklist, reports, actions and drafts. */
export function releasePage(
  p: PageCtx,
  v: ReleaseView,
  names: Record<string, string>,
  team: TeamMember[] = [],
): SafeHtml {
  const r = v.release;
  const base = paths.release(r.id);
  const planning = r.state === 'planning';
  const active = planning || r.state === 'pre-announced';
  const name = (id: string | null) => (id ? (names[id] ?? 'a former user') : '—');
  return page(
    p,
    v.title,
    html`<h1>${v.title}</h1>
<p>${stateBadge(r.state)} <span id="release-date">on ${r.targetDate}</span>${active ? html` · <strong>under embargo</strong>: only the core security team sees this page` : ''}</p>
<dl class="facts">
<dt>Steward</dt><dd>${name(r.stewardId)}</dd>
<dt>Releasers</dt><dd>${r.releaserIds.length ? r.releaserIds.map(name).join(', ') : html`<span class="muted">none yet</span>`}</dd>
<dt>Lines</dt><dd id="release-lines">${linesText(r)}</dd>
${r.preAnnouncedAt ? html`<dt>Pre-announced</dt><dd>${when(r.preAnnouncedAt)} by ${name(r.preAnnouncedBy)}</dd>` : ''}
${r.override ? html`<dt>Seven days' rule</dt><dd id="release-override">overridden by ${name(r.override.by)}: ${r.override.reason}</dd>` : ''}
${r.releasedAt ? html`<dt>Published</dt><dd>${when(r.releasedAt)} by ${name(r.releasedBy)}</dd>` : ''}
${r.cancelledAt ? html`<dt>Cancelled</dt><dd id="release-cancelled">${when(r.cancelledAt)} by ${name(r.cancelledBy)}: ${r.cancelReason}</dd>` : ''}
${r.advisoryIds.length ? html`<dt>Advisories</dt><dd>${r.advisoryIds.map((id, i) => html`${i ? ', ' : ''}<a href="${advisoryPath(id)}">${id}</a>`)}</dd>` : ''}
</dl>
${planning ? changePlanForm(p, r, base, team) : ''}
${
  r.dateChanges.length
    ? html`<h2>Date changes</h2><ul id="date-changes">${r.dateChanges.map((c) => html`<li>${c.from} → ${c.to}, ${when(c.at)} by ${name(c.by)}: ${c.reason}</li>`)}</ul>`
    : ''
}
${checklist(p, v, base, name)}
${fixes(p, v, base)}
${actions(p, v, base)}
<h2>Pre-announcement</h2>
<p class="hint">${r.preAnnouncement ? 'As it went out.' : 'As it would go out now: lines, date and counts per severity, no details.'} ${v.announcementList ? '' : 'No announcement list is configured: it is not mailed.'}</p>
<pre class="draft" id="pre-announcement">${v.preAnnouncement}</pre>
<h2>Release announcement</h2>
<p class="hint">${r.announcement ? 'As it was published.' : 'As it would be published on the day.'}</p>
<pre class="draft" id="announcement">${v.announcement}</pre>`,
  );
}

function checklist(p: PageCtx, v: ReleaseView, base: string, name: (id: string | null) => string): SafeHtml {
  // a button only where a tick is taken now: the server refuses the steps of a phase not yet open or past
  const open = openPhases(v.release.state);
  return html`<h2>Checklist</h2>
${RELEASE_PHASES.map((phase) => {
  const steps = v.checklist.filter((c) => c.step.phase === phase);
  return html`<h3>${PHASE_TITLES[phase]}</h3><ul class="checklist">${steps.map(
    (c) =>
      html`<li data-step="${c.step.id}" data-done="${c.done ? 'yes' : 'no'}">${c.done ? '☑' : '☐'} ${c.step.text}${
        c.tick ? html` <span class="hint">(${name(c.tick.by)}, ${when(c.tick.at)})</span>` : ''
      }${c.step.by === 'manual' && open.includes(c.step.phase) ? html` ${postButton(p, `${base}/checklist/${c.step.id}`, c.done ? 'Untick' : 'Tick', 'link', html`<input type="hidden" name="done" value="${c.done ? '0' : '1'}">`)}` : c.step.by !== 'manual' ? html` <span class="hint">(${c.step.by === 'check' ? 'checked by the server' : 'done by the server'})</span>` : ''}</li>`,
  )}</ul>`;
})}`;
}

function fixes(p: PageCtx, v: ReleaseView, base: string): SafeHtml {
  const r = v.release;
  const planning = r.state === 'planning';
  const lineBoxes = (name: string, checked: readonly string[]) =>
    r.lines.map(
      (l) =>
        html`<label class="check"><input type="checkbox" name="${name}" value="${l.line}"${checked.includes(l.line) ? html` checked` : ''}> ${l.line.slice(1)}.x</label>`,
    );
  const row = (f: ReleaseFixView) => {
    const late = f.publicationDue && f.publicationDue.slice(0, 10) < r.targetDate;
    return html`<tr data-report="${f.fix.reportId}"><td><a href="${paths.report(f.fix.reportId)}">${f.title}</a></td><td>${f.cveId ? html`<code>${f.cveId}</code>` : html`<span class="muted">—</span>`}</td><td>${f.severity}</td><td>${f.cwe ?? '—'}</td><td>${f.fix.lines.map((l) => `${l.slice(1)}.x`).join(', ')}</td><td>${stateBadge(f.state)}</td>
<td class="missing">${f.missing.length ? html`<span class="field-error">lacks ${f.missing.join(', ')}</span>` : 'complete'}${late ? html`<br><span class="field-error">its publication deadline (${f.publicationDue!.slice(0, 10)}) falls before the release: extend it by vote</span>` : ''}</td></tr>
${
  planning
    ? html`<tr class="fix-edit"><td colspan="7"><details><summary>Edit what the announcement says</summary><form class="stack" method="post" action="${base}/reports/${encodeURIComponent(f.fix.reportId)}">${csrfField(p)}
<div><label>Summary <textarea name="summary" maxlength="5000">${f.fix.summary}</textarea></label></div>
<fieldset><legend>Affected lines</legend>${lineBoxes('lines', f.fix.lines)}</fieldset>
<div><label>Patch authors <span class="hint">one a line</span><textarea name="patchAuthors" rows="2">${f.fix.patchAuthors.join('\n')}</textarea></label></div>
<div><button type="submit">Save</button></div></form>${postButton(p, `${base}/reports/${encodeURIComponent(f.fix.reportId)}/remove`, 'Take it out of the release', 'secondary')}</details></td></tr>`
    : ''
}`;
  };
  return html`<h2>Reports it fixes</h2>
${
  v.fixes.length
    ? html`<div class="table-scroll"><table class="release-fixes"><thead><tr><th>Report</th><th>CVE</th><th>Severity</th><th>CWE</th><th>Lines</th><th>State</th><th>Before the pre-announcement</th></tr></thead><tbody>${v.fixes.map(row)}</tbody></table></div>`
    : html`<p class="muted">No report yet.</p>`
}
${
  planning
    ? html`<details id="add-report"><summary>Add a report</summary><form class="stack" method="post" action="${base}/reports">${csrfField(p)}
<div><label for="f-report">Report id <span class="hint">a core report, accepted or being fixed</span></label><input id="f-report" name="reportId" type="text" maxlength="200" required></div>
<div><label for="f-summary">Summary <span class="hint">what the announcement says; no exploit</span></label><textarea id="f-summary" name="summary" maxlength="5000"></textarea></div>
<fieldset><legend>Affected lines <span class="hint">none ticked: those its affected versions reach</span></legend>${lineBoxes('lines', [])}</fieldset>
<div><label for="f-authors">Patch authors <span class="hint">one a line</span></label><textarea id="f-authors" name="patchAuthors" rows="2"></textarea></div>
<div><button type="submit">Add the report</button></div></form></details>`
    : ''
}`;
}

function actions(p: PageCtx, v: ReleaseView, base: string): SafeHtml {
  const r = v.release;
  const active = r.state === 'planning' || r.state === 'pre-announced';
  return html`<h2>Actions</h2>
${
  r.state === 'planning'
    ? html`<form class="stack" method="post" action="${base}/pre-announce" id="pre-announce-form">${csrfField(p)}
<div><label for="a-override">Override the seven days' rule <span class="hint">only when the date is less than 7 days away: the reason, 10 characters or more</span></label><input id="a-override" name="override" type="text" maxlength="2000"></div>
<div><button type="submit">Pre-announce</button></div></form>`
    : ''
}
${r.state === 'pre-announced' ? postButton(p, `${base}/publish`, 'Publish the release', '', html``) : ''}
${r.state === 'released' ? postButton(p, `${base}/complete`, 'Complete the release') : ''}
${
  active
    ? html`<form class="stack" method="post" action="${base}/postpone" id="postpone-form">${csrfField(p)}
<div><label for="a-date">New date</label><input id="a-date" name="targetDate" type="date" required></div>
<div><label for="a-reason">Why <span class="hint">everyone told of the date reads it</span></label><input id="a-reason" name="reason" type="text" minlength="10" maxlength="2000" required></div>
<div><button type="submit" class="secondary">Postpone</button></div></form>
<form class="stack" method="post" action="${base}/cancel" id="cancel-form">${csrfField(p)}
<div><label for="a-cancel">Why cancel <span class="hint">its reports return to the queue</span></label><input id="a-cancel" name="reason" type="text" minlength="10" maxlength="2000" required></div>
<div><button type="submit" class="secondary">Cancel the release</button></div></form>`
    : ''
}`;
}

/**
 * An advisory's CSAF 2.0 document in the provider's directory: its file sits under the year of its
 * initial release, which for a release's advisory is the release's publication.
 */
const csafPathOf = (advisoryId: string, releasedAt: string) =>
  `${CSAF_WHITE_PATH}/${releasedAt.slice(0, 4)}/${csafFileName(advisoryId)}`;

/** Text after the Markdown's front matter, which the page shows as facts instead. */
const withoutFrontMatter = (md: string) => md.replace(/^---\n[\s\S]*?\n---\n/, '');

/** A published release, for everyone: its lines, advisories and announcement. */
export function publicReleasePage(p: PageCtx, r: PublicRelease): SafeHtml {
  return page(
    p,
    r.title,
    html`<h1>${r.title}</h1>
<p>${stateBadge(r.state)} published ${when(r.releasedAt)}</p>
<dl class="facts"><dt>Lines</dt><dd>${linesText(r)}</dd>
<dt>Advisories</dt><dd>${r.advisoryIds.map((id, i) => html`${i ? ', ' : ''}<a href="${advisoryPath(id)}">${id}</a>`)}</dd>
<dt>CSAF 2.0</dt><dd><a href="${r.csafPath}" id="release-csaf">the release</a>; each advisory: ${r.advisoryIds.map((id, i) => html`${i ? ', ' : ''}<a href="${csafPathOf(id, r.releasedAt)}">${id}</a>`)}</dd></dl>
<article class="prose" id="announcement">${renderMarkdown(withoutFrontMatter(r.announcement))}</article>`,
  );
}
