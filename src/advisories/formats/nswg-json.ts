import { NswgError } from '../../errors.js';
import { difference, parseRange, toOsvRanges, type VersionSet } from '../../versions/index.js';
import { normalizeCvssVector } from '../cvss.js';
import {
  type Advisory,
  type AsWritten,
  type Credit,
  coreAdvisoryId,
  npmAdvisoryId,
  parseWgId,
  toTimestamp,
  type Weakness,
} from '../model.js';
import { referencesFromUrls } from '../references.js';

/** The Working Group's npm advisory file (`vuln/npm/<n>.json`). */
export interface NswgNpmJson {
  id: number;
  created_at: string;
  updated_at: string;
  title: string;
  author?: { name: string; website: string | null; username: string | null };
  module_name: string;
  publish_date: string;
  cves: string[];
  vulnerable_versions: string;
  patched_versions: string | null;
  overview: string;
  recommendation: string | null;
  references: string[] | null;
  cvss_vector: string | null;
  cvss_score: number | null;
  coordinating_vendor: string | null;
}

/** The Working Group's core advisory file (`vuln/core/<n>.json`; `id` only in the combined list). */
export interface NswgCoreJson {
  id?: number;
  cve: string[];
  ref?: string;
  vulnerable: string;
  patched?: string;
  description?: string;
  overview?: string;
  author?: string;
  reported_by?: string;
  publish_date?: string;
  type?: string;
  cvss?: string;
  cvss_score?: number;
  affectedEnvironments: string[];
  severity?: string;
}

const NPM_ORDER = [
  'id',
  'created_at',
  'updated_at',
  'title',
  'author',
  'module_name',
  'publish_date',
  'cves',
  'vulnerable_versions',
  'patched_versions',
  'overview',
  'recommendation',
  'references',
  'cvss_vector',
  'cvss_score',
  'coordinating_vendor',
];
const CORE_ORDER = [
  'id',
  'cve',
  'vulnerable',
  'patched',
  'publish_date',
  'author',
  'reported_by',
  'ref',
  'type',
  'description',
  'cvss',
  'cvss_score',
  'overview',
  'affectedEnvironments',
  'severity',
];

/** True when a parsed JSON value looks like a Working Group npm advisory. */
export function isNswgNpm(v: unknown): v is NswgNpmJson {
  return typeof v === 'object' && v !== null && 'module_name' in v && 'vulnerable_versions' in v;
}

/** True when a parsed JSON value looks like a Working Group core advisory. */
export function isNswgCore(v: unknown): v is NswgCoreJson {
  return typeof v === 'object' && v !== null && 'vulnerable' in v && 'cve' in v && !('module_name' in v);
}

function rangeSet(range: string, field: string): VersionSet {
  return parseRange(range, field);
}

function keyOrder(raw: object, canonical: readonly string[]): string[] | undefined {
  const keys = Object.keys(raw);
  const expected = canonical.filter((k) => keys.includes(k));
  return keys.length === expected.length && keys.every((k, i) => k === expected[i]) ? undefined : keys;
}

/** Splits a core `type` such as "CWE-400: Uncontrolled Resource Consumption" into id and name. */
function weaknessOf(text: string): Weakness {
  const m = /^(CWE-\d+)\s*:\s*(.+)$/.exec(text);
  return m ? { id: m[1]!, name: m[2]! } : { id: text, name: null };
}

/** The record of a Working Group npm advisory. Throws E_RANGE_PARSE/E_ADVISORY_INVALID naming the field. */
export function fromNswgNpm(raw: NswgNpmJson): Advisory {
  const asWritten: AsWritten = {};
  const order = keyOrder(raw, NPM_ORDER);
  if (order) asWritten.fieldOrder = order;
  if (raw.references === null) asWritten.referencesNull = true;
  const score = raw.cvss_score;
  const validScore = typeof score === 'number' && score >= 0 ? score : null;
  if (score !== validScore) asWritten.cvssScore = score;
  const credits: Credit[] = raw.author
    ? [
        {
          name: raw.author.name,
          type: 'FINDER',
          website: raw.author.website,
          username: raw.author.username,
          contact: [],
        },
      ]
    : [];
  const created = toTimestamp(raw.created_at);
  const modified = toTimestamp(raw.updated_at);
  if (!modified)
    throw new NswgError('E_ADVISORY_INVALID', 'not a date (YYYY-MM-DD)', { field: 'updated_at' });
  return {
    id: npmAdvisoryId(raw.id),
    kind: 'npm',
    modified,
    published: toTimestamp(raw.publish_date),
    created,
    withdrawn: null,
    aliases: [...raw.cves],
    related: [],
    title: raw.title,
    details: raw.overview,
    recommendation: raw.recommendation,
    affected: [
      {
        ecosystem: 'npm',
        name: raw.module_name,
        vulnerable: raw.vulnerable_versions,
        patched: raw.patched_versions,
        ranges: toOsvRanges(rangeSet(raw.vulnerable_versions, 'vulnerable_versions')),
        versions: [],
        platforms: [],
        components: [],
      },
    ],
    cvss:
      raw.cvss_vector !== null || validScore !== null ? { vector: raw.cvss_vector, score: validScore } : null,
    declaredSeverity: null,
    weaknesses: [],
    references: referencesFromUrls(raw.references ?? []),
    credits,
    coordinatingVendor: raw.coordinating_vendor,
    asWritten,
  };
}

/**
 * The record of a Working Group core advisory. `id` comes from the file name when the JSON has
 * none; `modified` from `publish_date`, else `fallbackModified` (core files carry no dates).
 */
export function fromNswgCore(raw: NswgCoreJson, id: number, fallbackModified: string): Advisory {
  const asWritten: AsWritten = {};
  const order = keyOrder(raw, CORE_ORDER);
  if (order) asWritten.fieldOrder = order;
  const vulnerable = rangeSet(raw.vulnerable, 'vulnerable');
  const affectedSet =
    raw.patched !== undefined ? difference(vulnerable, rangeSet(raw.patched, 'patched')) : vulnerable;
  let cvss: Advisory['cvss'] = null;
  if (raw.cvss !== undefined || raw.cvss_score !== undefined) {
    const vector = raw.cvss !== undefined ? normalizeCvssVector(raw.cvss) : null;
    if (raw.cvss !== undefined && vector !== raw.cvss) asWritten.cvssVector = raw.cvss;
    cvss = { vector, score: raw.cvss_score ?? null };
  }
  const credits: Credit[] = [];
  if (raw.reported_by !== undefined) {
    credits.push({ name: raw.reported_by, type: 'REPORTER', website: null, username: null, contact: [] });
  }
  if (raw.author !== undefined) {
    credits.push({
      name: raw.author,
      type: 'REMEDIATION_DEVELOPER',
      website: null,
      username: null,
      contact: [],
    });
  }
  const published = raw.publish_date !== undefined ? toTimestamp(raw.publish_date) : null;
  return {
    id: coreAdvisoryId(id),
    kind: 'core',
    modified: published ?? fallbackModified,
    published,
    created: null,
    withdrawn: null,
    aliases: [...raw.cve],
    related: [],
    title: raw.description ?? null,
    details: raw.overview ?? null,
    recommendation: null,
    affected: [
      {
        ecosystem: 'node',
        name: 'node',
        vulnerable: raw.vulnerable,
        patched: raw.patched ?? null,
        ranges: toOsvRanges(affectedSet),
        versions: [],
        platforms: [...raw.affectedEnvironments],
        components: [],
      },
    ],
    cvss,
    declaredSeverity: raw.severity ?? null,
    weaknesses: raw.type !== undefined ? [weaknessOf(raw.type)] : [],
    references: raw.ref !== undefined ? referencesFromUrls([raw.ref]) : [],
    credits,
    coordinatingVendor: null,
    asWritten,
  };
}

function ordered(
  obj: Record<string, unknown>,
  canonical: readonly string[],
  order?: string[],
): Record<string, unknown> {
  const keys = [...(order ?? []), ...canonical].filter((k, i, all) => k in obj && all.indexOf(k) === i);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = obj[k];
  return out;
}

const dateOf = (ts: string | null): string | null => (ts ? ts.slice(0, 10) : null);

/** The Working Group npm advisory JSON of a record (`vuln/npm/<n>.json`). */
export function toNswgNpm(a: Advisory): NswgNpmJson {
  const wg = parseWgId(a.id);
  const affected = a.affected[0];
  if (wg?.kind !== 'npm' || !affected) {
    throw new NswgError('E_ADVISORY_INVALID', `${a.id} is not a Working Group npm advisory`, { field: 'id' });
  }
  const finder = a.credits.find((c) => c.type === 'FINDER') ?? a.credits[0];
  const o: Record<string, unknown> = {
    id: wg.number,
    created_at: dateOf(a.created ?? a.published ?? a.modified),
    updated_at: dateOf(a.modified),
    title: a.title ?? '',
    module_name: affected.name,
    publish_date: dateOf(a.published ?? a.modified),
    cves: [...a.aliases],
    vulnerable_versions: affected.vulnerable,
    patched_versions: affected.patched,
    overview: a.details ?? '',
    recommendation: a.recommendation,
    references: a.asWritten.referencesNull && !a.references.length ? null : a.references.map((r) => r.url),
    cvss_vector: a.cvss?.vector ?? null,
    cvss_score: 'cvssScore' in a.asWritten ? (a.asWritten.cvssScore ?? null) : (a.cvss?.score ?? null),
    coordinating_vendor: a.coordinatingVendor,
  };
  if (finder) o.author = { name: finder.name, website: finder.website, username: finder.username };
  return ordered(o, NPM_ORDER, a.asWritten.fieldOrder) as unknown as NswgNpmJson;
}

/** The Working Group core advisory JSON of a record; `withId` adds `id` as the combined list has it. */
export function toNswgCore(a: Advisory, opts: { withId: boolean }): NswgCoreJson {
  const wg = parseWgId(a.id);
  const affected = a.affected[0];
  if (wg?.kind !== 'core' || !affected) {
    throw new NswgError('E_ADVISORY_INVALID', `${a.id} is not a Working Group core advisory`, {
      field: 'id',
    });
  }
  const o: Record<string, unknown> = { cve: [...a.aliases], vulnerable: affected.vulnerable };
  if (opts.withId) o.id = wg.number;
  if (affected.patched !== null) o.patched = affected.patched;
  if (a.published) o.publish_date = dateOf(a.published);
  const author = a.credits.find((c) => c.type === 'REMEDIATION_DEVELOPER');
  const reporter = a.credits.find((c) => c.type === 'REPORTER');
  if (author) o.author = author.name;
  if (reporter) o.reported_by = reporter.name;
  if (a.references[0]) o.ref = a.references[0].url;
  if (a.weaknesses[0])
    o.type = a.weaknesses[0].name ? `${a.weaknesses[0].id}: ${a.weaknesses[0].name}` : a.weaknesses[0].id;
  if (a.title !== null) o.description = a.title;
  if (a.cvss?.vector) o.cvss = a.asWritten.cvssVector ?? a.cvss.vector;
  if (a.cvss && a.cvss.score !== null) o.cvss_score = a.cvss.score;
  if (a.details !== null) o.overview = a.details;
  o.affectedEnvironments = affected.platforms.length ? [...affected.platforms] : ['all'];
  if (a.declaredSeverity !== null) o.severity = a.declaredSeverity;
  return ordered(o, CORE_ORDER, a.asWritten.fieldOrder) as unknown as NswgCoreJson;
}
