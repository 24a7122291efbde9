import {
  type Advisory,
  freshnessLabel,
  NPM_SYNC_COMMAND,
  type SourceFreshness,
  type StaleNpmData,
} from '../../../advisories/index.js';
import { href, html, packagePath, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { advisoryList } from '../parts.js';

/** One page of the latest advisories, and how current the database is. */
export interface HomeData {
  latest: readonly Advisory[];
  /** 1 for the newest; later pages go back through history. */
  page: number;
  more: boolean;
  freshness: readonly SourceFreshness[];
  /** Set when the npm advisories are too old to trust an audit's silence. */
  staleNpm: StaleNpmData | null;
}

/** How current each source's advisories are: one date for all would hide that a part is old. */
function freshnessSection(d: HomeData): SafeHtml {
  const stale = d.staleNpm;
  const warning = stale
    ? html`<div class="notice bad" id="stale-npm" role="status"><p><strong>The npm advisories here are out of date:</strong> ${
        stale.newest === null
          ? 'there are none'
          : `the newest is from ${stale.newest.slice(0, 10)}, ${stale.days} days ago`
      }. Advisories published since are missing; the operator brings them in with <code>${NPM_SYNC_COMMAND}</code>.</p></div>`
    : '';
  return html`<section aria-labelledby="freshness">
<h2 id="freshness">How current this is</h2>
${warning}
<ul class="freshness">${d.freshness.map(
    (f) =>
      html`<li>${freshnessLabel(f)}: newest advisory <time datetime="${f.newest}">${f.newest.slice(0, 10)}</time> (${f.advisories} ${f.advisories === 1 ? 'advisory' : 'advisories'})</li>`,
  )}</ul>
</section>`;
}

/** The home page: what this is, how to search, the latest advisories (a page at a time), how current they are. */
export function homePage(d: HomeData): SafeHtml {
  const pager =
    d.page > 1 || d.more
      ? html`<nav class="pager" aria-label="Pages">${d.page > 1 ? html`<a href="${href('/', { page: d.page - 1 > 1 ? d.page - 1 : null })}#latest" rel="prev">← Newer</a>` : html`<span></span>`}${
          d.more ? html`<a href="${href('/', { page: d.page + 1 })}#latest" rel="next">Older →</a>` : ''
        }</nav>`
      : '';
  const body = html`<h1>Security advisories for npm packages and Node.js</h1>
<p class="lead">The Node.js Security Working Group's advisory database. Search by package name, advisory id
(<code>NSWG-ECO-1</code>), CVE (<code>CVE-2014-7205</code>) or any text; check a package version on its page, or
<a href="/node">your Node.js version</a>.</p>
${d.page === 1 ? freshnessSection(d) : ''}
<section aria-labelledby="latest">
<h2 id="latest">${d.page === 1 ? 'Latest advisories' : `Latest advisories, page ${d.page}`}</h2>
${advisoryList(d.latest, d.page === 1 ? 'The database holds no advisories yet.' : 'No older advisories.')}
${pager}
</section>`;
  return layout({ title: d.page === 1 ? 'Advisories' : `Advisories, page ${d.page}`, body });
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
