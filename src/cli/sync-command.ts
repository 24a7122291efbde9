import type { Command } from 'commander';
import { type Advisory, fromOsv, idFromOsv, type OsvRecord } from '../advisories/index.js';
import { isNswgError, NswgError } from '../errors.js';
import { validateOsvSchema } from '../files/osv-schema-file.js';
import { openAdvisoryReads } from '../store/advisories/reads.js';
import { dbOption, runs } from './command-kit.js';
import { type DbOption, withDb } from './context.js';
import { progress } from './progress.js';
import { inPool, RemoteServer } from './remote.js';

export interface SyncOptions extends DbOption {
  concurrency?: string;
}

/** The lines `<modified>,<id>` of a modified_id.csv, as (internal id, modified). */
export function parseModifiedCsv(text: string, source: string): { id: string; modified: string }[] {
  const out: { id: string; modified: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const comma = line.indexOf(',');
    const modified = line.slice(0, comma).trim();
    const id = line.slice(comma + 1).trim();
    if (comma < 0 || !id || Number.isNaN(Date.parse(modified))) {
      throw new NswgError('E_REMOTE', `not a "<modified>,<id>" line: ${JSON.stringify(line.slice(0, 100))}`, {
        file: source,
        line: i + 1,
      });
    }
    out.push({ id: idFromOsv(id), modified });
  });
  return out;
}

/**
 * `nswg db sync URL`: mirrors another nswg server incrementally. Its modified_id.csv (npm and
 * core) says what it holds; only the advisories that are new here or modified there since are
 * fetched (/v1/vulns/{id}), and all of them are imported in one transaction.
 */
export async function dbSync(url: string, opts: SyncOptions): Promise<void> {
  const server = new RemoteServer(url, 'URL');
  const base = server.base;
  const concurrency = Number(opts.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new NswgError(
      'E_USAGE',
      `--concurrency must be from 1 to 64, not ${JSON.stringify(opts.concurrency)}`,
      { field: '--concurrency' },
    );
  }
  await withDb(opts, 'create', async (store) => {
    const reads = await openAdvisoryReads(store);
    let local: Map<string, string>;
    try {
      local = new Map((await reads.modifiedIndex()).map((r) => [r.id, r.modified]));
    } finally {
      reads.close();
    }
    const remote: { id: string; modified: string }[] = [];
    for (const kind of ['npm', 'core']) {
      const path = `v1/export/${kind}/modified_id.csv`;
      remote.push(...parseModifiedCsv(await server.text(path), server.url(path).href));
    }
    const wanted = remote.filter((r) => {
      const mine = local.get(r.id);
      return mine === undefined || Date.parse(r.modified) > Date.parse(mine);
    });
    const onProgress = progress('fetching');
    const fetched = await inPool(
      wanted,
      concurrency,
      async (r): Promise<Advisory> => {
        const path = `v1/vulns/${encodeURIComponent(r.id)}`;
        const source = server.url(path).href;
        const record = await server.json<OsvRecord>(path);
        const problems = validateOsvSchema(record, '').filter((p) => p.level === 'error');
        if (problems.length)
          throw new NswgError(
            'E_REMOTE',
            `not a valid OSV record: ${problems[0]!.field}: ${problems[0]!.message}`,
            { file: source },
          );
        try {
          const a = fromOsv(record);
          if (a.id !== r.id)
            throw new NswgError('E_REMOTE', `asked for ${r.id}, got ${a.id}`, { file: source });
          return a;
        } catch (e) {
          throw isNswgError(e) ? e.inFile(source) : e;
        }
      },
      onProgress && ((done) => onProgress(done, wanted.length)),
    );
    const summary = fetched.length
      ? await store.advisories.import(fetched)
      : { added: 0, updated: 0, unchanged: 0, older: 0 };
    await store.meta.set(
      'last_sync',
      JSON.stringify({ url: base.href, at: new Date().toISOString(), fetched: fetched.length }),
    );
    process.stdout.write(
      `${store.name}: ${remote.length} advisories at ${base.href}, ${fetched.length} fetched ` +
        `(${summary.added} added, ${summary.updated} updated${summary.older ? `, ${summary.older} kept: the local copy is newer` : ''}), ` +
        `${remote.length - wanted.length} already up to date\n`,
    );
  });
}

/** Defines `nswg db sync`. */
export function define(c: Command): void {
  c.description(
    'mirror another nswg server: fetch only the advisories new or modified there, import them in one transaction',
  )
    .argument('<url>', "the server's URL, e.g. https://nswg.example.org/")
    .option('--concurrency <n>', 'requests at a time', '8')
    .addOption(dbOption())
    .action(runs(dbSync));
}
