import { randomUUID } from 'node:crypto';
import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { commitAndSend, type DisclosureDeps, type Outgoing } from './effects.js';
import type { ServerKeys } from './keys.js';
import type { MailDispatch, MailQueueReader } from './mail-queue.js';
import { type Action, assertCan } from './permissions.js';
import type { AuditLogReader, DisclosureTx, OutboxReader, PublishedAdvisories } from './ports.js';
import type { ReleaseSettings } from './program-releases.js';
import type { PackageRegistry } from './registry-facts.js';
import type { Report } from './report.js';
import type { IntakeLimits } from './reporter-signal.js';
import type { Actor } from './roles.js';

/**
 * What the program depends on besides what it shares with the scheduler: the published advisories
 * (possible duplicates), the audit log and the outbox as admins read them, and the upstream npm
 * registry (an admin's override first, then the upstream; none: every package name is taken to exist).
 */
export interface ProgramDeps extends DisclosureDeps {
  advisories: PublishedAdvisories;
  auditLog: AuditLogReader;
  outbox: OutboxReader;
  /** The mail queue as admins read it (none: the server sends through no SMTP server). */
  mailQueue?: MailDispatch & MailQueueReader;
  registry?: PackageRegistry;
  /** The tighter limits on new reporters (default: DEFAULT_INTAKE_LIMITS; null: none). */
  intakeLimits?: IntakeLimits | null;
  /** How security releases run (none: the server runs none). */
  releases?: ReleaseSettings;
}

/** What every part of the disclosure program shares: its dependencies, new ids, the time, units of work. */
export interface ProgramContext {
  readonly deps: ProgramDeps;
  /** The keys derived from the server secret (invitations are signed with one). */
  readonly keys: ServerKeys;
  /** A new id (deps.newId, or a random UUID). */
  newId(): string;
  /** The clock's time. */
  now(): Date;
  /**
   * One unit of work of `actor`: a transaction holding the disclosure write lock, whose mail goes out
   * once it committed. When it was refused because the actor may not see a private report that
   * exists, the refusal is recorded in the audit log (in a transaction of its own: the work's was
   * rolled back) before the "not found" goes on, so every operation records refusals alike.
   */
  transaction<T>(
    actor: Actor,
    origin: Origin,
    fn: (tx: DisclosureTx, out: Outgoing) => Promise<T>,
  ): Promise<T>;
  /** The report, once the actor may do `action` to it; E_NOT_FOUND when there is none. */
  load(tx: DisclosureTx, actor: Actor, reportId: string, action: Action, now: Date): Promise<Report>;
}

/** The context of a program over `deps`. */
export function programContext(deps: ProgramDeps): ProgramContext {
  const now = () => deps.clock.now();
  return {
    deps,
    keys: deps.keys,
    newId: deps.newId ?? randomUUID,
    now,
    async transaction(actor, origin, fn) {
      try {
        return await commitAndSend(deps, fn);
      } catch (e) {
        const refused = e && typeof e === 'object' ? refusals.get(e) : undefined;
        if (refused) {
          const at = now();
          await deps.repo.transaction((tx) =>
            tx.audit(
              'cveRequestId' in refused
                ? auditEntry(actor, 'cve-request.read-refused', origin, at, null, { ...refused })
                : 'releaseId' in refused
                  ? auditEntry(actor, 'release.read-refused', origin, at, null, { ...refused })
                  : auditEntry(actor, 'report.read-refused', origin, at, refused.reportId, {
                      action: refused.action,
                    }),
            ),
          );
        }
        throw e;
      }
    },
    async load(tx, actor, reportId, action, at) {
      const r = await tx.getReport(reportId);
      if (!r) throw new NswgError('E_NOT_FOUND', 'report not found', { field: 'report' });
      try {
        assertCan(actor, action, r, at);
      } catch (e) {
        // a private report that exists was asked for by someone who may not see it: logged after the rollback
        if (e instanceof NswgError && e.code === 'E_NOT_FOUND' && r.state !== 'published')
          refusals.set(e, { reportId: r.id, action });
        throw e;
      }
      return r;
    },
  };
}

/** The refusals to log, by the error that carried each out of its (rolled back) transaction. */
const refusals = new WeakMap<
  object,
  | { reportId: string; action: string }
  | { cveRequestId: string; action: string }
  | { releaseId: string; action: string }
>();

/** Marks `e`, the "not found" of a security release that exists, to be recorded as a refused read. */
export function refusedReleaseRead(e: NswgError, releaseId: string, action: string): NswgError {
  refusals.set(e, { releaseId, action });
  return e;
}

/** Marks `e`, the "not found" of a CVE request that exists, to be recorded as a refused read. */
export function refusedCveRequestRead(e: NswgError, cveRequestId: string, action: string): NswgError {
  refusals.set(e, { cveRequestId, action });
  return e;
}

/** "Not found" for a private report the actor may not see, marked to be recorded as a refused read. */
export function refusedRead(reportId: string, action: string, what = 'report'): NswgError {
  const e = new NswgError('E_NOT_FOUND', `${what} not found`, { field: what });
  refusals.set(e, { reportId, action });
  return e;
}

/**
 * Rethrows a "not found" as the one answer about `what` (a vote, asked for by its own id): whether it
 * does not exist or its report is hidden from the actor reads the same. A refusal stays recorded.
 */
export function notFoundAs(what: string, field: string): (e: unknown) => never {
  return (e) => {
    if (!(e instanceof NswgError) || e.code !== 'E_NOT_FOUND') throw e;
    const same = new NswgError('E_NOT_FOUND', `${what} not found`, { field });
    const refused = refusals.get(e);
    if (refused) refusals.set(same, refused);
    throw same;
  };
}
