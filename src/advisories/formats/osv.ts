import { NswgError } from '../../errors.js';
import {
  complement,
  fromOsvRanges,
  intersect,
  type OsvRange,
  parseRange,
  parseVersion,
  toNpmRange,
  toOsvRanges,
  union,
  type VersionSet,
} from '../../versions/index.js';
import { cvssBaseScore, cvssVersion } from '../cvss.js';
import type {
  Advisory,
  Affected,
  AsWritten,
  Credit,
  CreditType,
  Reference,
  ReferenceType,
  Weakness,
} from '../model.js';
import { parseWgId, toTimestamp } from '../model.js';

/** The OSV schema version written. */
export const OSV_SCHEMA_VERSION = '1.7.0';

/**
 * Node.js itself has no OSV ecosystem; core advisories name the nodejs/node repository with the
 * GIT ecosystem (the schema's only choice for software outside a package ecosystem) and SEMVER
 * ranges over Node.js release versions.
 */
export const NODE_OSV_PACKAGE = {
  ecosystem: 'GIT',
  name: 'https://github.com/nodejs/node',
  purl: 'pkg:github/nodejs/node',
};

/** OSV ids need a registered prefix; Working Group ids are written with the private `x_` prefix. */
export function osvIdOf(id: string): string {
  return parseWgId(id) ? `x_${id}` : id;
}

/** The internal id of an OSV id (`x_NSWG-ECO-1` → `NSWG-ECO-1`). */
export function idFromOsv(id: string): string {
  return id.startsWith('x_') && parseWgId(id.slice(2)) ? id.slice(2) : id;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  related?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[] | null;
  affected?: OsvAffected[] | null;
  references?: { type: string; url: string }[] | null;
  credits?: { name: string; contact?: string[]; type?: string }[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: { type: string; score: string }[] | null;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

const CVSS_TYPE: Record<string, string> = {
  '2.0': 'CVSS_V2',
  '3.0': 'CVSS_V3',
  '3.1': 'CVSS_V3',
  '4.0': 'CVSS_V4',
};
const V3 =
  /^CVSS:3[.][01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;

/** The OSV `severity` entry of a CVSS vector, when the schema accepts the vector. */
function severityEntry(vector: string | null | undefined): { type: string; score: string }[] | undefined {
  if (!vector) return undefined;
  const version = cvssVersion(vector);
  const type = version ? CVSS_TYPE[version] : undefined;
  if (!type) return undefined;
  if (type === 'CVSS_V3' && !V3.test(vector)) return undefined;
  if (type === 'CVSS_V4' && cvssBaseScore(vector) === null) return undefined;
  return [{ type, score: vector }];
}

const drop = <T extends Record<string, unknown>>(o: T): T => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** The OSV 1.7 record of an advisory; everything OSV has no field for goes in `database_specific`. */
export function toOsv(a: Advisory): OsvRecord {
  const credits = a.credits.map((c) =>
    drop({ name: c.name, type: c.type, contact: [...(c.website ? [c.website] : []), ...c.contact] }),
  );
  for (const c of credits) if (!c.contact.length) delete (c as { contact?: string[] }).contact;
  const extraCredits = a.credits.some((c) => c.username !== null || c.website !== null)
    ? a.credits.map((c) => ({ website: c.website, username: c.username }))
    : undefined;
  const dbs: Record<string, unknown> = drop({
    nswg_id: parseWgId(a.id) ? a.id : undefined,
    kind: a.kind,
    cwe_ids: a.weaknesses.map((w) => w.id),
    cwe_names: a.weaknesses.some((w) => w.name) ? a.weaknesses.map((w) => w.name) : undefined,
    severity: a.declaredSeverity ?? undefined,
    cvss: a.cvss ?? undefined,
    recommendation: a.recommendation ?? undefined,
    coordinating_vendor: a.coordinatingVendor ?? undefined,
    created: a.created ?? undefined,
    credits: extraCredits,
    as_written: Object.keys(a.asWritten).length ? a.asWritten : undefined,
  });
  return drop({
    schema_version: OSV_SCHEMA_VERSION,
    id: osvIdOf(a.id),
    modified: a.modified,
    published: a.published ?? undefined,
    withdrawn: a.withdrawn ?? undefined,
    aliases: [...a.aliases],
    related: a.related.length ? [...a.related] : undefined,
    summary: a.title ?? undefined,
    details: a.details ?? undefined,
    severity: severityEntry(a.cvss?.vector),
    affected: a.affected.map((x) => affectedToOsv(x)),
    references: a.references.map((r) => ({ type: r.type, url: r.url })),
    credits: credits.length ? credits : undefined,
    database_specific: dbs,
  });
}

function affectedToOsv(x: Affected): OsvAffected {
  const pkg =
    x.ecosystem === 'node'
      ? { ...NODE_OSV_PACKAGE }
      : { ecosystem: 'npm', name: x.name, purl: `pkg:npm/${x.name.replace(/^@/, '%40')}` };
  return drop({
    package: pkg,
    ranges: x.ranges.length
      ? x.ranges.map((r) => ({ type: r.type, events: r.events.map((e) => ({ ...e })) }))
      : undefined,
    versions: x.versions.length ? [...x.versions] : undefined,
    ecosystem_specific:
      x.platforms.length || x.components.length
        ? drop({
            platforms: x.platforms.length ? [...x.platforms] : undefined,
            components: x.components.length ? [...x.components] : undefined,
          })
        : undefined,
    database_specific: drop({ vulnerable_versions: x.vulnerable, patched_versions: x.patched }),
  });
}

const REF_TYPES = new Set<ReferenceType>([
  'ADVISORY',
  'ARTICLE',
  'DETECTION',
  'DISCUSSION',
  'REPORT',
  'FIX',
  'INTRODUCED',
  'GIT',
  'PACKAGE',
  'EVIDENCE',
  'WEB',
]);
const CREDIT_TYPES = new Set<CreditType>([
  'FINDER',
  'REPORTER',
  'ANALYST',
  'COORDINATOR',
  'REMEDIATION_DEVELOPER',
  'REMEDIATION_REVIEWER',
  'REMEDIATION_VERIFIER',
  'TOOL',
  'SPONSOR',
  'OTHER',
]);

const stringArray = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function timestamp(v: unknown, field: string, required: true): string;
function timestamp(v: unknown, field: string, required: false): string | null;
function timestamp(v: unknown, field: string, required: boolean): string | null {
  if (v === undefined || v === null) {
    if (required) throw new NswgError('E_ADVISORY_INVALID', 'is required', { field });
    return null;
  }
  const t = typeof v === 'string' ? toTimestamp(v) : null;
  if (!t)
    throw new NswgError('E_ADVISORY_INVALID', `is not an RFC 3339 timestamp: ${JSON.stringify(v)}`, {
      field,
    });
  return t;
}

/**
 * The record of an OSV advisory for npm (GHSA, osv.dev, or nswg's own export). Entries for other
 * ecosystems are left out; a record with no npm package (nor Node.js) is refused.
 */
export function fromOsv(o: OsvRecord): Advisory {
  const dbs = rec(o.database_specific);
  const affected: Affected[] = [];
  (o.affected ?? []).forEach((x, i) => {
    const field = `affected[${i}]`;
    const a = affectedFromOsv(x, field, dbs);
    if (a) affected.push(a);
  });
  if (!affected.length) {
    throw new NswgError('E_ADVISORY_INVALID', 'names no npm package (nor Node.js): nothing to import', {
      field: 'affected',
    });
  }
  const vector = pickVector(o.severity ?? o.affected?.find((x) => x.severity?.length)?.severity ?? null);
  const ours = rec(dbs.cvss);
  let cvss: Advisory['cvss'] = null;
  if ('vector' in ours || 'score' in ours) {
    cvss = {
      vector: typeof ours.vector === 'string' ? ours.vector : null,
      score: typeof ours.score === 'number' ? ours.score : null,
    };
  } else if (vector) {
    cvss = { vector, score: cvssBaseScore(vector) };
  }
  const cweIds = stringArray(dbs.cwe_ids);
  const cweNames = Array.isArray(dbs.cwe_names) ? dbs.cwe_names : [];
  const weaknesses: Weakness[] = cweIds.map((id, i) => ({
    id,
    name: typeof cweNames[i] === 'string' ? (cweNames[i] as string) : null,
  }));
  const extraCredits = Array.isArray(dbs.credits) ? dbs.credits.map(rec) : [];
  const credits: Credit[] = (o.credits ?? []).map((c, i) => {
    const extra = extraCredits[i];
    const contact = stringArray(c.contact);
    const website = extra && typeof extra.website === 'string' ? extra.website : null;
    if (website && contact[0] === website) contact.shift();
    return {
      name: c.name,
      type: c.type && CREDIT_TYPES.has(c.type as CreditType) ? (c.type as CreditType) : 'OTHER',
      website,
      username: extra && typeof extra.username === 'string' ? extra.username : null,
      contact,
    };
  });
  const references: Reference[] = (o.references ?? []).map((r) => ({
    type: REF_TYPES.has(r.type as ReferenceType) ? (r.type as ReferenceType) : 'WEB',
    url: r.url,
  }));
  const id = idFromOsv(o.id);
  const wg = parseWgId(id);
  const kind =
    dbs.kind === 'core' || dbs.kind === 'npm'
      ? dbs.kind
      : affected.some((x) => x.ecosystem === 'node')
        ? 'core'
        : 'npm';
  return {
    id,
    kind: wg ? wg.kind : kind,
    modified: timestamp(o.modified, 'modified', true),
    published: timestamp(o.published, 'published', false),
    created: timestamp(dbs.created, 'database_specific.created', false),
    withdrawn: timestamp(o.withdrawn, 'withdrawn', false),
    aliases: stringArray(o.aliases),
    related: stringArray(o.related),
    title: typeof o.summary === 'string' ? o.summary : null,
    details: typeof o.details === 'string' ? o.details : null,
    recommendation: typeof dbs.recommendation === 'string' ? dbs.recommendation : null,
    affected,
    cvss,
    declaredSeverity: typeof dbs.severity === 'string' ? dbs.severity : null,
    weaknesses,
    references,
    credits,
    coordinatingVendor: typeof dbs.coordinating_vendor === 'string' ? dbs.coordinating_vendor : null,
    asWritten: rec(dbs.as_written) as AsWritten,
  };
}

function pickVector(severity: { type: string; score: string }[] | null): string | null {
  if (!severity) return null;
  for (const type of ['CVSS_V3', 'CVSS_V4', 'CVSS_V2']) {
    const s = severity.find((x) => x.type === type);
    if (s) return s.score;
  }
  return null;
}

/** What an `affected` entry is about for nswg: an npm package, Node.js itself, or neither (null). */
function ecosystemOf(x: OsvAffected, dbs: Record<string, unknown>): 'npm' | 'node' | null {
  const eco = x.package?.ecosystem;
  if (
    (eco === 'GIT' && /github\.com\/nodejs\/node\/?$/.test(x.package?.name ?? '')) ||
    (eco === 'npm' && dbs.kind === 'core')
  )
    return 'node';
  return eco === 'npm' ? 'npm' : null;
}

/** Does an OSV record name an npm package or Node.js? Records of other ecosystems are not nswg's to hold. */
export function concernsNpm(o: Pick<OsvRecord, 'affected' | 'database_specific'>): boolean {
  const dbs = rec(o.database_specific);
  return Array.isArray(o.affected) && o.affected.some((x) => ecosystemOf(rec(x), dbs) !== null);
}

function affectedFromOsv(x: OsvAffected, field: string, dbs: Record<string, unknown>): Affected | null {
  const ecosystem = ecosystemOf(x, dbs);
  if (!ecosystem) return null;
  const isNode = ecosystem === 'node';
  const name = isNode ? 'node' : (x.package?.name ?? '');
  if (!name) throw new NswgError('E_ADVISORY_INVALID', 'has no name', { field: `${field}.package.name` });
  const ranges = (x.ranges ?? []).filter((r) => r.type === 'SEMVER' || r.type === 'ECOSYSTEM');
  let set: VersionSet = fromOsvRanges(ranges, `${field}.ranges`);
  const adbs = rec(x.database_specific);
  const lastKnown = adbs.last_known_affected_version_range;
  if (typeof lastKnown === 'string') {
    // GHSA: no fixed version yet; the range only says "up to here" (e.g. "<= 4.17.20")
    set = intersect(
      set,
      parseRange(lastKnown, `${field}.database_specific.last_known_affected_version_range`),
    );
  }
  const versions = stringArray(x.versions);
  versions.forEach((v, i) => {
    if (!parseVersion(v))
      throw new NswgError('E_VERSION_PARSE', `is not a version: ${JSON.stringify(v)}`, {
        field: `${field}.versions[${i}]`,
      });
  });
  const explicit = versions.length
    ? parseRange(versions.map((v) => `=${v}`).join(' || '), `${field}.versions`)
    : [];
  const all = union(set, explicit);
  const ours = typeof adbs.vulnerable_versions === 'string';
  const vulnerable = ours ? (adbs.vulnerable_versions as string) : toNpmRange(all);
  let patched: string | null;
  if ('patched_versions' in adbs)
    patched = typeof adbs.patched_versions === 'string' ? adbs.patched_versions : null;
  else patched = patchedOf(ranges, all);
  const es = rec(x.ecosystem_specific);
  return {
    ecosystem: isNode ? 'node' : 'npm',
    name,
    vulnerable,
    patched,
    ranges: ours
      ? ranges.map((r) => ({ type: r.type, events: r.events.map((e) => ({ ...e })) }))
      : toOsvRanges(all),
    versions: ours ? versions : [],
    platforms: stringArray(es.platforms),
    components: stringArray(es.components),
  };
}

/** GHSA's patched range: every version from the first fix on that is not affected; null with no fix. */
function patchedOf(ranges: readonly OsvRange[], affected: VersionSet): string | null {
  const fixes = ranges.flatMap((r) => r.events).flatMap((e) => ('fixed' in e ? [e.fixed] : []));
  const first = fixes
    .map((f) => parseVersion(f))
    .filter((v) => v !== null)
    .sort((a, b) => a.compare(b))[0];
  if (!first) return null;
  return toNpmRange(intersect(complement(affected), parseRange(`>=${first.version}`)));
}
