import { severityOfScore } from '../../../advisories/index.js';
import type {
  Disclosure,
  PossibleDuplicate,
  ReportAction,
  ReportView,
  SecurityRelease,
} from '../../../disclosure/index.js';
import { advisoryPath, html, packagePath, type SafeHtml } from '../../pages/html.js';
import { renderMarkdown } from '../../pages/markdown.js';
import { externalLink, severityBadge } from '../../pages/parts.js';
import { PAGES, paths } from '../context.js';
import { csrfField, type PageCtx, page, postButton, stateBadge, when } from './layout.js';
import {
  agreementSection,
  commentsAgreement,
  disclosedExtras,
  fixProposalFacts,
  fixProposalForm,
  proofOfConcept,
} from './views-agreement.js';
import { creditsSection, ROLE_WORDS } from './views-credits.js';
import { CLOSED_AS_WORDS, TOOLS_USED_WORDS, teamForms, WITHOUT_FIX_WORDS } from './views-report-team.js';

/** Everything the report page shows, resolved beforehand (names, duplicates). */
export interface ReportPageData {
  view: ReportView;
  /** Who each user id is, as this viewer may know them (ReportView.shownAs). */
  names: Map<string, string>;
  duplicates: PossibleDuplicate[];
  now: Date;
  /** The security release holding the report (the core security team's view only). */
  release?: SecurityRelease | null;
}

const TRANSITION_LABELS: Partial<Record<ReportAction, string>> = {
  'request-info': 'Ask the reporter for more information',
  'provide-info': 'I added the information: back to the team',
  accept: 'Accept (triage)',
  publish: 'Publish the advisory',
  withdraw: 'Withdraw my report',
};

function cvssLine(cvss: { vector: string; score: number } | null): SafeHtml {
  if (!cvss) return html`<span class="muted">not assessed</span>`;
  return html`${severityBadge(severityOfScore(cvss.score))} <strong>${cvss.score.toFixed(1)}</strong> <code class="vector">${cvss.vector}</code>`;
}

const section = (id: string, title: string, body: SafeHtml | SafeHtml[]) =>
  html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${body}</section>`;

function transitionForms(p: PageCtx, d: ReportPageData): SafeHtml[] {
  const r = d.view.report;
  const allowed = d.view.allowed;
  const action = `${paths.report(r.id)}/transition`;
  const hiddenT = (t: string) => html`<input type="hidden" name="transition" value="${t}">`;
  const out: SafeHtml[] = teamForms(p, d.view, d.names);
  for (const t of ['request-info', 'provide-info', 'accept', 'withdraw'] as const)
    if (allowed.includes(t))
      out.push(
        html`<div data-action="${t}">${postButton(p, action, TRANSITION_LABELS[t]!, t === 'withdraw' ? 'danger' : '', hiddenT(t))}</div>`,
      );
  if (allowed.includes('publish'))
    out.push(
      r.cveId
        ? html`<div data-action="publish">${postButton(p, action, TRANSITION_LABELS.publish!, '', hiddenT('publish'))}</div>`
        : html`<div data-action="publish"><form class="stack" method="post" action="${action}">${csrfField(p)}${hiddenT('publish')}
<div><label for="withoutCveReason">Without a CVE id, because <span class="hint">only when none is available: the next available one is assigned otherwise</span></label><input id="withoutCveReason" name="withoutCveReason" type="text" maxlength="500" placeholder="CVE requested from another CNA"></div>
<div><button type="submit">${TRANSITION_LABELS.publish!}</button></div></form></div>`,
    );
  if (allowed.includes('assign-cve') && !r.cveId)
    out.push(
      html`<div data-action="assign-cve">${postButton(p, `${paths.report(r.id)}/cve`, 'Assign the next CVE id', 'secondary')}</div>`,
    );
  if (allowed.includes('start-fix'))
    out.push(
      html`<div data-action="start-fix">${postButton(p, action, d.view.team ? 'Start the fix' : 'Accept the report as valid and start the fix', '', hiddenT('start-fix'))}</div>`,
    );
  if (allowed.includes('reject'))
    out.push(html`<div data-action="reject"><h3>Reject</h3><form class="stack" method="post" action="${action}">${csrfField(p)}${hiddenT('reject')}
<div><label for="closedAs">Close it as</label><select id="closedAs" name="closedAs" required><option value="">–</option><option value="spam">spam (junk, machine-written, made up)</option><option value="informative">informative (true, but not a vulnerability)</option><option value="not-applicable">not applicable (outside the program, no security impact)</option></select></div>
<div><label for="reason">Message to the reporter <span class="hint">they see it here and are mailed it</span></label><textarea id="reason" name="reason" required maxlength="5000"></textarea></div>
<div><button type="submit" class="danger">Reject the report</button></div></form>
<p class="hint muted">Spam, informative and not applicable count against the reporter's signal, as duplicates do.</p></div>`);
  if (allowed.includes('mark-duplicate'))
    out.push(html`<div data-action="mark-duplicate"><h3>Duplicate</h3><form class="inline" method="post" action="${action}">${csrfField(p)}${hiddenT('mark-duplicate')}
<label for="duplicateOf">Of report</label><input id="duplicateOf" name="duplicateOf" type="text" maxlength="100" required><button type="submit" class="secondary">Mark as duplicate</button></form></div>`);
  if (allowed.includes('mark-fixed')) {
    const proposed = r.fixProposal?.patchedVersions;
    out.push(html`<div data-action="mark-fixed"><h3>Fixed</h3><form class="inline" method="post" action="${action}">${csrfField(p)}${hiddenT('mark-fixed')}
<label for="patchedVersions">Fixed versions</label><input id="patchedVersions" name="patchedVersions" type="text" maxlength="500" placeholder=">=1.4.2" value="${proposed ?? ''}" ${proposed ? '' : html`required`}><button type="submit">Mark fixed</button></form></div>`);
  }
  if (allowed.includes('invite-maintainer') && r.kind === 'npm')
    out.push(html`<div data-action="invite"><h3>Invite a maintainer</h3><form class="inline" method="post" action="${paths.report(r.id)}/invitations">${csrfField(p)}
<label for="invite-email">E-mail</label><input id="invite-email" name="email" type="email" maxlength="254" required><button type="submit">Send the invitation</button></form>
<p class="hint muted">A single-use link, valid 14 days, that only the account of this address (confirmed) can accept.</p></div>`);
  if (allowed.includes('propose-fix')) out.push(fixProposalForm(p, r, d.now));
  if (allowed.includes('edit-assessment'))
    out.push(html`<div data-action="assess"><h3>Assessment</h3><form class="stack" method="post" action="${paths.report(r.id)}/assessment">${csrfField(p)}
<div><label for="as-cvss">CVSS 3.1 vector</label><input id="as-cvss" name="cvssVector" type="text" class="code" maxlength="200" value="${r.cvss?.vector ?? ''}"></div>
<div><label for="as-cwe">CWE</label><input id="as-cwe" name="cwe" type="text" maxlength="12" value="${r.cwe ?? ''}"></div>
<div><label for="as-cve">CVE id <span class="hint">one another CNA assigned; ours are assigned with the button</span></label><input id="as-cve" name="cveId" type="text" maxlength="20" value="${r.cveId ?? ''}"></div>
<div><label for="as-affected">Affected versions</label><input id="as-affected" name="affectedVersions" type="text" maxlength="500" value="${r.affectedVersions}"></div>
<div><button type="submit" class="secondary">Save the assessment</button></div></form></div>`);
  if (allowed.includes('propose-extension'))
    out.push(html`<div data-action="extension"><h3>Extend the deadline</h3><form class="stack" method="post" action="${paths.report(r.id)}/proposals">${csrfField(p)}
<div><label for="ext-days">Days</label><input id="ext-days" name="days" type="number" min="1" max="90" required></div>
<div><label for="ext-reason">Reason</label><textarea id="ext-reason" name="reason" maxlength="5000" required></textarea></div>
<div><label for="ext-window">Vote open for (hours)</label><input id="ext-window" name="windowHours" type="number" min="1" max="336" value="72"></div>
<div><button type="submit" class="secondary">Propose a vote</button></div></form></div>`);
  return out;
}

function proposals(p: PageCtx, d: ReportPageData): SafeHtml {
  const list = d.view.proposals;
  if (!list.length) return html``;
  const now = d.now.getTime();
  return section(
    'votes',
    'Extension votes',
    html`<ul>${list.map((x) => {
      const open = x.closedAt === null && now < Date.parse(x.closesAt);
      const votable =
        open && d.view.allowed.includes('vote') && x.myVote === null && now >= Date.parse(x.opensAt);
      const action = `${PAGES}/proposals/${encodeURIComponent(x.id)}`;
      return html`<li data-proposal="${x.id}"><strong>${x.days} more days</strong> proposed by ${d.names.get(x.proposedBy) ?? 'a participant'}: ${x.reason}<br>
${x.closedAt ? html`Result: <strong>${x.result}</strong> (${x.yes ?? 0} for, ${x.no ?? 0} against)` : html`Open until ${when(x.closesAt)}`}${
  x.myVote !== null ? html` · you voted ${x.myVote ? 'for' : 'against'}` : ''
}
${votable ? html`${postButton(p, `${action}/vote`, 'Vote for', '', html`<input type="hidden" name="inFavour" value="yes">`)}${postButton(p, `${action}/vote`, 'Vote against', 'secondary', html`<input type="hidden" name="inFavour" value="no">`)}` : ''}
${x.closedAt === null && !open ? postButton(p, `${action}/close`, 'Count the votes', 'secondary') : ''}</li>`;
    })}</ul>`,
  );
}

function thread(list: ReportView['comments'], names: Map<string, string>, cls = ''): SafeHtml {
  if (!list.length) return html`<p class="muted">Nothing yet.</p>`;
  return html`<ol class="thread ${cls}">${list.map(
    (c) =>
      html`<li id="c-${c.id}"><div class="by">${names.get(c.authorId) ?? 'a participant'} · ${when(c.createdAt)}</div><div class="prose">${renderMarkdown(c.body)}</div></li>`,
  )}</ol>`;
}

function detailsList(d: ReportPageData): SafeHtml {
  const r = d.view.report;
  const what =
    r.kind === 'npm'
      ? html`<a href="${packagePath(r.packageName!)}">${r.packageName}</a> (npm)`
      : html`Node.js, ${r.component}`;
  const credit =
    r.credit.as === 'name' ? r.credit.name : r.credit.as === 'handle' ? `@${r.credit.handle}` : 'anonymous';
  return html`<dl class="facts">
<dt>Affects</dt><dd>${what}</dd>
<dt>Affected versions</dt><dd><code>${r.affectedVersions}</code></dd>
${r.patchedVersions ? html`<dt>Fixed versions</dt><dd><code>${r.patchedVersions}</code></dd>` : ''}
${fixProposalFacts(r, d.names)}
<dt>Severity</dt><dd>${cvssLine(r.cvss)}</dd>
<dt>Weakness</dt><dd>${r.cwe ?? html`<span class="muted">—</span>`}</dd>
${d.view.cve ? html`<dt>CVE</dt><dd>${d.view.cve.id} <span class="muted">(${d.view.cve.state}${d.view.cve.source === 'other-cna' ? ', assigned by another CNA' : ''})</span></dd>` : ''}
<dt>Reported by</dt><dd>${d.names.get(r.reporterId) ?? ''}${r.filedById !== r.reporterId ? html` <span class="muted">(filed by ${d.names.get(r.filedById) ?? ''})</span>` : ''}</dd>
<dt>Credit</dt><dd>${credit}</dd>
${r.maintainerIds.length ? html`<dt>Maintainers</dt><dd>${r.maintainerIds.map((m, i) => html`${i ? ', ' : ''}${d.names.get(m) ?? ''}`)}</dd>` : ''}
<dt>Maintainer contacted</dt><dd>${r.contactedMaintainer ? 'yes' : 'no'}</dd>
<dt>Public issue</dt><dd>${r.openedIssue ? 'yes' : 'no'}</dd>
<dt>Tools or AI used</dt><dd id="tools-used">${r.toolsUsed ? TOOLS_USED_WORDS[r.toolsUsed] : html`<span class="muted">not stated</span>`}</dd>
<dt>Environment</dt><dd>${[r.environment.os, r.environment.node && `Node.js ${r.environment.node}`, r.environment.npm && `npm ${r.environment.npm}`].filter(Boolean).join(', ') || '—'}</dd>
<dt>Submitted</dt><dd>${when(r.submittedAt)}</dd>
<dt>First answer due</dt><dd>${when(r.firstAnswerDue)}${d.view.flags.firstAnswerOverdue ? html` <span class="overdue">overdue</span>` : r.firstAnswerAt ? html` <span class="muted">(answered ${when(r.firstAnswerAt)})</span>` : ''}</dd>
${r.publicationDue ? html`<dt>Publication due</dt><dd>${when(r.publicationDue)}${d.view.flags.publicationDue ? html` <span class="overdue">reached</span>` : ''}${r.extensionDays ? html` <span class="muted">(extended by ${r.extensionDays} days)</span>` : ''}</dd>` : ''}
${r.closedAs ? html`<dt>Closed as</dt><dd id="closed-as">${CLOSED_AS_WORDS[r.closedAs]}</dd>` : ''}
${r.rejectReason ? html`<dt>Rejected because</dt><dd>${r.rejectReason}</dd>` : ''}
${r.duplicateOf ? html`<dt>Duplicate of</dt><dd><a href="${paths.report(r.duplicateOf)}">${r.duplicateOf}</a></dd>` : ''}
${r.references.length ? html`<dt>References</dt><dd>${r.references.map((u) => html`${externalLink(u)}<br>`)}</dd>` : ''}
</dl>`;
}

/** A report in full, for its participants: details, what they may do, votes, files, the thread, notes, history. */
export function reportPage(p: PageCtx, d: ReportPageData): SafeHtml {
  const r = d.view.report;
  const allowed = d.view.allowed;
  const forms = transitionForms(p, d);
  const body = html`<p class="crumbs"><a href="${PAGES}/reports">Reports</a> / ${r.id}</p>
<h1>${r.title}</h1>
<p class="meta">${stateBadge(r.state)} ${r.advisoryId ? html`<a href="${advisoryPath(r.advisoryId)}">${r.advisoryId}</a>` : ''}</p>
${d.release ? html`<p id="in-release">In the <a href="${paths.release(d.release.id)}">security release of ${d.release.targetDate}</a> (${d.release.state})${['planning', 'pre-announced'].includes(d.release.state) ? ': under its embargo, published with it' : ''}.</p>` : ''}
${r.state === 'published' && r.patchedVersions === null ? html`<div class="notice bad"><p id="without-fix">${r.withoutFix ? WITHOUT_FIX_WORDS[r.withoutFix] : 'Published without a fix'}.</p></div>` : ''}
${detailsList(d)}
${section('description', 'Description', html`<div class="prose">${renderMarkdown(r.description)}</div>`)}
${section('impact', 'Impact', html`<div class="prose">${renderMarkdown(r.impact)}</div>`)}
${section('reproduction', 'Steps to reproduce', html`<div class="private">${proofOfConcept(r.reproduction)}</div>`)}
${r.patch ? section('patch', 'Patch', html`<pre><code>${r.patch}</code></pre>`) : ''}
${
  d.duplicates.length
    ? section(
        'duplicates',
        'Possible duplicates',
        html`<ul>${d.duplicates.map(
          (x) =>
            html`<li data-duplicate="${x.id}"><a href="${paths.duplicate(x)}">${x.kind === 'advisory' ? x.id : 'report'}</a>: ${x.title} ${stateBadge(x.state)} <code>${x.affected}</code></li>`,
        )}</ul>`,
      )
    : ''
}
${forms.length ? section('actions', 'What you can do', html`<div class="actions">${forms}</div>`) : ''}
${proposals(p, d)}
${creditsSection(p, d.view, d.names)}
${section(
  'attachments',
  'Attachments',
  html`${
    d.view.attachments.length
      ? html`<ul>${d.view.attachments.map(
          (a) =>
            html`<li><a href="${paths.attachment(a.id)}" download>${a.filename}</a> <span class="muted">${a.contentType}, ${a.size} bytes, from ${d.names.get(a.uploadedBy) ?? 'a participant'}</span></li>`,
        )}</ul>`
      : html`<p class="muted">No attachments.</p>`
  }
${
  allowed.includes('upload-attachment')
    ? html`<form class="inline" method="post" action="${paths.report(r.id)}/attachments" enctype="multipart/form-data">${csrfField(p)}
<label for="file">File <span class="hint">images, PDF, ZIP, gzip, video or text (code too); no HTML or SVG; at most 10 MiB</span></label><input id="file" name="file" type="file" required><button type="submit" class="secondary">Attach</button></form>`
    : ''
}`,
)}
${agreementSection(p, d.view, d.names)}
${section(
  'comments',
  'Comments',
  html`${commentsAgreement(d.view)}${thread(d.view.comments, d.names)}${
    allowed.includes('comment')
      ? html`<form class="stack" method="post" action="${paths.report(r.id)}/comments">${csrfField(p)}<div><label for="comment-body">Comment <span class="hint">every participant sees it; Markdown</span></label><textarea id="comment-body" name="body" required maxlength="50000"></textarea></div><div><button type="submit">Comment</button></div></form>`
      : ''
  }`,
)}
${
  d.view.notes
    ? section(
        'notes',
        'Internal notes (team only)',
        html`${thread(d.view.notes, d.names, 'notes')}${
          allowed.includes('add-internal-note')
            ? html`<form class="stack" method="post" action="${paths.report(r.id)}/notes">${csrfField(p)}<div><label for="note-body">Note <span class="hint">the team only</span></label><textarea id="note-body" name="body" required maxlength="50000"></textarea></div><div><button type="submit" class="secondary">Add the note</button></div></form>`
            : ''
        }`,
      )
    : ''
}
${section(
  'history',
  'History',
  html`<div class="table-scroll"><table><thead><tr><th>When</th><th>Move</th><th>By</th><th>Reason</th></tr></thead><tbody>${d.view.history.map(
    (c) =>
      html`<tr><td>${when(c.at)}</td><td>${c.from} → ${stateBadge(c.to)}</td><td>${c.actorId ? (d.names.get(c.actorId) ?? '') : 'the scheduler'}</td><td>${c.reason ?? ''}</td></tr>`,
  )}</tbody></table></div>`,
)}`;
  return page(p, r.title, body);
}

const AUTHOR_WORDS = { reporter: 'The reporter', maintainer: 'A maintainer', team: 'The team' } as const;

/** A published report as everyone may read it. */
export function disclosedPage(p: PageCtx, d: Disclosure): SafeHtml {
  const r = d.report;
  const extras = disclosedExtras(d, section);
  const what =
    r.kind === 'npm'
      ? html`<a href="${packagePath(r.packageName!)}">${r.packageName}</a> (npm)`
      : html`Node.js, ${r.component}`;
  const body = html`<p class="crumbs">Disclosed report</p>
<h1>${r.title}</h1>
<p class="meta">${stateBadge('published')} ${r.advisoryId ? html`<a href="${advisoryPath(r.advisoryId)}">${r.advisoryId}</a>` : ''}</p>
${r.publishedWithoutFix ? html`<div class="notice bad"><p id="without-fix">${r.withoutFix ? WITHOUT_FIX_WORDS[r.withoutFix] : 'Published without a fix'}${r.earlyPublication ? html` (${r.earlyPublication.reason === 'already-public' ? 'already public' : 'actively exploited'}: ${r.earlyPublication.details})` : ''}: every version from the first affected one is vulnerable.</p></div>` : ''}
<dl class="facts">
<dt>Affects</dt><dd>${what}</dd>
<dt>Affected versions</dt><dd><code>${r.affectedVersions}</code></dd>
<dt>Fixed versions</dt><dd>${r.patchedVersions ? html`<code>${r.patchedVersions}</code>` : html`<strong>none</strong>`}</dd>
${r.releaseDate ? html`<dt>Planned release</dt><dd>${r.releaseDate}</dd>` : ''}
<dt>Severity</dt><dd>${cvssLine(r.cvss)}</dd>
<dt>Weakness</dt><dd>${r.cwe ?? '—'}</dd>
${r.cveId ? html`<dt>CVE</dt><dd>${r.cveId}</dd>` : ''}
<dt>Credit</dt><dd>${r.credit ?? html`<span class="muted">anonymous</span>`}${r.credits.map((c) => html`<br>${c.name} <span class="muted">(${ROLE_WORDS[c.role]})</span>`)}</dd>
<dt>Submitted</dt><dd>${when(r.submittedAt)}</dd>
<dt>Triaged</dt><dd>${when(r.triagedAt)}</dd>
<dt>Published</dt><dd>${when(r.publishedAt)}</dd>
${r.references.length ? html`<dt>References</dt><dd>${r.references.map((u) => html`${externalLink(u)}<br>`)}</dd>` : ''}
</dl>
${section('description', 'Description', html`<div class="prose">${renderMarkdown(r.description)}</div>`)}
${section('impact', 'Impact', html`<div class="prose">${renderMarkdown(r.impact)}</div>`)}
${extras.poc}
${extras.files}
${
  d.commentsDisclosed
    ? section(
        'comments',
        'Comments',
        d.comments.length
          ? html`<ol class="thread">${d.comments.map(
              (c) =>
                html`<li><div class="by">${AUTHOR_WORDS[c.author]} · ${when(c.createdAt)}</div><div class="prose">${renderMarkdown(c.body)}</div></li>`,
            )}</ol>`
          : html`<p class="muted">No comments.</p>`,
      )
    : ''
}
${section(
  'history',
  'Timeline',
  html`<ul>${d.history.map((c) => html`<li>${when(c.at)}: ${c.from} → ${c.to}</li>`)}</ul>`,
)}
<p class="muted">${extras.privateNote}</p>`;
  return page(p, r.title, body);
}
