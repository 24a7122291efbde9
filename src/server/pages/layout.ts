import { ASSETS } from './assets/index.js';
import { type Html, html, type SafeHtml } from './html.js';

/** What a page gives the layout. */
export interface PageContent {
  title: string;
  body: Html;
  /** The search box's text, on the search page. */
  query?: string;
  description?: string;
}

/** The one layout: head (assets, viewport), site header with the search box, main, footer. */
export function layout(page: PageContent): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Node.js Security WG advisories</title>
<meta name="description" content="${page.description ?? 'Security advisories for npm packages and Node.js, from the Node.js Security Working Group.'}">
<link rel="stylesheet" href="${ASSETS.css.path}">
<link rel="icon" type="image/svg+xml" href="${ASSETS.icon.path}">
<script src="${ASSETS.js.path}" defer></script>
</head>
<body>
<header class="site">
<div class="wrap">
<a class="brand" href="/"><span>nswg</span> advisories</a>
<nav aria-label="Site"><a href="/">Latest</a><a href="/node">Node.js</a><a href="/disclosure/releases">Security releases</a><a href="/disclosure/reports/new">Report a vulnerability</a></nav>
<form class="search" action="/search" method="get" role="search">
<label class="visually-hidden" for="q">Search advisories</label>
<input id="q" name="q" type="search" value="${page.query ?? ''}" placeholder="Package, NSWG id, CVE or text" autocomplete="off" maxlength="200">
<button type="submit">Search</button>
</form>
</div>
</header>
<main class="wrap" id="main">
${page.body}
</main>
<footer class="site">
<div class="wrap">The Node.js Security Working Group's advisory database. Data: <a href="https://github.com/nodejs/security-wg">nodejs/security-wg</a> (MIT). Machine-readable: <a href="/openapi.json">API</a>.</div>
</footer>
</body>
</html>
`;
}
