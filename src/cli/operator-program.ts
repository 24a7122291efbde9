import type { Command } from 'commander';
import { DisclosureProgram, LOCAL_ORIGIN, type Origin, systemClock } from '../disclosure/index.js';
import { OutboxMailer } from '../mail/index.js';
import type { Store } from '../store/index.js';
import { withAuditedDb } from './audit-anchor.js';
import { anchorFileOption, dbOption, formatOption, secretFileOption } from './command-kit.js';
import type { DbOption } from './context.js';

/** The options of a command the operator runs through the disclosure program (`nswg cve`, `nswg registry`). */
export interface OperatorOptions extends DbOption {
  secretFile?: string;
  auditAnchor?: string;
  format?: string;
}

/**
 * Runs a command through the disclosure program on the server's database, as the operator (`user@host`
 * in the audit log, anchored afterwards as the server does), from `userAgent` (the command). It sends
 * no mail: messages go to the outbox admins read.
 */
export function withOperatorProgram<T>(
  opts: OperatorOptions,
  userAgent: string,
  body: (program: DisclosureProgram, origin: Origin) => Promise<T>,
): Promise<T> {
  return withAuditedDb(opts, 'read', (store: Store) =>
    body(
      new DisclosureProgram({
        repo: store.reports,
        advisories: store.advisories,
        auditLog: store.auditLog,
        outbox: store.outbox,
        mailer: new OutboxMailer(store.outbox),
        clock: systemClock,
        links: {
          report: (id) => `/disclosure/reports/${id}`,
          invitation: () => '',
          credits: () => '/disclosure/credits',
          cveRequest: (id) => `/disclosure/cve-requests/${id}`,
          release: (id) => `/disclosure/releases/${id}`,
        },
        keys: store.keys!,
      }),
      { ...LOCAL_ORIGIN, userAgent },
    ),
  );
}

/** Adds the options every operator command takes: the database, the secret, the anchor file, the format. */
export function withOperatorOptions(c: Command): Command {
  return c
    .addOption(dbOption())
    .addOption(secretFileOption())
    .addOption(anchorFileOption())
    .addOption(formatOption(['text', 'json']));
}
