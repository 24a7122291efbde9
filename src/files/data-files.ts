import { readFileSync } from 'node:fs';
import { type OsvSchemaCheck, osvSchemaCheck } from '../advisories/osv-schema.js';
import type { Problem } from '../advisories/validate.js';
import type { ReleaseSchedule } from '../scan/node-check.js';
import { dataFile } from '../util/data-dir.js';

// The data files never change while the process runs: each is read once, when first needed.
let osvCheck: OsvSchemaCheck | null = null;
let schedule: ReleaseSchedule | null = null;

const readData = (name: string): unknown => JSON.parse(readFileSync(dataFile(name), 'utf8'));

/** Problems of an OSV record against the official OSV 1.7 JSON Schema the package ships; [] when it is valid. */
export function validateOsvSchema(record: unknown, prefix = ''): Problem[] {
  osvCheck ??= osvSchemaCheck(readData('schemas/osv-schema-1.7.json') as object);
  return osvCheck(record, prefix);
}

/** The Node.js release schedule the package ships (data/node-release-schedule.json); no network. */
export function releaseSchedule(): ReleaseSchedule {
  schedule ??= (readData('node-release-schedule.json') as { lines: ReleaseSchedule }).lines;
  return schedule;
}
