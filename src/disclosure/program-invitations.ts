import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { type Outgoing, transitionInTx } from './effects.js';
import { invitationMessage } from './notifications.js';
import type { DisclosureTx, Invitation } from './ports.js';
import type { ProgramContext } from './program-context.js';
import type { Report } from './report.js';
import { type Actor, actorId } from './roles.js';

// The program's maintainer invitations: a signed, single-use link per invited address, which only
// the account holding that (confirmed) address can accept; the team revokes, re-sends, and removes
// maintainers.

/** How long a maintainer invitation stays valid. */
export const INVITATION_DAYS = 14;

/** What the inviter gets back: the token travels by e-mail (the answer carries it for a server without mail). */
export interface IssuedInvitation {
  invitationId: string;
  token: string;
  expiresAt: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** An invitation's standing, as the team's list shows it. */
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** The standing of an invitation at `now`. */
export function invitationStatus(i: Invitation, now: Date): InvitationStatus {
  if (i.usedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  return now.getTime() >= Date.parse(i.expiresAt) ? 'expired' : 'pending';
}

function checkAddress(email: string): string {
  const address = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) || address.length > 254) {
    throw new NswgError('E_REPORT_INVALID', 'email is not an e-mail address', { field: 'email' });
  }
  return address;
}

/** Issues a new invitation to `address` inside `tx` and queues its e-mail. */
async function issue(
  ctx: ProgramContext,
  tx: DisclosureTx,
  out: Outgoing,
  actor: Actor,
  report: Report,
  address: string,
  now: Date,
): Promise<IssuedInvitation> {
  const secretPart = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
  const id = ctx.newId();
  const token = `${secretPart}.${sign(ctx, secretPart, report.id, address, expiresAt)}`;
  await tx.addInvitation({
    id,
    reportId: report.id,
    email: address,
    tokenHash: sha256(secretPart),
    invitedBy: actorId(actor)!,
    createdAt: now.toISOString(),
    expiresAt,
    usedAt: null,
    usedBy: null,
    revokedAt: null,
    revokedBy: null,
  });
  out.push(invitationMessage(address, report, token, expiresAt, ctx.deps.links));
  return { invitationId: id, token, expiresAt };
}

/** The maintainers of a report: invitations by address, their acceptance, revocation and re-sending. */
export class Invitations {
  constructor(private readonly ctx: ProgramContext) {}

  /**
   * Invites a maintainer by e-mail: a signed, single-use link valid INVITATION_DAYS days that lets its
   * holder see this one report. The first invitation moves an accepted report to maintainer-invited.
   * Returns the token too (the e-mail is how it normally travels).
   */
  async invite(actor: Actor, reportId: string, email: string, origin: Origin): Promise<IssuedInvitation> {
    const { ctx } = this;
    const now = ctx.now();
    const address = checkAddress(email);
    return ctx.transaction(actor, origin, async (tx, out) => {
      let report = await ctx.load(tx, actor, reportId, 'invite-maintainer', now);
      // one pending invitation per address: inviting again (a second click, or two team members at
      // once, on this server instance or another) would send a second link; resend replaces the first
      const pending = (await tx.invitations(report.id)).find(
        (i) => i.email === address && invitationStatus(i, now) === 'pending',
      );
      if (pending)
        throw new NswgError(
          'E_CONFLICT',
          `${address} has a pending invitation to this report already: resend it for a new link`,
          { field: 'email' },
        );
      if (report.state === 'accepted')
        report = await transitionInTx(tx, out, ctx.deps, actor, report, 'invite-maintainer', {}, origin, now);
      const issued = await issue(ctx, tx, out, actor, report, address, now);
      await tx.audit(
        auditEntry(actor, 'maintainer.invite', origin, now, reportId, {
          invitationId: issued.invitationId,
          email: address,
          expiresAt: issued.expiresAt,
        }),
      );
      return issued;
    });
  }

  /**
   * Accepts a maintainer invitation: the logged-in user becomes a maintainer of that one report, when
   * the account holds the (confirmed) address it was sent to. E_TOKEN when the token is unknown,
   * forged, expired, revoked or used.
   */
  async accept(actor: Actor, token: string, origin: Origin): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    if (actor.kind !== 'user')
      throw new NswgError('E_FORBIDDEN', 'log in (or register) to accept the invitation', { field: 'token' });
    const [secretPart, signature] = token.split('.');
    const bad = () =>
      new NswgError('E_TOKEN', 'this invitation is not valid (unknown, expired, revoked or already used)', {
        field: 'token',
      });
    if (!secretPart || !signature) throw bad();
    return ctx.transaction(actor, origin, async (tx) => {
      const inv = await tx.invitationByHash(sha256(secretPart));
      if (!inv) throw bad();
      const expected = Buffer.from(sign(ctx, secretPart, inv.reportId, inv.email, inv.expiresAt));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
      if (invitationStatus(inv, now) !== 'pending') throw bad();
      const report = await tx.getReport(inv.reportId);
      if (!report || !['maintainer-invited', 'fix-in-progress', 'fixed'].includes(report.state)) throw bad();
      // the invitation is for the person at the address it was sent to, not for whoever holds the link
      const me = await tx.userContact(actor.id);
      if (!me?.confirmed || actor.unconfirmed)
        throw new NswgError(
          'E_FORBIDDEN',
          'confirm your e-mail address first: the invitation is accepted by the account of the address it was sent to',
          { field: 'email' },
        );
      if (me.email !== inv.email)
        throw new NswgError(
          'E_FORBIDDEN',
          `this invitation was sent to ${maskAddress(inv.email)}: log in with the account of that address (or ask the team to invite yours)`,
          { field: 'email' },
        );
      await tx.useInvitation(inv.id, actor.id, now.toISOString());
      const next = report.maintainerIds.includes(actor.id)
        ? report
        : { ...report, maintainerIds: [...report.maintainerIds, actor.id] };
      if (next !== report) await tx.addMaintainer(report.id, actor.id, now.toISOString());
      await tx.audit(auditEntry(actor, 'maintainer.join', origin, now, report.id, { invitationId: inv.id }));
      return next;
    });
  }

  /** Revokes a maintainer invitation that was not accepted: its link stops working. */
  async revoke(actor: Actor, reportId: string, invitationId: string, origin: Origin): Promise<Invitation> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const { invitation } = await teamInvitation(ctx, tx, actor, reportId, invitationId, now);
      if (invitation.usedAt || invitation.revokedAt)
        throw new NswgError(
          'E_TRANSITION',
          `this invitation was ${invitation.usedAt ? 'accepted' : 'revoked'} already`,
          { field: 'invitation' },
        );
      await tx.revokeInvitation(invitation.id, actorId(actor), now.toISOString());
      await tx.audit(
        auditEntry(actor, 'maintainer.invite-revoke', origin, now, reportId, {
          invitationId: invitation.id,
          email: invitation.email,
        }),
      );
      return { ...invitation, revokedAt: now.toISOString(), revokedBy: actorId(actor) };
    });
  }

  /**
   * Sends an invitation that was not accepted again, as a new one (a new link, a new expiry) to the
   * same address; the old link stops working.
   */
  async resend(
    actor: Actor,
    reportId: string,
    invitationId: string,
    origin: Origin,
  ): Promise<IssuedInvitation> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx, out) => {
      const { report, invitation } = await teamInvitation(ctx, tx, actor, reportId, invitationId, now);
      if (invitation.usedAt)
        throw new NswgError('E_TRANSITION', 'this invitation was accepted already', { field: 'invitation' });
      if (!invitation.revokedAt) await tx.revokeInvitation(invitation.id, actorId(actor), now.toISOString());
      const issued = await issue(ctx, tx, out, actor, report, invitation.email, now);
      await tx.audit(
        auditEntry(actor, 'maintainer.invite-resend', origin, now, reportId, {
          invitationId: issued.invitationId,
          replaces: invitation.id,
          email: invitation.email,
          expiresAt: issued.expiresAt,
        }),
      );
      return issued;
    });
  }

  /** Removes a maintainer from a report: from then on they do not see it. */
  async removeMaintainer(actor: Actor, reportId: string, userId: string, origin: Origin): Promise<Report> {
    const { ctx } = this;
    const now = ctx.now();
    return ctx.transaction(actor, origin, async (tx) => {
      const report = await ctx.load(tx, actor, reportId, 'remove-maintainer', now);
      if (!report.maintainerIds.includes(userId))
        throw new NswgError('E_NOT_FOUND', 'this user is not a maintainer of the report', {
          field: 'maintainer',
        });
      await tx.removeMaintainer(report.id, userId);
      await tx.audit(auditEntry(actor, 'maintainer.remove', origin, now, report.id, { userId }));
      return { ...report, maintainerIds: report.maintainerIds.filter((m) => m !== userId) };
    });
  }
}

/** A report's invitation for the team, or E_NOT_FOUND. */
async function teamInvitation(
  ctx: ProgramContext,
  tx: DisclosureTx,
  actor: Actor,
  reportId: string,
  invitationId: string,
  now: Date,
): Promise<{ report: Report; invitation: Invitation }> {
  const report = await ctx.load(tx, actor, reportId, 'manage-invitations', now);
  const invitation = await tx.invitation(invitationId);
  if (!invitation || invitation.reportId !== report.id)
    throw new NswgError('E_NOT_FOUND', 'invitation not found', { field: 'invitation' });
  return { report, invitation };
}

/** "j…@example.org": enough for the holder of the link to know which account to use. */
export function maskAddress(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}…@${domain}`;
}

function sign(
  ctx: ProgramContext,
  secretPart: string,
  reportId: string,
  email: string,
  expiresAt: string,
): string {
  return createHmac('sha256', ctx.keys.invitations)
    .update(`${secretPart}|${reportId}|${email}|${expiresAt}`)
    .digest('base64url');
}
