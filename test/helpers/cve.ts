import type { CveRecord } from '../../src/disclosure/index.js';
import type { Store } from '../../src/store/index.js';

/**
 * Records a block of CVE ids straight in the database (no audit entry), as test worlds start with one:
 * every publication takes a CVE id, and tests about something else should not have to bring one.
 * `CVE-<year>-<first>` onwards, `count` ids.
 */
export async function seedCveBlock(
  store: Store,
  count: number,
  year = 2026,
  first = 9000,
): Promise<string[]> {
  const ids: CveRecord[] = [];
  for (let i = 0; i < count; i++)
    ids.push({
      id: `CVE-${year}-${first + i}`,
      year,
      state: 'available',
      source: 'block',
      reportId: null,
      requestId: null,
      receivedAt: '2026-01-01T00:00:00.000Z',
      receivedBy: 'test-fixture',
      assignedAt: null,
      announcedAt: null,
      closedAt: null,
      pastYearFlaggedAt: null,
    });
  await store.reports.transaction((tx) => tx.addCveIds(ids));
  return ids.map((c) => c.id);
}

/** A valid request of an npm package fixed outside the program. */
export const requestInput = (over: Record<string, unknown> = {}) => ({
  kind: 'npm',
  packageName: 'left-padder',
  affectedVersions: '<2.3.1',
  fixedVersions: '>=2.3.1',
  title: 'Prototype pollution in left-padder options',
  description: 'Merging user options into the defaults lets __proto__ keys through to Object.prototype.',
  cwe: 'CWE-1321',
  cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N',
  references: ['https://github.com/example/left-padder/commit/abc123'],
  ...over,
});
