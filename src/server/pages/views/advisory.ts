import {
  type Advisory,
  type Credit,
  cvssVersion,
  fixedVersionsOf,
  normalizeCvssVector,
  severityOf,
} from '../../../advisories/index.js';
import { explainCvss } from '../cvss-explain.js';
import { advisoryPath, cveRecordPath, html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { affectedLink, aliasLink, date, externalLink, severityBadge } from '../parts.js';

const CREDIT_WORDS: Record<Credit['type'], string> = {
  FINDER: 'found it',
  REPORTER: 'reported it',
  ANALYST: 'analysed it',
  COORDINATOR: 'coordinated',
  REMEDIATION_DEVELOPER: 'fixed it',
  REMEDIATION_REVIEWER: 'reviewed the fix',
  REMEDIATION_VERIFIER: 'verified the fix',
  TOOL: 'tool',
  SPONSOR: 'sponsor',
  OTHER: 'credited',
};

function severitySection(a: Advisory): SafeHtml {
  const vector = a.cvss?.vector ? normalizeCvssVector(a.cvss.vector) : null;
  const score = a.cvss?.score;
  const scored = typeof score === 'number' && score >= 0;
  const version = vector ? cvssVersion(vector) : null;
  const scoreText = scored
    ? html` <strong>${score.toFixed(1)}</strong> (CVSS${version ? ` ${version}` : ''})`
    : '';
  // Core advisories often state a severity in words and no score: say where the label comes from.
  const declared =
    a.declaredSeverity && !(scored && score > 0)
      ? html` <span class="muted">declared: ${a.declaredSeverity}</span>`
      : '';
  // the vector's explanation is for whoever wants it: folded, below what the advisory is and what to do
  const metrics = vector
    ? html`<details class="cvss-explained"><summary>What the CVSS vector says</summary>
<p><code class="vector">${vector}</code></p>
<dl class="facts cvss">${explainCvss(vector).metrics.map(
        (m) =>
          html`<dt>${m.name} <span class="muted">(${m.key})</span></dt><dd>${m.value}${m.description ? html`<span class="muted">${m.description}</span>` : ''}</dd>`,
      )}</dl></details>`
    : html`<p class="muted">No CVSS vector was given.</p>`;
  return html`<section aria-labelledby="severity">
<h2 id="severity">Severity</h2>
<p>${severityBadge(severityOf(a))}${scoreText}${declared}</p>
${metrics}
</section>`;
}

function affectedSection(a: Advisory): SafeHtml {
  if (!a.affected.length) return html``;
  return html`<section aria-labelledby="affected">
<h2 id="affected">Affected versions</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Package</th><th scope="col">Vulnerable</th><th scope="col">Patched</th></tr></thead>
<tbody>${a.affected.map(
    (x) =>
      html`<tr><td>${affectedLink(x)}${x.platforms.length && !x.platforms.includes('all') ? html` <span class="muted">(${x.platforms.join(', ')})</span>` : ''}</td><td><code>${x.vulnerable}</code></td><td>${
        x.patched ? html`<code>${x.patched}</code>` : html`<span class="muted">no fix known</span>`
      }</td></tr>`,
  )}</tbody>
</table></div>
</section>`;
}

function listSection(id: string, title: string, items: SafeHtml[]): SafeHtml {
  if (!items.length) return html``;
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2><ul>${items.map((i) => html`<li>${i}</li>`)}</ul></section>`;
}

function creditItem(c: Credit): SafeHtml {
  const site = c.website ? html` · ${externalLink(c.website)}` : '';
  const user = c.username ? html` · <span class="muted">@${c.username}</span>` : '';
  return html`${c.name} <span class="muted">(${CREDIT_WORDS[c.type] ?? 'credited'})</span>${site}${user}`;
}

function cweLink(id: string, name: string | null): SafeHtml {
  const m = /^CWE-(\d+)$/.exec(id);
  const label = name ? `${id}: ${name.replace(/^CWE-\d+:\s*/, '')}` : id;
  return m ? externalLink(`https://cwe.mitre.org/data/definitions/${m[1]}.html`, label) : html`${label}`;
}

/** What the advisory is, in one line: its severity and what it affects. */
function whatItIs(a: Advisory): SafeHtml {
  const what =
    a.kind === 'core'
      ? html`Node.js itself${a.affected.some((x) => x.platforms.length && !x.platforms.includes('all')) ? html` (${a.affected.flatMap((x) => x.platforms).join(', ')} only)` : ''}`
      : html`${a.affected.map((x, i) => html`${i ? ', ' : ''}${affectedLink(x)} <code>${x.vulnerable}</code>`)}`;
  return html`<p><strong>What it is:</strong> a ${severityBadge(severityOf(a))} vulnerability in ${what}${
    a.weaknesses[0] ? html` (${a.weaknesses[0].name?.replace(/^CWE-\d+:\s*/, '') ?? a.weaknesses[0].id})` : ''
  }.</p>`;
}

/** What to do first: upgrade to the lowest fixed version, or, with no fix, what is left. */
function whatToDo(a: Advisory): SafeHtml {
  if (a.withdrawn) return html`<p><strong>What to do:</strong> nothing: the advisory was withdrawn.</p>`;
  const steps = a.affected.map((x) => {
    const fixed = fixedVersionsOf(x.patched);
    if (a.kind === 'core')
      return fixed.length
        ? html`upgrade Node.js to ${fixed.map((v, i) => html`${i ? ' or ' : ''}<strong>${v}</strong>`)} or later in its line (<a href="/node">check your version</a>)`
        : html`no fixed Node.js release is known: upgrade to a maintained line (<a href="/node">check your version</a>)`;
    if (fixed.length === 1) return html`upgrade ${affectedLink(x)} to <strong>${fixed[0]!}</strong> or later`;
    // fixes in several lines (backports): the patched range says which
    return fixed.length
      ? html`upgrade ${affectedLink(x)} to a patched version: <code>${x.patched ?? ''}</code>`
      : html`no fixed version of ${affectedLink(x)} is known: remove it or replace it, or accept the risk with a reason in <code>.nswg-ignore.json</code>`;
  });
  return html`<p><strong>What to do first:</strong> ${steps.map((s, i) => html`${i ? '; ' : ''}${s}`)}.</p>`;
}

/** Published, updated and withdrawn dates as far as they are known: never "unknown". */
function dates(a: Advisory): SafeHtml {
  const known = (ts: string | null) => Boolean(ts && ts >= '1990');
  const published = known(a.published)
    ? html`<li>Published ${date(a.published)}</li>`
    : known(a.created)
      ? html`<li>Recorded ${date(a.created)}</li>`
      : '';
  return html`${published}<li>${published ? 'Updated' : 'Last updated'} ${date(a.modified)}</li>`;
}

/** The page of one advisory; `cveRecords`: the CVE ids whose record this server serves (the program's own). */
export function advisoryPage(a: Advisory, cveRecords: readonly string[] = []): SafeHtml {
  const title = a.title || a.id;
  const body = html`<article class="advisory">
<p class="crumbs">${a.kind === 'core' ? html`<a href="/node">Node.js</a>` : a.affected.map((x, i) => html`${i ? ', ' : ''}${affectedLink(x)}`)} › ${a.id}</p>
<h1>${title}</h1>
<ul class="meta">
<li><strong>${a.id}</strong></li>
${a.aliases.map((x) => html`<li>${aliasLink(x)}</li>`)}
${dates(a)}
<li><a href="/v1/vulns/${encodeURIComponent(a.id)}" type="application/json">OSV JSON</a></li>
${cveRecords.map((c) => html`<li><a href="${cveRecordPath(c)}" type="application/json">CVE record ${c}</a></li>`)}
</ul>
${a.withdrawn ? html`<div class="notice bad"><p><strong>Withdrawn</strong> on ${date(a.withdrawn)}: this advisory no longer applies.</p></div>` : ''}
<div class="notice summary" id="summary">${whatItIs(a)}${whatToDo(a)}</div>
${severitySection(a)}
${affectedSection(a)}
<section aria-labelledby="details"><h2 id="details">Details</h2><div class="prose">${a.details ? renderMarkdown(a.details) : html`<p class="muted">No details were given.</p>`}</div></section>
${a.recommendation ? html`<section aria-labelledby="recommendation"><h2 id="recommendation">Recommendation</h2><div class="prose">${renderMarkdown(a.recommendation)}</div></section>` : ''}
${listSection(
  'weaknesses',
  'Weaknesses',
  a.weaknesses.map((w) => cweLink(w.id, w.name)),
)}
${listSection(
  'references',
  'References',
  a.references.map((r) => html`${externalLink(r.url)} <span class="muted">${r.type.toLowerCase()}</span>`),
)}
${listSection('credits', 'Credits', a.credits.map(creditItem))}
${a.coordinatingVendor ? html`<p class="muted">Coordinated by ${a.coordinatingVendor}.</p>` : ''}
</article>`;
  return layout({ title: `${a.id}: ${title}`, body, description: `${a.id}: ${title}` });
}

/** The page for an alias (a CVE) that names several advisories. */
export function aliasChoicePage(alias: string, list: readonly Advisory[]): SafeHtml {
  const body = html`<h1>${alias}</h1>
<p>${alias} is an alias of ${list.length} advisories:</p>
<ul>${list.map((a) => html`<li><a href="${advisoryPath(a.id)}">${a.id}</a>: ${a.title ?? ''}</li>`)}</ul>`;
  return layout({ title: alias, body });
}
