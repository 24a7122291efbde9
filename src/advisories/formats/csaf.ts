import type { Advisory } from '../model.js';
import {
  acknowledgmentsOf,
  assertCsafPublishable,
  baseOf,
  CSAF_PUBLISHER_NAME,
  type CsafAcknowledgment,
  type CsafBranch,
  type CsafNote,
  type CsafPublisher,
  type CsafVulnerability,
  nodeProductTree,
  publisherOf,
  releaseNotesOf,
  revisions,
  time,
  vulnerabilitiesOf,
  webUrl,
} from './csaf-parts.js';

export { affectedVersRanges, CSAF_PUBLISHER_NAME, type CsafPublisher } from './csaf-parts.js';

/** Where a provider publishes: its metadata, and the TLP:WHITE directory (CSAF 2.0 §7.1 requirements 7, 9, 11). */
export const CSAF_WELL_KNOWN = '/.well-known/csaf';
export const CSAF_PROVIDER_METADATA_PATH = `${CSAF_WELL_KNOWN}/provider-metadata.json`;
export const CSAF_WHITE_PATH = `${CSAF_WELL_KNOWN}/white`;

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
    notes?: CsafNote[];
    references: { category: 'self' | 'external'; summary: string; url: string }[];
    acknowledgments?: CsafAcknowledgment[];
    tracking: {
      id: string;
      status: 'final';
      version: string;
      initial_release_date: string;
      current_release_date: string;
      revision_history: { number: string; date: string; summary: string }[];
    };
  };
  product_tree: { branches: CsafBranch[] };
  vulnerabilities: CsafVulnerability[];
}

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
  return csafPath(t.id, t.initial_release_date);
}

const csafPath = (trackingId: string, initial: string): string =>
  `${initial.slice(0, 4)}/${csafFileName(trackingId)}`;

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

/** What a document says besides its vulnerabilities: built into one by `csafDocument`. */
export interface CsafFrame {
  trackingId: string;
  title: string;
  publisher: CsafPublisher;
  initial: string;
  current: string;
  /** The revision summary of an update after the initial release. */
  update: string;
  /** The external references, after the document's own (self) URL. */
  references: CsafDocument['document']['references'];
}

/** A document from its frame, product tree and vulnerabilities: the parts every document has, in one order. */
export function csafDocument(
  f: CsafFrame,
  branches: CsafBranch[],
  vulnerabilities: CsafVulnerability[],
): CsafDocument {
  const self = `${baseOf(f.publisher)}${CSAF_WHITE_PATH}/${csafPath(f.trackingId, f.initial)}`;
  const history = revisions(f.initial, f.current, f.update);
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      lang: 'en',
      title: f.title,
      publisher: publisherOf(f.publisher),
      distribution: { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } },
      references: [{ category: 'self', summary: 'This CSAF document', url: self }, ...f.references],
      tracking: {
        id: f.trackingId,
        status: 'final',
        version: history.at(-1)!.number,
        initial_release_date: f.initial,
        current_release_date: f.current,
        revision_history: history,
      },
    },
    product_tree: { branches },
    vulnerabilities,
  };
}

/** The page of an advisory on the server. */
export const advisoryPageOf = (publisher: CsafPublisher, id: string): string =>
  `${baseOf(publisher)}/advisories/${encodeURIComponent(id)}`;

/**
 * The CSAF 2.0 security advisory (`csaf_security_advisory`) of a Node.js core advisory. Throws
 * E_ADVISORY_INVALID naming the field for an npm advisory, a withdrawn one (not published as
 * CSAF: see docs/formats.md), or one that names no Node.js version.
 */
export function toCsaf(a: Advisory, publisher: CsafPublisher): CsafDocument {
  assertCsafPublishable(a);
  const modified = time(a.modified, 'modified');
  const initial = a.published ? time(a.published, 'published') : modified;
  // ISO 8601 UTC texts sort by time; a publication after the last modification is the current one
  const current = [modified, initial].sort().at(-1)!;
  const { branches, products } = nodeProductTree([a]);
  const page = advisoryPageOf(publisher, a.id);

  const notes: CsafNote[] = [];
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
    { category: 'external', summary: `${a.id} in the ${CSAF_PUBLISHER_NAME} database`, url: page },
  ];
  const refUrls = new Set<string>();
  for (const r of a.references) {
    const url = webUrl(r.url);
    if (!url || refUrls.has(url)) continue;
    refUrls.add(url);
    references.push({ category: 'external', summary: r.type === 'FIX' ? 'Fix' : 'Reference', url });
  }

  const vulnerabilities = vulnerabilitiesOf(a, products.get(a.id)!, {
    remediationUrl: releaseNotesOf(a) ?? page,
    fallbackText: titleOf(a),
    withCredits: false,
  });
  const frame = { trackingId: a.id, title: titleOf(a), publisher, initial, current, references };
  const doc = csafDocument({ ...frame, update: 'Advisory updated' }, branches, vulnerabilities);
  const severity = a.declaredSeverity?.trim().toLowerCase();
  if (severity && severity !== 'unknown')
    doc.document.aggregate_severity = { text: severity[0]!.toUpperCase() + severity.slice(1) };
  if (notes.length) doc.document.notes = notes;
  const credits = acknowledgmentsOf(a);
  if (credits.length) doc.document.acknowledgments = credits;
  return doc;
}
