// Benchmark databases, built once and cached under .bench/ (gitignored): the seeded Working
// Group data (638 advisories), and the same plus 200,000 generated advisories over 50,000 names.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, seedBundled } from '../../dist/store/index.js';
import { generateAdvisories } from './generate.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CACHE = join(ROOT, '.bench');

async function build(file, extra) {
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  const store = await openStore({ kind: 'sqlite', file: tmp }, { mode: 'create' });
  await seedBundled(store);
  if (extra) await store.advisories.import(extra());
  await store.db
    .executeQuery({ sql: 'PRAGMA wal_checkpoint(TRUNCATE)', parameters: [], query: { kind: 'RawNode' } })
    .catch(() => {});
  await store.close();
  for (const suffix of ['-wal', '-shm']) rmSync(`${tmp}${suffix}`, { force: true });
  renameSync(tmp, file);
  return file;
}

/** The database with only the bundled Working Group advisories. */
export const seededDb = () => build(join(CACHE, 'wg-638.db'));

/** The bundled advisories plus 200,000 generated ones over 50,000 package names (real names first). */
export function largeDb({ count = 200_000, packages = 50_000 } = {}) {
  const realNames = [
    ...new Set(
      JSON.parse(readFileSync(join(ROOT, 'data', 'nswg-npm.json'), 'utf8')).map((a) => a.module_name),
    ),
  ].sort();
  return build(join(CACHE, `wg-plus-${count}.db`), () => generateAdvisories({ count, packages, realNames }));
}
