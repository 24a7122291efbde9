import { NswgError } from '../../errors.js';
import { type CvssJson, cvssJsonOf, cvssVersion, normalizeCvssVector } from '../cvss.js';
import { fixedVersionsOf } from '../fixed-versions.js';
import type { Advisory, Affected, CreditType } from '../model.js';
import { toTimestamp } from '../model.js';
import { cveVersionsOf } from './cve-versions.js';

// What the CSAF documents of one advisory (csaf.ts) and of one security release (csaf-release.ts) are
// both made of: the product tree of Node.js, a vulnerability per CVE, the publisher and the revisions.

/** The Working Group, as the publisher of the documents. */
export const CSAF_PUBLISHER_NAME = 'Node.js Security Working Group';

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

export type CsafNote = { category: string; text: string; title?: string };
export type CsafBranch = {
  category: string;
  name: string;
  branches?: CsafBranch[];
  product?: { name: string; product_id: string };
};
export type CsafAcknowledgment = { names: string[]; summary: string };
type Cvss3 = CvssJson & { baseSeverity: string };

/** One vulnerability of a document: one CVE of an advisory (or the advisory itself when it has none). */
export interface CsafVulnerability {
  cve?: string;
  title?: string;
  ids?: { system_name: string; text: string }[];
  cwe?: { id: string; name: string };
  notes: CsafNote[];
  acknowledgments?: CsafAcknowledgment[];
  product_status: { known_affected: string[]; fixed?: string[] };
  remediations: { category: 'vendor_fix'; details: string; product_ids: string[]; url?: string }[];
  scores?: { products: string[]; cvss_v3: Cvss3 }[];
}

/** The products one advisory names in a product tree: its affected ranges and fixed versions. */
export interface AdvisoryProducts {
  affected: string[];
  fixed: string[];
  /** The fixed versions, for the remediation's words. */
  fixedVersions: string[];
}

export const invalid = (field: string, message: string): NswgError =>
  new NswgError('E_ADVISORY_INVALID', message, { field });

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

/** An ISO 8601 UTC timestamp of `text`; E_ADVISORY_INVALID naming `field` otherwise. */
export function time(text: string, field: string): string {
  const t = toTimestamp(text);
  if (!t) throw invalid(field, `is not a timestamp: ${JSON.stringify(text)}`);
  return t;
}

/** An http(s) URL, normalised; null for anything else. */
export function webUrl(text: string): string | null {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The publisher's URL without a trailing slash: the namespace and the base of every URL written. */
export const baseOf = (publisher: CsafPublisher): string => publisher.publicUrl.replace(/\/+$/, '');

/** The document's publisher block. */
export function publisherOf(publisher: CsafPublisher) {
  return {
    category: publisher.category ?? 'coordinator',
    name: publisher.name ?? CSAF_PUBLISHER_NAME,
    namespace: baseOf(publisher),
  };
}

/** The revisions: the initial release, and an update when something changed since. */
export function revisions(initial: string, current: string, update: string) {
  const out = [{ number: '1', date: initial, summary: 'Initial release' }];
  if (current > initial) out.push({ number: '2', date: current, summary: update });
  return out;
}

/** Throws E_ADVISORY_INVALID unless `a` is a published Node.js core advisory: CSAF covers no other. */
export function assertCsafPublishable(a: Advisory): void {
  if (a.kind !== 'core' || !a.affected.some((x) => x.ecosystem === 'node'))
    throw invalid('kind', `${a.id} is not a Node.js core advisory`);
  if (a.withdrawn) throw invalid('withdrawn', `${a.id} is withdrawn`);
}

/**
 * The product tree of Node.js for some advisories: a range per affected interval and a version per
 * fixed release, each defined once however many advisories name it (CSAF 6.1.2), ranges first.
 * Throws E_ADVISORY_INVALID for an advisory that names no affected Node.js version.
 */
export function nodeProductTree(advisories: readonly Advisory[]): {
  branches: CsafBranch[];
  products: Map<string, AdvisoryProducts>;
} {
  const affected: CsafBranch[] = [];
  const fixed: CsafBranch[] = [];
  const ids = new Map<string, string>();
  const products = new Map<string, AdvisoryProducts>();
  for (const a of advisories) {
    const own: AdvisoryProducts = { affected: [], fixed: [], fixedVersions: [] };
    for (const x of a.affected.filter((y) => y.ecosystem === 'node')) {
      for (const range of affectedVersRanges(x)) {
        let id = ids.get(range);
        if (!id) {
          id = `NODE-AFFECTED-${affected.length + 1}`;
          ids.set(range, id);
          affected.push({
            category: 'product_version_range',
            name: range,
            product: { name: `Node.js ${range.slice('vers:semver/'.length)}`, product_id: id },
          });
        }
        if (!own.affected.includes(id)) own.affected.push(id);
      }
      for (const v of fixedVersionsOf(x.patched)) {
        const id = `NODE-${v}`;
        if (!ids.has(id)) {
          ids.set(id, id);
          fixed.push({
            category: 'product_version',
            name: v,
            product: { name: `Node.js ${v}`, product_id: id },
          });
        }
        if (!own.fixed.includes(id)) {
          own.fixed.push(id);
          own.fixedVersions.push(v);
        }
      }
    }
    if (!own.affected.length) throw invalid('affected', `${a.id} names no affected Node.js version`);
    products.set(a.id, own);
  }
  const branches = [
    {
      category: 'vendor',
      name: 'Node.js',
      branches: [{ category: 'product_name', name: 'Node.js', branches: [...affected, ...fixed] }],
    },
  ];
  return { branches, products };
}

function cvss3Of(a: Advisory): Cvss3 | null {
  const vector = a.cvss?.vector;
  if (!vector) return null;
  const version = cvssVersion(normalizeCvssVector(vector));
  if (version !== '3.0' && version !== '3.1') return null;
  const json = cvssJsonOf(vector);
  return json && typeof json.baseSeverity === 'string' ? (json as Cvss3) : null;
}

/** Whom the advisory credits, and for what (none: []). */
export function acknowledgmentsOf(a: Advisory): CsafAcknowledgment[] {
  return a.credits
    .filter((c) => c.name.trim())
    .map((c) => ({ names: [c.name.trim()], summary: CREDIT_WORDS[c.type] ?? 'contributed' }));
}

/** The CVE ids among an advisory's aliases. */
export const cvesOf = (a: Advisory): string[] => a.aliases.filter((x) => /^CVE-\d{4}-\d{4,}$/.test(x));

/** The first release-notes page on nodejs.org an advisory references, if any. */
export const releaseNotesOf = (a: Advisory): string | undefined =>
  a.references.map((r) => webUrl(r.url)).find((u) => u?.includes('nodejs.org')) ?? undefined;

/**
 * The vulnerabilities of an advisory, one per CVE (CSAF names one CVE per vulnerability), over the
 * products `own` names. `remediationUrl` is where to read about the fix; `withCredits` puts the title
 * and acknowledgments on each vulnerability (a release document lists several advisories).
 */
export function vulnerabilitiesOf(
  a: Advisory,
  own: AdvisoryProducts,
  opts: { remediationUrl: string; fallbackText: string; withCredits: boolean },
): CsafVulnerability[] {
  const details = a.details?.trim();
  const summary = a.title?.trim();
  const remediation: CsafVulnerability['remediations'][number] = {
    category: 'vendor_fix',
    details: own.fixedVersions.length
      ? `Upgrade Node.js to ${own.fixedVersions.join(', ')}, or a later version of the same release line.`
      : 'Upgrade Node.js to a release line that is not affected.',
    product_ids: own.affected,
    url: opts.remediationUrl,
  };
  const cvss = cvss3Of(a);
  const weakness = a.weaknesses.find((w) => /^CWE-[1-9]\d{0,5}$/.test(w.id));
  const cweName = weakness ? (CWE_NAMES[weakness.id] ?? weakness.name?.trim()) : undefined;
  const otherIds = [
    { system_name: CSAF_PUBLISHER_NAME, text: a.id },
    ...a.aliases.filter((x) => !x.startsWith('CVE-')).map((text) => ({ system_name: 'alias', text })),
  ];
  const credits = opts.withCredits ? acknowledgmentsOf(a) : [];
  const cves = cvesOf(a);
  return (cves.length ? cves : [undefined]).map((cve) => ({
    ...(cve ? { cve } : {}),
    ...(opts.withCredits && summary ? { title: summary } : {}),
    ids: otherIds,
    ...(weakness && cweName ? { cwe: { id: weakness.id, name: cweName } } : {}),
    notes: [{ category: 'description', title: 'Description', text: details || summary || opts.fallbackText }],
    ...(credits.length ? { acknowledgments: credits } : {}),
    product_status: { known_affected: own.affected, ...(own.fixed.length ? { fixed: own.fixed } : {}) },
    remediations: [remediation],
    ...(cvss ? { scores: [{ products: own.affected, cvss_v3: cvss }] } : {}),
  }));
}
