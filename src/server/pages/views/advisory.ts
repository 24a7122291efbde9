import {
  type Advisory,
  type Credit,
  cvssVersion,
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
  const metrics = vector
    ? html`<p><code class="vector">${vector}</code></p>
<dl class="facts cvss">${explainCvss(vector).metrics.map(
        (m) =>
          html`<dt>${m.name} <span class="muted">(${m.key})</span></dt><dd>${m.value}${m.description ? html`<span class="muted">${m.description}</span>` : ''}</dd>`,
      )}</dl>`
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

/** The page of one advisory; `cveRecords`: the CVE ids whose record this server serves (the program's own). */
export function advisoryPage(a: Advisory, cveRecords: readonly string[] = []): SafeHtml {
  const title = a.title || a.id;
  const body = html`<article class="advisory">
<p class="crumbs">${a.kind === 'core' ? html`<a href="/node">Node.js</a>` : a.affected.map((x, i) => html`${i ? ', ' : ''}${affectedLink(x)}`)} › ${a.id}</p>
<h1>${title}</h1>
<ul class="meta">
<li><strong>${a.id}</strong></li>
${a.aliases.map((x) => html`<li>${aliasLink(x)}</li>`)}
<li>Published ${date(a.published)}</li>
<li>Updated ${date(a.modified)}</li>
<li><a href="/v1/vulns/${encodeURIComponent(a.id)}" type="application/json">OSV JSON</a></li>
${cveRecords.map((c) => html`<li><a href="${cveRecordPath(c)}" type="application/json">CVE record ${c}</a></li>`)}
</ul>
${a.withdrawn ? html`<div class="notice bad"><p><strong>Withdrawn</strong> on ${date(a.withdrawn)}: this advisory no longer applies.</p></div>` : ''}
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
