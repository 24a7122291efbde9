import { type Advisory, fromOsv, type OsvRecord } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import type { AdvisorySource, DatabaseInfo } from '../scan/index.js';

const BATCH = 1000;
const PARALLEL = 8;

async function request(base: string, path: string, init?: RequestInit): Promise<Response> {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new NswgError(
      'E_REMOTE',
      `cannot reach the nswg server at ${url.origin}: ${(e as Error).cause ? String((e as Error & { cause: unknown }).cause) : (e as Error).message}`,
      { field: '--server' },
    );
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw new NswgError(
      'E_REMOTE',
      `${init?.method ?? 'GET'} ${url.pathname} answered ${res.status}: ${text.slice(0, 200)}`,
      { field: '--server' },
    );
  }
  return res;
}

/**
 * An nswg server as the audit's advisory source: OSV querybatch for which advisories affect which
 * package versions, then each advisory once by id. The findings are decided locally from the
 * records, exactly as with the local database.
 */
export function serverSource(base: string): AdvisorySource {
  const records = new Map<string, Promise<Advisory>>();
  const fetchRecord = (id: string) => {
    let p = records.get(id);
    if (!p) {
      p = request(base, `v1/vulns/${encodeURIComponent(id)}`).then(async (r) =>
        fromOsv((await r.json()) as OsvRecord),
      );
      records.set(id, p);
    }
    return p;
  };
  return {
    async describe(): Promise<DatabaseInfo> {
      const health = (await (await request(base, 'healthz')).json()) as { advisories?: number };
      const csv = await (await request(base, 'v1/export/npm/modified_id.csv')).text();
      const newest = csv.split('\n', 1)[0]?.split(',')[0] || null;
      return { name: base, source: 'nswg server', newest, advisories: health.advisories ?? 0 };
    },
    async forPackages(names: readonly string[]): Promise<Map<string, Advisory[]>> {
      // querybatch answers per package version; asking with no version gives every advisory of the package
      const ids = new Set<string>();
      for (let i = 0; i < names.length; i += BATCH) {
        const queries = names.slice(i, i + BATCH).map((name) => ({ package: { name, ecosystem: 'npm' } }));
        const body = (await (
          await request(base, 'v1/querybatch', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ queries }),
          })
        ).json()) as {
          results: { vulns?: { id: string }[] }[];
        };
        for (const r of body.results) for (const v of r.vulns ?? []) ids.add(v.id);
      }
      const list = [...ids];
      const out = new Map<string, Advisory[]>();
      for (let i = 0; i < list.length; i += PARALLEL) {
        for (const a of await Promise.all(list.slice(i, i + PARALLEL).map(fetchRecord))) {
          for (const x of a.affected) {
            if (x.ecosystem !== 'npm') continue;
            const l = out.get(x.name) ?? [];
            if (!l.includes(a)) l.push(a);
            out.set(x.name, l);
          }
        }
      }
      return out;
    },
    async core(): Promise<Advisory[]> {
      const { unzipSync, strFromU8 } = await import('fflate');
      const zip = new Uint8Array(await (await request(base, 'v1/export/core/all.zip')).arrayBuffer());
      return Object.values(unzipSync(zip)).map((bytes) => fromOsv(JSON.parse(strFromU8(bytes)) as OsvRecord));
    },
  };
}
