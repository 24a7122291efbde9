import { randomUUID } from 'node:crypto';
import { auditEntry, LOCAL_ORIGIN } from './audit-log.js';
import { tellAdmins } from './cve-effects.js';
import {
  type DueAction,
  dueActions,
  isFirstAnswerOverdue,
  isPublicationDue,
  PUBLICATION_CLOCK_STATES,
} from './deadlines.js';
import { commitAndSend, type DisclosureDeps, transitionInTx } from './effects.js';
import { reminderNotice } from './notifications.js';
import type { DisclosureTx } from './ports.js';
import { closeVoteInTx } from './program-votes.js';
import type { Report } from './report.js';
import { SYSTEM } from './roles.js';

/** What one run did: the actions this instance performed, and those found claimed already. */
export interface RunSummary {
  performed: DueAction[];
  skipped: number;
  /** Available CVE ids of a past year flagged in this run (at the turn of the year; each once). */
  flaggedCveIds: string[];
}

/**
 * Performs the due work of the disclosure program: reminders, overdue notices, closing votes, and
 * publication at the deadline. Safe to run on several server instances at once: each action is
 * claimed under its unique (report, action, due) key in the same transaction that performs it, so it
 * happens exactly once (the e-mails it sends go out after that commit).
 */
export class Scheduler {
  /** Names this instance in the claims it records. */
  readonly instance: string;

  constructor(
    private readonly deps: DisclosureDeps,
    instance?: string,
  ) {
    this.instance = instance ?? `scheduler-${randomUUID()}`;
  }

  /** Does everything due at `now` (default: the clock's time) and says what it did. */
  async runDue(now: Date = this.deps.clock.now()): Promise<RunSummary> {
    const { reports, proposals } = await this.deps.repo.transaction(async (tx) => ({
      reports: await tx.listReports({ states: ['new', 'needs-more-info', ...PUBLICATION_CLOCK_STATES] }),
      proposals: await tx.openProposals(),
    }));
    const summary: RunSummary = { performed: [], skipped: 0, flaggedCveIds: [] };
    for (const action of dueActions(reports, proposals, now)) {
      const done = await commitAndSend(this.deps, async (tx, out) => {
        const report = await tx.getReport(action.reportId);
        if (!report || !(await stillDue(tx, report, action, now))) return false;
        if (!(await tx.claim(action, this.instance, now.toISOString()))) return false;
        await tx.audit(
          auditEntry(SYSTEM, 'scheduler.action', LOCAL_ORIGIN, now, report.id, {
            action: action.action,
            dueAt: action.dueAt,
            instance: this.instance,
          }),
        );
        if (action.action === 'auto-publish') {
          await transitionInTx(tx, out, this.deps, SYSTEM, report, 'publish', {}, LOCAL_ORIGIN, now);
        } else if (action.action === 'close-vote') {
          await closeVoteInTx(tx, SYSTEM, action.proposalId!, LOCAL_ORIGIN, now);
        } else {
          const n = reminderNotice(report, action.action, this.deps.links);
          if (n) await out.notify(tx, report, n);
        }
        return true;
      });
      if (done) summary.performed.push(action);
      else summary.skipped++;
    }
    summary.flaggedCveIds = await this.flagPastYearCves(now);
    return summary;
  }

  /**
   * Flags the available CVE ids of a past year (the first run after the turn of the year, or after a
   * past year's block was recorded) and tells the admins, who use them up or retire them. One
   * conditional update under the disclosure lock: each id is flagged, and the admins told, once.
   */
  private flagPastYearCves(now: Date): Promise<string[]> {
    return commitAndSend(this.deps, async (tx, out) => {
      const ids = await tx.flagPastYearCves(now.getUTCFullYear(), now.toISOString());
      if (!ids.length) return ids;
      await tx.audit(
        auditEntry(SYSTEM, 'cve.past-year', LOCAL_ORIGIN, now, null, {
          count: ids.length,
          first: ids[0]!,
          last: ids.at(-1)!,
          instance: this.instance,
        }),
      );
      await tellAdmins(
        tx,
        out,
        `${ids.length} CVE id${ids.length === 1 ? '' : 's'} of a past year still available`,
        `These CVE ids of a past year were never assigned: ${ids.join(', ')}.\nAssign them soon, or retire them (POST /api/cve/ids/{id}/retire) and request a block of the current year.\n`,
      );
      return ids;
    });
  }
}

/** Re-checks, inside the transaction, that the action is still due: another instance or a person may have acted. */
async function stillDue(tx: DisclosureTx, r: Report, a: DueAction, now: Date): Promise<boolean> {
  switch (a.action) {
    case 'first-answer-reminder':
    case 'first-answer-overdue':
      return (
        r.firstAnswerAt === null &&
        (r.state === 'new' || r.state === 'needs-more-info') &&
        (a.action === 'first-answer-reminder' || isFirstAnswerOverdue(r, now))
      );
    case 'publication-reminder':
      return (
        PUBLICATION_CLOCK_STATES.includes(r.state) &&
        r.publicationDue !== null &&
        Date.parse(r.publicationDue) > now.getTime()
      );
    case 'auto-publish':
      return isPublicationDue(r, now) && r.publicationDue === a.dueAt;
    case 'close-vote': {
      const p = await tx.proposal(a.proposalId!);
      return p !== null && p.closedAt === null;
    }
  }
}
