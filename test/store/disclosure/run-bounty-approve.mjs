// One "server instance" approving a reward, for the budget's concurrency test: a separate process with
// a connection of its own and a program of its own, as two servers on one database would be. Uses the
// built code (dist/). Arguments: target JSON, startAt, secret, the approver's user id, the reward id.
import { DisclosureProgram, userActor } from '../../../dist/disclosure/index.js';
import { OutboxMailer } from '../../../dist/mail/index.js';
import { openStore } from '../../../dist/store/index.js';

const [target, startAt, secret, approver, rewardId] = process.argv.slice(2);
const store = await openStore(JSON.parse(target), { mode: 'existing', secret });
const program = new DisclosureProgram({
  repo: store.reports,
  advisories: store.advisories,
  auditLog: store.auditLog,
  outbox: store.outbox,
  mailer: new OutboxMailer(store.outbox),
  clock: { now: () => new Date() },
  links: { report: (id) => id, invitation: (t) => t, credits: () => '', cveRequest: (id) => id },
  keys: store.keys,
});
// Both instances start at the same moment, so that their approvals overlap.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
  const r = await program.bounty.approve(userActor(approver, ['triage']), rewardId, {}, { ip: null });
  process.stdout.write(JSON.stringify(r.state));
} finally {
  await store.close();
}
