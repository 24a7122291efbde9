import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { checkLowWater } from './cve-effects.js';
import {
  type CveFigures,
  type CveRecord,
  type CveState,
  cveFigures,
  cveMove,
  isPastYear,
  parseBlock,
  parseCveId,
  validateCveId,
} from './cve-ids.js';
import { assertCan } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { Report } from './report.js';
import { type Actor, actorLabel } from './roles.js';

// The program as a CNA: the blocks of CVE ids admins record, the ids the team assigns to reports, and
// the ids another CNA assigned, entered by hand. Publication announces them (cve-effects.ts).

/** The CVE ids of the program. */
export class Cves {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * Records a block of CVE ids received from the CVE Program (admins, the operator): a year, and a
   * range (`CVE-2027-1000..CVE-2027-1009`) or a list. Every id becomes available; an id the program
   * knows already refuses the whole block (E_CONFLICT).
   */
  async addBlock(
    actor: Actor,
    year: number | string,
    ids: string | readonly string[],
    origin: Origin,
  ): Promise<{ added: string[]; figures: CveFigures }> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-cve-ids', null, now);
    const added = parseBlock(year, ids);
    const at = now.toISOString();
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.addCveIds(
        added.map((id) => ({
          id,
          year: parseCveId(id)!.year,
          state: 'available' as const,
          source: 'block' as const,
          reportId: null,
          requestId: null,
          receivedAt: at,
          receivedBy: actorLabel(actor),
          assignedAt: null,
          announcedAt: null,
          closedAt: null,
          pastYearFlaggedAt: null,
        })),
      );
      await tx.audit(
        auditEntry(actor, 'cve.block-add', origin, now, null, {
          year: parseCveId(added[0]!)!.year,
          first: added[0]!,
          last: added.at(-1)!,
          count: added.length,
        }),
      );
      return { added, figures: cveFigures(await tx.cveIds(), now) };
    });
  }

  /** Every CVE id with its state and report (admins, the operator), and the figures; the read is logged. */
  async list(
    actor: Actor,
    origin: Origin,
    q: { states?: readonly CveState[] } = {},
  ): Promise<{ ids: CveRecord[]; figures: CveFigures }> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-cve-ids', null, now);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const all = await tx.cveIds();
      await tx.audit(
        auditEntry(actor, 'cve.list', origin, now, null, { states: q.states ? [...q.states] : null }),
      );
      return {
        ids: q.states ? all.filter((c) => q.states!.includes(c.state)) : all,
        figures: cveFigures(all, now),
      };
    });
  }

  /**
   * Removes ids recorded by mistake (a mistyped block): each must be an available id of a block, never
   * assigned, or nothing is removed (E_CONFLICT naming those that are not). Admins, the operator.
   */
  async removeIds(
    actor: Actor,
    year: number | string,
    ids: string | readonly string[],
    origin: Origin,
  ): Promise<{ removed: string[]; figures: CveFigures }> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-cve-ids', null, now);
    const asked = parseBlock(year, ids);
    return this.ctx.transaction(actor, origin, async (tx) => {
      const removed = await tx.removeAvailableCves(asked);
      const kept = asked.filter((id) => !removed.includes(id));
      if (kept.length)
        throw new NswgError(
          'E_CONFLICT',
          `only available ids of a block are removed; these are not: ${kept.slice(0, 20).join(', ')}${kept.length > 20 ? ', …' : ''}`,
          { field: 'ids' },
        );
      await tx.audit(
        auditEntry(actor, 'cve.remove', origin, now, null, {
          first: removed[0]!,
          last: removed.at(-1)!,
          count: removed.length,
        }),
      );
      return { removed, figures: cveFigures(await tx.cveIds(), now) };
    });
  }

  /** Retires an available id of a past year that will not be used (admins, the operator). */
  async retire(actor: Actor, cveId: string, origin: Origin): Promise<CveRecord> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-cve-ids', null, now);
    const id = validateCveId(cveId, 'id');
    return this.ctx.transaction(actor, origin, async (tx) => {
      const c = await tx.cveId(id);
      if (c?.source !== 'block')
        throw new NswgError('E_NOT_FOUND', 'no such CVE id in the blocks', { field: 'id' });
      if (!cveMove(c.state, 'retire'))
        throw new NswgError('E_CONFLICT', `${id} is ${c.state}: only an available id is retired`, {
          field: 'id',
        });
      if (!isPastYear(c.year, now))
        throw new NswgError(
          'E_CONFLICT',
          `${id} is of the current year: only ids of a past year are retired`,
          {
            field: 'id',
          },
        );
      if (!(await tx.moveCve(id, ['available'], 'retired', now.toISOString())))
        throw new NswgError('E_CONFLICT', `${id} was taken meanwhile`, { field: 'id' });
      await tx.audit(auditEntry(actor, 'cve.retire', origin, now, null, { cveId: id, year: c.year }));
      return (await tx.cveId(id))!;
    });
  }

  /**
   * Assigns the next available id of the blocks to a report (its team): pending, seen by whoever sees
   * the report, announced when it is published. E_CONFLICT when the report holds an id already, or
   * none is available. The admins are told when fewer than two remain.
   */
  async assignNext(actor: Actor, reportId: string, origin: Origin): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'assign-cve', now);
      if (report.cveId)
        throw new NswgError('E_CONFLICT', `the report holds ${report.cveId} already`, { field: 'cveId' });
      const c = await tx.assignNextCve(report.id, now.toISOString());
      if (!c)
        throw new NswgError(
          'E_CONFLICT',
          'no CVE id is available: an admin records a new block from the CVE Program',
          { field: 'cveId' },
        );
      const next: Report = { ...report, cveId: c.id, cveSource: 'block', updatedAt: now.toISOString() };
      await tx.updateReport(next);
      await tx.audit(auditEntry(actor, 'cve.assign', origin, now, report.id, { cveId: c.id }));
      await checkLowWater(tx, out, actor, origin, now);
      return next;
    });
  }
}

/**
 * A CVE id entered by hand on a report (the team's assessment): one another CNA assigned, recorded
 * with that origin. It replaces an earlier id of another CNA; null clears one. An id of the program's
 * blocks stays with its report (E_CONFLICT): it is announced at publication or rejected with it.
 */
export async function enterCveInTx(
  tx: DisclosureTx,
  actor: Actor,
  report: Report,
  cveId: string | null,
  origin: Origin,
  now: Date,
): Promise<Pick<Report, 'cveId' | 'cveSource'>> {
  const id = cveId === null ? null : validateCveId(cveId);
  if (id === report.cveId) return { cveId: report.cveId, cveSource: report.cveSource };
  const held = await tx.cveOfReport(report.id);
  if (held?.source === 'block' || report.cveSource === 'block')
    throw new NswgError(
      'E_CONFLICT',
      `the report holds ${report.cveId ?? held?.id}, of the program's blocks: it stays with the report`,
      { field: 'cveId' },
    );
  if (held) await tx.removeCve(held.id);
  const at = now.toISOString();
  if (id === null) {
    await tx.audit(auditEntry(actor, 'cve.clear', origin, now, report.id, { cveId: report.cveId }));
    return { cveId: null, cveSource: null };
  }
  const known = await tx.cveId(id);
  if (known)
    throw new NswgError(
      'E_CONFLICT',
      known.source === 'block'
        ? `${id} is one of the program's own ids: assign it with "assign the next CVE id"`
        : `${id} is held by another report`,
      { field: 'cveId' },
    );
  await tx.addCveIds([
    {
      id,
      year: parseCveId(id)!.year,
      state: 'pending',
      source: 'other-cna',
      reportId: report.id,
      requestId: null,
      receivedAt: at,
      receivedBy: actorLabel(actor),
      assignedAt: at,
      announcedAt: null,
      closedAt: null,
      pastYearFlaggedAt: null,
    },
  ]);
  await tx.audit(
    auditEntry(actor, 'cve.enter', origin, now, report.id, {
      cveId: id,
      source: 'other-cna',
      replaced: report.cveId,
    }),
  );
  return { cveId: id, cveSource: 'other-cna' };
}
