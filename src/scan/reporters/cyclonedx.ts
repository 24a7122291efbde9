import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import {
  type Advisory,
  type AdvisoryRef,
  cvssVersion,
  MALICIOUS_CODE,
  type Severity,
} from '../../advisories/index.js';
import type { AuditReport, Finding } from '../findings.js';
import { advisoryLinks, aliasesOf, compareVersions, REMOVE_MALWARE, type RenderOptions } from './common.js';

type Json = Record<string, unknown>;

/** CycloneDX's severity words from npm's. */
const SEVERITY: Record<Severity, string> = {
  critical: 'critical',
  high: 'high',
  moderate: 'medium',
  low: 'low',
  info: 'info',
};

/** CycloneDX 1.5 rating methods by CVSS version. */
const METHOD: Record<string, string> = {
  '2.0': 'CVSSv2',
  '3.0': 'CVSSv3',
  '3.1': 'CVSSv31',
  '4.0': 'CVSSv4',
};

const SOURCE = { name: 'Node.js Security WG', url: 'https://github.com/nodejs/security-wg' };

/** The package URL of an npm package: `pkg:npm/%40scope/name@1.2.3`. */
export function npmPurl(name: string, version: string): string {
  const at = name.startsWith('@') ? name.indexOf('/') : -1;
  const path =
    at > 0
      ? `${encodeURIComponent(name.slice(0, at))}/${encodeURIComponent(name.slice(at + 1))}`
      : encodeURIComponent(name);
  return `pkg:npm/${path}@${encodeURIComponent(version)}`;
}

/** The URL normalized (spaces and the like percent-encoded) when it is an http(s) one, else null. */
function httpUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function component(f: Finding): Json {
  const scoped = f.name.startsWith('@') && f.name.includes('/');
  const c: Json = { type: 'library', 'bom-ref': npmPurl(f.name, f.version) };
  if (scoped) {
    c.group = f.name.slice(0, f.name.indexOf('/'));
    c.name = f.name.slice(f.name.indexOf('/') + 1);
  } else c.name = f.name;
  c.version = f.version;
  c.purl = npmPurl(f.name, f.version);
  const properties = [];
  if (f.dev) properties.push({ name: 'cdx:npm:package:development', value: 'true' });
  for (const p of f.paths) properties.push({ name: 'nswg:path', value: p.join(' > ') });
  if (properties.length) c.properties = properties;
  return c;
}

function ratings(a: Advisory, severity: Severity, url: string): Json[] {
  const vector = a.cvss?.vector ?? null;
  const score = a.cvss?.score;
  const r: Json = { source: { ...SOURCE, url } };
  if (typeof score === 'number' && score > 0) r.score = score;
  r.severity = SEVERITY[severity];
  const method = vector ? METHOD[cvssVersion(vector) ?? ''] : undefined;
  if (method) {
    r.method = method;
    r.vector = vector;
  } else if (vector) r.method = 'other';
  return [r];
}

function references(aliases: readonly string[]): Json[] {
  return aliases.map((id) => {
    if (/^CVE-\d+-\d+$/.test(id))
      return { id, source: { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` } };
    if (id.startsWith('GHSA-'))
      return { id, source: { name: 'GitHub Advisories', url: `https://github.com/advisories/${id}` } };
    return { id, source: { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` } };
  });
}

/** One vulnerability entry: an advisory with the packages it affects, and the ignore decision if any. */
function vulnerability(
  bomRef: string,
  findings: readonly Finding[],
  ignore: { reason: string; expires: string | null } | null,
  urlOf: (a: AdvisoryRef) => string,
): Json {
  const f = findings[0]!;
  const a = f.advisory;
  const page = urlOf(f);
  const malicious = findings.some((x) => x.malicious);
  const v: Json = { 'bom-ref': bomRef, id: f.id, source: { name: SOURCE.name, url: page } };
  // every other id of the vulnerability: the records joined with it and their CVE ids
  const aliases = aliasesOf(findings);
  if (aliases.length) v.references = references(aliases);
  v.ratings = ratings(a, f.severity, page);
  const cwes = [...a.weaknesses, ...(malicious ? [{ id: MALICIOUS_CODE }] : [])]
    .map((w) => Number(/^CWE-(\d+)$/i.exec(w.id)?.[1]))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (cwes.length) v.cwes = [...new Set(cwes)];
  v.description = f.title;
  if (a.details) v.detail = a.details;
  const fixes = findings.map((x) => x.fix.version).filter((x): x is string => x !== null);
  if (malicious) {
    const names = [...new Set(findings.map((x) => x.name))].join(', ');
    v.recommendation = `Remove ${names}: it is malware, and no version of it is safe to keep.`;
  } else if (a.recommendation) v.recommendation = a.recommendation;
  else if (fixes.length === findings.length) {
    const best = fixes.sort(compareVersions)[fixes.length - 1]!;
    v.recommendation = `Upgrade ${f.name} to ${best} or later.`;
  }
  const urls = [page, ...a.references.filter((r) => r.type === 'ADVISORY').map((r) => r.url)]
    .map(httpUrl)
    .filter((u): u is string => u !== null);
  v.advisories = [...new Set(urls)].map((url, i) => (i === 0 ? { title: f.id, url } : { url }));
  if (a.created) v.created = a.created;
  if (a.published) v.published = a.published;
  v.updated = a.modified;
  if (ignore) {
    const until = ignore.expires ? ` (ignored until ${ignore.expires})` : '';
    v.analysis = { state: 'not_affected', response: ['will_not_fix'], detail: `${ignore.reason}${until}` };
  } else if (malicious) {
    // known, not guessed: the package is malware, and what to do is remove it
    v.analysis = { state: 'exploitable', detail: REMOVE_MALWARE };
  }
  if (malicious) v.properties = [{ name: 'nswg:malicious', value: 'true' }];
  v.affects = findings.map((x) => ({
    ref: npmPurl(x.name, x.version),
    versions: [{ version: x.version, status: 'affected' }],
  }));
  return v;
}

/** A UUID (RFC 4122 form, version 5 bits) from the document's content: the same report gives the same serial number. */
function serialOf(content: string): string {
  const h = createHash('sha256').update(content).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * `--format cyclonedx`: a CycloneDX 1.5 JSON vulnerability disclosure report (VDR). The affected
 * packages are components (purl, bom-ref); each advisory is a vulnerability with its ratings,
 * CWEs, advisories and the components it affects. Ignored findings carry an analysis
 * (`not_affected`, the ignore reason as detail), as in a VEX. Node.js core findings affect a
 * `platform` component for the Node.js that was checked.
 */
export function cycloneDxBom(report: AuditReport, opts: RenderOptions = {}): Json {
  const components = new Map<string, Json>();
  const urlOf = advisoryLinks(opts);
  const groups = new Map<
    string,
    { ref: string; findings: Finding[]; ignore: { reason: string; expires: string | null } | null }
  >();
  const usedRefs = new Set<string>();
  const addFinding = (f: Finding, ignore: { reason: string; expires: string | null } | null) => {
    const purl = npmPurl(f.name, f.version);
    if (!components.has(purl)) components.set(purl, component(f));
    const key = ignore ? `${f.id}\u0000${ignore.reason}\u0000${ignore.expires ?? ''}` : f.id;
    let g = groups.get(key);
    if (!g) {
      let ref = ignore ? `${f.id}/ignored` : f.id;
      for (let n = 2; usedRefs.has(ref); n++) ref = `${f.id}/ignored-${n}`;
      usedRefs.add(ref);
      g = { ref, findings: [], ignore };
      groups.set(key, g);
    }
    if (!g.findings.some((x) => x.name === f.name && x.version === f.version)) g.findings.push(f);
  };
  for (const f of report.findings) addFinding(f, null);
  for (const i of report.ignored) addFinding(i.finding, { reason: i.reason, expires: i.expires });

  const vulnerabilities = [...groups.values()].map((g) => vulnerability(g.ref, g.findings, g.ignore, urlOf));
  const list = [...components.values()];
  const node = report.node;
  if (node) {
    const ref = `node@${node.version}`;
    list.push({
      type: 'platform',
      'bom-ref': ref,
      name: 'node',
      version: node.version,
      purl: `pkg:generic/node@${encodeURIComponent(node.version)}`,
    });
    for (const f of node.findings) {
      const v: Json = {
        'bom-ref': `${f.id}/node`,
        id: f.id,
        source: { name: SOURCE.name, url: urlOf(f) },
      };
      if (f.aliases.length) v.references = references(f.aliases);
      v.ratings = [{ source: { ...SOURCE, url: urlOf(f) }, severity: SEVERITY[f.severity] }];
      v.description = f.title;
      if (f.patched) v.recommendation = `Upgrade Node.js to a version in ${f.patched}.`;
      v.advisories = [{ title: f.id, url: urlOf(f) }];
      v.affects = [{ ref, versions: [{ version: node.version, status: 'affected' }] }];
      vulnerabilities.push(v);
    }
  }

  const tool: Json = { type: 'application', name: 'nswg' };
  if (opts.toolVersion) tool.version = opts.toolVersion;
  const project = report.project;
  const metadata: Json = {
    timestamp: (opts.now ?? new Date()).toISOString(),
    tools: { components: [tool] },
    component: {
      type: 'application',
      'bom-ref': 'project',
      name: project.name ?? (basename(project.root) || 'project'),
    },
    properties: [
      { name: 'nswg:database', value: report.database.name },
      ...(report.database.newest ? [{ name: 'nswg:database:newest', value: report.database.newest }] : []),
      ...project.lockfiles.map((l) => ({ name: 'nswg:lockfile', value: basename(l.file) })),
    ],
  };
  const body = { metadata, components: list, vulnerabilities };
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: serialOf(JSON.stringify(body)),
    version: 1,
    ...body,
  };
}

/** `--format cyclonedx`: the CycloneDX 1.5 document as JSON. */
export function renderCycloneDx(report: AuditReport, opts: RenderOptions = {}): string {
  return `${JSON.stringify(cycloneDxBom(report, opts), null, 2)}\n`;
}
