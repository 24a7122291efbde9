import { NswgError } from '../errors.js';
import { auditEntry, type Origin } from './audit-log.js';
import { assertCan } from './permissions.js';
import type { ProgramContext } from './program-context.js';
import { checkPackageOrScope, type RegistryOverride, validateOverride } from './registry-facts.js';
import { type Actor, actorLabel } from './roles.js';

/** The admins' answers for the registry (registry-facts.ts): listed, set, cleared; each change logged. */
export class RegistryOverrides {
  constructor(private readonly ctx: ProgramContext) {}

  /** Every override (admins, the operator). */
  async list(actor: Actor, origin: Origin): Promise<RegistryOverride[]> {
    assertCan(actor, 'manage-registry-overrides', null, this.ctx.now());
    return this.ctx.transaction(actor, origin, (tx) => tx.registryOverrides());
  }

  /**
   * Sets the answer for a package or scope: its versions ([]: no such package) and/or its monthly
   * downloads, replacing the name's earlier override (admins, the operator).
   */
  async setOverride(
    actor: Actor,
    name: unknown,
    input: { versions?: unknown; monthlyDownloads?: unknown },
    origin: Origin,
  ): Promise<RegistryOverride> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-registry-overrides', null, now);
    const n = checkPackageOrScope(name);
    const o: RegistryOverride = {
      name: n,
      ...validateOverride(n, input),
      setAt: now.toISOString(),
      setBy: actorLabel(actor),
    };
    return this.ctx.transaction(actor, origin, async (tx) => {
      await tx.putRegistryOverride(o);
      await tx.audit(
        auditEntry(actor, 'registry.override-set', origin, now, null, {
          name: n,
          versions: o.versions === null ? null : o.versions.length,
          monthlyDownloads: o.monthlyDownloads,
        }),
      );
      return o;
    });
  }

  /** Clears a name's override: the registry answers again (E_NOT_FOUND when there was none). */
  async clearOverride(actor: Actor, name: unknown, origin: Origin): Promise<void> {
    const now = this.ctx.now();
    assertCan(actor, 'manage-registry-overrides', null, now);
    const n = checkPackageOrScope(name);
    await this.ctx.transaction(actor, origin, async (tx) => {
      if (!(await tx.removeRegistryOverride(n)))
        throw new NswgError('E_NOT_FOUND', `${n} has no override`, { field: 'name' });
      await tx.audit(auditEntry(actor, 'registry.override-clear', origin, now, null, { name: n }));
    });
  }
}
