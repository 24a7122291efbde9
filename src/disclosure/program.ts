import { Bounty } from './program-bounty.js';
import { Collaboration } from './program-collaboration.js';
import { type ProgramDeps, programContext } from './program-context.js';
import { Credits } from './program-credits.js';
import { Cves } from './program-cve.js';
import { CveRequests } from './program-cve-requests.js';
import { Intake } from './program-intake.js';
import { Invitations } from './program-invitations.js';
import { Queue } from './program-queue.js';
import { Recognition } from './program-recognition.js';
import { Records } from './program-records.js';
import { RegistryOverrides } from './program-registry.js';
import { Releases } from './program-releases.js';
import { Reports } from './program-reports.js';
import { Votes } from './program-votes.js';
import { Workflow } from './program-workflow.js';

/**
 * The responsible disclosure program: the one application layer. Every operation the server offers is
 * here, and each checks its rule (permissions.ts, workflow.ts, votes.ts, agreement.ts, …), runs in one
 * transaction and records itself in the audit log in it; a refused read of a private report is
 * recorded too (program-context.ts). Routes and pages only translate HTTP to these calls and back.
 * Errors are NswgErrors: E_NOT_FOUND (also for reports the actor may not see), E_FORBIDDEN,
 * E_TRANSITION, E_REPORT_INVALID, E_VOTE, E_CONFLICT, E_TOKEN, E_ATTACHMENT, E_QUOTA.
 *
 * The program is made of parts, each a class in a file of its own that holds its operations itself,
 * sharing one context (the dependencies, the clock, units of work): `program.workflow.transition(…)`,
 * `program.votes.cast(…)`. As the store composes its reports, accounts and advisories, and Kysely its
 * schema and introspection modules, nothing is forwarded: an operation is written once, in its part,
 * and no file grows into the whole program.
 */
export class DisclosureProgram {
  /** Submitting a report, reading one in full or disclosed, its possible duplicates. */
  readonly reports: Reports;
  /** The queue of reports by urgency, and the team's dashboard with the figures. */
  readonly queue: Queue;
  /** Transitions, the assessment, the fix proposal, early publication, disclosure statements. */
  readonly workflow: Workflow;
  /** Comments, internal notes, attachments. */
  readonly collaboration: Collaboration;
  /** Maintainer invitations and maintainers. */
  readonly invitations: Invitations;
  /** Extension votes. */
  readonly votes: Votes;
  /** The audit log and the outbox, for admins. */
  readonly records: Records;
  /** The CVE ids: blocks (admins), assignment to a report (the team). */
  readonly cve: Cves;
  /** The admins' answers for the npm registry (package versions, downloads), when it cannot be asked. */
  readonly registry: RegistryOverrides;
  /** Credits with roles: proposed, accepted or declined by the credited person, entered by the team. */
  readonly credits: Credits;
  /** External CVE requests: asked for by anyone with an account, decided by the team. */
  readonly cveRequests: CveRequests;
  /** Against junk: each reporter's signal, public notes from closed reports that still help. */
  readonly intake: Intake;
  /** The bug bounty: eligible modules, the budget and its ledger, rewards approved by a second member. */
  readonly bounty: Bounty;
  /** The hall of fame, and researchers' public profiles. */
  readonly recognition: Recognition;
  /** Node.js core security releases: planned, pre-announced, published together on their day, by the core security team. */
  readonly releases: Releases;

  constructor(deps: ProgramDeps) {
    const ctx = programContext(deps);
    this.reports = new Reports(ctx);
    this.queue = new Queue(ctx);
    this.workflow = new Workflow(ctx);
    this.collaboration = new Collaboration(ctx);
    this.invitations = new Invitations(ctx);
    this.votes = new Votes(ctx);
    this.records = new Records(ctx);
    this.cve = new Cves(ctx);
    this.credits = new Credits(ctx);
    this.registry = new RegistryOverrides(ctx);
    this.cveRequests = new CveRequests(ctx);
    this.intake = new Intake(ctx);
    this.bounty = new Bounty(ctx);
    this.recognition = new Recognition(ctx);
    this.releases = new Releases(ctx);
  }
}
