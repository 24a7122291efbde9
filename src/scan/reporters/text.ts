import pc from 'picocolors';
import type { Severity } from '../../advisories/index.js';
import type { AuditReport, Finding } from '../findings.js';
import {
  distinctTitle,
  freshnessText,
  groupByPackage,
  malwarePackages,
  malwareSummary,
  type PackageGroup,
  packageFix,
  pathText,
  plainText,
  plural,
  REMOVE_MALWARE,
  type RenderOptions,
  severityCounts,
  staleText,
} from './common.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Paths shown per package; the rest are counted. */
const MAX_PATHS = 3;

function severityWord(c: Colors, s: Severity, width = 0): string {
  const word = s.padEnd(width);
  switch (s) {
    case 'critical':
      return c.bold(c.magenta(word));
    case 'high':
      return c.bold(c.red(word));
    case 'moderate':
      return c.yellow(word);
    case 'low':
      return c.cyan(word);
    default:
      return c.dim(word);
  }
}

/** The widths of the id and alias columns, so that every advisory line of a report lines up. */
interface Columns {
  id: number;
  aliases: number;
}

function columnsOf(rows: readonly { id: string; aliases: readonly string[] }[]): Columns {
  let id = 0;
  let aliases = 0;
  for (const r of rows) {
    id = Math.max(id, plainText(r.id).length);
    aliases = Math.max(aliases, plainText(r.aliases.join(' ')).length);
  }
  return { id, aliases };
}

/** `NSWG-ECO-368  CVE-2018-3721  Prototype Pollution`, its columns as wide as `cols` says. */
function advisoryLine(id: string, aliases: readonly string[], title: string, cols: Columns): string {
  const t = distinctTitle(id, aliases, title);
  const cells = [plainText(id).padEnd(cols.id)];
  if (cols.aliases) cells.push(plainText(aliases.join(' ')).padEnd(cols.aliases));
  // no padding after the last column: a line without a title ends with its last alias
  if (t === null) return cells.join('  ').trimEnd();
  return [...cells, plainText(t)].join('  ');
}

function marks(f: Finding): string[] {
  const out: string[] = [];
  if (f.dev) out.push('dev');
  if (f.optional) out.push('optional');
  if (f.installedAs.length) out.push(`installed as ${f.installedAs.join(', ')}`);
  return out;
}

function fixLine(g: PackageGroup): string {
  const fix = packageFix(g.findings);
  if (fix.kind === 'remove') return REMOVE_MALWARE;
  if (fix.kind === 'none') return 'no fixed version yet';
  const { version, unfixed } = fix;
  const upgrade = `upgrade ${plainText(g.name)} to >= ${plainText(version)}`;
  if (!unfixed.length) return upgrade;
  return `${upgrade} (no fixed version yet for ${unfixed.map((f) => plainText(f.id)).join(', ')})`;
}

function packageSection(c: Colors, g: PackageGroup, workspaces: readonly string[], cols: Columns): string[] {
  const first = g.findings[0]!;
  const m = marks(first);
  const lines = [
    `${c.bold(`${plainText(g.name)} ${plainText(g.version)}`)}${m.length ? `  ${c.dim(`(${m.join(', ')})`)}` : ''}`,
  ];
  for (const f of g.findings) {
    const word = f.malicious ? c.bold(c.red('malware '.padEnd(8))) : severityWord(c, f.severity, 8);
    lines.push(`  ${word}  ${advisoryLine(f.id, f.aliases, f.title, cols)}`);
  }
  // every finding of a package version has the same copies, so the same paths
  first.paths.slice(0, MAX_PATHS).forEach((p, i) => {
    lines.push(`  ${c.dim(i === 0 ? 'via     ' : '        ')}  ${plainText(pathText(p, workspaces))}`);
  });
  if (first.paths.length > MAX_PATHS)
    lines.push(`            ${c.dim(`and ${plural(first.paths.length - MAX_PATHS, 'more path')}`)}`);
  const fix = fixLine(g);
  const shown =
    fix === REMOVE_MALWARE
      ? c.bold(c.red(fix))
      : fix === 'no fixed version yet'
        ? c.yellow(fix)
        : c.green(fix);
  lines.push(`  ${c.dim('fix     ')}  ${shown}`);
  return lines;
}

function ignoredSection(report: AuditReport): string[] {
  const lines: string[] = [];
  if (report.ignored.length) {
    lines.push(`Ignored (${report.ignored.length})`);
    for (const i of report.ignored) {
      const f = i.finding;
      const until = i.expires ? `  until ${plainText(i.expires)}` : '';
      lines.push(
        `  ${plainText(`${f.name} ${f.version}`)}  ${plainText(f.id)}  ${f.severity}  reason: ${plainText(i.reason)}${until}`,
      );
    }
    lines.push('');
  }
  if (report.expiredIgnores.length) {
    lines.push(`Expired ignore entries (${report.expiredIgnores.length}): they no longer ignore anything`);
    for (const e of report.expiredIgnores) {
      const pkg = e.package ? ` (${plainText(e.package)})` : '';
      lines.push(
        `  ${plainText(e.id)}${pkg}  expired ${plainText(e.expires)}  reason: ${plainText(e.reason)}`,
      );
    }
    lines.push('');
  }
  return lines;
}

function nodeSection(c: Colors, report: AuditReport): string[] {
  const node = report.node;
  if (!node) return [];
  const lines = [c.bold(`Node.js ${plainText(node.version)} (${plainText(node.platform)})`)];
  const cols = columnsOf(node.findings);
  for (const f of node.findings) {
    const patched = f.patched ? `  (patched: ${plainText(f.patched)})` : '';
    lines.push(
      `  ${severityWord(c, f.severity, 8)}  ${advisoryLine(f.id, f.aliases, f.title, cols)}${patched}`,
    );
  }
  if (!node.findings.length) lines.push('  no known vulnerabilities');
  if (node.endOfLife) {
    const line = node.line ? `the ${node.line.name} line` : 'this release line';
    const when = node.line?.end ? ` on ${node.line.end}` : '';
    lines.push(
      `  ${c.bold(c.red('end-of-life'))}: ${line} reached its end of life${when} and gets no more security fixes; upgrade to a supported release`,
    );
  }
  lines.push('');
  return lines;
}

function summaryLines(c: Colors, report: AuditReport, now: Date): string[] {
  const s = report.summary;
  const affected = groupByPackage(report.findings).length;
  const scanned = plural(s.packages, 'package');
  const lines: string[] = [];
  const malware = malwarePackages(report.findings);
  if (malware) lines.push(c.bold(c.red(malwareSummary(malware))));
  if (s.total === 0) lines.push(c.green(`No known vulnerabilities in ${scanned} scanned`));
  else {
    lines.push(
      `${c.bold(plural(s.total, 'vulnerability', 'vulnerabilities'))} (${severityCounts(s.bySeverity)}) in ${plural(affected, 'package')}; ${scanned} scanned`,
    );
  }
  if (report.ignored.length || report.expiredIgnores.length) {
    lines.push(
      `${report.ignored.length} ignored; ${plural(report.expiredIgnores.length, 'expired ignore entry', 'expired ignore entries')}`,
    );
  }
  if (report.node) {
    const n = report.node;
    const eol = n.endOfLife ? ', end-of-life' : '';
    lines.push(
      `Node.js ${plainText(n.version)}: ${plural(n.findings.length, 'core advisory', 'core advisories')}${eol}`,
    );
  }
  const db = report.database;
  const source = db.source ? ` (${plainText(db.source)})` : '';
  const fresh = freshnessText(db, now);
  lines.push(
    c.dim(
      `Database: ${plainText(db.name)}${source}, ${plural(db.advisories, 'advisory', 'advisories')}${fresh ? `; ${plainText(fresh)}` : ''}`,
    ),
  );
  const stale = staleText(db, now);
  if (stale) lines.push(c.yellow(stale));
  return lines;
}

/**
 * The report for people at a terminal: findings grouped by package with their paths and one fix
 * line each, then ignored findings, the Node.js check and a summary. Colours only when asked.
 */
export function renderText(report: AuditReport, opts: RenderOptions = {}): string {
  const c = pc.createColors(opts.color === true);
  const now = opts.now ?? new Date();
  const lines: string[] = [];
  const cols = columnsOf(report.findings);
  for (const g of groupByPackage(report.findings)) {
    lines.push(...packageSection(c, g, report.project.workspaces, cols), '');
  }
  lines.push(...ignoredSection(report), ...nodeSection(c, report), ...summaryLines(c, report, now));
  return `${lines.join('\n')}\n`;
}
