import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import { type PublicNote, type PublicNoteView, publicNoteView, validatePublicNote } from './public-notes.js';
import type { Report } from './report.js';
import {
  checkIntake,
  DEFAULT_INTAKE_LIMITS,
  type IntakeLimits,
  type ReporterSignal,
  reporterSignal,
} from './reporter-signal.js';
import { type Actor, actorId, isTeamMember } from './roles.js';

// The program against junk reports: the tighter limits on new reporters at submission, each
// reporter's signal (how their reports ended), and the public notes the team makes from a report it
// closed that still helps the maintainer.

const DAY_MS = 86_400_000;

/**
 * Refuses (E_QUOTA) one more report from a new reporter over their limits (reporter-signal.ts), inside
 * the submission's transaction so that two submissions at once count each other. The team, and
 * reports it files on someone's behalf, pass.
 */
export async function checkIntakeInTx(
  tx: DisclosureTx,
  limits: IntakeLimits | null,
  actor: Actor,
  reporterId: string,
  now: Date,
): Promise<void> {
  if (!limits || isTeamMember(actor) || actorId(actor) !== reporterId) return;
  const createdAt = await tx.accountCreatedAt(reporterId);
  if (!createdAt) return;
  const signal = reporterSignal(reporterId, await tx.reporterOutcomes([reporterId]));
  const today = await tx.reportsSubmittedSince(reporterId, new Date(now.getTime() - DAY_MS).toISOString());
  checkIntake(limits, createdAt, signal, today, now);
}

/** The limits of a program: the deps' (null: none), DEFAULT_INTAKE_LIMITS when it sets none. */
export const intakeLimitsOf = (ctx: ProgramContext): IntakeLimits | null =>
  ctx.deps.intakeLimits === undefined ? DEFAULT_INTAKE_LIMITS : ctx.deps.intakeLimits;

/** The signals of some reporters, by id (one count for them all). */
export async function signalsOf(
  tx: DisclosureTx,
  reporterIds: readonly string[],
): Promise<Map<string, ReporterSignal>> {
  const counts = await tx.reporterOutcomes(reporterIds);
  return new Map(reporterIds.map((id) => [id, reporterSignal(id, counts)]));
}

/** The program's defences against junk: reporters' signals, public notes from closed reports. */
export class Intake {
  constructor(private readonly ctx: ProgramContext) {}

  /** The actor's own signal: how their reports ended, as the team sees it (E_FORBIDDEN unless logged in). */
  async mySignal(actor: Actor, origin: Origin): Promise<ReporterSignal> {
    const me = actorId(actor);
    if (actor.kind !== 'user' || !me || actor.unconfirmed)
      throw new NswgError('E_FORBIDDEN', 'log in to see how your reports ended', { field: 'signal' });
    return this.ctx.transaction(actor, origin, async (tx) =>
      reporterSignal(me, await tx.reporterOutcomes([me])),
    );
  }

  /**
   * Publishes a note for the maintainer from a report the team closed as informative or not
   * applicable: the team's title and text, on the report's package or component, with no CVE id and
   * no advisory. One per report (E_CONFLICT). The reporter and the team are told.
   */
  async publishNote(actor: Actor, reportId: string, input: unknown, origin: Origin): Promise<PublicNote> {
    const { ctx } = this;
    const now = ctx.now();
    const given = validatePublicNote(input);
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report: Report = await ctx.load(tx, actor, reportId, 'publish-note', now);
      const note: PublicNote = {
        id: ctx.newId(),
        reportId,
        kind: report.kind,
        packageName: report.packageName,
        component: report.component,
        ...given,
        publishedBy: actorId(actor)!,
        publishedAt: now.toISOString(),
      };
      await tx.addPublicNote(note);
      await tx.audit(
        auditEntry(actor, 'report.public-note', origin, now, reportId, {
          noteId: note.id,
          title: note.title,
        }),
      );
      await out.notify(tx, report, {
        kind: 'state-change',
        reportId,
        audiences: ['reporter', 'team'],
        subject: `[nswg] ${reportId}: a public note for the maintainer`,
        text: `The team published a note for the maintainer from the report "${report.title}", closed as ${report.closedAs}. It has no CVE id and is no advisory; the report itself stays private.\n\n${note.title}\n\n${note.text}\n\n${ctx.deps.links.report(reportId)}\n`,
      });
      return note;
    });
  }

  /** The public notes, newest first, about one npm package or Node.js component when given: for everyone. */
  async notes(filter: { packageName?: string; component?: string } = {}): Promise<PublicNoteView[]> {
    return this.ctx.deps.repo.transaction(async (tx) => (await tx.publicNotes(filter)).map(publicNoteView));
  }
}
