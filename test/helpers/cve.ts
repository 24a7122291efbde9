import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { CveRecord } from '../../src/disclosure/index.js';
import type { Store } from '../../src/store/index.js';
import { ROOT, readJson } from './shared.js';

const require = createRequire(import.meta.url);
let compiled: ValidateFunction | null = null;
/** The official CVE JSON 5.1 schema (draft-07)'s complaints about a record: none when it is valid. */
export function cveSchemaErrors(record: unknown): string[] {
  if (!compiled) {
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(readJson(join(ROOT, 'data', 'schemas', 'cve-record-format-5.1-bundled.json')));
  }
  if (compiled(record)) return [];
  return (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

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
