import {
  isScope,
  type MonthlyDownloads,
  overriddenDownloads,
  overriddenPackage,
  type PackageFacts,
  type PackageRegistry,
  type RegistryOverride,
} from '../../disclosure/index.js';

/** Where the server learns about npm packages: the admins' overrides, the upstream registry, the downloads API. */
export interface RegistryFactsSources {
  overrides: { registryOverride(name: string): Promise<RegistryOverride | null> };
  /** The npm registry (package metadata, and the search that lists a scope's packages); null: none. */
  upstream: string | null;
  /** npm's downloads API (https://api.npmjs.org); null: none. */
  downloadsApi: string | null;
  /** Today, for a count the downloads API gives without its day. */
  clock: { now(): Date };
  /** How long one answer may take (default 10 s). */
  timeoutMs?: number;
}

/** The most of one answer that is read: a package's abbreviated metadata stays well under it. */
const MAX_BODY = 64 << 20;
/** The most packages of a scope whose downloads are added up (npm's search gives at most 250 a page). */
const MAX_SCOPE_PACKAGES = 250;

/**
 * The npm registry as the program asks it: an admin's override answers first; then the upstream
 * registry (a 404 says there is no such package; anything else it could not say is "unknown", which
 * stops no report) and the downloads API; with neither, nothing is known.
 */
export function registryFacts(s: RegistryFactsSources): PackageRegistry {
  const timeout = s.timeoutMs ?? 10_000;
  const getJson = async (
    url: URL,
    accept = 'application/json',
  ): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(timeout) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { status: res.status, body: null };
    }
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_BODY) {
      await res.body?.cancel();
      throw new Error('answer too large');
    }
    const text = await res.text();
    if (text.length > MAX_BODY) throw new Error('answer too large');
    return { status: 200, body: JSON.parse(text) as unknown };
  };
  const under = (base: string, path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`);

  const pointDownloads = async (name: string): Promise<MonthlyDownloads | null> => {
    const got = await getJson(under(s.downloadsApi!, `downloads/point/last-month/${name}`));
    const b = got.body as { downloads?: unknown; end?: unknown } | null;
    if (got.status === 404) return { count: 0, asOf: '', source: 'registry' };
    if (!b || typeof b.downloads !== 'number' || typeof b.end !== 'string') return null;
    return { count: b.downloads, asOf: b.end, source: 'registry' };
  };

  return {
    async package(name): Promise<PackageFacts> {
      const o = overriddenPackage(await s.overrides.registryOverride(name));
      if (o) return o;
      if (!s.upstream) return { state: 'unknown' };
      try {
        const got = await getJson(
          under(s.upstream, name.replace('/', '%2f')),
          'application/vnd.npm.install-v1+json',
        );
        if (got.status === 404) return { state: 'missing' };
        const versions = (got.body as { versions?: unknown } | null)?.versions;
        if (!versions || typeof versions !== 'object') return { state: 'unknown' };
        return { state: 'published', versions: Object.keys(versions) };
      } catch {
        return { state: 'unknown' };
      }
    },

    async monthlyDownloads(name) {
      const o = overriddenDownloads(await s.overrides.registryOverride(name));
      if (o) return o;
      if (!s.downloadsApi) return null;
      try {
        if (!isScope(name)) {
          const d = await pointDownloads(name);
          return d && (d.asOf ? d : { ...d, asOf: s.clock.now().toISOString().slice(0, 10) });
        }
        // a scope: its packages from the registry's search, each counted (the bulk API takes no scoped names)
        if (!s.upstream) return null;
        const found = await getJson(
          under(
            s.upstream,
            `-/v1/search?text=${encodeURIComponent(`scope:${name.slice(1)}`)}&size=${MAX_SCOPE_PACKAGES}`,
          ),
        );
        const objects = (found.body as { objects?: { package?: { name?: unknown } }[] } | null)?.objects;
        if (!Array.isArray(objects)) return null;
        const names = objects
          .map((x) => x.package?.name)
          .filter((n): n is string => typeof n === 'string' && n.startsWith(`${name}/`))
          .slice(0, MAX_SCOPE_PACKAGES);
        let count = 0;
        let asOf = '';
        for (let i = 0; i < names.length; i += 4) {
          const part = await Promise.all(names.slice(i, i + 4).map(pointDownloads));
          for (const d of part) {
            if (!d) return null;
            count += d.count;
            if (d.asOf > asOf) asOf = d.asOf;
          }
        }
        return { count, asOf: asOf || s.clock.now().toISOString().slice(0, 10), source: 'registry' };
      } catch {
        return null;
      }
    },
  };
}
