import { type Advisory, freshnessOfRecords, fromOsv, type OsvRecord } from '../advisories/index.js';
import type { AdvisorySource, DatabaseInfo } from '../scan/index.js';
import { inPool, RemoteServer } from '../sync/remote.js';

const BATCH = 1000;
const PARALLEL = 8;

/**
 * An nswg server as the audit's advisory source: OSV querybatch for which advisories affect which
 * package versions, then each advisory once by id. The findings are decided locally from the
 * records, exactly as with the local database.
 */
export function serverSource(base: string): AdvisorySource {
  const server = new RemoteServer(base, '--server');
  const records = new Map<string, Promise<Advisory>>();
  const fetchRecord = (id: string) => {
    let p = records.get(id);
    if (!p) {
      p = server.json<OsvRecord>(`v1/vulns/${encodeURIComponent(id)}`).then(fromOsv);
      records.set(id, p);
    }
    return p;
  };
  return {
    async describe(): Promise<DatabaseInfo> {
      const health = await server.json<{ advisories?: number }>('healthz');
      // each kind's index (modified,id per line, newest first) tells every source's newest advisory
      const rows = [];
      for (const kind of ['npm', 'core'] as const) {
        for (const line of (await server.text(`v1/export/${kind}/modified_id.csv`)).split('\n')) {
          const [modified, id] = line.split(',');
          if (modified && id) rows.push({ id, kind, modified });
        }
      }
      const freshness = freshnessOfRecords(rows);
      const newest = freshness
        .map((f) => f.newest)
        .reduce<string | null>((a, b) => (a && a > b ? a : b), null);
      return { name: base, source: 'nswg server', newest, advisories: health.advisories ?? 0, freshness };
    },
    async forPackages(names: readonly string[]): Promise<Map<string, Advisory[]>> {
      // querybatch answers per package version; asking with no version gives every advisory of the package
      const ids = new Set<string>();
      for (let i = 0; i < names.length; i += BATCH) {
        const queries = names.slice(i, i + BATCH).map((name) => ({ package: { name, ecosystem: 'npm' } }));
        const body = await server.postJson<{ results: { vulns?: { id: string }[] }[] }>('v1/querybatch', {
          queries,
        });
        for (const r of body.results) for (const v of r.vulns ?? []) ids.add(v.id);
      }
      const out = new Map<string, Advisory[]>();
      for (const a of await inPool([...ids], PARALLEL, fetchRecord)) {
        for (const x of a.affected) {
          if (x.ecosystem !== 'npm') continue;
          const l = out.get(x.name) ?? [];
          if (!l.includes(a)) l.push(a);
          out.set(x.name, l);
        }
      }
      return out;
    },
    async core(): Promise<Advisory[]> {
      const { unzipSync, strFromU8 } = await import('fflate');
      const zip = await server.bytes('v1/export/core/all.zip');
      return Object.values(unzipSync(zip)).map((bytes) => fromOsv(JSON.parse(strFromU8(bytes)) as OsvRecord));
    },
  };
}
