import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { type FameYear, hallOfFame, type ResearcherProfile, researcherProfile } from './hall-of-fame.js';
import type { ProgramContext } from './program-context.js';
import { type Actor, CONFIRM_FIRST, isConfirmedUser } from './roles.js';

// Recognition (hall-of-fame.ts): the public hall of fame, researchers' opt-in profiles.

/** The hall of fame and the researchers' public profiles. */
export class Recognition {
  constructor(private readonly ctx: ProgramContext) {}

  /** The hall of fame, by year and month of publication (anyone). */
  async hallOfFame(): Promise<FameYear[]> {
    return this.ctx.deps.repo.transaction(async (tx) =>
      hallOfFame(await tx.listReports({ states: ['published'] }), await tx.publicProfiles()),
    );
  }

  /** The public profile under a handle (anyone): E_NOT_FOUND unless its researcher opted in. */
  async profile(handle: string): Promise<ResearcherProfile> {
    return this.ctx.deps.repo.transaction(async (tx) => {
      const id = handle.length <= 100 ? await tx.publicResearcher(handle) : null;
      if (!id) throw new NswgError('E_NOT_FOUND', 'no such public profile', { field: 'handle' });
      const mine = (await tx.listReports({ states: ['published'] })).filter((r) => r.reporterId === id);
      return researcherProfile((await tx.publicProfiles()).get(id) ?? handle, mine);
    });
  }

  /** Whether the actor has a public profile (any confirmed account). */
  async profileChoice(actor: Actor): Promise<boolean> {
    if (!isConfirmedUser(actor)) return false;
    return this.ctx.deps.repo.transaction((tx) => tx.publicProfile(actor.id));
  }

  /** Turns the actor's public profile on or off (any confirmed account; it lives under their handle). */
  async setProfile(actor: Actor, on: boolean, origin: Origin): Promise<boolean> {
    const now = this.ctx.now();
    if (!isConfirmedUser(actor)) throw new NswgError('E_FORBIDDEN', CONFIRM_FIRST, { field: 'email' });
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.setPublicProfile(actor.id, on, now.toISOString());
      await tx.audit(auditEntry(actor, 'researcher.profile', origin, now, null, { public: on }));
      return on;
    });
  }
}
