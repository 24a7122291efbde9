import type { PackageRegistry } from '../../disclosure/index.js';

/**
 * The upstream npm registry as the program asks it whether a package exists: a GET of the package's
 * abbreviated metadata. Only a 404 says no; a registry that does not answer within five seconds, or
 * answers anything else, does not stop a report.
 */
export function upstreamPackages(upstream: string): PackageRegistry {
  const base = upstream.endsWith('/') ? upstream : `${upstream}/`;
  return {
    async hasPackage(name) {
      const url = new URL(name.replace('/', '%2f'), base);
      try {
        const res = await fetch(url, {
          method: 'GET',
          headers: { accept: 'application/vnd.npm.install-v1+json' },
          signal: AbortSignal.timeout(5000),
        });
        await res.body?.cancel();
        return res.status !== 404;
      } catch {
        return true;
      }
    },
  };
}
