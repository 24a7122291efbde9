// A writer for the backup tests, run as a process of its own (the built code, dist/), as a server
// taking submissions would be: a user of its own, then reports each with one attachment, each in the
// program's transactions (so each write is in the audit log). Arguments: target JSON, the secret, a
// handle, and how many reports, or "until:<file>": until that file exists. Prints "wrote <n>" after each.
import { existsSync } from 'node:fs';
import { DisclosureProgram } from '../../../dist/disclosure/index.js';
import { OutboxMailer } from '../../../dist/mail/index.js';
import { openStore } from '../../../dist/store/index.js';

const [target, secret, handle, howMany] = process.argv.slice(2);
const store = await openStore(JSON.parse(target), {
  mode: 'existing',
  secret,
  argon2: { memoryCost: 1024, timeCost: 1 },
});
const origin = { ip: '203.0.113.9', userAgent: 'backup-test' };
const program = new DisclosureProgram({
  repo: store.reports,
  advisories: store.advisories,
  auditLog: store.auditLog,
  outbox: store.outbox,
  mailer: new OutboxMailer(store.outbox),
  clock: { now: () => new Date() },
  links: { report: (id) => id, invitation: (t) => t, credits: () => '', cveRequest: (id) => id },
  keys: store.keys,
  intakeLimits: null,
  uploadQuotas: { burst: null, day: null, reportFiles: null },
});
const made = await store.accounts.createAccount(
  { kind: 'operator', name: 'test@localhost' },
  {
    email: `${handle}@example.org`,
    displayName: handle,
    handle,
    password: `${handle}-password-123`,
    roles: [],
  },
  origin,
);
const actor = { kind: 'user', id: made.user.id, roles: [] };
const until = howMany.startsWith('until:') ? howMany.slice(6) : null;
const count = until ? Number.POSITIVE_INFINITY : Number(howMany);
try {
  for (let i = 0; i < count && !(until && existsSync(until)); i++) {
    const { report } = await program.reports.submit(
      actor,
      {
        kind: 'npm',
        packageName: 'left-pad-ng',
        affectedVersions: '>=1.0.0 <1.4.2',
        title: `Prototype pollution in merge() ${handle} ${i}`,
        description: 'merge() copies __proto__ keys from its second argument into the target object.',
        impact: 'An attacker controlling JSON input can change Object.prototype for the whole process.',
        reproduction: 'require(\'left-pad-ng\').merge({}, JSON.parse(\'{"__proto__":{"x":1}}\'))',
        patch: null,
        environment: { os: 'Linux', node: '24.0.0', npm: '11.0.0' },
        contactedMaintainer: false,
        openedIssue: false,
        cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        cwe: 'CWE-1321',
        credit: { as: 'handle', handle },
        references: ['https://github.com/example/left-pad-ng'],
      },
      origin,
    );
    await program.collaboration.addAttachment(
      actor,
      report.id,
      { filename: `poc-${i}.js`, bytes: new TextEncoder().encode(`// proof of concept ${handle} ${i}\n`) },
      origin,
    );
    process.stdout.write(`wrote ${i + 1}\n`);
  }
} finally {
  await store.close();
}
