import type { Advisory } from '../model.js';
import {
  CSAF_PROVIDER_METADATA_PATH,
  CSAF_PUBLISHER_NAME,
  CSAF_WHITE_PATH,
  type CsafDocument,
  type CsafPublisher,
  csafPathOf,
  toCsaf,
} from './csaf.js';
import { type CsafRelease, toCsafRelease } from './csaf-release.js';

/** A CSAF 2.0 provider's metadata (§7.1.20), `provider-metadata.json`. */
export interface CsafProviderMetadata {
  canonical_url: string;
  distributions: { directory_url: string }[];
  last_updated: string;
  list_on_CSAF_aggregators: boolean;
  metadata_version: '2.0';
  mirror_on_CSAF_aggregators: boolean;
  publisher: { category: string; name: string; namespace: string };
  role: 'csaf_provider';
}

/**
 * The provider metadata of the server: one TLP:WHITE directory distribution, open to aggregators.
 * The role is `csaf_provider`: the documents are not signed, which a trusted provider's must be.
 * `lastUpdated` is the newest current release date of the documents (the data, not the clock).
 */
export function csafProviderMetadata(publisher: CsafPublisher, lastUpdated: string): CsafProviderMetadata {
  const base = publisher.publicUrl.replace(/\/+$/, '');
  return {
    canonical_url: `${base}${CSAF_PROVIDER_METADATA_PATH}`,
    distributions: [{ directory_url: `${base}${CSAF_WHITE_PATH}/` }],
    last_updated: lastUpdated,
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    publisher: {
      category: publisher.category ?? 'coordinator',
      name: publisher.name ?? CSAF_PUBLISHER_NAME,
      namespace: base,
    },
    role: 'csaf_provider',
  };
}

/** The documents in the order of changes.csv: newest current release first, ties by path. */
function newestFirst(docs: readonly CsafDocument[]): { path: string; date: string }[] {
  return docs
    .map((d) => ({ path: csafPathOf(d), date: d.document.tracking.current_release_date }))
    .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.path < b.path ? -1 : 1));
}

/** `index.txt` (§7.1 requirement 12): each document's path relative to the directory, one a line. */
export function csafIndexTxt(docs: readonly CsafDocument[]): string {
  return docs
    .map(csafPathOf)
    .sort()
    .map((p) => `${p}\n`)
    .join('');
}

/**
 * `changes.csv` (§7.1 requirement 13): `"path","current_release_date"` per document, newest first,
 * both fields quoted (RFC 4180), no header.
 */
export function csafChangesCsv(docs: readonly CsafDocument[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return newestFirst(docs)
    .map((r) => `${q(r.path)},${q(r.date)}\n`)
    .join('');
}

/** A published security release as the provider lists it: its document's fields and its advisories' ids. */
export interface CsafSiteRelease extends CsafRelease {
  advisoryIds: readonly string[];
}

/** What a provider publishes: the documents by path in the TLP:WHITE directory, the lists and the metadata. */
export interface CsafSite {
  files: Map<string, string>;
  index: string;
  changes: string;
  metadata: string;
}

/**
 * The whole TLP:WHITE directory of a provider: one document per Node.js core advisory that is not
 * withdrawn, and one per published security release (over those of its advisories the list holds),
 * with `index.txt`, `changes.csv` and `provider-metadata.json`. `now` dates the metadata only when
 * there is no document at all; otherwise the newest document does, so it changes with the data.
 */
export function csafSite(
  advisories: readonly Advisory[],
  releases: readonly CsafSiteRelease[],
  publisher: CsafPublisher,
  now: Date,
): CsafSite {
  const core = advisories.filter(
    (a) => a.kind === 'core' && !a.withdrawn && a.affected.some((x) => x.ecosystem === 'node'),
  );
  const byId = new Map(core.map((a) => [a.id, a]));
  const docs: CsafDocument[] = core.map((a) => toCsaf(a, publisher));
  for (const r of releases) {
    const listed = r.advisoryIds.map((id) => byId.get(id)).filter((a): a is Advisory => !!a);
    if (listed.length) docs.push(toCsafRelease(r, listed, publisher));
  }
  const files = new Map(docs.map((d) => [csafPathOf(d), `${JSON.stringify(d, null, 2)}\n`]));
  const newest = docs
    .map((d) => d.document.tracking.current_release_date)
    .sort()
    .at(-1);
  const metadata = csafProviderMetadata(publisher, newest ?? now.toISOString().replace('.000Z', 'Z'));
  return {
    files,
    index: csafIndexTxt(docs),
    changes: csafChangesCsv(docs),
    metadata: `${JSON.stringify(metadata, null, 2)}\n`,
  };
}
