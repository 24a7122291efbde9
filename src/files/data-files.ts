import { readFileSync } from 'node:fs';
import { dataFile } from '../util/data-dir.js';

/** A JSON file of the package's data folder (data/), parsed. */
export function readDataJson(name: string): unknown {
  return JSON.parse(readFileSync(dataFile(name), 'utf8'));
}
