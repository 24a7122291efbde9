import type { Advisory } from '../../../advisories/index.js';
import { href, html, packagePath, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { advisoryList } from '../parts.js';

/** The home page: what this is, how to search, the latest advisories. */
export function homePage(latest: readonly Advisory[]): SafeHtml {
  const body = html`<h1>Security advisories for npm packages and Node.js</h1>
<p class="lead">The Node.js Security Working Group's advisory database. Search by package name, advisory id
(<code>NSWG-ECO-1</code>), CVE (<code>CVE-2014-7205</code>) or any text; check a package version on its page, or
<a href="/node">your Node.js version</a>.</p>
<section aria-labelledby="latest">
<h2 id="latest">Latest advisories</h2>
${advisoryList(latest, 'The database holds no advisories yet.')}
</section>`;
  return layout({ title: 'Advisories', body });
}

/** What a search found. */
export interface SearchResult {
  query: string;
  /** A package of exactly that name, with its number of advisories. */
  pkg: { name: string; count: number } | null;
  /** Advisories that have the query as an alias (a CVE named by several). */
  exact: Advisory[];
  hits: Advisory[];
  page: number;
  more: boolean;
}

/** The search results page. */
export function searchPage(r: SearchResult): SafeHtml {
  const pager =
    r.page > 1 || r.more
      ? html`<nav class="pager" aria-label="Pages">${r.page > 1 ? html`<a href="${href('/search', { q: r.query, page: r.page - 1 > 1 ? r.page - 1 : null })}">← Newer</a>` : html`<span></span>`}${
          r.more ? html`<a href="${href('/search', { q: r.query, page: r.page + 1 })}">Older →</a>` : ''
        }</nav>`
      : '';
  const body = html`<h1>Search: ${r.query}</h1>
${
  r.pkg
    ? html`<div class="notice"><p>Package <a href="${packagePath(r.pkg.name)}"><strong>${r.pkg.name}</strong></a>: ${r.pkg.count} ${
        r.pkg.count === 1 ? 'advisory' : 'advisories'
      }, and whether your version is affected.</p></div>`
    : ''
}
${r.exact.length ? html`<h2>${r.query} names these advisories</h2>${advisoryList(r.exact, '')}` : ''}
<h2>${r.hits.length || r.page > 1 ? `Advisories mentioning “${r.query}”` : 'No advisory matches'}</h2>
${advisoryList(r.hits, 'Try a package name, an advisory id, a CVE id, or fewer words.')}
${pager}`;
  return layout({ title: `Search: ${r.query}`, body, query: r.query });
}

/** The 404 page. */
export function notFoundPage(what: string, detail: SafeHtml | string = ''): SafeHtml {
  const body = html`<h1>Not found</h1>
<p class="lead">${what}</p>
${detail}
<p><a href="/">Latest advisories</a> · <a href="/node">Node.js</a></p>`;
  return layout({ title: 'Not found', body });
}
