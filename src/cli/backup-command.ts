import type { Command } from 'commander';
import { type BackupSummary, backupDatabase, describeTarget, resolveDbTarget } from '../store/index.js';
import { dbOption, formatOption, runs } from './command-kit.js';
import { type DbOption, printJson } from './context.js';
import { writeStdout } from './output.js';
import { relativeFile } from './report-error.js';

export interface BackupOptions extends DbOption {
  out: string;
  format?: string;
}

/** A size as a person reads it. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What a backup or a restored database holds, in one line. */
export function contentsText(s: BackupSummary): string {
  const head = s.auditHead.seq ? `, head entry ${s.auditHead.seq} ${s.auditHead.hash.slice(0, 16)}…` : '';
  return (
    `${s.advisories} advisories, ${s.reports} reports (${s.attachments} attachments), ` +
    `${s.auditEntries} audit log entries${head}`
  );
}

/**
 * `nswg backup`: a consistent copy of the whole database (advisories, reports and their attachments,
 * accounts, the audit log) at one point in time, taken while the server goes on running.
 */
export async function backup(opts: BackupOptions): Promise<void> {
  const target = resolveDbTarget(opts.db);
  const s = await backupDatabase(target, opts.out);
  const name = describeTarget(target);
  if (opts.format === 'json') return printJson({ database: name, file: opts.out, ...s });
  writeStdout(
    `backed up ${name} to ${relativeFile(opts.out)} (${sizeText(s.bytes)}, schema ${s.schema ?? '-'}): ${contentsText(s)}\n` +
      '  not in it: the server secret file and the audit anchor file; keep copies of those apart (docs/backups.md)\n',
  );
}

/** Defines `nswg backup`. */
export function define(c: Command): void {
  c.description(
    'write a consistent backup of the whole database while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump)',
  )
    .requiredOption('--out <file>', 'the backup file to write (replaced whole once complete)')
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runs(backup));
}
