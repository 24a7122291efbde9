import { randomUUID } from 'node:crypto';
import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit.js';
import type { DisclosureDeps } from './effects.js';
import type { ServerKeys } from './keys.js';
import { type Action, assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { Report } from './report.js';
import type { Actor } from './roles.js';

/** What every part of the disclosure program shares: its dependencies, new ids, the time, the checked read. */
export interface ProgramContext {
  readonly deps: DisclosureDeps;
  /** The keys derived from the server secret (invitations are signed with one). */
  readonly keys: ServerKeys;
  /** A new id (deps.newId, or a random UUID). */
  newId(): string;
  /** The clock's time. */
  now(): Date;
  /** The report, once the actor may do `action` to it; E_NOT_FOUND when there is none. */
  load(tx: DisclosureTx, actor: Actor, reportId: string, action: Action, now: Date): Promise<Report>;
}

/** The context of a program over `deps`. */
export function programContext(deps: DisclosureDeps): ProgramContext {
  return {
    deps,
    keys: deps.keys,
    newId: deps.newId ?? randomUUID,
    now: () => deps.clock.now(),
    async load(tx, actor, reportId, action, now) {
      const r = await tx.getReport(reportId);
      if (!r) throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
      try {
        assertCan(actor, action, r, now);
      } catch (e) {
        // a private report that exists was asked for by someone who may not see it: log it after the rollback
        if (e instanceof NswgError && e.code === 'E_NOT_FOUND' && r.state !== 'published')
          refusals.set(e, { reportId: r.id, action });
        throw e;
      }
      return r;
    },
  };
}

/** The refusals to log, by the error that carried each out of its (rolled back) transaction. */
const refusals = new WeakMap<object, { reportId: string; action: string }>();

/** "Not found" for a private report the actor may not see, marked to be logged by loggingRefusals. */
export function refusedRead(reportId: string, action: string, what = 'report'): NswgError {
  const e = new NswgError('E_NOT_FOUND', `${what} not found`, { field: what });
  refusals.set(e, { reportId, action });
  return e;
}

/**
 * Runs a program operation; when it was refused because the actor may not see a private report that
 * exists, the refusal is recorded in the audit log (in a transaction of its own: the operation's was
 * rolled back) before the "not found" goes on.
 */
export async function loggingRefusals<T>(
  ctx: ProgramContext,
  actor: Actor,
  origin: Origin,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const refused = e && typeof e === 'object' ? refusals.get(e) : undefined;
    if (refused) {
      const now = ctx.now();
      await ctx.deps.repo.transaction((tx) =>
        tx.audit(
          auditEntry(actor, 'report.read-refused', origin, now, refused.reportId, { action: refused.action }),
        ),
      );
    }
    throw e;
  }
}
