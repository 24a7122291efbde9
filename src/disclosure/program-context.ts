import { randomUUID } from 'node:crypto';
import { NswgError } from '../errors.js';
import type { DisclosureDeps } from './effects.js';
import { type Action, assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { Report } from './report.js';
import type { Actor } from './roles.js';

/** What every part of the disclosure program shares: its dependencies, new ids, the time, the checked read. */
export interface ProgramContext {
  readonly deps: DisclosureDeps;
  /** A new id (deps.newId, or a random UUID). */
  newId(): string;
  /** The clock's time. */
  now(): Date;
  /** The report, once the actor may do `action` to it; E_NOT_FOUND when there is none. */
  load(tx: DisclosureTx, actor: Actor, reportId: string, action: Action, now: Date): Promise<Report>;
}

/** The context of a program over `deps`; E_USAGE when the secret is too short to sign invitations. */
export function programContext(deps: DisclosureDeps): ProgramContext {
  if (deps.secret.length < 32)
    throw new NswgError('E_USAGE', 'the disclosure secret must be at least 32 characters', {
      field: 'secret',
    });
  return {
    deps,
    newId: deps.newId ?? randomUUID,
    now: () => deps.clock.now(),
    async load(tx, actor, reportId, action, now) {
      const r = await tx.getReport(reportId);
      if (!r) throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
      assertCan(actor, action, r, now);
      return r;
    },
  };
}
