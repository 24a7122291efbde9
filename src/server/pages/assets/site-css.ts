/**
 * The site's one stylesheet, served as /assets/site.<hash>.css (the CSP forbids inline styles).
 * It lives in a module so that the build carries it into dist/ with the code.
 */
export const SITE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #fff; --fg: #1d1f21; --muted: #5b6168; --line: #d9dde1; --panel: #f5f7f8; --link: #0b57d0;
  --ok: #17662a; --ok-bg: #e4f4e7; --bad: #a11b1b; --bad-bg: #fbe6e6; --accent: #3c873a;
  --critical: #7a0b0b; --high: #c0392b; --moderate: #b9770e; --low: #1f6f8b; --info: #5b6168;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15181b; --fg: #e6e8ea; --muted: #a0a7ae; --line: #30363d; --panel: #1d2226; --link: #8ab4f8;
    --ok: #8fd19e; --ok-bg: #17301d; --bad: #f19999; --bad-bg: #3a1a1a;
    --critical: #ff8a8a; --high: #ff9f80; --moderate: #f3c969; --low: #7cc7e0; --info: #a0a7ae;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  overflow-wrap: anywhere;
}
a { color: var(--link); }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; overflow-x: auto; white-space: pre-wrap; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

header.site { border-bottom: 3px solid var(--accent); background: var(--panel); }
header.site .wrap { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.25rem; padding-top: 0.6rem; padding-bottom: 0.6rem; }
.brand { font-weight: 700; font-size: 1.15rem; color: var(--fg); text-decoration: none; }
.brand span { color: var(--accent); }
header.site nav { display: flex; gap: 1rem; }
header.site nav a { color: var(--fg); text-decoration: none; }
header.site nav a:hover, header.site nav a:focus { text-decoration: underline; }
form.search { display: flex; flex: 1 1 18rem; gap: 0.4rem; }
input, button { font: inherit; }
input[type="search"], input[type="text"] {
  flex: 1; min-width: 0; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg);
}
button { padding: 0.45rem 0.9rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
button:hover, button:focus { filter: brightness(1.1); }

main.wrap { padding-top: 1.25rem; padding-bottom: 2rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.6rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
.muted, .crumbs { color: var(--muted); }
.crumbs { font-size: 0.92rem; margin: 0; }
.lead { font-size: 1.05rem; }

.meta { display: flex; flex-wrap: wrap; gap: 0.35rem 1.25rem; margin: 0 0 0.5rem; padding: 0; list-style: none; color: var(--muted); font-size: 0.95rem; }
.sev {
  display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; border: 1px solid currentColor;
  font-size: 0.8rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; white-space: nowrap;
}
.sev-critical { color: var(--critical); } .sev-high { color: var(--high); } .sev-moderate { color: var(--moderate); }
.sev-low { color: var(--low); } .sev-info { color: var(--info); }

.notice { border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; border: 1px solid var(--line); background: var(--panel); }
.notice.bad { border-color: var(--bad); background: var(--bad-bg); }
.notice.ok { border-color: var(--ok); background: var(--ok-bg); }
.notice p { margin: 0.25rem 0; }
details.cvss-explained summary { cursor: pointer; color: var(--link); margin: 0.5rem 0; }
ul.freshness { padding-left: 1.25rem; }

ul.advisories { list-style: none; padding: 0; margin: 0; }
ul.advisories > li { padding: 0.7rem 0; border-bottom: 1px solid var(--line); }
ul.advisories > li.hit { border-left: 4px solid var(--bad); padding-left: 0.75rem; }
ul.advisories .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 0.6rem; }
ul.advisories .title { font-weight: 600; }
ul.advisories .sub { color: var(--muted); font-size: 0.92rem; }

dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.35rem 1rem; margin: 0.5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
dl.facts dd .muted { display: block; font-size: 0.9rem; }

.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); }

.prose { max-width: 48rem; }
.prose blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }

form.check { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.5rem 0; }
form.check input { flex: 0 1 14rem; }

.lines { display: flex; flex-wrap: wrap; gap: 0.4rem; padding: 0; list-style: none; }
.lines a { display: inline-block; padding: 0.15rem 0.6rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; }
.pager { display: flex; justify-content: space-between; margin-top: 1rem; }

footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; padding: 1rem 0 2rem; }

@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.35rem; }
  dl.facts { grid-template-columns: 1fr; gap: 0.1rem; }
  dl.facts dd { margin-bottom: 0.5rem; }
  th, td { padding: 0.35rem 0.4rem; }
}
`;
