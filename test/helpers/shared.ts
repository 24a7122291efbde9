import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The shared lockfile fixtures with their known answers (copied from the workplace's shared folder
 * into test/fixtures/working-group, so that the suite runs from any clone).
 */
export const SHARED = join(ROOT, 'test', 'fixtures', 'working-group');

/** Reads and parses a JSON file. */
export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The Working Group's npm advisories, as published. */
export const wgNpm = (): Record<string, unknown>[] => readJson(join(ROOT, 'data', 'nswg-npm.json'));
/** The Working Group's core advisories, as published (with `id`). */
export const wgCore = (): Record<string, unknown>[] => readJson(join(ROOT, 'data', 'nswg-core.json'));
