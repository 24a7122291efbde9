import { randomUUID } from 'node:crypto';
import type { Advisory, AdvisoryKind } from '../advisories/index.js';
import { auditEntry, type Origin } from './audit-log.js';
import { rewardAtPublicationInTx } from './bounty-effects.js';
import type { Clock } from './clock.js';
import { advisoryCredits } from './credits.js';
import { cveAtPublication, cveOnClose } from './cve-effects.js';
import type { ServerKeys } from './keys.js';
import type { MailDispatch } from './mail-queue.js';
import {
  type Links,
  type Mailer,
  type MailMessage,
  type Notification,
  stateChangeNotice,
} from './notifications.js';
import type { DisclosureRepository, DisclosureTx } from './ports.js';
import { advisoryFromReport, advisoryKindOf, nextAdvisoryId } from './publication.js';
import type { UploadQuotas } from './quotas.js';
import type { Report } from './report.js';
import type { Actor } from './roles.js';
import { applyTransition, type Transition, type TransitionParams } from './workflow.js';

/** What the program and the scheduler share: storage, mail, time, links, and where mail errors go. */
export interface DisclosureDeps {
  repo: DisclosureRepository;
  mailer: Mailer;
  clock: Clock;
  links: Links;
  /** The keys of the server secret (maintainer invitations are signed with one). */
  keys: ServerKeys;
  /** New ids (default: random UUIDs). */
  newId?: () => string;
  /** How much each person may attach (default: DEFAULT_UPLOAD_QUOTAS). */
  uploadQuotas?: UploadQuotas;
  /**
   * With an SMTP server: messages are queued in the transaction of the change they report and handed
   * to this once it committed (none: they are sent after the commit, and a failure is only told).
   */
  mailQueue?: MailDispatch;
  /** Told when a message could not be sent (the change it reports is committed regardless). */
  onMailError?: (error: unknown, message: MailMessage) => void;
}

/** Messages resolved inside a transaction, sent once it has committed. */
export class Outgoing {
  readonly messages: MailMessage[] = [];

  /** Resolves a notification to the addresses that want it and queues one message per address. */
  async notify(
    tx: DisclosureTx,
    report: Pick<Report, 'id' | 'kind' | 'reporterId'>,
    n: Notification,
  ): Promise<void> {
    for (const to of await tx.recipients(report, n.audiences, n.kind)) {
      this.messages.push({ to, subject: n.subject, text: n.text });
    }
  }

  push(m: MailMessage): void {
    this.messages.push(m);
  }
}

/**
 * Runs `fn` in one transaction, then sends the messages it queued. Mail goes out only after the
 * commit, so a rolled-back change never reports itself; a failed send does not undo the change.
 * With a mail queue the messages are written in that same transaction, so a crash after the commit
 * loses none either, and delivered at once after it (retried later when the SMTP server fails).
 */
export async function commitAndSend<T>(
  deps: DisclosureDeps,
  fn: (tx: DisclosureTx, out: Outgoing) => Promise<T>,
): Promise<T> {
  const out = new Outgoing();
  const queue = deps.mailQueue;
  if (queue) {
    let ids: string[] = [];
    const result = await deps.repo.transaction(async (tx) => {
      const r = await fn(tx, out);
      if (out.messages.length) ids = await tx.enqueueMail(out.messages, deps.clock.now().toISOString());
      return r;
    });
    if (ids.length) await queue.deliverNow(ids);
    return result;
  }
  const result = await deps.repo.transaction((tx) => fn(tx, out));
  for (const m of out.messages) {
    try {
      await deps.mailer.send(m);
    } catch (e) {
      (deps.onMailError ?? ((err) => console.error('nswg: mail not sent:', (err as Error)?.message ?? err)))(
        e,
        m,
      );
    }
  }
  return result;
}

/**
 * Publishes an advisory in the database inside `tx`: allocates the next id of its family (the highest
 * number + 1, in this same transaction, so no id is taken twice), makes the advisory under it and
 * stores it. The one path by which the program publishes, for reports and CVE requests alike.
 */
export async function publishAdvisoryInTx(
  tx: DisclosureTx,
  kind: AdvisoryKind,
  make: (id: string) => Advisory,
): Promise<Advisory> {
  const advisory = make(nextAdvisoryId(kind, await tx.advisoryIds(kind)));
  await tx.insertAdvisory(advisory);
  return advisory;
}

/**
 * Applies a transition inside `tx` and records it: the report, its state change, the audit entry, the
 * notices. Publishing also allocates the advisory id (the highest number + 1, in this same
 * transaction) and stores the advisory, so a report is never published twice or under a taken id; and
 * announces the report's CVE id, or assigns the next available one (cve-effects.ts).
 */
export async function transitionInTx(
  tx: DisclosureTx,
  out: Outgoing,
  deps: DisclosureDeps,
  actor: Actor,
  report: Report,
  t: Transition,
  params: TransitionParams,
  origin: Origin,
  now: Date,
): Promise<Report> {
  const { report: moved, change } = applyTransition(actor, report, t, params, now);
  let next = moved;
  if (t === 'publish') {
    // the CVE id first: it is one of the advisory's aliases
    next = await cveAtPublication(tx, out, actor, next, params.withoutCveReason, origin, now);
    const published = next;
    const credits = advisoryCredits(next, await tx.credits(next.id));
    const advisory = await publishAdvisoryInTx(tx, advisoryKindOf(next), (id) =>
      advisoryFromReport(published, id, now, credits),
    );
    const id = advisory.id;
    next = { ...next, advisoryId: id };
    await tx.audit(
      auditEntry(actor, 'advisory.publish', origin, now, report.id, {
        advisoryId: id,
        vulnerable: advisory.affected[0]?.vulnerable ?? null,
        patched: advisory.affected[0]?.patched ?? null,
        cveId: next.cveId,
      }),
    );
    await rewardAtPublicationInTx(tx, actor, next, deps.newId ?? randomUUID, origin, now);
  }
  if (next.state === 'rejected' || next.state === 'duplicate' || next.state === 'withdrawn')
    await cveOnClose(tx, actor, next, origin, now);
  await tx.updateReport(next);
  await tx.addStateChange(change);
  await tx.audit(
    auditEntry(actor, 'report.transition', origin, now, report.id, {
      transition: t,
      from: change.from,
      to: change.to,
      reason: change.reason,
    }),
  );
  await out.notify(tx, next, stateChangeNotice(next, change, deps.links));
  return next;
}
