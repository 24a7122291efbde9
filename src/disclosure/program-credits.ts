import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import {
  type CreditRole,
  type CreditState,
  checkCreditName,
  creditMove,
  MAX_CREDITS,
  type ReportCredit,
  validateCreditProposal,
} from './credits.js';
import { creditMessage } from './notifications.js';
import { assertCan, can } from './permissions.js';
import type { DisclosureTx } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { Report } from './report.js';
import { type Actor, actorId, CONFIRM_FIRST, isConfirmedUser, isTeamFor } from './roles.js';
import { CLOSED_STATES } from './workflow.js';

// Credits with roles (credits.ts): the team or the reporter proposes, the credited person accepts or
// declines, the team enters the credit of someone without an account; publication takes the accepted.

/** A credit as the person it is proposed to sees it: the role, the name, who proposed it; never the report. */
export interface CreditOffer {
  id: string;
  role: CreditRole;
  name: string;
  state: CreditState;
  proposedBy: 'the team' | 'the reporter';
  proposedAt: string;
  /** The published advisory that carries it, once there is one (accepted credits only). */
  advisoryId: string | null;
  /** False once the report is published or closed: the credit is final. */
  open: boolean;
}

/** A credit as a report's participants see it: the address only for the team and whoever proposed it. */
export type CreditView = Omit<ReportCredit, 'email'> & { email: string | null };

const notFound = () => new NswgError('E_NOT_FOUND', 'credit not found', { field: 'credit' });

/** The credits of reports. */
export class Credits {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * Proposes a credit (the team or the reporter): to the account of an address, whose holder accepts
   * or declines it (and is mailed, when such an account exists; a credit to oneself is accepted at
   * once), or, by the team, for a person without an account (accepted at once). The answer is the same
   * whether an account has the address or not, so proposing does not tell who has an account.
   */
  async propose(actor: Actor, reportId: string, input: unknown, origin: Origin): Promise<ReportCredit> {
    const { ctx } = this;
    const now = ctx.now();
    const p = validateCreditProposal(input);
    return ctx.transaction(actor, origin, async (tx, out) => {
      const report = await ctx.load(tx, actor, reportId, 'propose-credit', now);
      if ('withoutAccount' in p) assertCan(actor, 'enter-credit', report, now);
      if ((await tx.credits(report.id)).length >= MAX_CREDITS)
        throw new NswgError('E_CONFLICT', `a report holds at most ${MAX_CREDITS} credits`, {
          field: 'credit',
        });
      const me = actorId(actor)!;
      const at = now.toISOString();
      const holder = 'email' in p ? await tx.userIdByEmail(p.email) : null;
      const settled = !('email' in p) || holder === me;
      const credit: ReportCredit = {
        id: ctx.newId(),
        reportId: report.id,
        role: p.role,
        name: p.name,
        email: 'email' in p ? p.email : null,
        state: settled ? 'accepted' : 'proposed',
        proposedBy: me,
        proposedAt: at,
        decidedBy: settled ? me : null,
        decidedAt: settled ? at : null,
      };
      await tx.addCredit(credit);
      await tx.audit(
        auditEntry(actor, 'withoutAccount' in p ? 'credit.enter' : 'credit.propose', origin, now, report.id, {
          creditId: credit.id,
          role: credit.role,
          state: credit.state,
        }),
      );
      if (holder && !settled) {
        const contact = await tx.userContact(holder);
        if (contact?.confirmed)
          out.push(creditMessage(contact.email, credit, proposerOf(actor, report), ctx.deps.links));
      }
      return credit;
    });
  }

  /** Withdraws a proposed or accepted credit: whoever proposed it, or the report's team, before publication. */
  async withdraw(actor: Actor, creditId: string, origin: Origin): Promise<ReportCredit> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const credit = await tx.credit(creditId);
      if (!credit) throw notFound();
      const report = await ctx.load(tx, actor, credit.reportId, 'view-report', now);
      if (!(isTeamFor(actor, report.kind) || credit.proposedBy === actorId(actor)))
        throw new NswgError('E_FORBIDDEN', 'a credit is withdrawn by whoever proposed it, or the team', {
          field: 'credit',
        });
      assertCan(actor, 'propose-credit', report, now);
      return move(tx, actor, credit, 'withdraw', origin, now);
    });
  }

  /**
   * The credits proposed to the actor's confirmed address, with the state of each (no report is
   * named: the credited person may not be one of its participants).
   */
  async mine(actor: Actor, origin: Origin): Promise<CreditOffer[]> {
    const { ctx } = this;
    const now = ctx.now();
    if (!isConfirmedUser(actor)) throw new NswgError('E_FORBIDDEN', CONFIRM_FIRST, { field: 'email' });
    return ctx.transaction(actor, origin, async (tx) => {
      const email = await confirmedAddress(tx, actor);
      await tx.audit(auditEntry(actor, 'credit.list', origin, now, null));
      const out: CreditOffer[] = [];
      for (const c of await tx.creditsTo(email)) {
        if (c.state === 'withdrawn') continue;
        const report = await tx.getReport(c.reportId);
        if (!report) continue;
        out.push(offerOf(c, report));
      }
      return out;
    });
  }

  /**
   * The credited person accepts (optionally under another name) or declines a credit proposed to
   * their confirmed address, until the report is published. Anyone else, the same "not found".
   */
  async decide(
    actor: Actor,
    creditId: string,
    decision: 'accept' | 'decline',
    origin: Origin,
    opts: { name?: unknown } = {},
  ): Promise<CreditOffer> {
    const { ctx } = this;
    const now = ctx.now();
    const name = opts.name === undefined || opts.name === '' ? null : checkCreditName(opts.name);
    return ctx.transaction(actor, origin, async (tx) => {
      const email = await confirmedAddress(tx, actor);
      const credit = await tx.credit(creditId);
      if (!credit || credit.email !== email || credit.state === 'withdrawn') throw notFound();
      const report = await tx.getReport(credit.reportId);
      if (!report) throw notFound();
      if (!isOpen(report))
        throw new NswgError('E_TRANSITION', `the report is ${report.state}: its credits are final`, {
          field: 'credit',
        });
      const next = await move(tx, actor, name ? { ...credit, name } : credit, decision, origin, now);
      return offerOf(next, report);
    });
  }
}

/** The credits of a report as `actor` (who may see the report) sees them. */
export async function creditViews(
  tx: DisclosureTx,
  actor: Actor,
  report: Report,
  now: Date,
): Promise<CreditView[]> {
  const team = can(actor, 'view-internal-notes', report, now);
  const me = actorId(actor);
  return (await tx.credits(report.id)).map((c) => (team || c.proposedBy === me ? c : { ...c, email: null }));
}

const isOpen = (r: Report) => !CLOSED_STATES.includes(r.state);

/** A credit as the person it is proposed to sees it (never the report itself). */
const offerOf = (c: ReportCredit, report: Report): CreditOffer => ({
  id: c.id,
  role: c.role,
  name: c.name,
  state: c.state,
  proposedBy: c.proposedBy === report.reporterId ? 'the reporter' : 'the team',
  proposedAt: c.proposedAt,
  advisoryId: report.state === 'published' && c.state === 'accepted' ? report.advisoryId : null,
  open: isOpen(report),
});

const proposerOf = (actor: Actor, r: Report): 'the team' | 'the reporter' =>
  isTeamFor(actor, r.kind) ? 'the team' : 'the reporter';

/** The actor's address, confirmed; E_NOT_FOUND for anyone else (nothing is proposed to them). */
async function confirmedAddress(tx: DisclosureTx, actor: Actor): Promise<string> {
  if (!isConfirmedUser(actor)) throw notFound();
  const contact = await tx.userContact(actor.id);
  if (!contact?.confirmed) throw notFound();
  return contact.email.trim().toLowerCase();
}

const MOVED_TO = { accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' } as const;

async function move(
  tx: DisclosureTx,
  actor: Actor,
  credit: ReportCredit,
  m: 'accept' | 'decline' | 'withdraw',
  origin: Origin,
  now: Date,
): Promise<ReportCredit> {
  const to = MOVED_TO[m];
  if (!creditMove(credit.state, m))
    throw new NswgError('E_TRANSITION', `a credit that is ${credit.state} cannot be ${to}`, {
      field: 'credit',
    });
  const next: ReportCredit = {
    ...credit,
    state: to,
    decidedBy: actorId(actor),
    decidedAt: now.toISOString(),
  };
  await tx.updateCredit(next);
  await tx.audit(
    auditEntry(actor, `credit.${m}`, origin, now, credit.reportId, {
      creditId: credit.id,
      role: credit.role,
      from: credit.state,
      to,
    }),
  );
  return next;
}
