import type { Kysely, Transaction } from 'kysely';
import {
  AWAITING_ANSWER,
  type DisclosureRepository,
  type DisclosureTx,
  PUBLIC_RELEASE_STATES,
  PUBLICATION_CLOCK_STATES,
  type PublicCve,
  type PublicNote,
  type RegistryOverride,
  type Report,
  type SecurityRelease,
} from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';
import { AdvisoryStore } from '../advisories/store.js';
import type { Database } from '../schema.js';
import { type AuditLog, lockDisclosure } from './audit-log.js';
import { bountyQueries } from './bounty.js';
import { creditQueries } from './credits.js';
import { cveQueries, publicCveReads } from './cve-ids.js';
import { cveRequestQueries } from './cve-requests.js';
import { intakeQueries } from './intake.js';
import { mailQueueQueries } from './mail-queue.js';
import { peopleQueries } from './people.js';
import { registryOverrideQueries } from './registry-overrides.js';
import { releaseQueries } from './releases.js';
import { reportQueries } from './reports.js';
import { withDisclosure } from './schema.js';
import { threadQueries } from './threads.js';
import { voteQueries } from './votes.js';

/**
 * The disclosure program's storage, inside one transaction that holds the disclosure write lock: the
 * reports, threads, people, votes, CVE ids, CVE requests and credits parts (reports.ts, threads.ts,
 * people.ts, votes.ts, cve-ids.ts, cve-requests.ts, credits.ts), then the scheduler's claims, the
 * advisories and the audit log, which share that transaction.
 */
function storeTx(
  trx: Transaction<Database>,
  auditLog: AuditLog,
  advisories: AdvisoryStore,
  sealing: () => Buffer | null,
): DisclosureTx {
  const db = withDisclosure(trx);
  return {
    ...reportQueries(db),
    ...threadQueries(db),
    ...peopleQueries(db),
    ...voteQueries(db),
    ...cveQueries(db),
    ...creditQueries(db),
    ...registryOverrideQueries(db),
    ...cveRequestQueries(db),
    ...intakeQueries(db),
    ...bountyQueries(db),
    ...releaseQueries(db),
    ...mailQueueQueries(db, sealing),

    async claim(a, instance, at) {
      const res = await db
        .insertInto('scheduled_actions')
        .values({
          report_id: a.reportId,
          action: a.proposalId ? `${a.action}:${a.proposalId}` : a.action,
          due_at: a.dueAt,
          claimed_at: at,
          claimed_by: instance,
        })
        .onConflict((oc) => oc.columns(['report_id', 'action', 'due_at']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async advisoryIds(kind) {
      const rows = await db.selectFrom('advisories').select('id').where('kind', '=', kind).execute();
      return rows.map((r) => r.id);
    },

    async insertAdvisory(a) {
      const s = await advisories.importInTransaction(trx, [a]);
      if (s.added !== 1) throw new NswgError('E_DUPLICATE_ID', `${a.id} exists already`, { field: 'id' });
    },

    async audit(e) {
      await auditLog.append(e, trx);
    },
  };
}

/** The disclosure program's repository: one locked transaction per unit of work. */
export class DisclosureStore implements DisclosureRepository {
  private readonly auditLog: AuditLog;
  private readonly advisories: AdvisoryStore;

  constructor(
    private readonly db: Kysely<Database>,
    auditLog: AuditLog,
    /** The sealing key of the server secret, for the queued mail's links (null before it is given). */
    private readonly sealing: () => Buffer | null = () => null,
  ) {
    this.auditLog = auditLog;
    this.advisories = new AdvisoryStore(db);
  }

  /** One announced or rejected CVE id of the program's blocks, as it may be told in public; null otherwise. */
  publicCve(id: string): Promise<PublicCve | null> {
    return publicCveReads(withDisclosure(this.db)).publicCve(id);
  }

  /** Every announced or rejected CVE id of the program's blocks, as they may be told in public. */
  publicCves(): Promise<PublicCve[]> {
    return publicCveReads(withDisclosure(this.db)).publicCves();
  }

  /** The published security releases (released or completed), oldest first: public, read outside any transaction. */
  publishedReleases(): Promise<SecurityRelease[]> {
    return releaseQueries(withDisclosure(this.db)).listReleases({ states: PUBLIC_RELEASE_STATES });
  }

  /** The admins' override for a package or scope, read outside any transaction (the registry facts). */
  registryOverride(name: string): Promise<RegistryOverride | null> {
    return registryOverrideQueries(withDisclosure(this.db)).registryOverride(name);
  }

  /** The public notes for maintainers, newest first, read outside any transaction (the public pages). */
  publicNotes(filter: { packageName?: string; component?: string }): Promise<PublicNote[]> {
    return intakeQueries(withDisclosure(this.db)).publicNotes(filter);
  }

  /**
   * The reports whose deadlines run (awaiting the first answer, or triaged and unpublished), as much
   * of each as counting them needs, read outside any transaction (the server's metrics).
   */
  async openDeadlines(): Promise<
    Pick<Report, 'state' | 'firstAnswerAt' | 'firstAnswerDue' | 'publicationDue'>[]
  > {
    const rows = await withDisclosure(this.db)
      .selectFrom('reports')
      .select('record')
      .where('state', 'in', [...AWAITING_ANSWER, ...PUBLICATION_CLOCK_STATES])
      .execute();
    return rows.map((row) => {
      const r = JSON.parse(row.record) as Report;
      return {
        state: r.state,
        firstAnswerAt: r.firstAnswerAt ?? null,
        firstAnswerDue: r.firstAnswerDue,
        publicationDue: r.publicationDue ?? null,
      };
    });
  }

  /** Runs `fn` in a transaction that first takes the disclosure write lock (see lockDisclosure). */
  transaction<T>(fn: (tx: DisclosureTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      return fn(storeTx(trx, this.auditLog, this.advisories, this.sealing));
    });
  }
}
