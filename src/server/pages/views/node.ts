import { type Advisory, severityOf } from '../../../advisories/index.js';
import { advisoryPath, html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { LineGroup } from '../node-lines.js';
import { advisoryItem, severityBadge } from '../parts.js';

/**
 * What `/node?version=&platform=` asked: nothing, a version that does not parse, or the advisories
 * affecting it (as `nswg check-node` decides: the same check, the same platforms).
 */
export type NodeCheck =
  | { kind: 'none'; platform: string }
  | { kind: 'invalid'; input: string; platform: string }
  | {
      kind: 'checked';
      version: string;
      platform: string;
      /** Set when a bare release line was asked (see askedNodeVersion). */
      line?: { name: string; basis: string };
      affecting: Advisory[];
      endOfLife: { name: string; end: string | null } | null;
      upgrade: string | null;
    };

/** The platforms the form offers; `all` first, as a page cannot know the reader's machine. */
const PLATFORM_CHOICES: [string, string][] = [
  ['all', 'any platform'],
  ['linux', 'Linux'],
  ['darwin', 'macOS'],
  ['win32', 'Windows'],
  ['freebsd', 'FreeBSD'],
  ['openbsd', 'OpenBSD'],
  ['sunos', 'SunOS'],
  ['aix', 'AIX'],
];
const platformName = (p: string) => PLATFORM_CHOICES.find(([k]) => k === p)?.[1] ?? p;

const lineId = (label: string) => `line-${label.replace(/\./g, '-')}`;

function ranges(a: Advisory): SafeHtml {
  return html`<div class="sub">${a.affected
    .filter((x) => x.ecosystem === 'node')
    .map(
      (x, i) =>
        html`${i ? html`<br>` : ''}vulnerable <code>${x.vulnerable}</code>${x.patched ? html` · patched <code>${x.patched}</code>` : ''}${
          x.platforms.length && !x.platforms.includes('all') ? html` · ${x.platforms.join(', ')} only` : ''
        }`,
    )}</div>`;
}

function checkSection(check: NodeCheck): SafeHtml {
  const value =
    check.kind === 'checked'
      ? (check.line?.name ?? check.version)
      : check.kind === 'invalid'
        ? check.input
        : '';
  let result: SafeHtml = html``;
  if (check.kind === 'invalid') {
    result = html`<div class="notice bad" id="check-result" role="status"><p><strong>“${check.input}” is not a Node.js version.</strong></p>
<p>Give a full version such as <code>20.1.0</code> or <code>v22.3.0</code> (what <code>node --version</code> prints), or a release line such as <code>18</code>.</p></div>`;
  } else if (check.kind === 'checked') {
    const n = check.affecting.length;
    const on = `on ${platformName(check.platform)}`;
    const line = check.line
      ? html`<p>${check.line.name}: checked as ${check.version}, ${
          check.line.basis === 'first release'
            ? 'its first release (no advisory names a later one)'
            : 'the newest release of the line that an advisory names as patched'
        }.</p>`
      : '';
    const eol = check.endOfLife
      ? html`<p><strong>End-of-life:</strong> the ${check.endOfLife.name} line ${check.endOfLife.end ? `ended on ${check.endOfLife.end}` : 'has ended'} and gets no security fixes; advisories published since do not assess it.</p>`
      : '';
    const upgrade = check.upgrade
      ? html`<p id="upgrade"><strong>Upgrade to</strong> ${check.upgrade}.</p>`
      : '';
    result = n
      ? html`<div class="notice bad" id="check-result" role="status"><p><strong>Node.js ${check.version} ${on} is affected by ${n} ${n === 1 ? 'advisory' : 'advisories'}</strong> (vulnerable and not patched):</p>${line}${eol}${upgrade}</div>
<ul class="advisories">${check.affecting.map((a) => advisoryItem(a, { hit: true, extra: ranges(a) }))}</ul>`
      : html`<div class="notice ${check.endOfLife ? 'bad' : 'ok'}" id="check-result" role="status"><p><strong>Node.js ${check.version} ${on} is not affected</strong> by any core advisory in this database.</p>${line}${eol}${upgrade}</div>`;
  }
  const platform = check.platform;
  return html`<section aria-labelledby="check">
<h2 id="check">Is my Node.js affected?</h2>
<form class="check" action="/node" method="get">
<label for="version">Node.js version</label>
<input id="version" name="version" type="text" value="${value}" placeholder="20.1.0" autocomplete="off" spellcheck="false" maxlength="256">
<label for="platform">on</label>
<select id="platform" name="platform">${PLATFORM_CHOICES.map(
    ([k, name]) => html`<option value="${k}"${k === platform ? html` selected` : ''}>${name}</option>`,
  )}</select>
<button type="submit">Check</button>
</form>
${result}
</section>`;
}

/**
 * The core advisories by release line, newest line first: the long part of the Node.js page, which
 * depends only on the advisories (the server keeps it while they do not change).
 */
export function releaseLineSections(groups: readonly LineGroup[]): SafeHtml {
  return html`<section aria-labelledby="lines">
<h2 id="lines">By release line</h2>
<ul class="lines">${groups.map((g) => html`<li><a href="#${lineId(g.line.label)}">${g.line.label}</a> <span class="muted">${g.advisories.length}</span></li>`)}</ul>
${groups.map(
  (g) => html`<section aria-labelledby="${lineId(g.line.label)}" class="line">
<h2 id="${lineId(g.line.label)}">Node.js ${g.line.label} <span class="muted">(${g.advisories.length})</span></h2>
<ul class="advisories">${g.advisories.map((a) => html`<li data-advisory-id="${a.id}"><div class="head">${severityBadge(severityOf(a))} <a href="${advisoryPath(a.id)}">${a.id}</a> ${a.title ?? ''}</div>${ranges(a)}</li>`)}</ul>
</section>`,
)}
</section>`;
}

/** The Node.js core page: the version check, then the release line sections. */
export function nodePage(lines: SafeHtml, total: number, check: NodeCheck): SafeHtml {
  const body = html`<h1>Node.js core advisories</h1>
<p class="lead">${total} advisories about Node.js itself, by the release lines they affect.</p>
${checkSection(check)}
${lines}`;
  return layout({ title: 'Node.js', body, description: 'Security advisories for Node.js by release line' });
}
