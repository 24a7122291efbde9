import { NswgError } from '../errors.js';

// What the program asks of the npm registry: whether a package (and which versions of it) exists, for
// the intake of reports, and how often a package or a scope is downloaded, for the bug bounty's
// eligible modules. An admin may set the answer for a name by hand (an offline override): a server
// with no registry to ask, a registry that is wrong, and the tests, all rely on it.

/** What the registry says of a package: its published versions, that it has none, or nothing. */
export type PackageFacts =
  | { state: 'published'; versions: string[] }
  | { state: 'missing' }
  | { state: 'unknown' };

/** A package's (or a scope's) downloads over the last month, the last day counted, and who said so. */
export interface MonthlyDownloads {
  count: number;
  /** YYYY-MM-DD. */
  asOf: string;
  source: 'registry' | 'override';
}

/** The npm registry as the program asks it (the server composes the override, the upstream, or neither). */
export interface PackageRegistry {
  /** 'missing' only when the registry (or an override) says there is no such package; 'unknown' when nobody answered. */
  package(name: string): Promise<PackageFacts>;
  /** Downloads last month of a package, or of a whole scope (`@scope`: the sum of its packages); null when unknown. */
  monthlyDownloads(nameOrScope: string): Promise<MonthlyDownloads | null>;
}

/**
 * An admin's answer for one package or scope: its versions ([] says there is no such package; null
 * leaves it to the registry), its monthly downloads (null: the registry's), who set it and when.
 */
export interface RegistryOverride {
  name: string;
  versions: string[] | null;
  monthlyDownloads: number | null;
  setAt: string;
  setBy: string;
}

/** npm package names, new and legacy, with an optional scope; or a scope alone (`@scope`). */
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i;
const SCOPE = /^@[a-z0-9~-][a-z0-9._~-]*$/i;
const VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** True for a scope (`@scope`) rather than a package. */
export const isScope = (name: string): boolean => SCOPE.test(name);

/** Checks a package name or a scope from untrusted input (at most 214 characters, as npm allows). */
export function checkPackageOrScope(v: unknown, field = 'name'): string {
  const name = typeof v === 'string' ? v.trim() : '';
  if (!name || name.length > 214 || !(NAME.test(name) || SCOPE.test(name)))
    throw new NswgError('E_USAGE', `${field} must be an npm package name or a scope (@scope)`, { field });
  return name;
}

/**
 * Checks an override from untrusted input: `versions` (a list of semver versions, [] for "no such
 * package", null to leave them to the registry; not for a scope) and `monthlyDownloads` (a whole
 * number, null to leave it to the registry). At least one is given. Throws E_USAGE naming the field.
 */
export function validateOverride(
  name: string,
  input: { versions?: unknown; monthlyDownloads?: unknown },
): Pick<RegistryOverride, 'versions' | 'monthlyDownloads'> {
  let versions: string[] | null = null;
  if (input.versions !== undefined && input.versions !== null) {
    if (isScope(name))
      throw new NswgError('E_USAGE', 'versions are a package’s, not a scope’s', { field: 'versions' });
    if (!Array.isArray(input.versions) || input.versions.length > 10_000)
      throw new NswgError('E_USAGE', 'versions must be a list of at most 10000 versions', {
        field: 'versions',
      });
    versions = [];
    for (const [i, v] of input.versions.entries()) {
      if (typeof v !== 'string' || !VERSION.test(v.trim()))
        throw new NswgError('E_USAGE', `versions[${i}] is not a version: ${JSON.stringify(v)}`, {
          field: 'versions',
        });
      versions.push(v.trim().replace(/^v/, ''));
    }
    versions = [...new Set(versions)];
  }
  let monthlyDownloads: number | null = null;
  if (input.monthlyDownloads !== undefined && input.monthlyDownloads !== null) {
    const n = input.monthlyDownloads;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      throw new NswgError('E_USAGE', 'monthlyDownloads must be a whole number, 0 or more', {
        field: 'monthlyDownloads',
      });
    monthlyDownloads = n;
  }
  if (versions === null && monthlyDownloads === null)
    throw new NswgError('E_USAGE', 'an override sets versions, monthlyDownloads or both', {
      field: 'versions',
    });
  return { versions, monthlyDownloads };
}

/** The override's answer about a package, or null to ask the registry. */
export function overriddenPackage(o: RegistryOverride | null): PackageFacts | null {
  if (!o || o.versions === null) return null;
  return o.versions.length ? { state: 'published', versions: [...o.versions] } : { state: 'missing' };
}

/** The override's answer about downloads, or null to ask the registry. */
export function overriddenDownloads(o: RegistryOverride | null): MonthlyDownloads | null {
  if (!o || o.monthlyDownloads === null) return null;
  return { count: o.monthlyDownloads, asOf: o.setAt.slice(0, 10), source: 'override' };
}
