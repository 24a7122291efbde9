import type { Command } from 'commander';
import pc from 'picocolors';
import { formatProblem, NswgError } from '../errors.js';
import { type SyncResult, syncAdvisories } from '../sync/index.js';
import { dbOption, runs } from './command-kit.js';
import { type DbOption, withDb } from './context.js';
import { progress } from './progress.js';
import { relativeFile } from './report-error.js';

export interface SyncOptions extends DbOption {
  concurrency?: string;
}

/** The one line a sync ends with: what was read and what changed. */
export function syncLine(name: string, r: SyncResult): string {
  const s = r.imported;
  const parts = [
    `${r.read} records read`,
    `${s.added} added`,
    `${s.updated} updated`,
    `${s.unchanged} unchanged`,
    ...(s.older ? [`${s.older} kept (the local copy is newer)`] : []),
    ...(r.otherEcosystems ? [`${r.otherEcosystems} of other ecosystems skipped`] : []),
    ...(r.problems.length ? [`${r.problems.length} bad records left out`] : []),
  ];
  return `${name}: synced from ${r.source} (${r.layout}): ${parts.join(', ')}`;
}

/**
 * `nswg db sync SOURCE`: brings the database up to date with a source that publishes OSV (see
 * syncAdvisories): osv.dev's npm folder, another nswg server, a GitHub advisory database clone or
 * zip, a folder or zip of OSV files. Bad records are printed and left out (exit 1).
 */
export async function dbSync(from: string, opts: SyncOptions): Promise<void> {
  const concurrency = Number(opts.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new NswgError(
      'E_USAGE',
      `--concurrency must be from 1 to 64, not ${JSON.stringify(opts.concurrency)}`,
      { field: '--concurrency' },
    );
  }
  await withDb(opts, 'create', async (store) => {
    const onProgress = progress('fetching');
    const result = await syncAdvisories(store, from, { concurrency, ...(onProgress ? { onProgress } : {}) });
    for (const p of result.problems)
      process.stderr.write(`${pc.yellow('left out')} ${formatProblem(p, relativeFile)}\n`);
    process.stdout.write(`${syncLine(store.name, result)}\n`);
    if (result.problems.length) process.exitCode = 1;
  });
}

/** Defines `nswg db sync`. */
export function define(c: Command): void {
  c.description(
    'bring the database up to date with a source that publishes OSV: the first sync takes everything, later ones only what changed; one transaction',
  )
    .argument(
      '<source>',
      'an OSV folder (https://osv-vulnerabilities.storage.googleapis.com/npm/ or a local copy), another nswg server, a clone or zip of github/advisory-database, or a folder or zip of OSV files',
    )
    .option('--concurrency <n>', 'files fetched at a time', '8')
    .addOption(dbOption())
    .action(runs(dbSync));
}
