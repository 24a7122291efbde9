import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type AuditVerdict, deriveKeys, type ParsedAnchors, parseAnchors } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { anchorFileOf, fileAnchorSink, withAuditedDb } from './audit-anchor.js';
import { anchorFileOption, dbOption, formatOption, runs, secretFileOption } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';
import { writeStdout } from './output.js';
import { defaultSecretFile, readServerSecret } from './secret.js';

export interface AuditLogVerifyOptions extends DbOption {
  format?: string;
  secretFile?: string;
  auditAnchor?: string;
}

/**
 * `nswg audit-log verify`: checks the disclosure audit log's hash chain, each entry's MAC with the
 * server secret, and the anchor file (every anchored entry still there with its hash, the log not
 * ending before the last one, every line's MAC right). Exit 0 when intact; 1 when tampered with,
 * naming the first bad entry; 2 on bad usage. Says what it could not check (no secret file, no
 * anchor file) rather than vouching for it.
 * Wire as: program.command('audit-log').command('verify').addOption(dbOption())
 *   .option('--secret-file <file>').option('--audit-anchor <file>')
 *   .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
 */
export async function auditLogVerify(opts: AuditLogVerifyOptions): Promise<void> {
  const secret = readServerSecret(opts.secretFile);
  const secretFile = secret?.file ?? defaultSecretFile();
  const anchor = anchorFileOf(opts.auditAnchor, secretFile);
  let anchors: ParsedAnchors | null = null;
  if (existsSync(anchor.file)) anchors = parseAnchors((await fileAnchorSink(anchor.file).read?.()) ?? '');
  else if (anchor.named)
    throw new NswgError('E_FILE_READ', `there is no audit anchor file at ${anchor.file}`, {
      file: anchor.file,
      field: '--audit-anchor',
    });
  await withDb(opts, 'read', async (store) => {
    const keys = secret ? deriveKeys(secret.secret) : null;
    const known = keys ? await store.secretFingerprint() : null;
    if (keys && known && known !== keys.fingerprint)
      throw new NswgError(
        'E_USAGE',
        `${store.name} was set up with another server secret (fingerprint ${known}, ${secret!.file} has ${keys.fingerprint}): give the server's secret file`,
        { field: '--secret-file', file: secret!.file },
      );
    const verdict = await store.auditLog.verify({ key: keys?.audit ?? null, anchors, db: store.name });
    const notes = checkedNotes(verdict, secret?.file ?? null, secretFile, anchor.file);
    if (opts.format === 'json')
      printJson({
        database: store.name,
        ...verdict,
        secretFile: secret?.file ?? null,
        anchorFile: anchors ? anchor.file : null,
        notes,
      });
    else writeStdout(verdictText(store.name, verdict, notes));
    if (!verdict.ok) process.exitCode = 1;
  });
}

/** What was checked and what could not be, one sentence each (nswg restore says it too). */
export function checkedNotes(
  v: AuditVerdict,
  secretFile: string | null,
  defaultSecret: string,
  anchorFile: string,
) {
  const notes: string[] = [];
  if (v.macs === 'checked') notes.push(`MACs: every entry's checked with the secret in ${secretFile}`);
  else if (v.macs === 'no-key')
    notes.push(
      `MACs: NOT checked: no secret file at ${defaultSecret} (give the server's with --secret-file)`,
    );
  else
    notes.push(
      'MACs: NOT checked: no entry carries one (the log was never opened with the server secret, or its MACs were removed)',
    );
  if (v.anchors === null)
    notes.push(
      `anchor: NOT checked: no anchor file at ${anchorFile} (give the server's with --audit-anchor)`,
    );
  else
    notes.push(
      `anchor: ${v.anchors} line${v.anchors === 1 ? '' : 's'} of ${anchorFile} checked${v.macs === 'no-key' ? ' (their MACs not: no secret)' : ''}`,
    );
  return notes;
}

export function verdictText(name: string, v: AuditVerdict, notes: string[]): string {
  const where = v.line ? ` (line ${v.line} of the anchor file)` : '';
  const head = v.ok
    ? `${name}: audit log intact (${v.entries} ${v.entries === 1 ? 'entry' : 'entries'})`
    : v.seq
      ? `${name}: audit log TAMPERED at entry ${v.seq}${where}: ${v.problem}`
      : `${name}: audit log TAMPERED${where}: ${v.problem}`;
  return `${head}\n${notes.map((n) => `  ${n}\n`).join('')}`;
}

/**
 * `nswg audit-log anchor`: appends the audit log's head to the anchor file (made when missing), after
 * sealing the entries written without the secret. For a database whose servers run elsewhere: run
 * it from cron on another machine, with its own anchor file there.
 */
export async function auditLogAnchor(opts: DbOption & { secretFile?: string; auditAnchor?: string }) {
  let said = '';
  await withAuditedDb(
    opts,
    'read',
    async (store, sink) => {
      if (store.auditSealing && !store.auditSealing.ok) process.exitCode = 1;
      const { seq } = await store.auditLog.head();
      said = seq
        ? `${store.name}: anchored entry ${seq} in ${sink.name}\n`
        : `${store.name}: the audit log is empty\n`;
    },
    true,
  );
  writeStdout(said);
}

/** Defines `nswg audit-log` and its subcommands. */
export function define(auditLog: Command): void {
  auditLog.description("the disclosure program's append-only audit log");
  const secret = 'the server secret, which authenticates the audit log';
  auditLog
    .command('verify')
    .description(
      'check the hash chain, every entry’s MAC and the anchor file: exit 0 when intact, 1 naming the first bad entry',
    )
    .addOption(secretFileOption(secret))
    .addOption(anchorFileOption())
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runs(auditLogVerify));
  auditLog
    .command('anchor')
    .description(
      "append the audit log's head to the anchor file (sealing entries written without the secret)",
    )
    .addOption(secretFileOption(secret))
    .addOption(anchorFileOption())
    .addOption(dbOption())
    .action(runs(auditLogAnchor));
}
