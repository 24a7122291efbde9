import { auditEntry, type Origin } from './audit-log.js';
import { type Reward, rewardAtPublication } from './bounty.js';
import type { DisclosureTx } from './ports.js';
import type { Report } from './report.js';
import type { Actor } from './roles.js';

// What publication does for the bug bounty, inside the publishing transaction (effects.ts): a report
// whose package is in the bounty gets its reward proposed from its CVSS severity and the table, or
// recorded as ineligible with the reason its researcher reads. Nobody proposes it: the program does,
// so any team member other than the researcher may approve it.

/** Proposes the reward of a report being published (its advisory id set); nothing when not in the bounty. */
export async function rewardAtPublicationInTx(
  tx: DisclosureTx,
  actor: Actor,
  report: Report,
  newId: () => string,
  origin: Origin,
  now: Date,
): Promise<Reward | null> {
  if (await tx.rewardOfReport(report.id)) return null;
  const decision = rewardAtPublication(report, await tx.bountyModules(), await tx.rewardTable());
  if (!decision) return null;
  const reward: Reward = {
    id: newId(),
    reportId: report.id,
    advisoryId: report.advisoryId,
    researcherId: report.reporterId,
    packageName: report.packageName!,
    moduleName: decision.module,
    severity: decision.severity,
    amount: decision.amount,
    maintainerId: null,
    maintainerShare: 0,
    state: decision.state,
    reason: decision.state === 'ineligible' ? decision.reason : null,
    proposedBy: null,
    proposedAt: now.toISOString(),
    approvedBy: null,
    approvedAt: null,
    paidBy: null,
    paidAt: null,
    paymentReference: null,
  };
  await tx.addReward(reward);
  await tx.audit(
    auditEntry(
      actor,
      decision.state === 'ineligible' ? 'bounty.reward-ineligible' : 'bounty.reward-propose',
      origin,
      now,
      report.id,
      {
        rewardId: reward.id,
        module: reward.moduleName,
        severity: reward.severity,
        amount: reward.amount,
        reason: reward.reason,
      },
    ),
  );
  return reward;
}
