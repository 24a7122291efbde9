// One "server instance" running the scheduler once, for the concurrency test: a separate process,
// as two servers would be, with the server secret as a server has it (its audit entries carry MACs).
// Uses the built code (dist/). Arguments: target JSON, now, instance, startAt, secret.
import { ManualClock, Scheduler } from '../../dist/disclosure/index.js';
import { OutboxMailer } from '../../dist/mail/index.js';
import { openStore } from '../../dist/store/index.js';

const [target, now, instance, startAt, secret] = process.argv.slice(2);
const clock = new ManualClock(now);
const store = await openStore(JSON.parse(target), { mode: 'existing', clock, secret });
const links = {
  report: (id) => `https://nswg.example/reports/${id}`,
  invitation: (t) => `https://nswg.example/invitations/${t}`,
  cveRequest: (id) => `https://nswg.example/cve-requests/${id}`,
  credits: () => `https://nswg.example/credits`,
};
const scheduler = new Scheduler(
  { repo: store.reports, mailer: new OutboxMailer(store.outbox), clock, links, keys: store.keys },
  instance,
);
// Both instances start at the same moment, so that their runs overlap.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
try {
  const summary = await scheduler.runDue(new Date(now));
  process.stdout.write(JSON.stringify({ performed: summary.performed.length, skipped: summary.skipped }));
} finally {
  await store.close();
}
