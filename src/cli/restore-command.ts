import { existsSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type AuditVerdict,
  anchorLine,
  deriveKeys,
  type ParsedAnchors,
  parseAnchors,
} from '../disclosure/index.js';
import { databaseSummary, resolveDbTarget, restoreDatabase } from '../store/index.js';
import { anchorFileOf, fileAnchorSink } from './audit-anchor.js';
import { checkedNotes, verdictText } from './audit-log-command.js';
import { contentsText } from './backup-command.js';
import { anchorFileOption, dbOption, formatOption, runs, secretFileOption } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';
import { writeStdout } from './output.js';
import { relativeFile } from './report-error.js';
import { defaultSecretFile, readServerSecret } from './secret.js';

export interface RestoreOptions extends DbOption {
  from: string;
  force?: boolean;
  secretFile?: string;
  auditAnchor?: string;
  format?: string;
}

/**
 * `nswg restore`: replaces the database with a backup, whole or not at all, then opens it (the schema
 * brought up to date) and checks its audit log with the server secret and the anchor file. The anchor
 * file may record entries written after the backup was taken: those are lost, and said so; the file
 * is then set aside (kept, renamed) and a new one begun at the restored head, since the entries
 * written from now on take the numbers of the lost ones. Exit 1 when the audit log is not intact.
 */
export async function restore(opts: RestoreOptions): Promise<void> {
  const target = resolveDbTarget(opts.db);
  const secret = readServerSecret(opts.secretFile);
  const secretFile = secret?.file ?? defaultSecretFile();
  const anchor = anchorFileOf(opts.auditAnchor, secretFile);
  await restoreDatabase(target, opts.from, { force: opts.force ?? false });
  await withDb({ db: opts.db ?? describeTargetArg(target) }, 'read', async (store) => {
    const summary = await databaseSummary(store.db);
    const keys = secret ? deriveKeys(secret.secret) : null;
    const known = await store.secretFingerprint();
    const otherSecret = keys && known && known !== keys.fingerprint;
    let anchors: ParsedAnchors | null = null;
    let lost: { seq: number; line: number } | null = null;
    if (existsSync(anchor.file)) {
      const read = parseAnchors((await fileAnchorSink(anchor.file).read?.()) ?? '');
      const ahead = read.anchors.filter((a) => a.seq > summary.auditHead.seq);
      const last = ahead.reduce<(typeof ahead)[number] | null>((m, a) => (m && m.seq >= a.seq ? m : a), null);
      if (last) lost = { seq: last.seq, line: last.line };
      anchors = { anchors: read.anchors.filter((a) => a.seq <= summary.auditHead.seq), bad: read.bad };
    }
    const verdict: AuditVerdict = await store.auditLog.verify({
      key: otherSecret ? null : (keys?.audit ?? null),
      anchors,
      db: store.name,
    });
    const notes = checkedNotes(verdict, otherSecret ? null : (secret?.file ?? null), secretFile, anchor.file);
    if (otherSecret)
      notes.unshift(
        `the backup was made under another server secret (fingerprint ${known}; ${secret!.file} has ${keys!.fingerprint}): put that secret file back before starting the server`,
      );
    let setAside: string | null = null;
    if (lost && verdict.ok) {
      notes.push(
        `the anchor file records entry ${lost.seq} (line ${lost.line}) but the backup ends at entry ${summary.auditHead.seq}: the ${lost.seq - summary.auditHead.seq} entries written after the backup was taken are not in it`,
      );
      setAside = `${anchor.file}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(anchor.file, setAside);
      } catch (e) {
        // an append-only file (chattr +a) cannot be renamed: the operator moves it
        notes.push(
          `the anchor file could not be set aside (${(e as Error).message}): move it yourself, keep it, then run nswg audit-log anchor`,
        );
        setAside = null;
        process.exitCode = 1;
      }
      if (setAside && keys && !otherSecret && summary.auditHead.seq > 0)
        await fileAnchorSink(anchor.file).append(
          anchorLine(keys.audit, summary.auditHead, new Date(), store.name),
        );
      if (setAside)
        notes.push(
          `the anchor file was set aside as ${relativeFile(setAside)}${keys && !otherSecret ? `, and ${relativeFile(anchor.file)} begun anew at entry ${summary.auditHead.seq}` : ''}`,
        );
    }
    if (opts.format === 'json')
      printJson({
        database: store.name,
        from: opts.from,
        ...summary,
        audit: verdict,
        anchorSetAside: setAside,
        notes,
      });
    else
      writeStdout(
        `restored ${store.name} from ${relativeFile(opts.from)} (schema ${summary.schema ?? '-'}): ${contentsText(summary)}\n` +
          verdictText(store.name, verdict, notes),
      );
    if (!verdict.ok || otherSecret) process.exitCode = 1;
  });
}

/** The `--db` value that names `target` again (the default file when none was given). */
function describeTargetArg(target: ReturnType<typeof resolveDbTarget>): string {
  return target.kind === 'sqlite' ? target.file : target.url;
}

/** Defines `nswg restore`. */
export function define(c: Command): void {
  const secret = 'the server secret, which authenticates the audit log';
  c.description(
    'replace the database with a backup (whole or not at all), bring its schema up to date and check its audit log',
  )
    .requiredOption('--from <file>', 'the backup file (made by nswg backup)')
    .option('--force', 'replace a database that is not empty')
    .addOption(secretFileOption(secret))
    .addOption(anchorFileOption())
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runs(restore));
}
