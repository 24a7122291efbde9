import type { Party, SubjectAgreement } from './agreement.js';
import type { AttachmentMeta } from './attachments.js';
import type { Origin } from './audit.js';
import type { DisclosureDeps } from './effects.js';
import type { Comment, InternalNote, ReportFilter } from './ports.js';
import * as collaboration from './program-collaboration.js';
import { loggingRefusals, type ProgramContext, programContext } from './program-context.js';
import * as intake from './program-intake.js';
import * as invitations from './program-invitations.js';
import * as votes from './program-votes.js';
import * as workflow from './program-workflow.js';
import type { AssessmentInput, Report } from './report.js';
import type { Actor } from './roles.js';
import type { ExtensionProposal, ProposalInput, Vote } from './votes.js';
import type { Transition, TransitionParams } from './workflow.js';

// The scheduler closes due votes inside its own transaction.
export { closeVoteInTx } from './program-votes.js';

/**
 * The responsible disclosure program: every operation the server offers, each checking its rule
 * (permissions.ts, workflow.ts, votes.ts) and recording itself in the audit log in the same transaction.
 * Errors are NswgErrors: E_NOT_FOUND (also for reports the actor may not see), E_FORBIDDEN,
 * E_TRANSITION, E_REPORT_INVALID, E_VOTE, E_CONFLICT, E_TOKEN, E_ATTACHMENT, E_QUOTA.
 * The work itself lives in program-intake.ts, program-workflow.ts, program-collaboration.ts,
 * program-invitations.ts and program-votes.ts; this class is the one door to it.
 */
export class DisclosureProgram {
  private readonly ctx: ProgramContext;

  constructor(deps: DisclosureDeps) {
    this.ctx = programContext(deps);
  }

  /**
   * Submits a report (the Working Group's template, see validateReport). A team member may file it on
   * behalf of another registered user (`onBehalfOf`), who is then its reporter.
   */
  submit(actor: Actor, input: unknown, origin: Origin, opts: { onBehalfOf?: string } = {}): Promise<Report> {
    return intake.submit(this.ctx, actor, input, origin, opts);
  }

  /** One report with what the actor may see of it; the read is recorded in the audit log. */
  view(actor: Actor, reportId: string, origin: Origin): Promise<intake.ReportView> {
    return this.guard(actor, origin, () => intake.view(this.ctx, actor, reportId, origin));
  }

  /**
   * A report as the actor may read it: in full for its participants (the read is recorded), in its
   * disclosed form for everyone else once published, else E_NOT_FOUND (a refused read of a private
   * report is recorded too).
   */
  read(actor: Actor, reportId: string, origin: Origin): Promise<intake.ReadReport> {
    return this.guard(actor, origin, () => intake.read(this.ctx, actor, reportId, origin));
  }

  /** The reports the actor may see (the team: its kind of reports; others: those they take part in). */
  list(
    actor: Actor,
    origin: Origin,
    filter: Pick<ReportFilter, 'states'> = {},
  ): Promise<intake.ReportSummary[]> {
    return intake.list(this.ctx, actor, origin, filter);
  }

  /** The team's dashboard: overdue first answers, coming publications, counts by state. */
  dashboard(actor: Actor, origin: Origin): Promise<intake.Dashboard> {
    return intake.dashboard(this.ctx, actor, origin);
  }

  /** Moves a report through the workflow (publish stores the advisory in the same transaction). */
  transition(
    actor: Actor,
    reportId: string,
    t: Transition,
    params: TransitionParams,
    origin: Origin,
  ): Promise<Report> {
    return this.guard(actor, origin, () => workflow.transition(this.ctx, actor, reportId, t, params, origin));
  }

  /** The team's assessment: CVSS 3.1 vector (scored by the library), CWE, CVE id, affected versions. */
  assess(actor: Actor, reportId: string, input: AssessmentInput, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () => workflow.assess(this.ctx, actor, reportId, input, origin));
  }

  /**
   * Records a fix proposal (an invited maintainer or the team, between triage and publication): the
   * fixed versions (an npm range) and the planned release date (not in the past). It replaces the
   * previous proposal on the report; the audit log keeps each one. Every participant is told.
   */
  proposeFix(actor: Actor, reportId: string, input: unknown, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () => workflow.proposeFix(this.ctx, actor, reportId, input, origin));
  }

  /**
   * Records what the actor's party (the reporter, an invited maintainer, or the team) agrees to
   * disclose on publication: the proof of concept and/or attachments, each yes or no. Each statement
   * replaces that party's earlier one and is recorded in the audit log. Answers the agreement.
   */
  stateDisclosure(
    actor: Actor,
    reportId: string,
    input: unknown,
    origin: Origin,
  ): Promise<{ party: Party; agreement: SubjectAgreement[] }> {
    return this.guard(actor, origin, () =>
      workflow.stateDisclosure(this.ctx, actor, reportId, input, origin),
    );
  }

  /** A comment every participant sees. A team member's comment counts as the first answer. */
  comment(actor: Actor, reportId: string, body: string, origin: Origin): Promise<Comment> {
    return this.guard(actor, origin, () => collaboration.comment(this.ctx, actor, reportId, body, origin));
  }

  /** An internal note, for the team only. */
  addNote(actor: Actor, reportId: string, body: string, origin: Origin): Promise<InternalNote> {
    return this.guard(actor, origin, () => collaboration.addNote(this.ctx, actor, reportId, body, origin));
  }

  /**
   * Invites a maintainer by e-mail: a signed, single-use link valid INVITATION_DAYS days that lets its
   * holder see this one report. The first invitation moves an accepted report to maintainer-invited.
   * Returns the token too (the e-mail is how it normally travels).
   */
  inviteMaintainer(
    actor: Actor,
    reportId: string,
    email: string,
    origin: Origin,
  ): Promise<invitations.IssuedInvitation> {
    return this.guard(actor, origin, () =>
      invitations.inviteMaintainer(this.ctx, actor, reportId, email, origin),
    );
  }

  /**
   * Accepts a maintainer invitation: the logged-in user becomes a maintainer of that one report.
   * E_TOKEN when the token is unknown, forged, expired or used.
   */
  acceptInvitation(actor: Actor, token: string, origin: Origin): Promise<Report> {
    return invitations.acceptInvitation(this.ctx, actor, token, origin);
  }

  /** Proposes an extension of the publication deadline and opens its vote. */
  proposeExtension(
    actor: Actor,
    reportId: string,
    input: ProposalInput,
    origin: Origin,
  ): Promise<ExtensionProposal> {
    return this.guard(actor, origin, () => votes.proposeExtension(this.ctx, actor, reportId, input, origin));
  }

  /** Casts one vote on an open proposal (team members and the reporter, once each, inside the window). */
  vote(actor: Actor, proposalId: string, inFavour: boolean, origin: Origin): Promise<Vote> {
    return this.guard(actor, origin, () => votes.vote(this.ctx, actor, proposalId, inFavour, origin));
  }

  /**
   * Adds an attachment; its type comes from its bytes and must agree with its name. E_QUOTA when the
   * uploader's quotas (files per window, files and bytes per day) or the report's are reached.
   */
  addAttachment(
    actor: Actor,
    reportId: string,
    file: { filename: string; bytes: Uint8Array },
    origin: Origin,
  ): Promise<AttachmentMeta> {
    return this.guard(actor, origin, () =>
      collaboration.addAttachment(this.ctx, actor, reportId, file, origin),
    );
  }

  /**
   * Reads an attachment: a participant's read is recorded in the audit log; anyone may read one that
   * its published report discloses (agreement.ts). E_NOT_FOUND otherwise, whether it exists or not.
   */
  readAttachment(
    actor: Actor,
    attachmentId: string,
    origin: Origin,
  ): Promise<{ meta: AttachmentMeta; bytes: Uint8Array }> {
    return this.guard(actor, origin, () =>
      collaboration.readAttachment(this.ctx, actor, attachmentId, origin),
    );
  }

  /**
   * Makes the fix proposal a maintainer made after the report was fixed the report's fixed versions:
   * the team's word on what is published.
   */
  confirmFix(actor: Actor, reportId: string, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () => workflow.confirmFix(this.ctx, actor, reportId, origin));
  }

  /**
   * Asks for the early publication of an unfixed report (reason already-public or actively-exploited,
   * and details); a second team member then publishes it. Every participant is told.
   */
  requestEarlyPublication(actor: Actor, reportId: string, input: unknown, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () =>
      workflow.requestEarlyPublication(this.ctx, actor, reportId, input, origin),
    );
  }

  /** Withdraws a request for early publication. */
  withdrawEarlyPublication(actor: Actor, reportId: string, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () =>
      workflow.requestEarlyPublication(this.ctx, actor, reportId, null, origin),
    );
  }

  /** Revokes a maintainer invitation that was not accepted: its link stops working. */
  revokeInvitation(actor: Actor, reportId: string, invitationId: string, origin: Origin): Promise<unknown> {
    return this.guard(actor, origin, () =>
      invitations.revokeInvitation(this.ctx, actor, reportId, invitationId, origin),
    );
  }

  /** Sends an invitation that was not accepted again, as a new link (the old one stops working). */
  resendInvitation(
    actor: Actor,
    reportId: string,
    invitationId: string,
    origin: Origin,
  ): Promise<invitations.IssuedInvitation> {
    return this.guard(actor, origin, () =>
      invitations.resendInvitation(this.ctx, actor, reportId, invitationId, origin),
    );
  }

  /** Removes a maintainer from a report: from then on they do not see it. */
  removeMaintainer(actor: Actor, reportId: string, userId: string, origin: Origin): Promise<Report> {
    return this.guard(actor, origin, () =>
      invitations.removeMaintainer(this.ctx, actor, reportId, userId, origin),
    );
  }

  /** Runs an operation, recording in the audit log a refused read of a private report. */
  private guard<T>(actor: Actor, origin: Origin, run: () => Promise<T>): Promise<T> {
    return loggingRefusals(this.ctx, actor, origin, run);
  }

  /** Counts a vote whose window has closed and moves the deadline when it passed (the scheduler does it when due). */
  closeVote(actor: Actor, proposalId: string, origin: Origin): Promise<ExtensionProposal> {
    return this.guard(actor, origin, () => votes.closeVote(this.ctx, actor, proposalId, origin));
  }
}
