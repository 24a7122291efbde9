import { NswgError } from '../../errors.js';
import { type CvssJson, cvssJsonOf, cvssVersion, normalizeCvssVector } from '../cvss.js';
import { fixedVersionsOf } from '../fixed-versions.js';
import type { Advisory, Affected, CreditType } from '../model.js';
import { toTimestamp } from '../model.js';
import { cveVersionsOf } from './cve-versions.js';

/** Who publishes the CSAF documents: the Working Group, at the server's public URL. */
export interface CsafPublisher {
  /** The server's public URL (no trailing slash): the namespace, and the base of every URL written. */
  publicUrl: string;
  name?: string;
  /**
   * `coordinator` by default: the Working Group records and coordinates what the Node.js project
   * fixes in its security releases; it is not the vendor of what npm advisories cover, and a
   * deployment publishing the Node.js project's own advisories may say `vendor`.
   */
  category?: 'coordinator' | 'vendor';
}

/** The Working Group, as the publisher of the documents. */
export const CSAF_PUBLISHER_NAME = 'Node.js Security Working Group';

/** Where a provider publishes: its metadata, and the TLP:WHITE directory (CSAF 2.0 §7.1 requirements 7, 9, 11). */
export const CSAF_WELL_KNOWN = '/.well-known/csaf';
export const CSAF_PROVIDER_METADATA_PATH = `${CSAF_WELL_KNOWN}/provider-metadata.json`;
export const CSAF_WHITE_PATH = `${CSAF_WELL_KNOWN}/white`;

type Note = { category: string; text: string; title?: string };
type Branch = {
  category: string;
  name: string;
  branches?: Branch[];
  product?: { name: string; product_id: string };
};
type Cvss3 = CvssJson & { baseSeverity: string };

/** A CSAF 2.0 document of the `csaf_security_advisory` profile. */
export interface CsafDocument {
  document: {
    category: 'csaf_security_advisory';
    csaf_version: '2.0';
    lang: 'en';
    title: string;
    publisher: { category: string; name: string; namespace: string };
    distribution: { tlp: { label: 'WHITE'; url: string } };
    aggregate_severity?: { text: string };
    notes?: Note[];
    references: { category: 'self' | 'external'; summary: string; url: string }[];
    acknowledgments?: { names: string[]; summary: string }[];
    tracking: {
      id: string;
      status: 'final';
      version: string;
      initial_release_date: string;
      current_release_date: string;
      revision_history: { number: string; date: string; summary: string }[];
    };
  };
  product_tree: { branches: Branch[] };
  vulnerabilities: {
    cve?: string;
    ids?: { system_name: string; text: string }[];
    cwe?: { id: string; name: string };
    notes: Note[];
    product_status: { known_affected: string[]; fixed?: string[] };
    remediations: { category: 'vendor_fix'; details: string; product_ids: string[]; url?: string }[];
    scores?: { products: string[]; cvss_v3: Cvss3 }[];
  }[];
}

const invalid = (field: string, message: string): NswgError =>
  new NswgError('E_ADVISORY_INVALID', message, { field });

/**
 * The file name of a document (CSAF 2.0 §5.1): its tracking id in lower case, every character
 * other than `+`, `-`, a-z and 0-9 replaced by `_`, and `.json`.
 */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]/g, '_')}.json`;
}

/** The document's path in the TLP:WHITE directory: `<year of its initial release>/<file name>`. */
export function csafPathOf(doc: CsafDocument): string {
  const t = doc.document.tracking;
  return `${t.initial_release_date.slice(0, 4)}/${csafFileName(t.id)}`;
}

/** The affected versions as `vers:semver` ranges, one per interval (the CVE record's intervals). */
export function affectedVersRanges(x: Affected): string[] {
  return cveVersionsOf(x).versions.map((v) => {
    if (v.versionType !== 'semver') return `vers:semver/${v.version}`;
    if (v.lessThan === undefined && v.lessThanOrEqual === undefined) return `vers:semver/${v.version}`;
    const parts: string[] = [];
    if (v.version !== '0') parts.push(`>=${v.version}`);
    if (v.lessThan !== undefined && v.lessThan !== '*') parts.push(`<${v.lessThan}`);
    if (v.lessThanOrEqual !== undefined) parts.push(`<=${v.lessThanOrEqual}`);
    return `vers:semver/${parts.length ? parts.join('|') : '*'}`;
  });
}

/** The official CWE names of the weaknesses the Working Group's core files cite (CSAF needs a name). */
const CWE_NAMES: Record<string, string> = {
  'CWE-115': 'Misinterpretation of Input',
  'CWE-226': 'Sensitive Information in Resource Not Removed Before Reuse',
  'CWE-400': 'Uncontrolled Resource Consumption',
  'CWE-419': 'Unprotected Primary Channel',
  'CWE-787': 'Out-of-bounds Write',
};

const CREDIT_WORDS: Record<CreditType, string> = {
  FINDER: 'found the vulnerability',
  REPORTER: 'reported the vulnerability',
  ANALYST: 'analysed the vulnerability',
  COORDINATOR: 'coordinated the disclosure',
  REMEDIATION_DEVELOPER: 'developed the fix',
  REMEDIATION_REVIEWER: 'reviewed the fix',
  REMEDIATION_VERIFIER: 'verified the fix',
  TOOL: 'tool that found the vulnerability',
  SPONSOR: 'sponsored the work',
  OTHER: 'contributed',
};

function time(text: string, field: string): string {
  const t = toTimestamp(text);
  if (!t) throw invalid(field, `is not a timestamp: ${JSON.stringify(text)}`);
  return t;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The title: the advisory's, else the first sentence of its details. */
function titleOf(a: Advisory): string {
  const own = a.title?.trim();
  if (own) return `${a.id}: ${own}`;
  const first = (a.details ?? '')
    .trim()
    .split(/(?<=[.!?])\s|\n/)[0]
    ?.trim();
  return first ? `${a.id}: ${clip(first, 160)}` : `${a.id}: Node.js vulnerability`;
}

function webUrl(text: string): string | null {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The product tree of Node.js: a range per affected interval, a version per fixed release. */
function productTree(a: Advisory) {
  const affected: Branch[] = [];
  const fixed: Branch[] = [];
  const seen = new Set<string>();
  for (const x of a.affected.filter((y) => y.ecosystem === 'node')) {
    for (const range of affectedVersRanges(x)) {
      if (seen.has(range)) continue;
      seen.add(range);
      const id = `NODE-AFFECTED-${affected.length + 1}`;
      affected.push({
        category: 'product_version_range',
        name: range,
        product: { name: `Node.js ${range.slice('vers:semver/'.length)}`, product_id: id },
      });
    }
    for (const v of fixedVersionsOf(x.patched)) {
      const id = `NODE-${v}`;
      if (seen.has(id)) continue;
      seen.add(id);
      fixed.push({ category: 'product_version', name: v, product: { name: `Node.js ${v}`, product_id: id } });
    }
  }
  return { affected, fixed };
}

function cvss3Of(a: Advisory): Cvss3 | null {
  const vector = a.cvss?.vector;
  if (!vector) return null;
  const version = cvssVersion(normalizeCvssVector(vector));
  if (version !== '3.0' && version !== '3.1') return null;
  const json = cvssJsonOf(vector);
  return json && typeof json.baseSeverity === 'string' ? (json as Cvss3) : null;
}

/** The revisions: the initial release, and an update when the advisory changed since. */
function revisions(initial: string, current: string) {
  const out = [{ number: '1', date: initial, summary: 'Initial release' }];
  if (current > initial) out.push({ number: '2', date: current, summary: 'Advisory updated' });
  return out;
}

/**
 * The CSAF 2.0 security advisory (`csaf_security_advisory`) of a Node.js core advisory. Throws
 * E_ADVISORY_INVALID naming the field for an npm advisory, a withdrawn one (not published as
 * CSAF: see docs/formats.md), or one that names no Node.js version.
 */
export function toCsaf(a: Advisory, publisher: CsafPublisher): CsafDocument {
  if (a.kind !== 'core' || !a.affected.some((x) => x.ecosystem === 'node'))
    throw invalid('kind', `${a.id} is not a Node.js core advisory`);
  if (a.withdrawn) throw invalid('withdrawn', `${a.id} is withdrawn`);
  const base = publisher.publicUrl.replace(/\/+$/, '');
  const modified = time(a.modified, 'modified');
  const initial = a.published ? time(a.published, 'published') : modified;
  // ISO 8601 UTC texts sort by time; a publication after the last modification is the current one
  const current = [modified, initial].sort().at(-1)!;
  const { affected, fixed } = productTree(a);
  if (!affected.length) throw invalid('affected', `${a.id} names no affected Node.js version`);
  const affectedIds = affected.map((b) => b.product!.product_id);
  const fixedIds = fixed.map((b) => b.product!.product_id);
  const page = `${base}/advisories/${encodeURIComponent(a.id)}`;
  const tracking = { id: a.id, initial_release_date: initial };
  const self = `${base}${CSAF_WHITE_PATH}/${initial.slice(0, 4)}/${csafFileName(tracking.id)}`;

  const notes: Note[] = [];
  const summary = a.title?.trim();
  if (summary) notes.push({ category: 'summary', title: 'Summary', text: summary });
  const details = a.details?.trim();
  if (details) notes.push({ category: 'description', title: 'Details', text: details });
  const recommendation = a.recommendation?.trim();
  if (recommendation) notes.push({ category: 'general', title: 'Recommendation', text: recommendation });
  const platforms = [...new Set(a.affected.flatMap((x) => x.platforms))].filter((p) => p && p !== 'all');
  if (platforms.length)
    notes.push({
      category: 'general',
      title: 'Platforms',
      text: `Affects Node.js on ${platforms.join(', ')}.`,
    });

  const references: CsafDocument['document']['references'] = [
    { category: 'self', summary: 'This CSAF document', url: self },
    { category: 'external', summary: `${a.id} in the ${CSAF_PUBLISHER_NAME} database`, url: page },
  ];
  const refUrls = new Set<string>();
  for (const r of a.references) {
    const url = webUrl(r.url);
    if (!url || refUrls.has(url)) continue;
    refUrls.add(url);
    references.push({ category: 'external', summary: r.type === 'FIX' ? 'Fix' : 'Reference', url });
  }
  const releaseNotes = a.references.map((r) => webUrl(r.url)).find((u) => u?.includes('nodejs.org'));

  const fixedWords = fixed.map((b) => b.name).join(', ');
  const remediation: CsafDocument['vulnerabilities'][number]['remediations'][number] = {
    category: 'vendor_fix',
    details: fixed.length
      ? `Upgrade Node.js to ${fixedWords}, or a later version of the same release line.`
      : 'Upgrade Node.js to a release line that is not affected.',
    product_ids: affectedIds,
    url: releaseNotes ?? page,
  };
  const cvss = cvss3Of(a);
  const weakness = a.weaknesses.find((w) => /^CWE-[1-9]\d{0,5}$/.test(w.id));
  const cweName = weakness ? (CWE_NAMES[weakness.id] ?? weakness.name?.trim()) : undefined;
  const otherIds = [
    { system_name: CSAF_PUBLISHER_NAME, text: a.id },
    ...a.aliases.filter((x) => !x.startsWith('CVE-')).map((text) => ({ system_name: 'alias', text })),
  ];
  const cves = a.aliases.filter((x) => /^CVE-\d{4}-\d{4,}$/.test(x));
  const vulnerabilities = (cves.length ? cves : [undefined]).map((cve) => ({
    ...(cve ? { cve } : {}),
    ids: otherIds,
    ...(weakness && cweName ? { cwe: { id: weakness.id, name: cweName } } : {}),
    notes: [{ category: 'description', title: 'Description', text: details || summary || titleOf(a) }],
    product_status: { known_affected: affectedIds, ...(fixedIds.length ? { fixed: fixedIds } : {}) },
    remediations: [remediation],
    ...(cvss ? { scores: [{ products: affectedIds, cvss_v3: cvss }] } : {}),
  }));

  const history = revisions(initial, current);
  const doc: CsafDocument = {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      lang: 'en',
      title: titleOf(a),
      publisher: {
        category: publisher.category ?? 'coordinator',
        name: publisher.name ?? CSAF_PUBLISHER_NAME,
        namespace: base,
      },
      distribution: { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } },
      references,
      tracking: {
        id: a.id,
        status: 'final',
        version: history.at(-1)!.number,
        initial_release_date: initial,
        current_release_date: current,
        revision_history: history,
      },
    },
    product_tree: {
      branches: [
        {
          category: 'vendor',
          name: 'Node.js',
          branches: [{ category: 'product_name', name: 'Node.js', branches: [...affected, ...fixed] }],
        },
      ],
    },
    vulnerabilities,
  };
  const severity = a.declaredSeverity?.trim().toLowerCase();
  if (severity && severity !== 'unknown')
    doc.document.aggregate_severity = { text: severity[0]!.toUpperCase() + severity.slice(1) };
  if (notes.length) doc.document.notes = notes;
  const credits = a.credits.filter((c) => c.name.trim());
  if (credits.length)
    doc.document.acknowledgments = credits.map((c) => ({
      names: [c.name.trim()],
      summary: CREDIT_WORDS[c.type] ?? 'contributed',
    }));
  return doc;
}
