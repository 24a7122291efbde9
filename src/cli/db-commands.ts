import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import {
  type Advisory,
  assertNoErrors,
  CSAF_WELL_KNOWN,
  csafSite,
  freshnessLabel,
  OPENVEX_PATH,
  parseWgId,
  staleNpmData,
  staleNpmWarning,
  toNswgCore,
  toNswgNpm,
  toOpenVex,
  toOsv,
} from '../advisories/index.js';
import { csafReleasesOf } from '../disclosure/index.js';
import { formatProblem, NswgError } from '../errors.js';
import { dependencyList, readAdvisoryFiles } from '../files/index.js';
import { bundledMeta, type ImportSummary, SCHEMA_VERSION, seedBundled } from '../store/index.js';
import { dbOption, formatOption, runs } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';
import { progress } from './progress.js';
import { relativeFile } from './report-error.js';
import { define as defineSync } from './sync-command.js';

function printSummary(s: ImportSummary, name: string): void {
  process.stdout.write(
    `${name}: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged` +
      (s.older ? `, ${s.older} kept (the stored copy is newer)` : '') +
      '\n',
  );
}

/** `nswg db init`: creates the database and seeds it with the bundled Working Group advisories. */
export async function dbInit(opts: DbOption): Promise<void> {
  await withDb(opts, 'create', async (store) => {
    const s = await seedBundled(store, { onProgress: progress('seeding') });
    printSummary(s, store.name);
  });
}

/** `nswg db import <file|dir>…`: NSWG JSON or OSV, all-or-nothing in one transaction. */
export async function dbImport(paths: string[], opts: DbOption): Promise<void> {
  const read = readAdvisoryFiles(paths);
  for (const p of read.problems.filter((x) => x.level === 'warning')) {
    process.stderr.write(`${pc.yellow('warning')} ${formatProblem(p, relativeFile)}\n`);
  }
  assertNoErrors(read);
  if (!read.advisories.length) {
    throw new NswgError('E_ADVISORY_INVALID', `no advisories found in ${paths.join(', ')}`, {
      file: paths[0] ?? '',
    });
  }
  await withDb(opts, 'create', async (store) => {
    const onProgress = progress('importing');
    // the time of the import is written in its transaction: a kill -9 leaves both or neither
    const s = await store.advisories.import(
      read.advisories.map((r) => r.advisory),
      { ...(onProgress ? { onProgress } : {}), meta: () => ({ last_import: new Date().toISOString() }) },
    );
    printSummary(s, store.name);
  });
}

export interface ExportOptions extends DbOption {
  format: 'nswg' | 'osv' | 'openvex' | 'csaf';
  out: string;
  kind?: 'npm' | 'core';
  publicUrl?: string;
}

/**
 * `nswg db export`: the Working Group's layout (npm/<n>.json, core/<n>.json), one OSV file per
 * advisory, Node.js core's OpenVEX document, or a CSAF provider's directory, as the server publishes them.
 */
export async function dbExport(opts: ExportOptions): Promise<void> {
  if (opts.format === 'openvex' || opts.format === 'csaf') return exportPublished(opts);
  await withDb(opts, 'read', async (store) => {
    let written = 0;
    let skipped = 0;
    const made = new Set<string>();
    const dir = (d: string) => {
      if (!made.has(d)) mkdirSync(d, { recursive: true });
      made.add(d);
      return d;
    };
    for await (const a of store.advisories.all(opts.kind)) {
      if (opts.format === 'osv') {
        writeFileSync(join(dir(opts.out), `${a.id}.json`), `${JSON.stringify(toOsv(a), null, 2)}\n`);
        written++;
        continue;
      }
      const wg = parseWgId(a.id);
      if (!wg) {
        skipped++;
        continue;
      }
      const json = wg.kind === 'npm' ? toNswgNpm(a) : toNswgCore(a, { withId: false });
      writeFileSync(
        join(dir(join(opts.out, wg.kind)), `${wg.number}.json`),
        `${JSON.stringify(json, null, 2)}\n`,
      );
      written++;
    }
    process.stdout.write(`wrote ${written} advisories to ${relativeFile(opts.out)}\n`);
    if (skipped) {
      process.stdout.write(
        `skipped ${skipped} advisories from other databases (the Working Group format holds only NSWG ids; use --format osv)\n`,
      );
    }
  });
}

/** The public URL the documents name themselves by: a server's `--public-url`, checked. */
function publicUrlOf(opts: ExportOptions): string {
  const given = opts.publicUrl ?? '';
  let u: URL | null = null;
  try {
    u = new URL(given);
  } catch {}
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:'))
    throw new NswgError(
      'E_USAGE',
      `--format ${opts.format} needs --public-url: the http(s) URL the server that publishes the documents is reached at`,
      { field: '--public-url' },
    );
  return given.replace(/\/+$/, '');
}

/** Writes OpenVEX (`node.openvex.json`) or the CSAF provider's directory (`provider-metadata.json`, `white/…`). */
async function exportPublished(opts: ExportOptions): Promise<void> {
  const publicUrl = publicUrlOf(opts);
  await withDb(opts, 'read', async (store) => {
    const core: Advisory[] = [];
    for await (const a of store.advisories.all('core')) core.push(a);
    mkdirSync(opts.out, { recursive: true });
    if (opts.format === 'openvex') {
      const doc = toOpenVex(core, dependencyList(), {
        id: `${publicUrl}${OPENVEX_PATH}`,
        advisoryUrl: (id) => `${publicUrl}/advisories/${encodeURIComponent(id)}`,
        listModified: bundledMeta().commitDate,
      });
      if (!doc)
        throw new NswgError('E_NOT_FOUND', 'the database holds no Node.js core advisory: nothing to state', {
          field: '--db',
        });
      const file = join(opts.out, 'node.openvex.json');
      writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${doc.statements.length} statements to ${relativeFile(file)}\n`);
      return;
    }
    const releases = csafReleasesOf(
      await store.reports.publishedReleases(),
      (id) => `${publicUrl}/disclosure/releases/${encodeURIComponent(id)}`,
    );
    const site = csafSite(core, releases, { publicUrl }, new Date());
    const white = join(opts.out, 'white');
    for (const [path, text] of site.files) {
      mkdirSync(dirname(join(white, path)), { recursive: true });
      writeFileSync(join(white, path), text);
    }
    writeFileSync(join(white, 'index.txt'), site.index);
    writeFileSync(join(white, 'changes.csv'), site.changes);
    writeFileSync(join(opts.out, 'provider-metadata.json'), site.metadata);
    process.stdout.write(
      `wrote ${site.files.size} CSAF documents and the provider metadata to ${relativeFile(opts.out)} (serve it as ${publicUrl}${CSAF_WELL_KNOWN}/)\n`,
    );
  });
}

/** `nswg db validate`: every problem with file, field and reason; exit 1 when any is an error. */
export async function dbValidate(paths: string[], opts: { format?: string }): Promise<void> {
  const read = readAdvisoryFiles(paths);
  const errors = read.problems.filter((p) => p.level === 'error');
  const warnings = read.problems.filter((p) => p.level === 'warning');
  if (opts.format === 'json') {
    printJson({
      files: read.files,
      advisories: read.advisories.length,
      problems: read.problems.map((p) => ({ ...p, file: relativeFile(p.file) })),
    });
  } else {
    for (const p of read.problems) {
      const tag = p.level === 'error' ? pc.red('error') : pc.yellow('warning');
      process.stdout.write(`${formatProblem(p, relativeFile)} (${tag})\n`);
    }
    process.stdout.write(
      `${read.files} file${read.files === 1 ? '' : 's'}, ${read.advisories.length} valid advisories, ` +
        `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`,
    );
  }
  if (errors.length) process.exitCode = 1;
}

/** `nswg db stats`: what the database holds and where it came from. */
export async function dbStats(opts: DbOption & { format?: string }): Promise<void> {
  await withDb(opts, 'read', async (store) => {
    const stats = await store.advisories.stats();
    const meta = await store.meta.all();
    // against the clock: an audit today misses what was published since the newest npm advisory
    const staleNpm = staleNpmData(stats.freshness, new Date());
    const info = {
      database: store.name,
      engine: store.target.kind,
      schema: SCHEMA_VERSION,
      ...stats,
      staleNpm,
      meta,
    };
    if (opts.format === 'json') return printJson(info);
    const labels = stats.freshness.map(freshnessLabel);
    const width = Math.max(0, ...labels.map((l) => l.length));
    const newest = stats.freshness.map(
      (f, i) => `${labels[i]!.padEnd(width)}  ${f.newest.slice(0, 10)} (${f.advisories} advisories)`,
    );
    const lines = [
      `${pc.bold('database')}   ${store.name} (${store.target.kind}, schema ${SCHEMA_VERSION})`,
      `${pc.bold('advisories')} ${stats.total} (${Object.entries(stats.byKind)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')})`,
      `${pc.bold('packages')}   ${stats.packages} npm packages`,
      `${pc.bold('severity')}   ${['critical', 'high', 'moderate', 'low', 'info'].map((s) => `${stats.bySeverity[s] ?? 0} ${s}`).join(', ')}`,
      ...(newest.length
        ? newest.map((l, i) => `${i === 0 ? pc.bold('newest') : '      '}     ${l}`)
        : [`${pc.bold('newest')}     -`]),
    ];
    if (staleNpm) lines.push(pc.yellow(`${pc.bold('warning')}    ${staleNpmWarning(staleNpm)}`));
    if (stats.withdrawn) lines.push(`${pc.bold('withdrawn')}  ${stats.withdrawn}`);
    if (meta['seed.source'])
      lines.push(`${pc.bold('seeded')}     from ${meta['seed.source']} (${meta['seed.date']})`);
    if (meta.last_import) lines.push(`${pc.bold('imported')}   ${meta.last_import}`);
    const sync = lastSyncOf(meta.last_sync);
    if (sync) lines.push(`${pc.bold('synced')}     from ${sync.source} (${sync.at})`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/** The last sync's source and time, as `meta.last_sync` records them (null when never synced). */
function lastSyncOf(text: string | undefined): { source: string; at: string } | null {
  try {
    const v = JSON.parse(text ?? 'null') as { source?: unknown; url?: unknown; at?: unknown } | null;
    const source = typeof v?.source === 'string' ? v.source : typeof v?.url === 'string' ? v.url : null;
    return source && typeof v?.at === 'string' ? { source, at: v.at } : null;
  } catch {
    return null;
  }
}

/** Defines `nswg db` and its subcommands. */
export function define(db: Command): void {
  db.description('create, import, export, validate and inspect the advisory database');
  db.command('init')
    .description('create the database and seed it with the bundled Working Group advisories')
    .addOption(dbOption())
    .action(runs(dbInit));
  db.command('import')
    .description('import advisories (Working Group JSON or OSV, detected) all-or-nothing, in one transaction')
    .argument('<paths...>', 'files or directories of JSON files')
    .addOption(dbOption())
    .action(runs(dbImport));
  db.command('export')
    .description(
      'write every advisory (the Working Group layout, npm/<n>.json and core/<n>.json, or one OSV file each), OpenVEX for Node.js core, or a CSAF provider directory',
    )
    .addOption(
      formatOption(
        ['nswg', 'osv', 'openvex', 'csaf'],
        null,
        "nswg or osv (every advisory), openvex (Node.js core's node.openvex.json) or csaf (a CSAF provider's directory)",
      ),
    )
    .requiredOption('--out <dir>', 'directory to write into')
    .option('--public-url <url>', 'openvex and csaf: the URL of the server that publishes the documents')
    .addOption(new Option('--kind <kind>', 'only npm or only core advisories').choices(['npm', 'core']))
    .addOption(dbOption())
    .action(runs(dbExport));
  db.command('validate')
    .description(
      'check advisory files as the Working Group tools/vuln_valid does: every problem with file, field and reason; exit 1 on errors',
    )
    .argument('<paths...>', 'files or directories of JSON files')
    .addOption(formatOption(['text', 'json']))
    .action(runs(dbValidate));
  defineSync(db.command('sync'));
  db.command('stats')
    .description('what the database holds and where it came from')
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runs(dbStats));
}
