import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | null = null;

/**
 * The package's data directory (the Working Group's advisories, schemas, release schedule): the
 * `data/` folder next to package.json, found by walking up from this module, so that it is found
 * from the compiled files and from the bundled command alike.
 */
export function dataDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'data', 'nswg-meta.json')) && existsSync(join(dir, 'package.json'))) {
      found = join(dir, 'data');
      return found;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('the nswg data directory is missing from the installed package');
    dir = up;
  }
}

/** A file in the data directory. */
export const dataFile = (name: string): string => join(dataDir(), name);
