import { type DependencyAssessment, parseDependencyList } from '../advisories/index.js';
import { readDataJson } from './data-files.js';

// the list ships with the package and never changes while the process runs: read once, when first needed
let list: DependencyAssessment[] | null = null;

/**
 * The Working Group's dependency CVEs that do not reach Node.js (data/nswg-deps.json, its
 * vuln/deps/index.json), checked; a bad entry is an E_ADVISORY_INVALID error naming it.
 */
export function dependencyList(): DependencyAssessment[] {
  list ??= parseDependencyList(readDataJson('nswg-deps.json'), 'data/nswg-deps.json');
  return list;
}
