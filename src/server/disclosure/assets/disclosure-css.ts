/**
 * The disclosure program's stylesheet (forms, the report page, the dashboard), served as
 * /assets/disclosure.<hash>.css after the site's own (the CSP forbids inline styles).
 */
export const DISCLOSURE_CSS = `
header.site .account { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.9rem; margin-left: auto; }
header.site .account a { color: var(--fg); }
header.site .account form { margin: 0; }
button.link { background: none; border: none; color: var(--link); padding: 0; text-decoration: underline; cursor: pointer; }
button.secondary { background: var(--bg); color: var(--fg); border-color: var(--line); }
button.danger { background: var(--bad); border-color: var(--bad); }

form.stack { display: grid; gap: 0.9rem; max-width: 44rem; margin: 0.75rem 0 1.25rem; }
form.stack label, form.stack legend { font-weight: 600; display: block; margin-bottom: 0.2rem; }
form.stack .hint { color: var(--muted); font-size: 0.9rem; font-weight: normal; display: block; }
form.stack fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.9rem 0.8rem; margin: 0; }
form.stack .choices { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; }
form.stack .choices label { font-weight: normal; display: inline-flex; gap: 0.35rem; align-items: center; margin: 0; }
input[type="email"], input[type="password"], input[type="url"], input[type="number"], input[type="date"], select, textarea {
  font: inherit; width: 100%; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg);
}
form.stack input[type="text"] { width: 100%; flex: none; }
textarea { min-height: 7rem; resize: vertical; }
textarea.code, input.code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.field-error { color: var(--bad); font-size: 0.92rem; margin: 0.2rem 0 0; }
.invalid input, .invalid textarea, .invalid select { border-color: var(--bad); }
form.inline { display: inline-flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.25rem 0.5rem 0.25rem 0; }
form.inline input[type="text"], form.inline input[type="email"], form.inline input[type="number"] { width: auto; min-width: 12rem; }
.actions { display: grid; gap: 0.75rem; }
.actions > div { border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.9rem; background: var(--panel); }
.actions h3 { margin: 0 0 0.4rem; font-size: 1rem; }

.state { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.85rem; font-weight: 600; border: 1px solid var(--line); background: var(--panel); white-space: nowrap; }
.state-new, .state-needs-more-info { border-color: var(--moderate); color: var(--moderate); }
.state-accepted, .state-maintainer-invited, .state-fix-in-progress { border-color: var(--low); color: var(--low); }
.state-fixed, .state-published { border-color: var(--ok); color: var(--ok); }
.state-rejected, .state-duplicate, .state-withdrawn { color: var(--muted); }
.overdue { color: var(--bad); font-weight: 700; }
table.queue th { white-space: nowrap; }
tr.overdue-row td:first-child { border-left: 4px solid var(--bad); }

ol.thread { list-style: none; padding: 0; margin: 0.5rem 0; }
ol.thread > li { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.9rem; margin: 0 0 0.6rem; }
ol.thread > li .by { color: var(--muted); font-size: 0.9rem; }
ol.thread.notes > li { border-style: dashed; background: var(--panel); }
.private { border-left: 4px solid var(--moderate); padding-left: 0.75rem; }

.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.6rem; margin: 0.5rem 0 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; background: var(--panel); }
.figures strong { display: block; font-size: 1.3rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 0.9rem; align-items: flex-end; margin: 0.5rem 0 1rem; }
form.filters label { display: grid; gap: 0.15rem; font-size: 0.9rem; }
form.filters select, form.filters input[type="text"] { width: auto; min-width: 9rem; }
.secret { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 1.05rem; letter-spacing: 0.05em; word-break: break-all; }
.cvss-calculator { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.5rem 0.9rem; }
.cvss-calculator label { font-weight: normal; }
output.cvss-score { display: block; margin-top: 0.35rem; font-weight: 600; }
.totp-setup { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; }
img.qr { width: 200px; height: 200px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
ol.codes { columns: 2; font-size: 1.05rem; }
pre.sent { white-space: pre-wrap; max-height: 20rem; overflow: auto; }
a.button { display: inline-block; padding: 0.45rem 0.9rem; border-radius: 6px; background: var(--link); color: var(--bg); text-decoration: none; }
table.users td form { margin: 0.1rem 0; }
`;
