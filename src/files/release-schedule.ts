import type { ReleaseSchedule } from '../scan/node-check.js';
import { readDataJson } from './data-files.js';

// the schedule never changes while the process runs: read once, when first needed
let schedule: ReleaseSchedule | null = null;

/** The Node.js release schedule the package ships (data/node-release-schedule.json); no network. */
export function releaseSchedule(): ReleaseSchedule {
  schedule ??= (readDataJson('node-release-schedule.json') as { lines: ReleaseSchedule }).lines;
  return schedule;
}
