import type { CveRequest } from './cve-requests.js';
import type { ScheduledActionKind } from './deadlines.js';
import type { Report } from './report.js';
import type { StateChange } from './workflow.js';

/** What a user may choose to receive (each on by default). Invitations go to an address, always. */
export const NOTIFICATION_KINDS = ['state-change', 'comment', 'reminder', 'vote'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One e-mail. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /**
   * Parts of the text that grant access (a confirmation, reset or invitation link): sent to the
   * addressee only, never kept at rest (the outbox keeps the message without them).
   */
  secrets?: string[];
}

/** Sends e-mail: SMTP in production, the outbox table by default (src/mail implements it). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Who is told: the report's reporter, its team, its invited maintainers. */
export type Audience = 'reporter' | 'team' | 'maintainers';

/** A notification before its recipients are resolved to addresses and filtered by their preferences. */
export interface Notification {
  kind: NotificationKind;
  reportId: string;
  audiences: Audience[];
  subject: string;
  text: string;
}

const ref = (r: Pick<Report, 'id' | 'title'>) => `report ${r.id} ("${r.title}")`;

/** The links the messages carry: where the server shows a report, accepts an invitation, lists one's credits. */
export interface Links {
  report(reportId: string): string;
  invitation(token: string): string;
  /** The page where a person accepts or declines the credits proposed to them. */
  credits(): string;
  cveRequest(requestId: string): string;
  /** The page of a security release (the core security team's until it is published). */
  release(releaseId: string): string;
}

/** The notice of a state change: to the reporter and the team; maintainers from the invitation on. */
export function stateChangeNotice(r: Report, c: StateChange, links: Links): Notification {
  // a closed report tells its reporter how it was closed and the team's message, in so many words
  const reason =
    c.transition === 'reject' && r.closedAs
      ? `\nClosed as ${r.closedAs}. The team's message:\n\n${r.rejectReason ?? ''}\n`
      : c.reason
        ? `\nReason: ${c.reason}\n`
        : '';
  const audiences: Audience[] = ['reporter', 'team'];
  if (['maintainer-invited', 'fix-in-progress', 'fixed', 'published'].includes(c.to))
    audiences.push('maintainers');
  const published = r.advisoryId ? `\nThe advisory is ${r.advisoryId}.\n` : '';
  return {
    kind: 'state-change',
    reportId: r.id,
    audiences,
    subject: `[nswg] ${r.id} is now ${c.to}`,
    text: `The ${ref(r)} moved from ${c.from} to ${c.to} (${c.transition}).\n${reason}${published}\n${links.report(r.id)}\n`,
  };
}

/** The notice of a new public comment, to every participant. */
export function commentNotice(r: Report, links: Links): Notification {
  return {
    kind: 'comment',
    reportId: r.id,
    audiences: ['reporter', 'team', 'maintainers'],
    subject: `[nswg] New comment on ${r.id}`,
    text: `There is a new comment on the ${ref(r)}.\n\n${links.report(r.id)}\n`,
  };
}

/** The notice of a fix proposal (fixed versions and release date), to every participant. */
export function fixProposalNotice(r: Report, links: Links): Notification {
  const p = r.fixProposal!;
  return {
    kind: 'state-change',
    reportId: r.id,
    audiences: ['reporter', 'team', 'maintainers'],
    subject: `[nswg] ${r.id}: fix planned for ${p.releaseDate}`,
    text: `A fix of the ${ref(r)} is proposed: fixed versions ${p.patchedVersions}, release planned for ${p.releaseDate}.\n\n${links.report(r.id)}\n`,
  };
}

/** The notice that a team member asked to publish the report early: the team and the reporter. */
export function earlyPublicationNotice(r: Report, links: Links): Notification {
  const e = r.earlyPublication!;
  return {
    kind: 'state-change',
    reportId: r.id,
    audiences: ['reporter', 'team', 'maintainers'],
    subject: `[nswg] ${r.id}: early publication asked for (${e.reason})`,
    text: `A team member asked to publish the ${ref(r)} before its deadline and before a fix (${e.reason}):\n\n${e.details}\n\nA second team member publishes it.\n\n${links.report(r.id)}\n`,
  };
}

/** The notice that an extension vote has opened. */
export function voteNotice(r: Report, days: number, closesAt: string, links: Links): Notification {
  return {
    kind: 'vote',
    reportId: r.id,
    audiences: ['reporter', 'team'],
    subject: `[nswg] Vote: extend the deadline of ${r.id} by ${days} days`,
    text: `An extension of ${days} days of the publication deadline of the ${ref(r)} has been proposed.\nVote before ${closesAt}.\n\n${links.report(r.id)}\n`,
  };
}

/** The reminder or notice the scheduler sends for a due action (none for publication: that is a state change). */
export function reminderNotice(r: Report, action: ScheduledActionKind, links: Links): Notification | null {
  const at = links.report(r.id);
  switch (action) {
    case 'first-answer-reminder':
      return {
        kind: 'reminder',
        reportId: r.id,
        audiences: ['team'],
        subject: `[nswg] ${r.id} needs a first answer by ${r.firstAnswerDue}`,
        text: `The ${ref(r)} has no answer yet; the first answer is due by ${r.firstAnswerDue}.\n\n${at}\n`,
      };
    case 'first-answer-overdue':
      return {
        kind: 'reminder',
        reportId: r.id,
        audiences: ['team'],
        subject: `[nswg] OVERDUE: ${r.id} has had no answer for 2 business days`,
        text: `The first answer to the ${ref(r)} was due by ${r.firstAnswerDue}. It is flagged overdue.\n\n${at}\n`,
      };
    case 'publication-reminder':
      return {
        kind: 'reminder',
        reportId: r.id,
        audiences: ['reporter', 'team', 'maintainers'],
        subject: `[nswg] ${r.id} will be published on ${r.publicationDue}`,
        text: `The ${ref(r)} is due for publication on ${r.publicationDue}, fixed or not.\nAn extension needs a vote.\n\n${at}\n`,
      };
    default:
      return null;
  }
}

/** The invitation e-mail to a maintainer: the link is the only way in, single-use and expiring. */
export function invitationMessage(
  to: string,
  r: Report,
  token: string,
  expiresAt: string,
  links: Links,
): MailMessage {
  return {
    to,
    secrets: [links.invitation(token)],
    subject: `[nswg] Security report about ${r.packageName ?? 'your package'}: you are invited`,
    text:
      `The Node.js Security Working Group received a vulnerability report about ${r.packageName} and invites you, as a maintainer, to see it and fix it.\n\n` +
      `Accept the invitation (once, before ${expiresAt}), logged in with the account of this address (${to}; sign up with it if you have none):\n${links.invitation(token)}\n\n` +
      'Please keep the report confidential until it is published.\n',
  };
}

/**
 * The message to a person with an account that a credit is proposed to them. It names the role and
 * the name the advisory would show, never the report: they may not see it, and it is not public yet.
 */
export function creditMessage(
  to: string,
  c: { role: string; name: string },
  proposer: 'the team' | 'the reporter',
  links: Links,
): MailMessage {
  return {
    to,
    subject: '[nswg] You are proposed for a credit in a security advisory',
    text:
      `${proposer === 'the team' ? 'The Node.js Security Working Group' : 'The reporter of a vulnerability'} proposes to credit you, as ${c.role}, as "${c.name}", in the advisory the Node.js Security Working Group will publish about it.\n\n` +
      `The credit is public only if you accept it. Accept or decline it, logged in with the account of this address (${to}):\n${links.credits()}\n`,
  };
}

/** What a CVE request's notice is about: its submission, or one of its moves. */
export type CveRequestEvent = 'submit' | 'acknowledge' | 'assign' | 'refuse' | 'announce' | 'withdraw';

/**
 * The notice of a CVE request's event: to the team of its kind when it needs them (submitted,
 * withdrawn, announced), to its requester when the team decided (the refusal with its reason).
 * `reportId` names the request: recipients treat its requester as the reporter.
 */
export function cveRequestNotice(q: CveRequest, e: CveRequestEvent, links: Links): Notification {
  const about = `CVE request ${q.id} ("${q.title}")`;
  const at = `\n${links.cveRequest(q.id)}\n`;
  const n = (audiences: Audience[], subject: string, text: string): Notification => ({
    kind: 'state-change',
    reportId: q.id,
    audiences,
    subject: `[nswg] ${subject}`,
    text: `${text}\n${at}`,
  });
  switch (e) {
    case 'submit':
      return n(
        ['team'],
        `New CVE request ${q.id}`,
        `A CVE id was requested for a vulnerability fixed outside the program: the ${about}. Acknowledge it, then assign an id or refuse it with a reason.`,
      );
    case 'acknowledge':
      return n(['reporter'], `CVE request ${q.id} acknowledged`, `The team acknowledged your ${about}.`);
    case 'assign':
      return n(
        ['reporter'],
        `CVE request ${q.id}: ${q.cveId} assigned`,
        `Your ${about} was assigned ${q.cveId}. Keep it confidential until it is announced; announce it once your fix is public.`,
      );
    case 'refuse':
      return n(
        ['reporter'],
        `CVE request ${q.id} refused`,
        `The team refused your ${about}.\nReason: ${q.refusalReason}`,
      );
    case 'announce':
      return n(
        ['reporter', 'team'],
        `${q.cveId} announced`,
        `The ${about} was announced: ${q.cveId} is public, with the advisory ${q.advisoryId}.`,
      );
    case 'withdraw':
      return n(['team'], `CVE request ${q.id} withdrawn`, `The requester withdrew the ${about}.`);
  }
}
