import { createHash } from 'node:crypto';
import type { Advisory, AdvisoryRef, Severity } from '../../advisories/index.js';
import type { AuditReport, Finding } from '../findings.js';
import {
  advisoryLinks,
  aliasesOf,
  lockfileOf,
  pathText,
  REMOVE_MALWARE,
  type RenderOptions,
  relativeToRoot,
} from './common.js';
import { lockfileLine } from './lockfile-lines.js';
import { markdownText } from './markdown.js';

const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** SARIF levels from npm severities: what code scanning shows as error, warning or note. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  moderate: 'warning',
  low: 'note',
  info: 'note',
};

type Json = Record<string, unknown>;

/** Malware, in a rule's help and a result's message: what to do, first. */
const MALWARE_HELP = `Malware: remove this package. No version of it is safe to keep; there is nothing to upgrade to.`;

/**
 * The rule of an advisory id: its title, help (details, the recommendation, every id of the
 * vulnerability) and tags. `aliases` are the other ids of all the findings of that id (records
 * joined with it, CVE ids); malware says so first, and is an error whatever the advisory's score.
 */
function rule(a: Advisory, f: Finding, aliases: readonly string[], urlOf: (a: AdvisoryRef) => string): Json {
  const score = a.cvss?.score;
  const tags = [
    'security',
    'vulnerability',
    'dependency',
    f.severity,
    ...(f.malicious ? ['malware'] : []),
    ...a.weaknesses.map((w) => `external/cwe/${w.id.toLowerCase()}`),
  ];
  const properties: Json = {
    tags,
    precision: 'very-high',
    'problem.severity': LEVEL[f.severity] === 'note' ? 'recommendation' : LEVEL[f.severity],
  };
  // code scanning's own severity scale is the CVSS score; without one it falls back to the level.
  // Malware is critical there too (10.0), as GitHub rates its malware advisories.
  if (f.malicious) properties['security-severity'] = '10.0';
  else if (typeof score === 'number' && score > 0) properties['security-severity'] = score.toFixed(1);
  if (a.cvss?.vector) properties.cvssVector = a.cvss.vector;
  if (aliases.length) properties.aliases = [...aliases];
  if (f.malicious) properties.malicious = true;
  const url = urlOf(f);
  const details = a.details ?? f.title;
  const known = aliases.length ? `Also known as: ${aliases.join(', ')}` : null;
  const recommendation = f.malicious ? null : a.recommendation;
  const text = [
    ...(f.malicious ? [MALWARE_HELP] : []),
    details,
    ...(recommendation ? [`Recommendation: ${recommendation}`] : []),
    ...(known ? [known] : []),
  ];
  const md = [
    ...(f.malicious ? [`**${MALWARE_HELP}**`, ''] : []),
    `**${markdownText(f.title)}**`,
    '',
    markdownText(details),
  ];
  if (recommendation) md.push('', `Recommendation: ${markdownText(recommendation)}`);
  if (known) md.push('', `Also known as: ${aliases.map(markdownText).join(', ')}`);
  return {
    id: a.id,
    name: a.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: f.malicious ? `Malware: ${f.title}` : f.title },
    fullDescription: { text: details },
    helpUri: url,
    help: { text: text.join('\n\n'), markdown: md.join('\n') },
    defaultConfiguration: { level: f.malicious ? 'error' : LEVEL[f.severity] },
    properties,
  };
}

function message(f: Finding, workspaces: readonly string[]): string {
  const path = f.paths[0] ? ` Introduced by ${pathText(f.paths[0], workspaces)}.` : '';
  const fix = f.malicious
    ? ` Fix: ${REMOVE_MALWARE}; no version of it is safe.`
    : f.fix.version
      ? ` Fix: upgrade ${f.name} to >= ${f.fix.version}.`
      : ' No fixed version yet.';
  const dev = f.dev ? ' (dev dependency)' : '';
  const what = f.malicious ? 'is malware, reported by' : 'is affected by';
  return `${f.name}@${f.version}${dev} ${what} ${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: ${f.title}.${path}${fix}`;
}

/**
 * `--format sarif`: SARIF 2.1.0 for code scanning (GitHub and others). One rule per advisory, one
 * result per finding located at its package's entry in the lockfile; ignored findings are results
 * with an external suppression carrying the ignore reason. Node.js core findings have no place in
 * a file and are left out.
 */
export function sarifLog(report: AuditReport, opts: RenderOptions = {}): Json {
  const rules: Json[] = [];
  const urlOf = advisoryLinks(opts);
  const ruleIndex = new Map<string, number>();
  const artifacts: Json[] = [];
  const artifactIndex = new Map<string, number>();
  const texts = new Map<string, string | undefined>();
  const results: Json[] = [];

  const locate = (f: Finding): Json => {
    const lock = lockfileOf(f, report, opts.lockfiles);
    if (!lock)
      return { physicalLocation: { artifactLocation: { uri: 'package.json' }, region: { startLine: 1 } } };
    const uri = relativeToRoot(lock.file, report.project.root).split('/').map(encodeURIComponent).join('/');
    let index = artifactIndex.get(uri);
    if (index === undefined) {
      index = artifacts.push({ location: { uri, uriBaseId: '%SRCROOT%' } }) - 1;
      artifactIndex.set(uri, index);
    }
    if (!texts.has(lock.file)) texts.set(lock.file, opts.readLockfile?.(lock.file));
    const text = texts.get(lock.file);
    let line: number | null = null;
    for (const location of f.locations) {
      line = text === undefined ? null : lockfileLine(text, lock.format, location);
      if (line !== null) break;
    }
    return {
      physicalLocation: {
        artifactLocation: { uri, uriBaseId: '%SRCROOT%', index },
        region: { startLine: line ?? 1 },
      },
      logicalLocations: [{ name: `${f.name}@${f.version}`, kind: 'package' }],
    };
  };

  // the other ids of each advisory id over all its findings, for its rule
  const byId = new Map<string, Finding[]>();
  for (const f of [...report.findings, ...report.ignored.map((i) => i.finding)]) {
    const same = byId.get(f.id);
    if (same) same.push(f);
    else byId.set(f.id, [f]);
  }
  const addResult = (f: Finding, suppression: Json | null) => {
    let index = ruleIndex.get(f.id);
    if (index === undefined) {
      const same = byId.get(f.id) ?? [f];
      // malware in one package version makes the rule malware's (a record names one package)
      const first = same.find((x) => x.malicious) ?? f;
      index = rules.push(rule(first.advisory, first, aliasesOf(same), urlOf)) - 1;
      ruleIndex.set(f.id, index);
    }
    const fingerprint = createHash('sha256').update(`${f.name}\u0000${f.version}\u0000${f.id}`).digest('hex');
    const result: Json = {
      ruleId: f.id,
      ruleIndex: index,
      level: f.malicious ? 'error' : LEVEL[f.severity],
      message: { text: message(f, report.project.workspaces) },
      locations: [locate(f)],
      partialFingerprints: { 'nswgFinding/v1': fingerprint },
      properties: {
        package: f.name,
        version: f.version,
        severity: f.severity,
        paths: f.paths.map((p) => p.join(' > ')),
        dev: f.dev,
        malicious: f.malicious,
        fixVersion: f.malicious ? null : f.fix.version,
      },
    };
    if (suppression) result.suppressions = [suppression];
    results.push(result);
  };

  for (const f of report.findings) addResult(f, null);
  for (const i of report.ignored) {
    const until = i.expires ? ` (until ${i.expires})` : '';
    addResult(i.finding, { kind: 'external', status: 'accepted', justification: `${i.reason}${until}` });
  }

  const driver: Json = {
    name: 'nswg',
    informationUri: 'https://github.com/nodejs/security-wg',
    rules,
  };
  if (opts.toolVersion) driver.version = opts.toolVersion;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        automationDetails: { id: 'nswg-audit/' },
        artifacts,
        results,
        columnKind: 'utf16CodeUnits',
        properties: {
          database: { ...report.database },
          auditLevel: report.auditLevel,
        },
      },
    ],
  };
}

/** `--format sarif`: the SARIF 2.1.0 log as JSON. */
export function renderSarif(report: AuditReport, opts: RenderOptions = {}): string {
  return `${JSON.stringify(sarifLog(report, opts), null, 2)}\n`;
}
