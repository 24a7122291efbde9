import type { Advisory } from '../model.js';
import { nodeSeverityWord, severityOf, severityRank } from '../severity.js';
import { advisoryPageOf, type CsafDocument, csafDocument } from './csaf.js';
import {
  assertCsafPublishable,
  CSAF_PUBLISHER_NAME,
  type CsafPublisher,
  cvesOf,
  invalid,
  nodeProductTree,
  time,
  vulnerabilitiesOf,
  webUrl,
} from './csaf-parts.js';

// One document for a whole Node.js security release, as vendors publish one per release: what a
// scanner or distributor needs to know of that day in one file, next to the per-advisory documents.

/** A security release as its CSAF document names it. */
export interface CsafRelease {
  /** The document's tracking id, chosen by the caller: `NSWG-SR-2027-01-21`. */
  trackingId: string;
  /** The release's name: "Tuesday, January 21, 2027 security releases". */
  title: string;
  /** When the release was published (ISO 8601): the document's initial release. */
  releasedAt: string;
  /** The release announcement, once published: every remediation points to it. */
  announcementUrl: string | null;
  /** What the document says of the release as a whole; a sentence naming the count by default. */
  notes?: string;
}

// the schema's pattern for a tracking id: no surrounding white space; no control characters either,
// since the id becomes the file name
const TRACKING_ID = /^\S(?:[^\u0000-\u001f\u007f]*\S)?$/;

/** The release's fields a document can be made of; E_ADVISORY_INVALID naming the first that is not. */
function checkRelease(release: CsafRelease, advisories: readonly Advisory[]): void {
  if (!TRACKING_ID.test(release.trackingId) || release.trackingId.length > 200)
    throw invalid('trackingId', 'must be an id of up to 200 characters without surrounding spaces');
  if (!release.title.trim()) throw invalid('title', 'must not be empty');
  if (release.announcementUrl !== null && !webUrl(release.announcementUrl))
    throw invalid('announcementUrl', 'must be an http(s) URL');
  if (!advisories.length) throw invalid('advisories', 'a release document lists at least one advisory');
  const ids = new Set<string>();
  const cves = new Set<string>();
  for (const a of advisories) {
    assertCsafPublishable(a);
    if (ids.has(a.id)) throw invalid('advisories', `${a.id} is listed twice`);
    ids.add(a.id);
    // CSAF 6.1.23: a CVE names one vulnerability of a document
    for (const cve of cvesOf(a)) {
      if (cves.has(cve)) throw invalid('advisories', `${cve} is named by two advisories`);
      cves.add(cve);
    }
  }
}

/**
 * The CSAF 2.0 security advisory of a Node.js security release: one vulnerability per advisory (per
 * CVE of it), one product tree for all of them, the highest severity as the aggregate, and a
 * reference to each advisory. Throws E_ADVISORY_INVALID naming the field for an empty release,
 * an npm or withdrawn advisory, an advisory or CVE listed twice, or a malformed release field.
 */
export function toCsafRelease(
  release: CsafRelease,
  advisories: Advisory[],
  publisher: CsafPublisher,
): CsafDocument {
  checkRelease(release, advisories);
  const initial = time(release.releasedAt, 'releasedAt');
  // an advisory amended after the release amends the document; ISO 8601 UTC texts sort by time
  const current = [initial, ...advisories.map((a) => time(a.modified, 'modified'))].sort().at(-1)!;
  const { branches, products } = nodeProductTree(advisories);
  const announcement = release.announcementUrl === null ? null : webUrl(release.announcementUrl);
  const references: CsafDocument['document']['references'] = [];
  if (announcement)
    references.push({ category: 'external', summary: 'Release announcement', url: announcement });
  const vulnerabilities = advisories.flatMap((a) => {
    const page = advisoryPageOf(publisher, a.id);
    references.push({
      category: 'external',
      summary: `${a.id} in the ${CSAF_PUBLISHER_NAME} database`,
      url: page,
    });
    return vulnerabilitiesOf(a, products.get(a.id)!, {
      remediationUrl: announcement ?? page,
      fallbackText: `${a.id}: a Node.js vulnerability fixed in ${release.title.trim()}`,
      withCredits: true,
    });
  });
  const doc = csafDocument(
    {
      trackingId: release.trackingId,
      title: release.title.trim(),
      publisher,
      initial,
      current,
      update: 'An advisory of the release was updated',
      references,
    },
    branches,
    vulnerabilities,
  );
  const highest = advisories.map(severityOf).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
  if (highest !== 'info') {
    const word = nodeSeverityWord(highest);
    doc.document.aggregate_severity = { text: word[0]!.toUpperCase() + word.slice(1) };
  }
  const n = advisories.length;
  const text =
    release.notes?.trim() ||
    `${release.title.trim()}: ${n === 1 ? 'one vulnerability' : `${n} vulnerabilities`} of Node.js fixed.`;
  doc.document.notes = [{ category: 'summary', title: 'Summary', text }];
  return doc;
}
