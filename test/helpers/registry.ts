import type { RegistryOverride } from '../../src/disclosure/index.js';
import type { Store } from '../../src/store/index.js';

/**
 * Sets an admin's answer for the registry straight in the database (no audit entry), as tests do for
 * packages and scopes nobody can ask a registry about: `versions` ([]: no such package) and/or
 * `monthlyDownloads`.
 */
export async function setRegistryOverride(
  store: Store,
  name: string,
  o: { versions?: string[] | null; monthlyDownloads?: number | null },
  setAt = '2026-01-01T00:00:00.000Z',
): Promise<RegistryOverride> {
  const override: RegistryOverride = {
    name,
    versions: o.versions ?? null,
    monthlyDownloads: o.monthlyDownloads ?? null,
    setAt,
    setBy: 'test-fixture',
  };
  await store.reports.transaction((tx) => tx.putRegistryOverride(override));
  return override;
}
