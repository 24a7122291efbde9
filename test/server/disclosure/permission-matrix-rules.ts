// Who may see and do what, written from docs/disclosure-policy.md (not from the code), for every
// route of the disclosure program: the expected status per role and per report (kind and state).
export const ROLES = [
  'anonymous',
  'stranger',
  'unconfirmed',
  'reporter',
  'maintainer',
  'triage',
  'triage-nototp',
  'core',
  'admin',
  'reporter-token-read',
  'reporter-token-write',
  'triage-token-read',
  'admin-token',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * The API tokens of the matrix, by the role they were made by and their scopes. A token made in a
 * session with two factors carries its maker's team roles (the triage and admin tokens here).
 * Tokens work on the API only: on the pages their holder is anonymous.
 */
export const TOKENS = {
  'reporter-token-read': { maker: 'reporter', scopes: ['reports:read'] },
  'reporter-token-write': { maker: 'reporter', scopes: ['reports:read', 'reports:write'] },
  'triage-token-read': { maker: 'triage', scopes: ['reports:read'] },
  'admin-token': { maker: 'admin', scopes: ['reports:read', 'reports:write', 'audit:read'] },
} as const satisfies Record<string, { maker: Role; scopes: string[] }>;
export type TokenRole = keyof typeof TOKENS;
export const isToken = (r: Role): r is TokenRole => r in TOKENS;
/** Who a role acts as on a report: a token's maker. */
export const baseOf = (r: Role): Role => (isToken(r) ? TOKENS[r].maker : r);

export const STATES = [
  'new',
  'needs-more-info',
  'accepted',
  'rejected',
  'duplicate',
  'maintainer-invited',
  'fix-in-progress',
  'fixed',
  'published',
  'withdrawn',
] as const;
export type State = (typeof STATES)[number];
export type Kind = 'npm' | 'core';

/** The report a request is about. */
export interface Subject {
  kind: Kind;
  state: State;
}

/** Every (kind, state) a report can be in: core reports have no invited maintainers. */
export const SUBJECTS: Subject[] = [
  ...STATES.map((state) => ({ kind: 'npm' as const, state })),
  ...STATES.filter((s) => s !== 'maintainer-invited').map((state) => ({ kind: 'core' as const, state })),
];

const CLOCK: readonly State[] = ['accepted', 'maintainer-invited', 'fix-in-progress', 'fixed'];
const CLOSED: readonly State[] = ['rejected', 'duplicate', 'published', 'withdrawn'];
const PRE_TRIAGE: readonly State[] = ['new', 'needs-more-info'];
/** States in which the fixture's maintainer has accepted an invitation (npm only). */
const INVITED: readonly State[] = ['maintainer-invited', 'fix-in-progress', 'fixed', 'published'];

export const isUser = (r: Role) => r !== 'anonymous';
/** Holds an effective team role (TOTP on, a session with two factors). */
export const isTeamMember = (r: Role) => ['triage', 'core', 'admin'].includes(baseOf(r));
export const team = (r: Role, s: Subject) => {
  const b = baseOf(r);
  return b === 'admin' || (b === 'triage' && s.kind === 'npm') || (b === 'core' && s.kind === 'core');
};
export const maintainerOf = (r: Role, s: Subject) =>
  r === 'maintainer' && s.kind === 'npm' && INVITED.includes(s.state);
/** May the role see the report in full? (reporter, invited maintainer, its team; admins) */
export const sees = (r: Role, s: Subject) => baseOf(r) === 'reporter' || maintainerOf(r, s) || team(r, s);
/**
 * A triager whose session lacks the second factor is told to turn it on ("403") about every report
 * their role would let them see — npm reports — instead of "not found"; published ones they read as
 * everyone does.
 */
export const waitsForTotp = (r: Role, s: Subject) => r === 'triage-nototp' && s.kind === 'npm';
/** Does the proposal fixture exist (a vote opened between triage and publication)? */
export const hasProposal = (s: Subject) => [...CLOCK, 'published'].includes(s.state);

/** The transitions the policy names, and where each leads from (null: no such move). */
export const TRANSITION_NAMES = [
  'request-info',
  'provide-info',
  'accept',
  'reject',
  'mark-duplicate',
  'invite-maintainer',
  'start-fix',
  'mark-fixed',
  'publish',
  'withdraw',
] as const;
export type TransitionName = (typeof TRANSITION_NAMES)[number];

function hasMove(t: TransitionName, s: Subject): boolean {
  switch (t) {
    case 'request-info':
      return s.state === 'new';
    case 'provide-info':
      return s.state === 'needs-more-info';
    case 'accept':
    case 'reject':
    case 'mark-duplicate':
    case 'withdraw':
      return PRE_TRIAGE.includes(s.state);
    case 'invite-maintainer':
      return false; // through the invitation only
    case 'start-fix':
      return s.state === (s.kind === 'core' ? 'accepted' : 'maintainer-invited');
    case 'mark-fixed':
      return s.state === 'fix-in-progress';
    case 'publish':
      return CLOCK.includes(s.state);
  }
}

function mayMove(t: TransitionName, r: Role, s: Subject): boolean {
  switch (t) {
    case 'request-info':
    case 'accept':
    case 'reject':
    case 'mark-duplicate':
      return team(r, s); // the fixtures' reporter is no team member: a second member triages
    case 'provide-info':
    case 'withdraw':
      return baseOf(r) === 'reporter';
    case 'start-fix':
    case 'mark-fixed':
      return team(r, s) || maintainerOf(r, s);
    case 'publish':
      // unfixed reports only at the deadline, which no fixture has reached
      return team(r, s) && s.state === 'fixed';
    case 'invite-maintainer':
      return false;
  }
}

/** What a request should get: a status, or a redirect to the login page. */
export type Expect = number | 'login';

/** The expected answer of a transition, by API (success 200) or page (success 303). */
export function transitionExpect(t: TransitionName, r: Role, s: Subject, ok: number, anon: Expect): Expect {
  if (!isUser(r)) return anon;
  if (waitsForTotp(r, s)) return 403;
  if (!sees(r, s)) return 404;
  if (!hasMove(t, s)) return 409;
  return mayMove(t, r, s) ? ok : 403;
}

/** A rule: the expected answer for a role, about a report (report routes) or about nothing (the others). */
export type Rule = (r: Role, s: Subject) => Expect;

/** Who needs a login: anonymous gets `anon`, users `then`. */
const user =
  (anon: Expect, then: Rule): Rule =>
  (r, s) =>
    isUser(r) ? then(r, s) : anon;

// --- report routes, shared by the API and the pages --------------------------------------------

const viewReport: Rule = (r, s) =>
  sees(r, s) || s.state === 'published' ? 200 : waitsForTotp(r, s) ? 403 : 404;
/**
 * The fixtures' attachment: on npm reports the reporter and the triage team agreed to disclose it
 * (the maintainer said nothing); on core reports the core team objected. Once published, anyone reads
 * a disclosed attachment; before, and otherwise, only those who see the report.
 */
export const attachmentDisclosed = (s: Subject) => s.state === 'published' && s.kind === 'npm';
/**
 * The fixtures' proof of concept: the reporter and the team agreed on both kinds; on npm reports the
 * maintainer objected. So it is public only in a published core report.
 */
export const proofOfConceptDisclosed = (s: Subject) => s.state === 'published' && s.kind === 'core';
/**
 * The fixtures' comments: the reporter and the triage team agreed on npm reports (the maintainer said
 * nothing); the core team said nothing, which keeps them private. So they are public only in a
 * published npm report.
 */
export const commentsDisclosed = (s: Subject) => s.state === 'published' && s.kind === 'npm';
const attachmentRead: Rule = (r, s) =>
  sees(r, s) || attachmentDisclosed(s) ? 200 : waitsForTotp(r, s) ? 403 : 404;
/** A report action: 403 for a triager without the second factor (npm), 404 for who does not see it, else `rule`. */
const seen =
  (rule: Rule): Rule =>
  (r, s) =>
    waitsForTotp(r, s) ? 403 : !sees(r, s) ? 404 : rule(r, s);
const comment = (ok: number): Rule => seen(() => ok);
const note = (ok: number): Rule => seen((r, s) => (team(r, s) ? ok : 403));
const assess = (ok: number): Rule => seen((r, s) => (team(r, s) && !CLOSED.includes(s.state) ? ok : 403));
const upload = (ok: number): Rule => seen((_r, s) => (CLOSED.includes(s.state) ? 403 : ok));
const fixProposal = (ok: number): Rule =>
  seen((r, s) => (!(team(r, s) || maintainerOf(r, s)) ? 403 : CLOCK.includes(s.state) ? ok : 409));
/** Each participant speaks for a party (reporter, maintainer, team) until the report is closed. */
const statement = (ok: number): Rule => seen((_r, s) => (CLOSED.includes(s.state) ? 409 : ok));
const invite = (ok: number): Rule =>
  seen((r, s) =>
    team(r, s) && s.kind === 'npm' && ['accepted', 'maintainer-invited', 'fix-in-progress'].includes(s.state)
      ? ok
      : 403,
  );
const propose = (ok: number): Rule =>
  seen((r, s) =>
    (team(r, s) || baseOf(r) === 'reporter' || maintainerOf(r, s)) && CLOCK.includes(s.state) ? ok : 403,
  );
const vote =
  (ok: number): Rule =>
  (r, s) => {
    // a vote that does not exist is "not found" before any report is looked at
    if (!hasProposal(s)) return 404;
    if (waitsForTotp(r, s)) return 403;
    if (!sees(r, s)) return 404;
    if (!(team(r, s) || baseOf(r) === 'reporter')) return 403;
    return CLOCK.includes(s.state) ? ok : 403;
  };
// the window is open (72 hours): counting it is refused, for whoever may see it
const closeVote: Rule = (r, s) =>
  !hasProposal(s) ? 404 : waitsForTotp(r, s) ? 403 : !sees(r, s) ? 404 : 409;
/**
 * The team manages an npm report's invitations and maintainers between triage and publication. The
 * fixture's invitation (npm, from maintainer-invited on) was accepted: revoking or re-sending it is
 * refused (409); a report with none has no such invitation (404).
 */
const hasInvitation = (s: Subject) => s.kind === 'npm' && INVITED.includes(s.state);
const manageInvitation = seen((r, s) =>
  !team(r, s) || s.kind !== 'npm' ? 403 : !CLOCK.includes(s.state) ? 409 : hasInvitation(s) ? 409 : 404,
);
const removeMaintainer = (ok: number): Rule =>
  seen((r, s) =>
    !team(r, s) || s.kind !== 'npm' ? 403 : !CLOCK.includes(s.state) ? 409 : hasInvitation(s) ? ok : 404,
  );
/** Confirming a maintainer's fixed versions: the team, on a fixed report; the fixtures' have none waiting (409). */
const confirmFix = seen((r, s) => (!team(r, s) ? 403 : 409));
const EARLY: readonly State[] = ['accepted', 'maintainer-invited', 'fix-in-progress'];
/** Asking for early publication: the team, before the fix; withdrawing one that was never asked: 409. */
const askEarly = (ok: number): Rule =>
  seen((r, s) => (!team(r, s) ? 403 : EARLY.includes(s.state) ? ok : 409));
const withdrawEarly = seen((r, s) => (!team(r, s) ? 403 : 409));
/**
 * A public note for the maintainer: the report's team, from a report closed as informative or not
 * applicable (the fixtures' rejected reports are closed as not applicable); from any other state the
 * move does not exist (409).
 */
const publishNote = (ok: number): Rule =>
  seen((r, s) => (!team(r, s) ? 403 : s.state === 'rejected' ? ok : 409));
/** Assigning the next CVE id: the report's team, until the report is closed (409 then). */
const assignCve = (ok: number): Rule =>
  seen((r, s) => (!team(r, s) ? 403 : CLOSED.includes(s.state) ? 409 : ok));
/** Proposing a credit: the team and the reporter, until the report is closed (409 then). */
const proposeCredit = (ok: number): Rule =>
  seen((r, s) => (!(team(r, s) || baseOf(r) === 'reporter') ? 403 : CLOSED.includes(s.state) ? 409 : ok));
/** Withdrawing the fixture's credit (the team proposed it): the team, until the report is closed. */
const withdrawCredit = (ok: number): Rule =>
  seen((r, s) => (!team(r, s) ? 403 : CLOSED.includes(s.state) ? 409 : ok));
/**
 * Accepting or declining the fixture's credit, proposed to the stranger's address: the stranger, until
 * the report is closed; for everyone else it does not exist (404), whoever sees the report.
 */
const decideCredit =
  (ok: number): Rule =>
  (r, s) =>
    baseOf(r) !== 'stranger' ? 404 : CLOSED.includes(s.state) ? 409 : ok;

// --- CVE request routes -----------------------------------------------------------------------

export const REQUEST_STATES = [
  'requested',
  'acknowledged',
  'assigned',
  'refused',
  'announced',
  'withdrawn',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
/** The CVE request a request is about: the fixtures' requester is the reporter (no team member). */
export interface RequestSubject {
  kind: Kind;
  state: RequestState;
}
export const REQUEST_SUBJECTS: RequestSubject[] = (['npm', 'core'] as const).flatMap((kind) =>
  REQUEST_STATES.map((state) => ({ kind, state })),
);
/** Who sees a CVE request: its requester and the team of its kind (admins); nobody else, announced or not. */
export const seesRequest = (r: Role, q: RequestSubject) =>
  baseOf(r) === 'reporter' || team(r, { kind: q.kind, state: 'new' });
/** A request's rule: 403 for a triager without the second factor (npm), 404 for who does not see it. */
const seenRequest =
  (rule: (r: Role, q: RequestSubject) => Expect): Rule =>
  (r, s) => {
    const q = s as unknown as RequestSubject;
    if (waitsForTotp(r, { kind: q.kind, state: 'new' })) return 403;
    return seesRequest(r, q) ? rule(r, q) : 404;
  };
/** A move of a request: who may make it (else 403), and from where (else 409). */
const requestMove = (who: 'team' | 'requester' | 'either', from: readonly RequestState[], ok = 200): Rule =>
  seenRequest((r, q) => {
    const isTeam = team(r, { kind: q.kind, state: 'new' });
    const isRequester = baseOf(r) === 'reporter';
    const may = who === 'team' ? isTeam : who === 'requester' ? isRequester : isTeam || isRequester;
    if (!may) return 403;
    return from.includes(q.state) ? ok : 409;
  });

// --- security release routes ----------------------------------------------------------------

/**
 * The releases of the matrix: one under embargo (planning, fixing a core report of the fixtures'
 * reporter) and one published (its report published with it). Each holds markers of its own.
 */
export const RELEASE_STATES = ['planning', 'released'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];
export interface ReleaseSubject {
  state: ReleaseState;
}
/**
 * Who sees a release in full (its checklist, reports and drafts), before and after it is published:
 * the core security team and admins (and their tokens). Not the reporter of a report it fixes, not
 * the triage team: for them it does not exist (404).
 */
export const seesRelease = (r: Role) => ['core', 'admin'].includes(baseOf(r));
/** A release route: 404 for whoever is outside the core security team, else `rule`. */
const seenRelease =
  (rule: (r: Role, q: ReleaseSubject) => Expect): Rule =>
  (r, s) =>
    seesRelease(r) ? rule(r, s as unknown as ReleaseSubject) : 404;
/** A change of a release by the team: `ok` from the states it is made in, 409 from the others. */
const releaseMove = (from: readonly ReleaseState[], ok = 200): Rule =>
  seenRelease((_r, q) => (from.includes(q.state) ? ok : 409));
/** The announcement: "not found" under embargo whoever asks (the team too), public once published. */
const announcement: Rule = (_r, s) => ((s as unknown as ReleaseSubject).state === 'released' ? 200 : 404);

// --- global routes --------------------------------------------------------------------------

const any =
  (status: Expect): Rule =>
  () =>
    status;
const teamOnly =
  (ok: number): Rule =>
  (r) =>
    isTeamMember(r) ? ok : 403;
const adminOnly =
  (ok: number): Rule =>
  (r) =>
    baseOf(r) === 'admin' ? ok : 403;
/** Rewards are for npm reports: the triage team and admins decide them (never the core security team). */
const npmTeam =
  (ok: number): Rule =>
  (r) =>
    ['triage', 'admin'].includes(baseOf(r)) ? ok : 403;
const withTotp = (r: Role) => ['triage', 'core', 'admin'].includes(r);
/** What a confirmed account may do that an account whose address is not confirmed may not: 403. */
const confirmedOnly =
  (rule: Rule): Rule =>
  (r, s) =>
    r === 'unconfirmed' ? 403 : rule(r, s);

/**
 * What each API route needs of an API token: its scope, or no token at all (a login session:
 * account settings; a session with two factors: account administration and the outbox). A token
 * lacking it gets 403 before anything else is looked at.
 */
export const TOKEN_NEEDS: Record<string, 'session' | 'reports:read' | 'reports:write' | 'audit:read' | null> =
  {
    'POST /api/logout': 'session',
    'POST /api/me/verify-email': 'session',
    'POST /api/me/totp': 'session',
    'POST /api/me/totp/enable': 'session',
    'POST /api/me/recovery-codes': 'session',
    'PUT /api/me/notifications': 'session',
    'GET /api/tokens': 'session',
    'POST /api/tokens': 'session',
    'DELETE /api/tokens/:id': 'session',
    'GET /api/outbox': 'session',
    'GET /api/mail-queue': 'session',
    'POST /api/mail-queue/:id/retry': 'session',
    'GET /api/users': 'session',
    'GET /api/team': 'session',
    'PUT /api/users/:id/roles': 'session',
    'POST /api/users/:id/confirm-email': 'session',
    'POST /api/users/:id/links': 'session',
    'POST /api/cve/blocks': 'session',
    'POST /api/cve/blocks/remove': 'session',
    'GET /api/registry/overrides': 'session',
    'PUT /api/registry/overrides': 'session',
    'POST /api/registry/overrides/clear': 'session',
    'GET /api/cve/ids': 'session',
    'POST /api/cve/ids/:cveId/retire': 'session',
    'POST /api/bounty/modules': 'session',
    'PUT /api/bounty/modules/:module': 'session',
    'DELETE /api/bounty/modules/:module': 'session',
    'POST /api/bounty/modules/:module/refresh': 'session',
    'POST /api/bounty/refresh': 'session',
    'PUT /api/bounty/table': 'session',
    'POST /api/bounty/deposits': 'session',
    'GET /api/bounty/ledger': 'session',
    'POST /api/bounty/rewards/:rewardId/paid': 'session',
    'GET /api/bounty/rewards': 'reports:read',
    'PUT /api/me/researcher-profile': 'session',
    'GET /api/bounty/rewards/mine': 'reports:read',
    'GET /api/cve-requests': 'reports:read',
    'GET /api/cve-requests/:id': 'reports:read',
    'GET /api/audit-log': 'audit:read',
    'GET /api/credits': 'reports:read',
    'GET /api/reports': 'reports:read',
    'GET /api/me/signal': 'reports:read',
    'GET /api/reports/:id/duplicates': 'reports:read',
    'GET /api/dashboard': 'reports:read',
    'GET /api/reports/:id': 'reports:read',
    'GET /api/attachments/:id': 'reports:read',
    'GET /api/releases': 'reports:read',
    'GET /api/releases/:id': 'reports:read',
  };

/**
 * What an API token needs for a route (`GET /api/reports/:id`): a scope, a login session instead of
 * any token, or nothing (the public routes, the account routes anyone may call, the pages).
 */
export function tokenNeeds(
  route: string,
): 'session' | 'reports:read' | 'reports:write' | 'audit:read' | null {
  // the public account routes take no scope
  const open = [
    'POST /api/signup',
    'POST /api/verify-email',
    'POST /api/login',
    'POST /api/password-reset',
    'POST /api/password-reset/confirm',
  ];
  if (open.includes(route)) return null;
  if (route in TOKEN_NEEDS) return TOKEN_NEEDS[route] ?? null;
  return route.startsWith('POST /api/') ||
    route.startsWith('PUT /api/') ||
    route.startsWith('PATCH /api/') ||
    route.startsWith('DELETE /api/')
    ? 'reports:write'
    : null;
}

/** True when a token of `scopes` lacks what `route` needs (it gets 403 before anything else is looked at). */
export const tokenLacks = (route: string, scopes: readonly string[]): boolean => {
  const needs = tokenNeeds(route);
  return needs !== null && (needs === 'session' || !scopes.includes(needs));
};

/** The expected answer for a token role: 403 when the token lacks what the route needs, else its maker's. */
export function tokenExpect(route: string, r: TokenRole, rule: Rule, s: Subject): Expect {
  if (tokenLacks(route, TOKENS[r].scopes)) return 403;
  return rule(r, s);
}

/** What the matrix knows of a route: its rule, whether it is about a report, and whether success changes state. */
export interface RouteRule {
  rule: Rule;
  /** The request is about a report (run for every kind and state). */
  report?: boolean;
  /** Transitions: one request per transition name. */
  transitions?: boolean;
  /** A success changes the report: run it on a fresh report in that state. */
  mutates?: boolean;
  /** A success ends the session: run it with a throwaway one. */
  endsSession?: boolean;
  /** The request is about a CVE request (run for every kind and state of one). */
  cveRequest?: boolean;
  /** The request is about a security release: run on the matrix's releases in these states. */
  release?: readonly ReleaseState[];
}

/** Every route of the disclosure program, with its rule. */
export const RULES: Record<string, RouteRule> = {
  // the JSON API
  'POST /api/signup': { rule: any(202) },
  'POST /api/verify-email': { rule: any(400) },
  'POST /api/login': { rule: any(401) },
  'POST /api/logout': { rule: user(401, any(200)), endsSession: true },
  'POST /api/password-reset': { rule: any(202) },
  'POST /api/password-reset/confirm': { rule: any(400) },
  'GET /api/me': { rule: user(401, any(200)) },
  'POST /api/me/verify-email': { rule: user(401, (r) => (r === 'unconfirmed' ? 202 : 409)) },
  'POST /api/me/totp': { rule: user(401, (r) => (withTotp(r) ? 409 : 200)) },
  // the matrix's code is wrong: bad input (400); with two factors on already, a conflict (409)
  'POST /api/me/totp/enable': { rule: user(401, (r) => (withTotp(r) ? 409 : 400)) },
  'POST /api/me/recovery-codes': { rule: user(401, (r) => (withTotp(r) ? 200 : 409)) },
  'GET /api/me/notifications': { rule: user(401, any(200)) },
  'PUT /api/me/notifications': { rule: user(401, any(200)) },
  'GET /api/tokens': { rule: user(401, any(200)) },
  'POST /api/tokens': { rule: user(401, confirmedOnly(any(201))) },
  'DELETE /api/tokens/:id': { rule: user(401, any(404)) },
  'POST /api/reports': { rule: user(401, confirmedOnly(any(201))) },
  'GET /api/reports': { rule: user(401, any(200)) },
  'GET /api/reports/:id': { rule: viewReport, report: true },
  // a published report read by someone outside it is its disclosed form, which has no duplicates to show
  'GET /api/reports/:id/duplicates': {
    rule: user(401, (r, s) => (sees(r, s) ? 200 : waitsForTotp(r, s) && s.state !== 'published' ? 403 : 404)),
    report: true,
  },
  'POST /api/reports/:id/transitions': { rule: () => 0, report: true, transitions: true, mutates: true },
  'PATCH /api/reports/:id/assessment': { rule: user(401, assess(200)), report: true },
  'POST /api/reports/:id/comments': { rule: user(401, comment(201)), report: true },
  'POST /api/reports/:id/notes': { rule: user(401, note(201)), report: true },
  'POST /api/reports/:id/fix-proposals': { rule: user(401, fixProposal(201)), report: true },
  // a success changes who agreed to what, which nobody outside sees before publication: no fresh report
  'POST /api/reports/:id/disclosure-statements': { rule: user(401, statement(200)), report: true },
  'POST /api/reports/:id/attachments': { rule: user(401, upload(201)), report: true },
  'GET /api/attachments/:id': { rule: attachmentRead, report: true },
  'POST /api/reports/:id/invitations': { rule: user(401, invite(201)), report: true, mutates: true },
  'POST /api/reports/:id/invitations/:invitationId/revoke': {
    rule: user(401, manageInvitation),
    report: true,
  },
  'POST /api/reports/:id/invitations/:invitationId/resend': {
    rule: user(401, manageInvitation),
    report: true,
  },
  'DELETE /api/reports/:id/maintainers/:userId': {
    rule: user(401, removeMaintainer(200)),
    report: true,
    mutates: true,
  },
  'POST /api/reports/:id/fix-proposals/confirm': { rule: user(401, confirmFix), report: true },
  'PUT /api/reports/:id/early-publication': { rule: user(401, askEarly(200)), report: true, mutates: true },
  'POST /api/reports/:id/public-note': { rule: user(401, publishNote(201)), report: true, mutates: true },
  // how one's own reports ended: every confirmed user, about themselves only
  'GET /api/me/signal': { rule: user(401, confirmedOnly(any(200))) },
  // the public notes carry no word of a report: anyone reads them
  'GET /api/public-notes': { rule: any(200) },
  'DELETE /api/reports/:id/early-publication': { rule: user(401, withdrawEarly), report: true },
  'POST /api/invitations/accept': { rule: user(401, any(400)) },
  'POST /api/reports/:id/proposals': { rule: user(401, propose(201)), report: true, mutates: true },
  'POST /api/proposals/:id/votes': { rule: user(401, vote(201)), report: true, mutates: true },
  'POST /api/proposals/:id/close': { rule: user(401, closeVote), report: true },
  'GET /api/dashboard': { rule: user(401, teamOnly(200)) },
  'GET /api/audit-log': { rule: user(401, adminOnly(200)) },
  // the program as a CNA: admins' sessions manage the blocks; a fresh block each time, so 201
  'POST /api/cve/blocks': { rule: user(401, adminOnly(201)) },
  // removing ids the program never recorded: refused (409), for whoever may try
  'POST /api/cve/blocks/remove': { rule: user(401, adminOnly(409)) },
  'GET /api/cve/ids': { rule: user(401, adminOnly(200)) },
  // the matrix retires an id of the current year: refused (only a past year's are retired)
  'POST /api/cve/ids/:cveId/retire': { rule: user(401, adminOnly(409)) },
  'POST /api/reports/:id/cve': { rule: user(401, assignCve(200)), report: true, mutates: true },
  // credits: the fixtures' credit was proposed by the team to the stranger's address
  'POST /api/reports/:id/credits': { rule: user(401, proposeCredit(201)), report: true },
  'POST /api/credits/:creditId/withdraw': {
    rule: user(401, withdrawCredit(200)),
    report: true,
    mutates: true,
  },
  'POST /api/credits/:creditId/accept': { rule: user(401, decideCredit(200)), report: true, mutates: true },
  'POST /api/credits/:creditId/decline': { rule: user(401, decideCredit(200)), report: true, mutates: true },
  'GET /api/credits': { rule: user(401, confirmedOnly(any(200))) },
  // external CVE requests: the requester (the fixtures' reporter) and the team of its kind
  'POST /api/cve-requests': { rule: user(401, confirmedOnly(any(201))) },
  'GET /api/cve-requests': { rule: user(401, any(200)) },
  'GET /api/cve-requests/:id': {
    rule: user(
      401,
      seenRequest(() => 200),
    ),
    cveRequest: true,
  },
  'POST /api/cve-requests/:id/acknowledge': {
    rule: user(401, requestMove('team', ['requested'])),
    cveRequest: true,
    mutates: true,
  },
  'POST /api/cve-requests/:id/assign': {
    rule: user(401, requestMove('team', ['acknowledged'])),
    cveRequest: true,
    mutates: true,
  },
  'POST /api/cve-requests/:id/refuse': {
    rule: user(401, requestMove('team', ['requested', 'acknowledged'])),
    cveRequest: true,
    mutates: true,
  },
  'POST /api/cve-requests/:id/announce': {
    rule: user(401, requestMove('either', ['assigned'])),
    cveRequest: true,
    mutates: true,
  },
  'POST /api/cve-requests/:id/withdraw': {
    rule: user(401, requestMove('requester', ['requested', 'acknowledged'])),
    cveRequest: true,
    mutates: true,
  },
  // Node.js core security releases: the core security team and admins only, whatever the release's
  // state; everyone else (the reporter of its report included) gets the "not found" of a release that
  // does not exist. The team's moves from a state they are not made in are refused (409): the
  // matrix adds the report the release holds already, pre-announces an incomplete release, publishes
  // and completes releases that are not ready.
  'GET /api/releases': { rule: user(401, any(200)) },
  'POST /api/releases': { rule: user(401, (r) => (seesRelease(r) ? 201 : 403)) },
  'GET /api/releases/:id': { rule: user(401, releaseMove(RELEASE_STATES)), release: RELEASE_STATES },
  'GET /api/releases/:id/announcement': { rule: announcement, release: RELEASE_STATES },
  'PUT /api/releases/:id/plan': { rule: user(401, releaseMove(['planning'])), release: ['planning'] },
  'POST /api/releases/:id/reports': { rule: user(401, releaseMove([])), release: ['planning'] },
  'PUT /api/releases/:id/reports/:reportId': {
    rule: user(401, releaseMove(['planning'])),
    release: ['planning'],
  },
  'DELETE /api/releases/:id/reports/:reportId': {
    rule: user(401, releaseMove(['planning'])),
    release: ['planning'],
    mutates: true,
  },
  'PUT /api/releases/:id/checklist/:step': {
    rule: user(401, releaseMove(['planning'])),
    release: ['planning'],
  },
  'POST /api/releases/:id/pre-announce': { rule: user(401, releaseMove([])), release: ['planning'] },
  'POST /api/releases/:id/postpone': {
    rule: user(401, releaseMove(['planning'])),
    release: ['planning'],
    mutates: true,
  },
  'POST /api/releases/:id/publish': { rule: user(401, releaseMove([])), release: RELEASE_STATES },
  'POST /api/releases/:id/complete': { rule: user(401, releaseMove([])), release: ['planning'] },
  'POST /api/releases/:id/cancel': {
    rule: user(401, releaseMove(['planning'])),
    release: RELEASE_STATES,
    mutates: true,
  },
  // the release pages: the same rules (success 303); everyone reads the list (the published releases
  // only) and a published release's page; an embargoed one is "not found" outside the team
  'GET /disclosure/releases': { rule: any(200) },
  'POST /disclosure/releases': { rule: user('login', (r) => (seesRelease(r) ? 303 : 403)) },
  'GET /disclosure/releases/:id': {
    rule: (r, s) => (seesRelease(r) || (s as unknown as ReleaseSubject).state === 'released' ? 200 : 404),
    release: RELEASE_STATES,
  },
  'POST /disclosure/releases/:id/plan': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/reports': {
    rule: user('login', releaseMove([], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/reports/:reportId': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/reports/:reportId/remove': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: ['planning'],
    mutates: true,
  },
  'POST /disclosure/releases/:id/checklist/:step': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/pre-announce': {
    rule: user('login', releaseMove([], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/postpone': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: ['planning'],
    mutates: true,
  },
  'POST /disclosure/releases/:id/publish': {
    rule: user('login', releaseMove([], 303)),
    release: RELEASE_STATES,
  },
  'POST /disclosure/releases/:id/complete': {
    rule: user('login', releaseMove([], 303)),
    release: ['planning'],
  },
  'POST /disclosure/releases/:id/cancel': {
    rule: user('login', releaseMove(['planning'], 303)),
    release: RELEASE_STATES,
    mutates: true,
  },
  // the bug bounty: anyone reads the overview; admins' sessions keep the modules, the table and the
  // budget; the triage team decides rewards (the matrix's reward ids do not exist: 404 once allowed)
  'GET /api/bounty': { rule: any(200) },
  'POST /api/bounty/modules': { rule: user(401, adminOnly(201)) },
  'PUT /api/bounty/modules/:module': { rule: user(401, adminOnly(404)) },
  'DELETE /api/bounty/modules/:module': { rule: user(401, adminOnly(404)) },
  'POST /api/bounty/modules/:module/refresh': { rule: user(401, adminOnly(404)) },
  'POST /api/bounty/refresh': { rule: user(401, adminOnly(200)) },
  'PUT /api/bounty/table': { rule: user(401, adminOnly(200)) },
  'POST /api/bounty/deposits': { rule: user(401, adminOnly(201)) },
  'GET /api/bounty/ledger': { rule: user(401, adminOnly(200)) },
  'GET /api/bounty/rewards': { rule: user(401, npmTeam(200)) },
  'GET /api/bounty/rewards/mine': { rule: user(401, confirmedOnly(any(200))) },
  'POST /api/bounty/rewards/:rewardId/approve': { rule: user(401, npmTeam(404)) },
  'POST /api/bounty/rewards/:rewardId/ineligible': { rule: user(401, npmTeam(404)) },
  'POST /api/bounty/rewards/:rewardId/paid': { rule: user(401, adminOnly(404)) },
  // recognition: the matrix's handle has no public profile
  'GET /api/hall-of-fame': { rule: any(200) },
  'GET /api/researchers/:handle': { rule: any(404) },
  'PUT /api/me/researcher-profile': { rule: user(401, confirmedOnly(any(200))) },
  // the admins' answers for the registry: a session with two factors; clearing a name with none is 404
  'GET /api/registry/overrides': { rule: user(401, adminOnly(200)) },
  'PUT /api/registry/overrides': { rule: user(401, adminOnly(200)) },
  'POST /api/registry/overrides/clear': { rule: user(401, adminOnly(404)) },
  'GET /api/outbox': { rule: user(401, adminOnly(200)) },
  // the matrix's server keeps its mail in the outbox: no queue, so no message to retry
  'GET /api/mail-queue': { rule: user(401, adminOnly(200)) },
  'POST /api/mail-queue/:id/retry': { rule: user(401, adminOnly(404)) },
  'GET /api/team': { rule: user(401, adminOnly(200)) },
  'GET /api/users': { rule: user(401, adminOnly(200)) },
  'PUT /api/users/:id/roles': { rule: user(401, adminOnly(200)) },
  // the dummy user is confirmed already
  'POST /api/users/:id/confirm-email': { rule: user(401, adminOnly(409)) },
  'POST /api/users/:id/links': { rule: user(401, adminOnly(200)) },

  // the pages
  'GET /disclosure/signup': { rule: any(200) },
  'POST /disclosure/signup': { rule: any(202) },
  'GET /disclosure/verify-email/:token': { rule: any(200) },
  'POST /disclosure/verify-email/:token': { rule: any(400) },
  'GET /disclosure/login': { rule: any(200) },
  'POST /disclosure/login': { rule: any(401) },
  'POST /disclosure/logout': { rule: any(303), endsSession: true },
  'GET /disclosure/password-reset': { rule: any(200) },
  'POST /disclosure/password-reset': { rule: any(303) },
  'GET /disclosure/password-reset/:token': { rule: any(200) },
  'POST /disclosure/password-reset/:token': { rule: any(400) },
  'GET /disclosure/account': { rule: user('login', any(200)) },
  'POST /disclosure/account/verify-email': { rule: user('login', any(303)) },
  'POST /disclosure/account/totp': { rule: user('login', (r) => (withTotp(r) ? 409 : 200)) },
  'POST /disclosure/account/totp/enable': { rule: user('login', any(400)) },
  'POST /disclosure/account/notifications': { rule: user('login', any(303)) },
  'POST /disclosure/account/tokens': { rule: user('login', confirmedOnly(any(400))) },
  'GET /disclosure/account/recovery-codes': { rule: user('login', any(303)) },
  'POST /disclosure/account/recovery-codes': { rule: user('login', (r) => (withTotp(r) ? 200 : 409)) },
  'POST /disclosure/account/tokens/:id/revoke': { rule: user('login', any(404)) },
  'GET /disclosure/reports': { rule: user('login', any(200)) },
  'GET /disclosure/reports/new': { rule: user('login', any(200)) },
  'POST /disclosure/reports': { rule: user('login', confirmedOnly(any(303))) },
  'GET /disclosure/reports/:id': { rule: viewReport, report: true },
  'POST /disclosure/reports/:id/transition': {
    rule: () => 0,
    report: true,
    transitions: true,
    mutates: true,
  },
  'POST /disclosure/reports/:id/assessment': { rule: user('login', assess(303)), report: true },
  'POST /disclosure/reports/:id/cve': { rule: user('login', assignCve(303)), report: true, mutates: true },
  'POST /disclosure/reports/:id/comments': { rule: user('login', comment(303)), report: true },
  'POST /disclosure/reports/:id/notes': { rule: user('login', note(303)), report: true },
  'POST /disclosure/reports/:id/fix-proposals': { rule: user('login', fixProposal(303)), report: true },
  'POST /disclosure/reports/:id/disclosure-statements': { rule: user('login', statement(303)), report: true },
  'POST /disclosure/reports/:id/attachments': { rule: user('login', upload(303)), report: true },
  'GET /disclosure/attachments/:id': { rule: attachmentRead, report: true },
  // the matrix's server keeps its mail in the outbox: the page shows the new link for the inviter to send
  'POST /disclosure/reports/:id/invitations': {
    rule: user('login', invite(200)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/reports/:id/invitations/:invitationId/revoke': {
    rule: user('login', manageInvitation),
    report: true,
  },
  'POST /disclosure/reports/:id/invitations/:invitationId/resend': {
    rule: user('login', manageInvitation),
    report: true,
  },
  'POST /disclosure/reports/:id/maintainers/:userId/remove': {
    rule: user('login', removeMaintainer(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/reports/:id/fix-proposals/confirm': { rule: user('login', confirmFix), report: true },
  'POST /disclosure/reports/:id/early-publication': {
    rule: user('login', askEarly(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/reports/:id/public-note': {
    rule: user('login', publishNote(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/reports/:id/early-publication/withdraw': {
    rule: user('login', withdrawEarly),
    report: true,
  },
  'GET /disclosure/invitations/:token': { rule: any(200) },
  'POST /disclosure/invitations/:token': { rule: user('login', any(400)) },
  'POST /disclosure/reports/:id/proposals': {
    rule: user('login', propose(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/proposals/:id/vote': { rule: user('login', vote(303)), report: true, mutates: true },
  'POST /disclosure/proposals/:id/close': { rule: user('login', closeVote), report: true },
  'POST /disclosure/reports/:id/credits': { rule: user('login', proposeCredit(303)), report: true },
  'POST /disclosure/credits/:creditId/withdraw': {
    rule: user('login', withdrawCredit(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/credits/:creditId/accept': {
    rule: user('login', decideCredit(303)),
    report: true,
    mutates: true,
  },
  'POST /disclosure/credits/:creditId/decline': {
    rule: user('login', decideCredit(303)),
    report: true,
    mutates: true,
  },
  'GET /disclosure/credits': { rule: user('login', confirmedOnly(any(200))) },
  'GET /disclosure/triage': { rule: user('login', teamOnly(200)) },
  'GET /disclosure/admin/audit-log': { rule: user('login', adminOnly(200)) },
  'GET /disclosure/admin/users': { rule: user('login', adminOnly(200)) },
  'POST /disclosure/admin/users/:id/confirm': { rule: user('login', adminOnly(409)) },
  'POST /disclosure/admin/users/:id/roles': { rule: user('login', adminOnly(303)) },
  'POST /disclosure/admin/users/:id/links': { rule: user('login', adminOnly(200)) },
  'GET /disclosure/admin/outbox': { rule: user('login', adminOnly(200)) },
  'POST /disclosure/admin/mail/:id/retry': { rule: user('login', adminOnly(404)) },
  'GET /disclosure/admin/cve': { rule: user('login', adminOnly(200)) },
  // a fresh block each time; retiring an id of the current year is refused
  'POST /disclosure/admin/cve/blocks': { rule: user('login', adminOnly(303)) },
  'POST /disclosure/admin/cve/:cveId/retire': { rule: user('login', adminOnly(409)) },
  'POST /disclosure/admin/cve/blocks/remove': { rule: user('login', adminOnly(409)) },
  'GET /disclosure/bounty': { rule: any(200) },
  'GET /disclosure/hall-of-fame': { rule: any(200) },
  'GET /disclosure/researchers/:handle': { rule: any(404) },
  'POST /disclosure/rewards/profile': { rule: user('login', confirmedOnly(any(303))) },
  'GET /disclosure/rewards': { rule: user('login', confirmedOnly(any(200))) },
  'GET /disclosure/bounty/rewards': { rule: user('login', npmTeam(200)) },
  'POST /disclosure/bounty/rewards/:rewardId/approve': { rule: user('login', npmTeam(404)) },
  'POST /disclosure/bounty/rewards/:rewardId/ineligible': { rule: user('login', npmTeam(404)) },
  'POST /disclosure/bounty/rewards/:rewardId/paid': { rule: user('login', adminOnly(404)) },
  'GET /disclosure/admin/bounty': { rule: user('login', adminOnly(200)) },
  'POST /disclosure/admin/bounty/modules': { rule: user('login', adminOnly(303)) },
  'POST /disclosure/admin/bounty/modules/:module/remove': { rule: user('login', adminOnly(404)) },
  'POST /disclosure/admin/bounty/modules/:module/refresh': { rule: user('login', adminOnly(404)) },
  'POST /disclosure/admin/bounty/modules/:module': { rule: user('login', adminOnly(404)) },
  'POST /disclosure/admin/bounty/refresh': { rule: user('login', adminOnly(303)) },
  'POST /disclosure/admin/bounty/table': { rule: user('login', adminOnly(303)) },
  'POST /disclosure/admin/bounty/deposits': { rule: user('login', adminOnly(303)) },
  'GET /disclosure/cve-requests': { rule: user('login', any(200)) },
  'POST /disclosure/cve-requests': { rule: user('login', confirmedOnly(any(303))) },
  'GET /disclosure/cve-requests/:id': {
    rule: user(
      'login',
      seenRequest(() => 200),
    ),
    cveRequest: true,
  },
  'POST /disclosure/cve-requests/:id/acknowledge': {
    rule: user('login', requestMove('team', ['requested'], 303)),
    cveRequest: true,
    mutates: true,
  },
  'POST /disclosure/cve-requests/:id/assign': {
    rule: user('login', requestMove('team', ['acknowledged'], 303)),
    cveRequest: true,
    mutates: true,
  },
  'POST /disclosure/cve-requests/:id/refuse': {
    rule: user('login', requestMove('team', ['requested', 'acknowledged'], 303)),
    cveRequest: true,
    mutates: true,
  },
  'POST /disclosure/cve-requests/:id/announce': {
    rule: user('login', requestMove('either', ['assigned'], 303)),
    cveRequest: true,
    mutates: true,
  },
  'POST /disclosure/cve-requests/:id/withdraw': {
    rule: user('login', requestMove('requester', ['requested', 'acknowledged'], 303)),
    cveRequest: true,
    mutates: true,
  },
};

/**
 * The colleagues' public routes (the advisory database's pages and APIs, the registry, the docs,
 * the assets): anyone may call them; the matrix checks that none shows a word of a private report.
 */
export const PUBLIC: RegExp[] = [
  /^(GET|HEAD) \/$/,
  // (the probes say ok, ready or why not, nothing of a report; /metrics answers 404 without a
  // metrics token, which the matrix's server has none of: its refusals are server/metrics.test.ts's)
  /^(GET|HEAD) \/(search|advisories|packages|node|healthz|livez|readyz|metrics|openapi\.json|feed\.atom|favicon\.ico)$/,
  /^(GET|HEAD) \/advisories\/:id$/,
  /^(GET|HEAD) \/packages\/:[a-z|:]+(\/:name)?$/,
  /^(GET|HEAD) \/docs(\/.*)?$/,
  /^(GET|HEAD) \/assets\/[a-z-]+\.[0-9a-f]{12}\.(css|js|svg)$/,
  /^(GET|HEAD|POST) \/v1\//,
  // the program's CVE records: public ids only, the same 404 for the rest (routes/cve.test.ts)
  /^(GET|HEAD) \/cve\/:file$/,
  // OpenVEX for Node.js core: published advisories only (routes/vex.test.ts)
  /^(GET|HEAD) \/vex\/node\.openvex\.json$/,
  // security.txt, the badges and the policy pages: the configuration and a package name, nothing of
  // a report (routes/badge.test.ts, routes/security-txt.test.ts)
  /^(GET|HEAD) \/(\.well-known\/)?security\.txt$/,
  // the CSAF provider: published advisories only (routes/csaf.test.ts)
  /^(GET|HEAD) \/\.well-known\/csaf\/(provider-metadata\.json|white\/(index\.txt|changes\.csv|:year\/:file))$/,
  /^(GET|HEAD) \/badge\/:[a-z|:]+(\/:file)?$/,
  /^(GET|HEAD) \/policy(\/:[a-z|:]+(\/:name)?)?$/,
  /^POST \/-\/npm\/v1\/security\//,
  // the npm registry's package metadata and tarballs, passed to the upstream registry
  /^(GET|HEAD) \/(@:scope\/:name\/-\/:file|:[a-z|:]+(\/(-\/:file|:second))?)$/,
];
