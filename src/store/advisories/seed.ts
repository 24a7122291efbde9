import { readFileSync } from 'node:fs';
import { assertNoErrors } from '../../advisories/index.js';
import { readAdvisoryFiles } from '../../files/index.js';
import { dataDir } from '../../util/data-dir.js';
import type { Store } from '../store.js';
import type { ImportOptions, ImportSummary } from './store.js';

/** The data directory the package ships (the Working Group's advisories, schemas, release schedule). */
export const BUNDLED_DATA = `${dataDir()}/`;

/** The snapshot the bundled data was taken from. */
export function bundledMeta(): { commit: string; commitDate: string; npmCount: number; coreCount: number } {
  return JSON.parse(readFileSync(`${BUNDLED_DATA}nswg-meta.json`, 'utf8'));
}

/** Imports the bundled Working Group advisories (467 npm, 171 core) and records the seed. */
export async function seedBundled(store: Store, opts: ImportOptions = {}): Promise<ImportSummary> {
  const meta = bundledMeta();
  const coreModified = new Date(meta.commitDate).toISOString().replace('.000Z', 'Z');
  const read = readAdvisoryFiles([`${BUNDLED_DATA}nswg-npm.json`, `${BUNDLED_DATA}nswg-core.json`], {
    coreModified,
  });
  assertNoErrors(read);
  const summary = await store.advisories.import(
    read.advisories.map((r) => r.advisory),
    opts,
  );
  await store.meta.set('seed.source', `nodejs/security-wg@${meta.commit}`);
  await store.meta.set('seed.date', meta.commitDate);
  await store.meta.set('seeded_at', new Date().toISOString());
  return summary;
}
