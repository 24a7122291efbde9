import type { AdvisorySource } from '../scan/index.js';
import type { AdvisoryReader } from '../store/advisories/sqlite-reader.js';

/** The read-only SQLite view as the audit's advisory source. */
export function readerSource(reader: AdvisoryReader): AdvisorySource {
  return {
    async describe() {
      const s = reader.summary();
      return {
        name: reader.name,
        source: s.source,
        newest: s.newest,
        advisories: s.total,
        freshness: s.freshness,
      };
    },
    forPackages: async (names, versions) => reader.forPackages(names, versions),
    core: async (version) => reader.core(version),
  };
}
