import { type DbOption, printJson, withDb } from './context.js';

export interface AuditLogVerifyOptions extends DbOption {
  format?: string;
}

/**
 * `nswg audit-log verify`: checks the disclosure audit log's hash chain. Exit 0 when intact; exit 1
 * when an entry was edited, inserted or deleted, naming the first bad entry.
 * Wire as: program.command('audit-log').command('verify').addOption(dbOption())
 *   .addOption(new Option('--format <format>').choices(['text', 'json']).default('text'))
 */
export async function auditLogVerify(opts: AuditLogVerifyOptions): Promise<void> {
  await withDb(opts, 'read', async (store) => {
    const verdict = await store.auditLog.verify();
    if (opts.format === 'json') printJson(verdict);
    else if (verdict.ok)
      process.stdout.write(`${store.name}: audit log intact (${verdict.entries} entries)\n`);
    else
      process.stdout.write(`${store.name}: audit log TAMPERED at entry ${verdict.seq}: ${verdict.problem}\n`);
    if (!verdict.ok) process.exitCode = 1;
  });
}
