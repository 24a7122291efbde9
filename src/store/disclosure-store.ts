import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Advisory, AdvisoryKind } from '../advisories/index.js';
import type {
  AttachmentMeta,
  Audience,
  AuditEntryInput,
  Comment,
  DisclosureRepository,
  DisclosureStatement,
  DisclosureTx,
  DueAction,
  ExtensionProposal,
  InternalNote,
  Invitation,
  NotificationKind,
  Report,
  ReportFilter,
  StateChange,
  Vote,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { AdvisoryStore } from './advisory-store.js';
import { AuditLog, lockDisclosure } from './audit-log.js';
import { type DisclosureDb, withDisclosure } from './disclosure-schema.js';
import type { Database } from './schema.js';

type ProposalRow = DisclosureDb['extension_proposals'];

const toProposal = (r: ProposalRow): ExtensionProposal => ({
  id: r.id,
  reportId: r.report_id,
  proposedBy: r.proposed_by,
  days: Number(r.days),
  reason: r.reason,
  opensAt: r.opens_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  result: r.result as ExtensionProposal['result'],
});

const proposalRow = (p: ExtensionProposal): ProposalRow => ({
  id: p.id,
  report_id: p.reportId,
  proposed_by: p.proposedBy,
  days: p.days,
  reason: p.reason,
  opens_at: p.opensAt,
  closes_at: p.closesAt,
  closed_at: p.closedAt,
  result: p.result,
});

const toAttachment = (r: Omit<DisclosureDb['attachments'], 'data'>): AttachmentMeta => ({
  id: r.id,
  reportId: r.report_id,
  uploadedBy: r.uploaded_by,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  createdAt: r.created_at,
});

const toInvitation = (r: DisclosureDb['invitations']): Invitation => ({
  id: r.id,
  reportId: r.report_id,
  email: r.email,
  tokenHash: r.token_hash,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedBy: r.used_by,
});

const toComment = (r: DisclosureDb['comments']): Comment => ({
  id: r.id,
  reportId: r.report_id,
  authorId: r.author_id,
  body: r.body,
  createdAt: r.created_at,
});

const reportColumns = (r: Report) => ({
  kind: r.kind,
  state: r.state,
  reporter_id: r.reporterId,
  filed_by_id: r.filedById,
  first_answer_due: r.firstAnswerDue,
  publication_due: r.publicationDue,
  submitted_at: r.submittedAt,
  updated_at: r.updatedAt,
  // Maintainers live in report_maintainers: the record never holds a stale copy.
  record: JSON.stringify({ ...r, maintainerIds: [] }),
});

/** The disclosure program's storage, inside one transaction that holds the disclosure write lock. */
class StoreTx implements DisclosureTx {
  private readonly db: Kysely<DisclosureDb>;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly auditLog: AuditLog,
    private readonly advisories: AdvisoryStore,
  ) {
    this.db = withDisclosure(trx);
  }

  private async withMaintainers(rows: { id: string; record: string }[]): Promise<Report[]> {
    if (!rows.length) return [];
    const links = await this.db
      .selectFrom('report_maintainers')
      .select(['report_id', 'user_id'])
      .where(
        'report_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('joined_at')
      .execute();
    return rows.map((r) => {
      const record = JSON.parse(r.record) as Report;
      return {
        ...record,
        // records written before the fix proposal became a field have none
        fixProposal: record.fixProposal ?? null,
        maintainerIds: links.filter((l) => l.report_id === r.id).map((l) => l.user_id),
      };
    });
  }

  async getReport(id: string): Promise<Report | null> {
    const row = await this.db
      .selectFrom('reports')
      .select(['id', 'record'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? ((await this.withMaintainers([row]))[0] ?? null) : null;
  }

  async listReports(filter: ReportFilter = {}): Promise<Report[]> {
    let q = this.db.selectFrom('reports').select(['id', 'record']);
    if (filter.states) q = q.where('state', 'in', filter.states.length ? [...filter.states] : ['-']);
    if (filter.kinds) q = q.where('kind', 'in', filter.kinds.length ? [...filter.kinds] : ['-']);
    const who = filter.participant;
    if (who !== undefined) {
      q = q.where((eb) =>
        eb.or([
          eb('reporter_id', '=', who),
          eb('filed_by_id', '=', who),
          eb.exists(
            eb
              .selectFrom('report_maintainers')
              .select('user_id')
              .whereRef('report_maintainers.report_id', '=', 'reports.id')
              .where('user_id', '=', who),
          ),
        ]),
      );
    }
    return this.withMaintainers(await q.orderBy('submitted_at', 'desc').orderBy('id').execute());
  }

  async insertReport(r: Report): Promise<void> {
    await this.db
      .insertInto('reports')
      .values({ id: r.id, ...reportColumns(r) })
      .execute();
  }

  async updateReport(r: Report): Promise<void> {
    const res = await this.db
      .updateTable('reports')
      .set(reportColumns(r))
      .where('id', '=', r.id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new NswgError('E_NOT_FOUND', `report ${r.id} not found`, { field: 'report' });
  }

  async addStateChange(c: StateChange): Promise<void> {
    const last = await this.db
      .selectFrom('state_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('report_id', '=', c.reportId)
      .executeTakeFirst();
    await this.db
      .insertInto('state_changes')
      .values({
        id: randomUUID(),
        report_id: c.reportId,
        seq: Number(last?.seq ?? 0) + 1,
        transition: c.transition,
        from_state: c.from,
        to_state: c.to,
        actor_id: c.actorId,
        at: c.at,
        reason: c.reason,
      })
      .execute();
  }

  async stateChanges(reportId: string): Promise<StateChange[]> {
    const rows = await this.db
      .selectFrom('state_changes')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      reportId: r.report_id,
      transition: r.transition as StateChange['transition'],
      from: r.from_state as StateChange['from'],
      to: r.to_state as StateChange['to'],
      actorId: r.actor_id,
      at: r.at,
      reason: r.reason,
    }));
  }

  async addComment(c: Comment): Promise<void> {
    await this.addToThread('comments', c);
  }

  async comments(reportId: string): Promise<Comment[]> {
    return this.thread('comments', reportId);
  }

  async addNote(n: InternalNote): Promise<void> {
    await this.addToThread('internal_notes', n);
  }

  async notes(reportId: string): Promise<InternalNote[]> {
    return this.thread('internal_notes', reportId);
  }

  /** Comments (participants) and internal notes (team) are two tables of the same shape. */
  private async addToThread(table: 'comments' | 'internal_notes', c: Comment): Promise<void> {
    await this.db
      .insertInto(table)
      .values({
        id: c.id,
        report_id: c.reportId,
        author_id: c.authorId,
        body: c.body,
        created_at: c.createdAt,
      })
      .execute();
  }

  private async thread(table: 'comments' | 'internal_notes', reportId: string): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom(table)
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
  }

  async addAttachment(m: AttachmentMeta, bytes: Uint8Array): Promise<void> {
    await this.db
      .insertInto('attachments')
      .values({
        id: m.id,
        report_id: m.reportId,
        uploaded_by: m.uploadedBy,
        filename: m.filename,
        content_type: m.contentType,
        size: m.size,
        sha256: m.sha256,
        data: Buffer.from(bytes),
        created_at: m.createdAt,
      })
      .execute();
  }

  async attachments(reportId: string): Promise<AttachmentMeta[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select(['id', 'report_id', 'uploaded_by', 'filename', 'content_type', 'size', 'sha256', 'created_at'])
      .where('report_id', '=', reportId)
      .orderBy('created_at')
      .execute();
    return rows.map(toAttachment);
  }

  async attachment(id: string): Promise<{ meta: AttachmentMeta; bytes: Uint8Array } | null> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { meta: toAttachment(r), bytes: new Uint8Array(r.data) } : null;
  }

  async putStatement(st: DisclosureStatement): Promise<void> {
    const values = {
      report_id: st.reportId,
      subject: st.subject,
      party: st.party,
      disclosable: st.disclosable ? 1 : 0,
      stated_by: st.statedBy,
      stated_at: st.statedAt,
    };
    await this.db
      .insertInto('disclosure_statements')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['report_id', 'subject', 'party']).doUpdateSet({
          disclosable: values.disclosable,
          stated_by: values.stated_by,
          stated_at: values.stated_at,
        }),
      )
      .execute();
  }

  async statements(reportId: string): Promise<DisclosureStatement[]> {
    const rows = await this.db
      .selectFrom('disclosure_statements')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('subject')
      .orderBy('party')
      .execute();
    return rows.map((r) => ({
      reportId: r.report_id,
      subject: r.subject as DisclosureStatement['subject'],
      party: r.party as DisclosureStatement['party'],
      disclosable: Number(r.disclosable) === 1,
      statedBy: r.stated_by,
      statedAt: r.stated_at,
    }));
  }

  async addInvitation(i: Invitation): Promise<void> {
    await this.db
      .insertInto('invitations')
      .values({
        id: i.id,
        report_id: i.reportId,
        email: i.email,
        token_hash: i.tokenHash,
        invited_by: i.invitedBy,
        created_at: i.createdAt,
        expires_at: i.expiresAt,
        used_at: i.usedAt,
        used_by: i.usedBy,
      })
      .execute();
  }

  async invitationByHash(tokenHash: string): Promise<Invitation | null> {
    const r = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r ? toInvitation(r) : null;
  }

  async useInvitation(id: string, userId: string, at: string): Promise<void> {
    const res = await this.db
      .updateTable('invitations')
      .set({ used_at: at, used_by: userId })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new NswgError('E_TOKEN', 'this invitation has already been used', { field: 'token' });
  }

  async addMaintainer(reportId: string, userId: string, at: string): Promise<void> {
    await this.db
      .insertInto('report_maintainers')
      .values({ report_id: reportId, user_id: userId, joined_at: at })
      .onConflict((oc) => oc.columns(['report_id', 'user_id']).doNothing())
      .execute();
  }

  async addProposal(p: ExtensionProposal): Promise<void> {
    await this.db.insertInto('extension_proposals').values(proposalRow(p)).execute();
  }

  async updateProposal(p: ExtensionProposal): Promise<void> {
    await this.db.updateTable('extension_proposals').set(proposalRow(p)).where('id', '=', p.id).execute();
  }

  async proposal(id: string): Promise<ExtensionProposal | null> {
    const r = await this.db
      .selectFrom('extension_proposals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toProposal(r) : null;
  }

  async proposals(reportId: string): Promise<ExtensionProposal[]> {
    const rows = await this.db
      .selectFrom('extension_proposals')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('opens_at')
      .execute();
    return rows.map(toProposal);
  }

  async openProposals(): Promise<ExtensionProposal[]> {
    const rows = await this.db
      .selectFrom('extension_proposals')
      .selectAll()
      .where('closed_at', 'is', null)
      .orderBy('closes_at')
      .execute();
    return rows.map(toProposal);
  }

  async addVote(v: Vote): Promise<void> {
    try {
      await this.db
        .insertInto('votes')
        .values({
          proposal_id: v.proposalId,
          voter_id: v.voterId,
          in_favour: v.inFavour ? 1 : 0,
          cast_at: v.castAt,
        })
        .execute();
    } catch (e) {
      throw new NswgError('E_VOTE', `one vote per voter: ${(e as Error).message}`, { field: 'vote' });
    }
  }

  async votes(proposalId: string): Promise<Vote[]> {
    const rows = await this.db
      .selectFrom('votes')
      .selectAll()
      .where('proposal_id', '=', proposalId)
      .orderBy('cast_at')
      .execute();
    return rows.map((r) => ({
      proposalId: r.proposal_id,
      voterId: r.voter_id,
      inFavour: Number(r.in_favour) === 1,
      castAt: r.cast_at,
    }));
  }

  async userExists(userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .where('disabled', '=', 0)
      .executeTakeFirst();
    return r !== undefined;
  }

  async claim(a: DueAction, instance: string, at: string): Promise<boolean> {
    const res = await this.db
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
  }

  async advisoryIds(kind: AdvisoryKind): Promise<string[]> {
    const rows = await this.db.selectFrom('advisories').select('id').where('kind', '=', kind).execute();
    return rows.map((r) => r.id);
  }

  async insertAdvisory(a: Advisory): Promise<void> {
    const s = await this.advisories.importInTransaction(this.trx, [a]);
    if (s.added !== 1) throw new NswgError('E_DUPLICATE_ID', `${a.id} exists already`, { field: 'id' });
  }

  async audit(e: AuditEntryInput): Promise<void> {
    await this.auditLog.append(e, this.trx);
  }

  async recipients(
    report: Report,
    audiences: readonly Audience[],
    kind: NotificationKind,
  ): Promise<string[]> {
    const ids = new Set<string>();
    if (audiences.includes('reporter')) ids.add(report.reporterId);
    if (audiences.includes('maintainers') && report.kind === 'npm') {
      const rows = await this.db
        .selectFrom('report_maintainers')
        .select('user_id')
        .where('report_id', '=', report.id)
        .execute();
      for (const r of rows) ids.add(r.user_id);
    }
    let q = this.db
      .selectFrom('users')
      .select(['users.email'])
      .where('users.disabled', '=', 0)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notification_prefs')
              .select('notification_prefs.user_id')
              .whereRef('notification_prefs.user_id', '=', 'users.id')
              .where('notification_prefs.kind', '=', kind)
              .where('notification_prefs.enabled', '=', 0),
          ),
        ),
      );
    const role = report.kind === 'core' ? 'core-security' : 'triage';
    const team = audiences.includes('team');
    q = q.where((eb) => {
      const who = [eb('users.id', 'in', ids.size ? [...ids] : ['-'])];
      if (team) who.push(eb('users.roles', 'like', `%"${role}"%`));
      return eb.or(who);
    });
    const rows = await q.orderBy('users.email').execute();
    return [...new Set(rows.map((r) => r.email))];
  }
}

/** The disclosure program's repository: one locked transaction per unit of work. */
export class DisclosureStore implements DisclosureRepository {
  private readonly auditLog: AuditLog;
  private readonly advisories: AdvisoryStore;

  constructor(private readonly db: Kysely<Database>) {
    this.auditLog = new AuditLog(db);
    this.advisories = new AdvisoryStore(db);
  }

  /** Runs `fn` in a transaction that first takes the disclosure write lock (see lockDisclosure). */
  transaction<T>(fn: (tx: DisclosureTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await lockDisclosure(trx);
      return fn(new StoreTx(trx, this.auditLog, this.advisories));
    });
  }
}
