import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit.js';
import { commitAndSend, transitionInTx } from './effects.js';
import { invitationMessage } from './notifications.js';
import type { ProgramContext } from './program-context.js';
import type { Report } from './report.js';
import { type Actor, actorId } from './roles.js';

// The program's maintainer invitations: a signed, single-use link per invited address.

/** How long a maintainer invitation stays valid. */
export const INVITATION_DAYS = 14;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Invites a maintainer by e-mail (see DisclosureProgram.inviteMaintainer). */
export async function inviteMaintainer(
  ctx: ProgramContext,
  actor: Actor,
  reportId: string,
  email: string,
  origin: Origin,
): Promise<{ invitationId: string; token: string; expiresAt: string }> {
  const now = ctx.now();
  const address = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) || address.length > 254) {
    throw new NswgError('E_REPORT_INVALID', 'email is not an e-mail address', { field: 'email' });
  }
  return commitAndSend(ctx.deps, async (tx, out) => {
    let report = await ctx.load(tx, actor, reportId, 'invite-maintainer', now);
    const secretPart = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
    const id = ctx.newId();
    const token = `${secretPart}.${sign(ctx, secretPart, reportId, address, expiresAt)}`;
    await tx.addInvitation({
      id,
      reportId,
      email: address,
      tokenHash: sha256(secretPart),
      invitedBy: actorId(actor)!,
      createdAt: now.toISOString(),
      expiresAt,
      usedAt: null,
      usedBy: null,
    });
    await tx.audit(
      auditEntry(actor, 'maintainer.invite', origin, now, reportId, {
        invitationId: id,
        email: address,
        expiresAt,
      }),
    );
    if (report.state === 'accepted')
      report = await transitionInTx(tx, out, ctx.deps, actor, report, 'invite-maintainer', {}, origin, now);
    out.push(invitationMessage(address, report, token, expiresAt, ctx.deps.links));
    return { invitationId: id, token, expiresAt };
  });
}

/** Makes the logged-in user a maintainer of the invitation's report (see DisclosureProgram.acceptInvitation). */
export async function acceptInvitation(
  ctx: ProgramContext,
  actor: Actor,
  token: string,
  origin: Origin,
): Promise<Report> {
  const now = ctx.now();
  if (actor.kind !== 'user')
    throw new NswgError('E_FORBIDDEN', 'log in (or register) to accept the invitation', { field: 'token' });
  const [secretPart, signature] = token.split('.');
  const bad = () =>
    new NswgError('E_TOKEN', 'this invitation is not valid (unknown, expired or already used)', {
      field: 'token',
    });
  if (!secretPart || !signature) throw bad();
  return ctx.deps.repo.transaction(async (tx) => {
    const inv = await tx.invitationByHash(sha256(secretPart));
    if (!inv) throw bad();
    const expected = Buffer.from(sign(ctx, secretPart, inv.reportId, inv.email, inv.expiresAt));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
    if (inv.usedAt !== null || now.getTime() >= Date.parse(inv.expiresAt)) throw bad();
    const report = await tx.getReport(inv.reportId);
    if (!report || !['maintainer-invited', 'fix-in-progress', 'fixed'].includes(report.state)) throw bad();
    await tx.useInvitation(inv.id, actor.id, now.toISOString());
    const next = report.maintainerIds.includes(actor.id)
      ? report
      : { ...report, maintainerIds: [...report.maintainerIds, actor.id] };
    if (next !== report) await tx.addMaintainer(report.id, actor.id, now.toISOString());
    await tx.audit(auditEntry(actor, 'maintainer.join', origin, now, report.id, { invitationId: inv.id }));
    return next;
  });
}

function sign(
  ctx: ProgramContext,
  secretPart: string,
  reportId: string,
  email: string,
  expiresAt: string,
): string {
  return createHmac('sha256', ctx.deps.secret)
    .update(`${secretPart}|${reportId}|${email}|${expiresAt}`)
    .digest('base64url');
}
