import type { AdvisoryRef, Severity } from '../../advisories/index.js';
import type { AuditReport, Finding } from '../findings.js';
import {
  advisoryLinks,
  distinctTitle,
  freshnessText,
  groupByPackage,
  malwarePackages,
  malwareSummary,
  type PackageGroup,
  packageFix,
  pathText,
  plural,
  REMOVE_MALWARE,
  type RenderOptions,
  SEVERITIES_DESC,
  staleText,
} from './common.js';

/** GitHub refuses comments longer than 65,536 characters: past this, the details are left out. */
const MAX_LENGTH = 60_000;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Text for Markdown prose and table cells, shown as written: markup characters are escaped, HTML
 * is entity-encoded, line breaks become spaces (a table row stays one row), and `@` gets a
 * zero-width space so that a title cannot mention (notify) people on GitHub.
 */
export function markdownText(text: string): string {
  return text.replace(CONTROL, ' ').replace(/[\\`*_[\]#!|~<>&@]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '@':
        return '@&#8203;';
      default:
        return `\\${ch}`;
    }
  });
}

/** Text inside an HTML element (`<summary>`): entity-encoded, where Markdown is not read. */
export function htmlText(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/[&<>"'@]/g, (ch) => (ch === '@' ? '@&#8203;' : `&#${ch.charCodeAt(0)};`));
}

/** A code span that holds any text (a fence longer than its backtick runs); `|` escaped for table cells. */
export function codeSpan(text: string): string {
  const t = text.replace(CONTROL, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const spaced = t.startsWith(' ') && t.endsWith(' ') && t.trim() !== '';
  const pad = t.startsWith('`') || t.endsWith('`') || spaced ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

const percent = (ch: string): string =>
  [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** A URL for a Markdown link destination: http(s) only, with what could end or break the link percent-encoded. */
export function linkUrl(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  return url.replace(/[\s<>()"'`|\\[\]\u0000-\u001f\u007f-\u009f]/g, percent);
}

function advisoryLink(a: AdvisoryRef, urlOf: (a: AdvisoryRef) => string): string {
  const url = linkUrl(urlOf(a));
  return url ? `[${markdownText(a.id)}](${url})` : markdownText(a.id);
}

/** `[NSWG-ECO-8](url) (CVE-2014-6393): title`, the title left out when it only repeats an alias. */
function advisoryCell(
  f: { id: string; aliases: readonly string[]; title: string; name?: string },
  urlOf: (a: AdvisoryRef) => string,
): string {
  const aliases = f.aliases.length ? ` (${f.aliases.map(markdownText).join(', ')})` : '';
  const title = distinctTitle(f.id, f.aliases, f.title);
  return `${advisoryLink(f, urlOf)}${aliases}${title === null ? '' : `: ${markdownText(title)}`}`;
}

function severityCell(s: Severity): string {
  return s === 'critical' || s === 'high' ? `**${s}**` : s;
}

/** Malware's fix, in bold: our own words, nothing to escape. */
const REMOVE = `**${REMOVE_MALWARE}**`;

function fixText(g: PackageGroup): string {
  const fix = packageFix(g.findings);
  if (fix.kind === 'remove') return REMOVE;
  if (fix.kind === 'none') return 'no fixed version yet';
  const { version, unfixed } = fix;
  const upgrade = `upgrade to >= ${markdownText(version)}`;
  return unfixed.length
    ? `${upgrade} (no fix yet for ${unfixed.map((f) => markdownText(f.id)).join(', ')})`
    : upgrade;
}

function findingFix(f: Finding): string {
  if (f.malicious) return REMOVE;
  return f.fix.version ? `upgrade to >= ${markdownText(f.fix.version)}` : 'no fixed version yet';
}

function table(report: AuditReport, maxRows: number, urlOf: (a: AdvisoryRef) => string): string[] {
  const lines = ['| Package | Version | Severity | Advisory | Fix |', '| --- | --- | --- | --- | --- |'];
  for (const f of report.findings.slice(0, maxRows)) {
    const marks = [f.dev ? 'dev' : '', f.optional ? 'optional' : ''].filter(Boolean);
    const name = `${codeSpan(f.name)}${marks.length ? ` (${marks.join(', ')})` : ''}`;
    lines.push(
      `| ${name} | ${codeSpan(f.version)} | ${severityCell(f.severity)} | ${advisoryCell(f, urlOf)} | ${findingFix(f)} |`,
    );
  }
  return lines;
}

function details(
  g: PackageGroup,
  workspaces: readonly string[],
  urlOf: (a: AdvisoryRef) => string,
): string[] {
  const first = g.findings[0]!;
  const marks = [first.dev ? 'dev' : '', first.optional ? 'optional' : ''].filter(Boolean);
  const summary = `${g.name} ${g.version}: ${plural(g.findings.length, 'advisory', 'advisories')}${marks.length ? ` (${marks.join(', ')})` : ''}`;
  const lines = [`<details><summary>${htmlText(summary)}</summary>`, ''];
  lines.push(`Fix: ${fixText(g)}`, '', 'Brought in by:', '');
  for (const p of first.paths) lines.push(`- ${markdownText(pathText(p, workspaces))}`);
  if (first.installedAs.length) lines.push('', `Installed as: ${first.installedAs.map(codeSpan).join(', ')}`);
  lines.push('', 'Advisories:', '');
  for (const f of g.findings) {
    const aliases = f.aliases.length ? ` (${f.aliases.map(markdownText).join(', ')})` : '';
    const what = f.malicious ? `${f.severity}, **malware**` : f.severity;
    lines.push(
      `- ${advisoryLink(f, urlOf)}${aliases} ${what}: ${markdownText(f.title)}; vulnerable ${markdownText(f.range)}`,
    );
  }
  lines.push('', '</details>', '');
  return lines;
}

function ignoredSection(report: AuditReport, urlOf: (a: AdvisoryRef) => string): string[] {
  const lines: string[] = [];
  if (report.ignored.length) {
    lines.push(
      `#### Ignored (${report.ignored.length})`,
      '',
      '| Package | Version | Advisory | Reason | Until |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const i of report.ignored) {
      const f = i.finding;
      lines.push(
        `| ${codeSpan(f.name)} | ${codeSpan(f.version)} | ${advisoryLink(f, urlOf)} | ${markdownText(i.reason)} | ${i.expires ? markdownText(i.expires) : ''} |`,
      );
    }
    lines.push('');
  }
  if (report.expiredIgnores.length) {
    lines.push(
      `#### Expired ignore entries (${report.expiredIgnores.length})`,
      '',
      'These no longer ignore anything:',
      '',
    );
    for (const e of report.expiredIgnores) {
      const pkg = e.package ? ` for ${codeSpan(e.package)}` : '';
      lines.push(
        `- ${markdownText(e.id)}${pkg}, expired ${markdownText(e.expires)}: ${markdownText(e.reason)}`,
      );
    }
    lines.push('');
  }
  return lines;
}

function nodeSection(report: AuditReport, urlOf: (a: AdvisoryRef) => string): string[] {
  const node = report.node;
  if (!node) return [];
  const lines = [`#### Node.js ${markdownText(node.version)} (${markdownText(node.platform)})`, ''];
  if (node.endOfLife) {
    const line = node.line ? `The ${markdownText(node.line.name)} line` : 'This release line';
    const when = node.line?.end ? ` on ${markdownText(node.line.end)}` : '';
    lines.push(
      `> **End-of-life:** ${line} reached its end of life${when} and gets no more security fixes.`,
      '',
    );
  }
  if (!node.findings.length) lines.push('No known vulnerabilities.', '');
  else {
    lines.push('| Severity | Advisory | Patched in |', '| --- | --- | --- |');
    for (const f of node.findings) {
      lines.push(
        `| ${severityCell(f.severity)} | ${advisoryCell(f, urlOf)} | ${f.patched ? markdownText(f.patched) : 'not yet'} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

function heading(report: AuditReport): string[] {
  const s = report.summary;
  const packages = groupByPackage(report.findings).length;
  if (s.total === 0) return [`### nswg audit: no known vulnerabilities`, ''];
  const counts = SEVERITIES_DESC.filter((x) => s.bySeverity[x] > 0).map(
    (x) => `${s.bySeverity[x]} ${severityCell(x)}`,
  );
  const malware = malwarePackages(report.findings);
  return [
    `### nswg audit: ${plural(s.total, 'vulnerability', 'vulnerabilities')} in ${plural(packages, 'package')}`,
    '',
    ...(malware ? [`> **Malware:** ${malwareSummary(malware)}.`, ''] : []),
    `${counts.join(', ')}; ${plural(s.packages, 'package')} scanned.`,
    '',
  ];
}

function footer(report: AuditReport, now: Date): string[] {
  const db = report.database;
  const fresh = freshnessText(db, now);
  const ignored = report.ignored.length ? `; ${report.ignored.length} ignored` : '';
  const stale = staleText(db, now);
  return [
    // our own words, with the sync command as code: nothing from the data to escape
    ...(stale ? [`> **Warning:** ${stale.replace(/^Warning: /, '')}`, ''] : []),
    `<sub>Database: ${markdownText(db.name)}, ${plural(db.advisories, 'advisory', 'advisories')}${fresh ? `; ${markdownText(fresh)}` : ''}${ignored}.</sub>`,
  ];
}

/**
 * `--format markdown`, for a pull-request comment: a summary, one table row per finding, the
 * paths per package in collapsed details, ignored findings and the Node.js check. Everything
 * interpolated is escaped: an advisory title cannot break the table, add HTML or mention anyone.
 */
export function renderMarkdown(report: AuditReport, opts: RenderOptions = {}): string {
  const now = opts.now ?? new Date();
  const urlOf = advisoryLinks(opts);
  const build = (withDetails: boolean, maxRows: number): string => {
    const lines = heading(report);
    if (report.findings.length) {
      lines.push(...table(report, maxRows, urlOf), '');
      const left = report.findings.length - maxRows;
      if (left > 0)
        lines.push(
          `_…and ${plural(left, 'more finding')}: the report is too long for a comment (see \`--format text\`)._`,
          '',
        );
      if (withDetails)
        for (const g of groupByPackage(report.findings))
          lines.push(...details(g, report.project.workspaces, urlOf));
      else if (left <= 0)
        lines.push(
          '_The paths per package are left out: the report is too long for a comment (see `--format text`)._',
          '',
        );
    }
    lines.push(...ignoredSection(report, urlOf), ...nodeSection(report, urlOf), ...footer(report, now));
    return `${lines.join('\n')}\n`;
  };
  let out = build(true, report.findings.length);
  if (out.length <= MAX_LENGTH) return out;
  // too long for a comment: first the details go, then table rows
  for (let rows = report.findings.length; ; rows = Math.floor(rows * 0.8)) {
    out = build(false, rows);
    if (out.length <= MAX_LENGTH || rows === 0) return out;
  }
}
