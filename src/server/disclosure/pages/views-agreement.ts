import type { Disclosure } from '../../../disclosure/index.js';
import {
  type Party,
  type Report,
  type ReportView,
  releaseAfterDeadline,
  type Stance,
  utcDay,
} from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { paths } from '../context.js';
import { csrfField, type PageCtx, when } from './layout.js';

// The parts of the report page about the fix proposal and the disclosure agreement.

/** The fix proposal as facts of the report page (nothing when there is none). */
export function fixProposalFacts(r: Report, names: Map<string, string>): SafeHtml | '' {
  const f = r.fixProposal;
  if (!f) return '';
  return html`<dt>Planned release</dt><dd id="fix-proposal"><strong>${f.releaseDate}</strong>, fixed versions <code>${f.patchedVersions}</code>
<span class="muted">(proposed by ${names.get(f.proposedBy) ?? 'a participant'}, ${when(f.proposedAt)})</span>${
    releaseAfterDeadline(r)
      ? html` <span class="overdue">after the publication deadline: an extension needs a vote</span>`
      : ''
  }${f.note ? html`<br>${f.note}` : ''}</dd>`;
}

/** The form proposing (or changing) the fix: the fixed versions and a release date from today on. */
export function fixProposalForm(p: PageCtx, r: Report, now: Date): SafeHtml {
  const f = r.fixProposal;
  return html`<div data-action="fix-proposal"><h3>${f ? 'Change the proposed fix' : 'Propose the fix'}</h3><form class="stack" method="post" action="${paths.report(r.id)}/fix-proposals">${csrfField(p)}
<div><label for="fix-versions">Fixed versions <span class="hint">an npm range</span></label><input id="fix-versions" name="patchedVersions" type="text" maxlength="500" placeholder=">=1.4.2" value="${f?.patchedVersions ?? ''}" required></div>
<div><label for="fix-date">Planned release <span class="hint">today or later</span></label><input id="fix-date" name="releaseDate" type="date" min="${utcDay(now)}" value="${f?.releaseDate ?? ''}" required></div>
<div><label for="fix-note">Note <span class="hint">optional; participants only</span></label><textarea id="fix-note" name="note" maxlength="5000">${f?.note ?? ''}</textarea></div>
<div><button type="submit" class="secondary">${f ? 'Save the proposal' : 'Propose'}</button></div></form></div>`;
}

const STANCE = (s: Stance) => (s === true ? 'agrees' : s === false ? 'objects' : '—');

function partyWords(party: Party): string {
  if (party === 'reporter') return 'the reporter';
  if (party === 'team') return 'the team';
  return 'yourself, as a maintainer';
}

/** The agreement as a table, and the form for the viewer's party when they may still speak. */
export function agreementSection(p: PageCtx, view: ReportView, names: Map<string, string>): SafeHtml {
  const r = view.report;
  const files = new Map(view.attachments.map((a) => [a.id, a.filename]));
  const what = (a: ReportView['agreement'][number]) =>
    a.attachmentId !== null
      ? `Attachment ${files.get(a.attachmentId) ?? ''}`
      : a.subject === 'comments'
        ? 'Comments (the whole thread; internal notes never)'
        : 'Proof of concept (steps to reproduce)';
  const field = (a: ReportView['agreement'][number]) =>
    a.attachmentId !== null
      ? `attachment-${a.attachmentId}`
      : a.subject === 'comments'
        ? 'comments'
        : 'proofOfConcept';
  const rows = view.agreement.map(
    (
      a,
    ) => html`<tr data-subject="${a.attachmentId ?? a.subject}"><td>${what(a)}</td><td>${STANCE(a.reporter)}</td><td>${STANCE(a.team)}</td>
<td>${a.maintainers.length ? a.maintainers.map((m, i) => html`${i ? ', ' : ''}${names.get(m.userId) ?? 'a maintainer'}: ${STANCE(m.disclosable)}`) : html`<span class="muted">none</span>`}</td>
<td class="verdict">${a.disclosable ? html`<strong>yes</strong>` : 'no'}</td></tr>`,
  );
  const mine = (a: ReportView['agreement'][number]): Stance => {
    if (view.party === 'reporter') return a.reporter;
    if (view.party === 'team') return a.team;
    return a.maintainers.find((m) => `maintainer:${m.userId}` === view.party)?.disclosable ?? null;
  };
  const question = (name: string, legend: string, current: Stance) =>
    html`<fieldset><legend>${legend}</legend><div class="choices">
<label><input type="radio" name="${name}" value="yes" ${current === true ? html`checked` : ''}> may be disclosed</label>
<label><input type="radio" name="${name}" value="no" ${current === false ? html`checked` : ''}> stays private</label></div></fieldset>`;
  const form =
    view.allowed.includes('state-disclosure') && view.party
      ? html`<form class="stack" data-action="disclosure" method="post" action="${paths.report(r.id)}/disclosure-statements">${csrfField(p)}
<p>You speak for ${partyWords(view.party)}.</p>
${view.agreement.map((a) => question(field(a), what(a), mine(a)))}
<div><button type="submit" class="secondary">Save what may be disclosed</button></div></form>`
      : '';
  return html`<section aria-labelledby="agreement"><h2 id="agreement">Disclosure on publication</h2>
<p class="muted">Once published, everyone may read the report without its environment, patch and internal notes. The proof of concept, the comments and each attachment are shown too only when the reporter and the team agreed and no maintainer objected; nothing said means private.</p>
<div class="table-scroll"><table class="agreement"><thead><tr><th>What</th><th>Reporter</th><th>Team</th><th>Maintainers</th><th>Disclosed on publication</th></tr></thead><tbody>${rows}</tbody></table></div>
${form}</section>`;
}

/**
 * The proof of concept as its reporter wrote it: code in a block, escaped, never Markdown, which would
 * read `__proto__` as bold `proto` and change a payload on the way to the page.
 */
export function proofOfConcept(text: string): SafeHtml {
  return html`<pre><code>${text}</code></pre>`;
}

/**
 * Where the agreement on the comment thread stands, for the participants' page: what happens to the
 * comments on publication as agreed so far.
 */
export function commentsAgreement(view: ReportView): SafeHtml {
  const a = view.agreement.find((x) => x.subject === 'comments');
  const published = view.report.state === 'published';
  const verdict = a?.disclosable
    ? published
      ? 'disclosed with the published report'
      : 'disclosed on publication, as agreed so far'
    : published
      ? 'kept private: their disclosure was not agreed'
      : 'kept private on publication unless the reporter and the team agree and no maintainer objects';
  return html`<p class="muted" id="comments-disclosure" data-disclosable="${a?.disclosable ? 'yes' : 'no'}">Comments are ${verdict} (see <a href="#agreement">Disclosure on publication</a>).</p>`;
}

/** The proof of concept and attachments of a published report, as far as their disclosure was agreed. */
export function disclosedExtras(
  d: Disclosure,
  section: (id: string, title: string, body: SafeHtml) => SafeHtml,
) {
  const r = d.report;
  const poc =
    r.reproduction !== undefined
      ? section('reproduction', 'Steps to reproduce', proofOfConcept(r.reproduction))
      : '';
  const files = d.attachments.length
    ? section(
        'attachments',
        'Attachments',
        html`<ul>${d.attachments.map(
          (a) =>
            html`<li><a href="${paths.attachment(a.id)}" download>${a.filename}</a> <span class="muted">${a.contentType}, ${a.size} bytes, sha256 ${a.sha256}</span></li>`,
        )}</ul>`,
      )
    : '';
  const kept = [
    r.reproduction === undefined ? 'the proof of concept' : null,
    d.commentsDisclosed ? null : 'the comments',
    'the environment',
    'internal notes',
    d.attachments.length ? 'the other attachments' : 'attachments',
  ].filter(Boolean);
  const sentence = `${kept.join(', ').replace(/, ([^,]*)$/, ' and $1')} stay private.`;
  return { poc, files, privateNote: sentence[0]!.toUpperCase() + sentence.slice(1) };
}
