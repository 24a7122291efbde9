/** The program's team roles, held by registered users; every registered user may report. */
export type TeamRole = 'triage' | 'core-security' | 'admin';
export const TEAM_ROLES: readonly TeamRole[] = ['triage', 'core-security', 'admin'];

/**
 * Who is acting: nobody logged in, a registered user with their team roles in effect, the scheduler
 * (`system`, which only publishes at the deadline and sends reminders), or the operator (whoever runs
 * `nswg` on the server's machine with its database and secret: creates the first admin, grants
 * roles, confirms addresses; never a participant of a report).
 *
 * A user's `roles` are those in effect. `pendingRoles` are roles the user holds that are not in effect
 * because the session lacks the second factor (so a refusal can say "turn on two-factor
 * authentication" instead of "not found"). `unconfirmed` marks an account whose e-mail address is not
 * confirmed yet: it may do nothing in the program until it is.
 */
export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      id: string;
      roles: readonly TeamRole[];
      pendingRoles?: readonly TeamRole[];
      unconfirmed?: boolean;
    }
  | { kind: 'system' }
  | { kind: 'operator'; name: string };

export const ANONYMOUS: Actor = { kind: 'anonymous' };
export const SYSTEM: Actor = { kind: 'system' };

/** A registered user acting with the given roles. */
export const userActor = (id: string, roles: readonly TeamRole[] = []): Actor => ({
  kind: 'user',
  id,
  roles,
});

/** The part of a report that decides who is related to it. */
export interface Participants {
  kind: 'npm' | 'core';
  reporterId: string;
  filedById: string;
  maintainerIds: readonly string[];
}

/** The reason an account whose address is not confirmed is refused everything. */
export const CONFIRM_FIRST =
  'confirm your e-mail address first: follow the link that was sent to it (your account page sends a new one)';

/** The operator, named as `user@host` (for the audit log). */
export const operatorActor = (name: string): Actor => ({ kind: 'operator', name });

/** A confirmed user: the only kind of user that takes part in the program. */
export const isConfirmedUser = (a: Actor): a is Actor & { kind: 'user' } =>
  a.kind === 'user' && a.unconfirmed !== true;

/** Who did something, as records that name their author keep it: a user id, the operator's name, or the kind. */
export const actorLabel = (a: Actor): string =>
  a.kind === 'user' ? a.id : a.kind === 'operator' ? a.name : a.kind;

/** The actor's user id, or null for anonymous, the scheduler and the operator. */
export const actorId = (a: Actor): string | null => (a.kind === 'user' ? a.id : null);

/** True when the actor holds the role. */
export const hasRole = (a: Actor, role: TeamRole): boolean => a.kind === 'user' && a.roles.includes(role);

export const isAdmin = (a: Actor): boolean => hasRole(a, 'admin');

/** True for any team role (triage, core security, admin): may file on someone's behalf, see the dashboard. */
export const isTeamMember = (a: Actor): boolean => a.kind === 'user' && a.roles.length > 0;

/** The team that runs reports of this kind: the triage team for npm, the core security team for core; admins always. */
export function isTeamFor(a: Actor, kind: 'npm' | 'core'): boolean {
  return isAdmin(a) || hasRole(a, kind === 'npm' ? 'triage' : 'core-security');
}

/** A confirmed member of the core security team, or an admin: who runs the security releases. */
export const isCoreTeam = (a: Actor): boolean => isConfirmedUser(a) && isTeamFor(a, 'core');

export const isReporterOf = (a: Actor, r: Participants): boolean =>
  a.kind === 'user' && a.id === r.reporterId;
export const isFilerOf = (a: Actor, r: Participants): boolean => a.kind === 'user' && a.id === r.filedById;

/** Invited maintainers exist only for npm reports: core reports are fixed by the core security team. */
export const isMaintainerOf = (a: Actor, r: Participants): boolean =>
  a.kind === 'user' && r.kind === 'npm' && r.maintainerIds.includes(a.id);

/** Reporter, filer, invited maintainer or the report's team. */
export const isParticipant = (a: Actor, r: Participants): boolean =>
  isTeamFor(a, r.kind) || isReporterOf(a, r) || isFilerOf(a, r) || isMaintainerOf(a, r);
