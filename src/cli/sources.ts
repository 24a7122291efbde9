import type { AdvisorySource, DatabaseInfo } from '../scan/index.js';
import type { Store } from '../store/index.js';

/** The local database as the audit's advisory source. */
export function storeSource(store: Store): AdvisorySource {
  return {
    async describe(): Promise<DatabaseInfo> {
      const [summary, source] = await Promise.all([
        store.advisories.summary(),
        store.meta.get('seed.source'),
      ]);
      return {
        name: store.name,
        source,
        newest: summary.newest,
        advisories: summary.total,
        freshness: summary.freshness,
      };
    },
    forPackages: (names, versions) => store.advisories.forPackages(names, 'npm', versions),
    core: () => store.advisories.core(),
  };
}
