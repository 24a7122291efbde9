import { type OsvSchemaCheck, osvSchemaCheck } from '../advisories/osv-schema.js';
import type { Problem } from '../advisories/validate.js';
import { readDataJson } from './data-files.js';

// the schema never changes while the process runs: read and compiled once, when first needed
let check: OsvSchemaCheck | null = null;

/** Problems of an OSV record against the official OSV 1.7 JSON Schema the package ships; [] when it is valid. */
export function validateOsvSchema(record: unknown, prefix = ''): Problem[] {
  check ??= osvSchemaCheck(readDataJson('schemas/osv-schema-1.7.json') as object);
  return check(record, prefix);
}
