import type { Advisory } from '../../../advisories/index.js';
import type { PublicNoteView } from '../../../disclosure/index.js';
import { affects, matchable } from '../../../scan/index.js';
import { advisoryPath, html, packagePath, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { advisoryItem } from '../parts.js';

/** The answer to "is version X affected?": nothing asked, a version that does not parse, or the advisories. */
export type VersionCheck =
  | { kind: 'none' }
  | { kind: 'invalid'; input: string }
  | { kind: 'checked'; version: string; affecting: Advisory[] };

/** The package's entries of an advisory (an advisory may name several packages). */
const entriesFor = (a: Advisory, name: string) =>
  a.affected.filter((x) => x.ecosystem === 'npm' && x.name === name);

/**
 * Does the advisory affect this version of the package? The audit's own decision, npm audit's
 * (withdrawn advisories affect nothing).
 */
export function affectsPackage(a: Advisory, name: string, version: string): boolean {
  return affects(matchable(a), 'npm', name, version);
}

function checkResult(name: string, check: VersionCheck): SafeHtml {
  if (check.kind === 'none') return html``;
  if (check.kind === 'invalid') {
    return html`<div class="notice bad" id="check-result" role="status"><p><strong>“${check.input}” is not a version npm can read.</strong></p>
<p>Give a full version such as <code>1.2.3</code> or <code>2.0.0-beta.1</code> (a leading <code>v</code> is fine); ranges such as <code>^1.2</code> are not versions.</p></div>`;
  }
  if (!check.affecting.length) {
    return html`<div class="notice ok" id="check-result" role="status"><p><strong>${name}@${check.version} is not affected</strong> by any advisory in this database.</p></div>`;
  }
  const n = check.affecting.length;
  return html`<div class="notice bad" id="check-result" role="status"><p><strong>${name}@${check.version} is affected by ${n} ${n === 1 ? 'advisory' : 'advisories'}:</strong></p>
<ul>${check.affecting.map((a) => html`<li><a href="${advisoryPath(a.id)}">${a.id}</a>: ${a.title ?? ''}</li>`)}</ul></div>`;
}

function ranges(a: Advisory, name: string): SafeHtml {
  return html`<div class="sub">${entriesFor(a, name).map(
    (x, i) =>
      html`${i ? html`<br>` : ''}vulnerable <code>${x.vulnerable}</code>${x.patched ? html` · patched <code>${x.patched}</code>` : ''}`,
  )}</div>`;
}

/** The page of an npm package: its advisories and the version check. */
export function packagePage(
  name: string,
  advisories: readonly Advisory[],
  check: VersionCheck,
  notes: readonly PublicNoteView[] = [],
): SafeHtml {
  const hits = new Set(check.kind === 'checked' ? check.affecting.map((a) => a.id) : []);
  const value = check.kind === 'checked' ? check.version : check.kind === 'invalid' ? check.input : '';
  const n = advisories.length;
  const body = html`<p class="crumbs">npm package</p>
<h1>${name}</h1>
<p class="lead">${n} ${n === 1 ? 'advisory' : 'advisories'} · <a href="https://www.npmjs.com${packagePath(name).replace(/^\/packages/, '/package')}" rel="nofollow noopener">on npm</a></p>
<section aria-labelledby="check">
<h2 id="check">Is my version affected?</h2>
<form class="check" action="${packagePath(name)}" method="get">
<label for="version">Version of ${name}</label>
<input id="version" name="version" type="text" value="${value}" placeholder="1.2.3" inputmode="decimal" autocomplete="off" spellcheck="false" maxlength="256">
<button type="submit">Check</button>
</form>
${checkResult(name, check)}
</section>
<section aria-labelledby="all">
<h2 id="all">Advisories</h2>
<ul class="advisories">${advisories.map((a) => advisoryItem(a, { hit: hits.has(a.id), extra: ranges(a, name) }))}</ul>
</section>
${
  notes.length
    ? html`<section aria-labelledby="notes">
<h2 id="notes">Notes for the maintainer</h2>
<p class="muted">From reports the Working Group's team closed as no vulnerability: no advisory, no CVE id, nothing for an audit to report.</p>
<ul class="notes">${notes.map((n) => html`<li data-note="${n.id}"><strong>${n.title}</strong> <span class="muted">${n.publishedAt.slice(0, 10)}</span><div class="prose">${n.text}</div></li>`)}</ul>
</section>`
    : ''
}`;
  return layout({ title: name, body, description: `Security advisories for the npm package ${name}` });
}
