import { type Advisory, type Severity, severityOf } from '../../advisories/index.js';
import { advisoryPath, html, packagePath, type SafeHtml, safeUrl } from './html.js';

const SEVERITY_WORDS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  moderate: 'Moderate',
  low: 'Low',
  info: 'Info',
};

/** The severity as a coloured label. */
export function severityBadge(s: Severity): SafeHtml {
  return html`<span class="sev sev-${s}">${SEVERITY_WORDS[s]}</span>`;
}

/** The date part of an ISO timestamp, in a <time> element (some sources write 1970-01-01 for "unknown"). */
export function date(ts: string | null | undefined): SafeHtml {
  if (!ts || ts < '1990') return html`<span class="muted">unknown</span>`;
  return html`<time datetime="${ts}">${ts.slice(0, 10)}</time>`;
}

/** Where an alias is described: CVE ids at cve.org, GHSA ids at GitHub; else null. */
export function aliasUrl(alias: string): string | null {
  if (/^CVE-\d{4}-\d{4,}$/.test(alias)) return `https://www.cve.org/CVERecord?id=${alias}`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(alias)) return `https://github.com/advisories/${alias}`;
  return null;
}

/** An alias as a link to its record, or as text. */
export function aliasLink(alias: string): SafeHtml {
  const url = aliasUrl(alias);
  return url ? html`<a href="${url}" rel="nofollow noopener">${alias}</a>` : html`<span>${alias}</span>`;
}

/** A URL as a link when it is http(s) or mailto; otherwise shown as text and never followed. */
export function externalLink(url: string, text: string = url): SafeHtml {
  const safe = safeUrl(url);
  return safe
    ? html`<a href="${safe}" rel="nofollow noopener">${text}</a>`
    : html`<span class="muted">${text}</span>`;
}

/** The name of what an advisory affects, linked to its page. */
export function affectedLink(x: Advisory['affected'][number]): SafeHtml {
  return x.ecosystem === 'node'
    ? html`<a href="/node">Node.js</a>`
    : html`<a href="${packagePath(x.name)}">${x.name}</a>`;
}

/** One advisory in a list: severity, title, id, aliases, what it affects. */
export function advisoryItem(a: Advisory, opts: { hit?: boolean; extra?: SafeHtml } = {}): SafeHtml {
  const names = [...new Map(a.affected.map((x) => [`${x.ecosystem}:${x.name}`, x])).values()];
  return html`<li class="${opts.hit ? 'hit' : ''}" data-advisory-id="${a.id}">
<div class="head">${severityBadge(severityOf(a))} <a class="title" href="${advisoryPath(a.id)}">${a.title || a.id}</a></div>
<div class="sub">${a.id}${a.aliases.length ? html` · ${a.aliases.join(', ')}` : ''}${names.length ? html` · ${names.map((x, i) => html`${i ? ', ' : ''}${affectedLink(x)}`)}` : ''} · ${a.published ? date(a.published) : html`updated ${date(a.modified)}`}${a.withdrawn ? html` · <strong>withdrawn</strong>` : ''}</div>
${opts.extra ?? ''}
</li>`;
}

/** A list of advisories, or a sentence when there are none. */
export function advisoryList(
  list: readonly Advisory[],
  empty: string,
  hit?: (a: Advisory) => boolean,
): SafeHtml {
  if (!list.length) return html`<p class="muted">${empty}</p>`;
  return html`<ul class="advisories">${list.map((a) => advisoryItem(a, { hit: hit?.(a) ?? false }))}</ul>`;
}
