// A maintainer is invited once per address: a second invitation while the first is pending (a
// double click, two team members at once) would mail a second link; resend replaces the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

describe.each(await testEngines())('inviting a maintainer on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('refuses a second invitation to an address with one pending, and allows one once it was revoked', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const mails = async () =>
      (await w.store.outbox.all({ to: 'maint@example.org', limit: 100 })).filter((m) =>
        m.subject.includes('you are invited'),
      ).length;
    const first = await w.program.invitations.invite(triage1, r.id, 'maint@example.org', ORIGIN);
    await expect(
      w.program.invitations.invite(triage2, r.id, ' Maint@Example.org ', ORIGIN),
    ).rejects.toMatchObject({ code: 'E_CONFLICT', field: 'email' });
    expect(await mails()).toBe(1);
    // another address, and another report, are invited as before
    await w.program.invitations.invite(triage2, r.id, 'other@example.org', ORIGIN);
    const r2 = await submit(w, reporter, { packageName: 'another-pkg' });
    await w.program.workflow.transition(triage1, r2.id, 'accept', {}, ORIGIN);
    await w.program.invitations.invite(triage1, r2.id, 'maint@example.org', ORIGIN);
    // resend replaces the pending one; once revoked, the address may be invited again
    const again = await w.program.invitations.resend(triage2, r.id, first.invitationId, ORIGIN);
    await w.program.invitations.revoke(triage1, r.id, again.invitationId, ORIGIN);
    await w.program.invitations.invite(triage1, r.id, 'maint@example.org', ORIGIN);
    expect(await mails()).toBe(4);
  });
});
