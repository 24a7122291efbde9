import { NswgError } from '../../errors.js';
import { cvssJsonOf, cvssVersion, normalizeCvssVector } from '../cvss.js';
import type { Advisory, Affected, CreditType, ReferenceType } from '../model.js';
import { toTimestamp } from '../model.js';
import { type CveStatus, type CveVersion, cveVersionsOf } from './cve-versions.js';

export type { CveStatus, CveVersion } from './cve-versions.js';

/** The CVE record format version written. */
export const CVE_DATA_VERSION = '5.1';

/** The npm registry, as the CVE record names the package collection of npm packages. */
export const NPM_COLLECTION_URL = 'https://www.npmjs.com';

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/;

/** A text in a language (`lang` a BCP 47 code; English here). */
export interface CveText {
  lang: string;
  value: string;
}

/** CVE's credit roles. */
export type CveCreditType =
  | 'finder'
  | 'reporter'
  | 'analyst'
  | 'coordinator'
  | 'remediation developer'
  | 'remediation reviewer'
  | 'remediation verifier'
  | 'tool'
  | 'sponsor'
  | 'other';

const CREDIT_TYPES: Record<CreditType, CveCreditType> = {
  FINDER: 'finder',
  REPORTER: 'reporter',
  ANALYST: 'analyst',
  COORDINATOR: 'coordinator',
  REMEDIATION_DEVELOPER: 'remediation developer',
  REMEDIATION_REVIEWER: 'remediation reviewer',
  REMEDIATION_VERIFIER: 'remediation verifier',
  TOOL: 'tool',
  SPONSOR: 'sponsor',
  OTHER: 'other',
};

/** A credit as the program records it: who, in which role (the advisory model's credit types). */
export interface CveCreditInput {
  name: string;
  type: CreditType;
}

/** The events of the disclosure a CVE timeline can tell. */
export type CveTimelineEvent =
  | 'reported'
  | 'triaged'
  | 'maintainers-invited'
  | 'fix-released'
  | 'published'
  | 'other';

const TIMELINE_WORDS: Record<Exclude<CveTimelineEvent, 'other'>, string> = {
  reported: 'Reported to the disclosure program',
  triaged: 'Triaged and confirmed by the triage team',
  'maintainers-invited': 'Maintainers invited to fix it',
  'fix-released': 'Fixed version released',
  published: 'Advisory published',
};

/** One event of the timeline: when, what, and the English words for it (required for `other`). */
export interface CveTimelineInput {
  time: string;
  event: CveTimelineEvent;
  value?: string;
}

/** How the vulnerability came to the program (CVE `source.discovery`). */
export type CveDiscovery = 'EXTERNAL' | 'INTERNAL' | 'UNKNOWN';

/** What a CVE record needs beyond the advisory: the CNA, and the program's own account of it. */
export interface CveRecordOptions {
  /** The CVE id the program assigned; by default the advisory's one CVE alias. */
  cveId?: string;
  /** The program's CNA organization id (a UUID) and short name, as the CVE Program registered them. */
  orgId: string;
  shortName: string;
  /** When the CVE id was reserved, when known. */
  dateReserved?: string;
  /** The advisory's own page, written first among the references. */
  advisoryUrl?: string;
  /** More CVSS vectors than the advisory's one (e.g. a 4.0 assessment beside the 3.1 one). */
  cvssVectors?: readonly string[];
  /** Who to credit; by default the advisory's credits. */
  credits?: readonly CveCreditInput[];
  timeline?: readonly CveTimelineInput[];
  discovery?: CveDiscovery;
}

/** One affected product: an npm package (`collectionURL` + `packageName`) or Node.js (`vendor` + `product`). */
export interface CveProduct {
  vendor?: string;
  product?: string;
  collectionURL?: string;
  packageName?: string;
  repo?: string;
  modules?: string[];
  platforms?: string[];
  versions?: CveVersion[];
  defaultStatus: CveStatus;
}

export interface CveProviderMetadata {
  orgId: string;
  shortName: string;
  dateUpdated?: string;
}

/** A CVSS assessment as CVE writes it (FIRST's CVSS JSON: version, vector, base score and severity, metrics). */
export type CveCvss = { version: string; vectorString: string; baseScore: number } & Record<string, unknown>;

export interface CveMetric {
  format: 'CVSS';
  scenarios: CveText[];
  cvssV4_0?: CveCvss;
  cvssV3_1?: CveCvss;
  cvssV3_0?: CveCvss;
  cvssV2_0?: CveCvss;
}

/** A published CVE JSON 5.1 record with the CNA's container. */
export interface CveRecord {
  dataType: 'CVE_RECORD';
  dataVersion: string;
  cveMetadata: {
    cveId: string;
    assignerOrgId: string;
    assignerShortName: string;
    state: 'PUBLISHED';
    dateReserved?: string;
    datePublished?: string;
    dateUpdated: string;
  };
  containers: {
    cna: {
      providerMetadata: CveProviderMetadata;
      title?: string;
      datePublic?: string;
      descriptions: (CveText & { supportingMedia?: { type: string; base64: boolean; value: string }[] })[];
      affected: CveProduct[];
      problemTypes?: {
        descriptions: { lang: string; description: string; cweId?: string; type: string }[];
      }[];
      references: { url: string; tags?: string[] }[];
      metrics?: CveMetric[];
      credits?: (CveText & { type: CveCreditType })[];
      timeline?: (CveText & { time: string })[];
      source: { advisory: string; discovery: CveDiscovery };
    };
  };
}

/** A REJECTED CVE JSON 5.1 record: the id stays, with the reason it was rejected. */
export interface CveRejectedRecord {
  dataType: 'CVE_RECORD';
  dataVersion: string;
  cveMetadata: {
    cveId: string;
    assignerOrgId: string;
    assignerShortName: string;
    state: 'REJECTED';
    dateReserved?: string;
    datePublished?: string;
    dateRejected: string;
    dateUpdated: string;
  };
  containers: {
    cna: { providerMetadata: CveProviderMetadata; rejectedReasons: CveText[]; replacedBy?: string[] };
  };
}

/** What a REJECTED record needs: why (in English), the CNA, and when. */
export interface CveRejectionOptions {
  reason: string;
  orgId: string;
  shortName: string;
  dateRejected: string;
  dateReserved?: string;
  /** When the record was published before it was rejected, if it was. */
  datePublished?: string;
  /** The CVE ids that replace this one (a duplicate's), if any. */
  replacedBy?: readonly string[];
}

const invalid = (field: string, message: string): NswgError =>
  new NswgError('E_ADVISORY_INVALID', message, { field });

function cveIdOf(id: string, field: string): string {
  if (!CVE_ID.test(id)) throw invalid(field, `is not a CVE id (CVE-YYYY-NNNN…): ${JSON.stringify(id)}`);
  return id;
}

function cna(orgId: string, shortName: string): { orgId: string; shortName: string } {
  if (!UUID.test(orgId))
    throw invalid('orgId', `is not a CNA organization id (a UUID): ${JSON.stringify(orgId)}`);
  if (shortName.length < 2 || shortName.length > 32)
    throw invalid('shortName', `must be 2 to 32 characters: ${JSON.stringify(shortName)}`);
  return { orgId, shortName };
}

function time(text: string, field: string): string {
  const t = toTimestamp(text);
  // the schema's timestamps are of the years 1900-2999
  if (!t || !/^(19|2\d)\d\d-/.test(t)) throw invalid(field, `is not a timestamp: ${JSON.stringify(text)}`);
  return t;
}

const english = (value: string): CveText => ({ lang: 'en', value });

/** `text` cut to `max` characters, at a word where it can be, ending with "…" when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function product(x: Affected): CveProduct {
  const { versions, defaultStatus } = cveVersionsOf(x);
  const p: CveProduct =
    x.ecosystem === 'node'
      ? { vendor: 'nodejs', product: 'node', repo: 'https://github.com/nodejs/node', defaultStatus }
      : { collectionURL: NPM_COLLECTION_URL, packageName: x.name, defaultStatus };
  const modules = [...new Set(x.components.filter((c) => c.trim()))];
  const platforms = [...new Set(x.platforms.filter((c) => c.trim() && c !== 'all'))];
  if (modules.length) p.modules = modules;
  if (platforms.length) p.platforms = platforms;
  if (versions.length) p.versions = versions;
  return p;
}

const METRIC_KEYS: Record<string, 'cvssV4_0' | 'cvssV3_1' | 'cvssV3_0' | 'cvssV2_0'> = {
  '4.0': 'cvssV4_0',
  '3.1': 'cvssV3_1',
  '3.0': 'cvssV3_0',
  '2.0': 'cvssV2_0',
};

/** FIRST's CVSS JSON of a vector and the metric key it goes under; null when it is no complete vector. */
function cvssJson(vector: string): { key: (typeof METRIC_KEYS)[string]; json: CveCvss } | null {
  const version = cvssVersion(normalizeCvssVector(vector));
  const key = version ? METRIC_KEYS[version] : undefined;
  if (!key) return null;
  const json = cvssJsonOf(vector);
  return json ? { key, json } : null;
}

function metrics(a: Advisory, extra: readonly string[]): CveMetric[] {
  const out: CveMetric = { format: 'CVSS', scenarios: [english('GENERAL')] };
  // the advisory's own vector is left out when it is not a complete one (the record stays valid)
  const own = a.cvss?.vector ? cvssJson(a.cvss.vector) : null;
  if (own) out[own.key] = own.json;
  extra.forEach((vector, i) => {
    const field = `cvssVectors[${i}]`;
    const m = cvssJson(vector);
    if (!m)
      throw invalid(field, `is not a complete CVSS 2.0, 3.0, 3.1 or 4.0 vector: ${JSON.stringify(vector)}`);
    const had = out[m.key];
    if (had && had.vectorString !== m.json.vectorString)
      throw invalid(field, `is a second CVSS ${m.json.version} vector: the record holds one of each version`);
    out[m.key] = m.json;
  });
  return Object.values(METRIC_KEYS).some((k) => out[k]) ? [out] : [];
}

const REFERENCE_TAGS: Partial<Record<ReferenceType, string>> = { FIX: 'patch', REPORT: 'issue-tracking' };

/** An http(s) URL the schema's `uri` format accepts, or null. */
function webUrl(text: string): string | null {
  const t = text.trim();
  if (!t || t.length > 2048 || /\s/.test(t)) return null;
  try {
    const u = new URL(t);
    return u.protocol === 'https:' || u.protocol === 'http:' ? t : null;
  } catch {
    return null;
  }
}

function references(
  a: Advisory,
  advisoryUrl: string | undefined,
): CveRecord['containers']['cna']['references'] {
  const out: CveRecord['containers']['cna']['references'] = [];
  const seen = new Set<string>();
  if (advisoryUrl !== undefined) {
    const url = webUrl(advisoryUrl);
    if (!url) throw invalid('advisoryUrl', `is not an http(s) URL: ${JSON.stringify(advisoryUrl)}`);
    seen.add(url);
    out.push({ url, tags: [a.kind === 'core' ? 'vendor-advisory' : 'third-party-advisory'] });
  }
  for (const r of a.references) {
    const url = webUrl(r.url);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const tag = REFERENCE_TAGS[r.type];
    out.push(tag ? { url, tags: [tag] } : { url });
  }
  if (!out.length)
    throw invalid('references', 'has no http(s) URL, and a CVE record needs at least one: give advisoryUrl');
  return out;
}

function problemTypes(a: Advisory): NonNullable<CveRecord['containers']['cna']['problemTypes']> {
  const descriptions = a.weaknesses
    .filter((w, i) => w.id.trim() && a.weaknesses.findIndex((v) => v.id === w.id) === i)
    .map((w) => {
      const cwe = /^CWE-[1-9]\d{0,4}$/.test(w.id);
      const description = clip(w.name ? `${w.id}: ${w.name}` : w.id, 4096);
      return cwe
        ? { lang: 'en', cweId: w.id, description, type: 'CWE' }
        : { lang: 'en', description, type: 'text' };
    });
  return descriptions.length ? [{ descriptions }] : [];
}

function description(a: Advisory): CveRecord['containers']['cna']['descriptions'] {
  const details = a.details?.trim() ?? '';
  const title = a.title?.trim() ?? '';
  if (!details && !title)
    throw invalid(
      'details',
      'the advisory has neither details nor a title: a CVE record needs a description',
    );
  const d: CveRecord['containers']['cna']['descriptions'][number] = english(clip(details || title, 4096));
  // the details are Markdown: the text stays readable as it is, and the Markdown goes along as such
  if (details) d.supportingMedia = [{ type: 'text/markdown', base64: false, value: clip(details, 16384) }];
  return [d];
}

function credits(
  a: Advisory,
  given: readonly CveCreditInput[] | undefined,
): NonNullable<CveRecord['containers']['cna']['credits']> {
  const list = given ?? a.credits.map((c) => ({ name: c.name, type: c.type }));
  const out = list.map((c, i) => {
    const type = CREDIT_TYPES[c.type];
    if (!type) throw invalid(`credits[${i}].type`, `is not a credit type: ${JSON.stringify(c.type)}`);
    const name = c.name.trim();
    if (!name) throw invalid(`credits[${i}].name`, 'is empty');
    return { lang: 'en', value: clip(name, 4096), type };
  });
  // the schema wants each credit once
  return out.filter((c, i) => out.findIndex((d) => d.value === c.value && d.type === c.type) === i);
}

function timeline(
  given: readonly CveTimelineInput[],
): NonNullable<CveRecord['containers']['cna']['timeline']> {
  return given
    .map((e, i) => {
      const words = e.value?.trim() || (e.event === 'other' ? '' : TIMELINE_WORDS[e.event]);
      if (!words) throw invalid(`timeline[${i}].value`, `is needed for the event ${JSON.stringify(e.event)}`);
      return { time: time(e.time, `timeline[${i}].time`), lang: 'en', value: clip(words, 4096) };
    })
    .sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0))
    .filter((e, i, all) => all.findIndex((f) => f.time === e.time && f.value === e.value) === i);
}

/** The advisory's CVE id: the one given, else its only CVE alias. */
function assignedCveId(a: Advisory, given: string | undefined): string {
  if (given !== undefined) return cveIdOf(given, 'cveId');
  const cves = a.aliases.filter((x) => x.startsWith('CVE-'));
  if (cves.length !== 1)
    throw invalid(
      'cveId',
      cves.length ? `${a.id} has ${cves.length} CVE aliases: say which one` : `${a.id} has no CVE id`,
    );
  return cveIdOf(cves[0]!, 'aliases');
}

/**
 * The CVE JSON 5.1 record (PUBLISHED) of an advisory, for the CVE id the program assigned, with
 * the program as the CNA. Throws E_ADVISORY_INVALID naming the field when no valid record can be
 * made (no CVE id, a malformed org id, no description, no reference, a withdrawn advisory).
 */
export function toCveRecord(a: Advisory, options: CveRecordOptions): CveRecord {
  const cveId = assignedCveId(a, options.cveId);
  const { orgId, shortName } = cna(options.orgId, options.shortName);
  if (a.withdrawn) throw invalid('withdrawn', `${a.id} is withdrawn: its CVE record is a REJECTED one`);
  if (!a.affected.length) throw invalid('affected', `${a.id} names nothing affected`);
  const dateUpdated = time(a.modified, 'modified');
  const published = a.published ? time(a.published, 'published') : undefined;
  const metadata: CveRecord['cveMetadata'] = {
    cveId,
    assignerOrgId: orgId,
    assignerShortName: shortName,
    state: 'PUBLISHED',
    ...(options.dateReserved !== undefined
      ? { dateReserved: time(options.dateReserved, 'dateReserved') }
      : {}),
    ...(published ? { datePublished: published } : {}),
    dateUpdated,
  };
  const container: CveRecord['containers']['cna'] = {
    providerMetadata: { orgId, shortName, dateUpdated },
    descriptions: description(a),
    affected: a.affected.map(product),
    references: references(a, options.advisoryUrl),
    source: { advisory: a.id, discovery: options.discovery ?? 'UNKNOWN' },
  };
  const title = a.title?.trim();
  if (title) container.title = clip(title, 256);
  if (published) container.datePublic = published;
  const problems = problemTypes(a);
  if (problems.length) container.problemTypes = problems;
  const m = metrics(a, options.cvssVectors ?? []);
  if (m.length) container.metrics = m;
  const c = credits(a, options.credits);
  if (c.length) container.credits = c;
  const t = timeline(options.timeline ?? []);
  if (t.length) container.timeline = t;
  return {
    dataType: 'CVE_RECORD',
    dataVersion: CVE_DATA_VERSION,
    cveMetadata: metadata,
    containers: { cna: container },
  };
}

/**
 * The REJECTED CVE JSON 5.1 record of a CVE id the program assigned to a report that was later
 * rejected (or to a duplicate: `replacedBy`). Throws E_ADVISORY_INVALID naming the field.
 */
export function toRejectedCveRecord(cveId: string, options: CveRejectionOptions): CveRejectedRecord {
  const id = cveIdOf(cveId, 'cveId');
  const { orgId, shortName } = cna(options.orgId, options.shortName);
  const reason = options.reason.trim();
  if (!reason) throw invalid('reason', 'is empty: a REJECTED record says why');
  const dateRejected = time(options.dateRejected, 'dateRejected');
  const metadata: CveRejectedRecord['cveMetadata'] = {
    cveId: id,
    assignerOrgId: orgId,
    assignerShortName: shortName,
    state: 'REJECTED',
    ...(options.dateReserved !== undefined
      ? { dateReserved: time(options.dateReserved, 'dateReserved') }
      : {}),
    ...(options.datePublished !== undefined
      ? { datePublished: time(options.datePublished, 'datePublished') }
      : {}),
    dateRejected,
    dateUpdated: dateRejected,
  };
  const container: CveRejectedRecord['containers']['cna'] = {
    providerMetadata: { orgId, shortName, dateUpdated: dateRejected },
    rejectedReasons: [english(clip(reason, 4096))],
  };
  const replacedBy = [...new Set(options.replacedBy ?? [])].map((r, i) => cveIdOf(r, `replacedBy[${i}]`));
  if (replacedBy.includes(id)) throw invalid('replacedBy', `names ${id} itself`);
  if (replacedBy.length) container.replacedBy = replacedBy;
  return {
    dataType: 'CVE_RECORD',
    dataVersion: CVE_DATA_VERSION,
    cveMetadata: metadata,
    containers: { cna: container },
  };
}
