// Credits with roles, through the program on both engines: proposed by the team or the reporter,
// accepted or declined by the credited person (logged in with the account of the address), entered
// by the team for a person without an account, withdrawn; only the accepted ones reach the advisory,
// OSV, the CVE record and the disclosed report; every move in the audit log.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCveRecord, toOsv } from '../../src/advisories/index.js';
import { type Actor, MAX_CREDITS, operatorActor } from '../../src/disclosure/index.js';
import { testEngines } from '../helpers/db.js';
import { ROOT, readJson } from '../helpers/shared.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const require = createRequire(import.meta.url);
let validate: ValidateFunction;

describe.each(engines)('credits through the program, on %s', (engine) => {
  let w: World;
  const mailTo = async (email: string) =>
    (await w.store.outbox.all({ to: email, limit: 100 })).map((m) => `${m.subject}\n${m.text}`);
  const log = async (reportId?: string) =>
    (await w.store.auditLog.list({ ...(reportId ? { reportId } : {}), limit: 5000 }))
      .map((e) => e.action)
      .filter((a) => a.startsWith('credit.'));
  const propose = (who: Actor, reportId: string, input: Record<string, unknown>) =>
    w.program.credits.propose(who, reportId, input, ORIGIN);

  beforeAll(async () => {
    w = await makeWorld(engine);
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(readJson(join(ROOT, 'data', 'schemas', 'cve-record-format-5.1-bundled.json')));
  });
  afterAll(async () => w?.close());

  it('has the credited person accept or decline, and nobody else', async () => {
    const { reporter, stranger, maintainer, triage1 } = w.users;
    const r = await submit(w, reporter);
    const c = await propose(reporter, r.id, {
      role: 'analyst',
      name: '  Stran   Ger ',
      email: ` ${w.emails.stranger!.toUpperCase()} `,
    });
    expect(c).toMatchObject({
      state: 'proposed',
      name: 'Stran Ger',
      email: w.emails.stranger,
      role: 'analyst',
    });
    // the credited person is mailed, without the report: they may not see it
    const mail = await mailTo(w.emails.stranger!);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('as analyst, as "Stran Ger"');
    expect(mail[0]).toContain('https://nswg.example/credits');
    expect(mail[0]).not.toContain(r.id);
    expect(mail[0]).not.toContain(r.title);
    const offers = await w.program.credits.mine(stranger, ORIGIN);
    expect(offers).toEqual([
      expect.objectContaining({ id: c.id, state: 'proposed', proposedBy: 'the reporter', open: true }),
    ]);
    expect(JSON.stringify(offers)).not.toContain(r.id);
    // the stranger still cannot see the report
    await expect(w.program.reports.view(stranger, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    // nobody else decides: the team, the reporter who proposed it, another user, an unconfirmed account
    for (const who of [maintainer, triage1, reporter, { ...stranger, unconfirmed: true }] as Actor[])
      await expect(w.program.credits.decide(who, c.id, 'accept', ORIGIN)).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
      });
    await expect(
      w.program.credits.decide(stranger, 'no-such-credit', 'accept', ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await expect(w.program.credits.mine({ ...stranger, unconfirmed: true }, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    const declined = await w.program.credits.decide(stranger, c.id, 'decline', ORIGIN);
    expect(declined.state).toBe('declined');
    await expect(w.program.credits.decide(stranger, c.id, 'decline', ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    const accepted = await w.program.credits.decide(stranger, c.id, 'accept', ORIGIN, { name: 'S. Ger' });
    expect(accepted).toMatchObject({ state: 'accepted', name: 'S. Ger' });
    await expect(
      w.program.credits.decide(stranger, c.id, 'accept', ORIGIN, { name: 'x\u202ey' }),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field: 'name' });
    expect(await log(r.id)).toEqual(['credit.propose', 'credit.decline', 'credit.accept']);
  });

  it('answers alike whether an account has the address, and mails only an account', async () => {
    const { reporter } = w.users;
    const r = await submit(w, reporter);
    const email = `later-${engine}@example.org`;
    const c = await propose(reporter, r.id, { role: 'finder', name: 'Later Person', email });
    expect(c).toMatchObject({ state: 'proposed', email });
    expect(await mailTo(email)).toEqual([]);
    // the person signs up with that address: unconfirmed, they cannot take it; confirmed, they can
    const signed = await w.store.accounts.register(
      { email, displayName: 'Later', password: 'later-password-123' },
      ORIGIN,
    );
    const later: Actor = { kind: 'user', id: signed.user.id, roles: [], unconfirmed: true };
    await expect(w.program.credits.decide(later, c.id, 'accept', ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await w.store.accounts.confirmEmail(operatorActor('test@localhost'), signed.user.id, ORIGIN);
    const confirmed: Actor = { kind: 'user', id: signed.user.id, roles: [] };
    expect((await w.program.credits.mine(confirmed, ORIGIN)).map((o) => o.id)).toEqual([c.id]);
    expect((await w.program.credits.decide(confirmed, c.id, 'accept', ORIGIN)).state).toBe('accepted');
  });

  it('lets the team enter a credit without an account, and only the team', async () => {
    const { reporter, triage1, maintainer, stranger, core } = w.users;
    const r = await submit(w, reporter);
    const entered = { role: 'remediation-developer', name: 'No Account', withoutAccount: true };
    await expect(propose(reporter, r.id, entered)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(propose(maintainer, r.id, entered)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(propose(stranger, r.id, entered)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    // the core team runs core reports, not npm ones
    await expect(propose(core, r.id, entered)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const c = await propose(triage1, r.id, entered);
    expect(c).toMatchObject({ state: 'accepted', email: null, decidedBy: triage1.id });
    // a credit to oneself needs nobody's consent
    const own = await propose(reporter, r.id, { role: 'tool', name: 'my scanner', email: w.emails.reporter });
    expect(own.state).toBe('accepted');
    expect(await log(r.id)).toEqual(['credit.enter', 'credit.propose']);
  });

  it('refuses bad proposals, naming the field, and more than the limit', async () => {
    const { reporter, triage1 } = w.users;
    const r = await submit(w, reporter);
    const bad: [Record<string, unknown>, string][] = [
      [{ role: 'hero', name: 'x', email: 'a@b.org' }, 'role'],
      [{ role: 'finder', name: '', email: 'a@b.org' }, 'name'],
      [{ role: 'finder', name: 'a\u0007b', email: 'a@b.org' }, 'name'],
      [{ role: 'finder', name: 'x'.repeat(201), email: 'a@b.org' }, 'name'],
      [{ role: 'finder', name: 'x', email: 'not an address' }, 'email'],
      [{ role: 'finder', name: 'x' }, 'email'],
      [{ role: 'finder', name: 'x', email: 'a@b.org', withoutAccount: true }, 'email'],
      [{ role: 'finder', name: 'x', email: 'a@b.org', withoutAccount: 'yes' }, 'withoutAccount'],
    ];
    for (const [input, field] of bad)
      await expect(propose(triage1, r.id, input)).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field });
    for (let i = 0; i < MAX_CREDITS; i++)
      await propose(triage1, r.id, { role: 'other', name: `Person ${i}`, withoutAccount: true });
    await expect(
      propose(triage1, r.id, { role: 'other', name: 'One too many', withoutAccount: true }),
    ).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect((await w.program.reports.view(triage1, r.id, ORIGIN)).credits).toHaveLength(MAX_CREDITS);
  });

  it('withdraws by whoever proposed it or the team; shows addresses to them only', async () => {
    const { reporter, triage1, maintainer, stranger } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const invited = await w.program.invitations.invite(triage1, r.id, w.emails.maintainer!, ORIGIN);
    await w.program.invitations.accept(maintainer, invited.token, ORIGIN);
    const byTeam = await propose(triage1, r.id, {
      role: 'coordinator',
      name: 'Coord',
      email: w.emails.stranger,
    });
    const byReporter = await propose(reporter, r.id, {
      role: 'sponsor',
      name: 'Sponsor',
      email: w.emails.admin,
    });
    // maintainers propose nothing, and see no addresses
    await expect(
      propose(maintainer, r.id, { role: 'analyst', name: 'x', email: 'x@example.org' }),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const seenBy = async (who: Actor) =>
      (await w.program.reports.view(who, r.id, ORIGIN)).credits.map((c) => `${c.name}:${c.email}`);
    expect(await seenBy(maintainer)).toEqual(['Coord:null', 'Sponsor:null']);
    expect(await seenBy(reporter)).toEqual(['Coord:null', `Sponsor:${w.emails.admin}`]);
    expect(await seenBy(triage1)).toEqual([`Coord:${w.emails.stranger}`, `Sponsor:${w.emails.admin}`]);
    // the reporter withdraws their own proposal, not the team's; a stranger gets "not found"
    await expect(w.program.credits.withdraw(reporter, byTeam.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.credits.withdraw(maintainer, byReporter.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.credits.withdraw(stranger, byReporter.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect((await w.program.credits.withdraw(reporter, byReporter.id, ORIGIN)).state).toBe('withdrawn');
    expect((await w.program.credits.withdraw(triage1, byTeam.id, ORIGIN)).state).toBe('withdrawn');
    // a withdrawn credit is gone for the person it was proposed to
    await expect(w.program.credits.decide(stranger, byTeam.id, 'accept', ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect((await w.program.credits.mine(stranger, ORIGIN)).map((o) => o.id)).not.toContain(byTeam.id);
    await expect(w.program.credits.withdraw(triage1, byTeam.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
  });

  it('publishes the accepted credits only, in the advisory, OSV, the CVE record and the disclosed report', async () => {
    const { reporter, core, stranger, admin } = w.users;
    const r = await submit(w, reporter, { kind: 'core', packageName: null, component: 'http' });
    await w.program.workflow.transition(core, r.id, 'accept', {}, ORIGIN);
    const yes = await propose(core, r.id, {
      role: 'remediation-developer',
      name: 'Fixer',
      email: w.emails.stranger,
    });
    const no = await propose(core, r.id, { role: 'analyst', name: 'Declines', email: w.emails.admin });
    await propose(reporter, r.id, {
      role: 'remediation-reviewer',
      name: 'Never answers',
      email: w.emails.maintainer,
    });
    await propose(core, r.id, { role: 'sponsor', name: 'Sponsor Org', withoutAccount: true });
    const gone = await propose(core, r.id, { role: 'tool', name: 'Withdrawn tool', withoutAccount: true });
    await w.program.credits.withdraw(core, gone.id, ORIGIN);
    await w.program.credits.decide(stranger, yes.id, 'accept', ORIGIN);
    await w.program.credits.decide(admin, no.id, 'decline', ORIGIN);
    await w.program.workflow.transition(core, r.id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'mark-fixed', { patchedVersions: '>=1.4.2' }, ORIGIN);
    const p = await w.program.workflow.transition(core, r.id, 'publish', {}, ORIGIN);
    const advisory = (await w.store.advisories.get(p.advisoryId!))!;
    expect(advisory.credits.map((c) => `${c.type} ${c.name}`)).toEqual([
      'FINDER finder',
      'REMEDIATION_DEVELOPER Fixer',
      'SPONSOR Sponsor Org',
    ]);
    expect(toOsv(advisory).credits).toEqual([
      { name: 'finder', type: 'FINDER' },
      { name: 'Fixer', type: 'REMEDIATION_DEVELOPER' },
      { name: 'Sponsor Org', type: 'SPONSOR' },
    ]);
    const record = toCveRecord(advisory, {
      cveId: p.cveId!,
      orgId: '5f9c0e62-3d2a-4b7e-9c1f-2a6b8d4e0f13',
      shortName: 'nswg',
      advisoryUrl: `https://nswg.example/advisories/${advisory.id}`,
    });
    expect(record.containers.cna.credits).toEqual([
      { lang: 'en', value: 'finder', type: 'finder' },
      { lang: 'en', value: 'Fixer', type: 'remediation developer' },
      { lang: 'en', value: 'Sponsor Org', type: 'sponsor' },
    ]);
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    const read = await w.program.reports.read({ kind: 'anonymous' }, r.id, ORIGIN);
    expect(read.form === 'disclosed' && read.disclosure.report.credits).toEqual([
      { name: 'Fixer', role: 'remediation-developer' },
      { name: 'Sponsor Org', role: 'sponsor' },
    ]);
    // after publication the credits are final
    await expect(w.program.credits.decide(admin, no.id, 'accept', ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    await expect(
      propose(core, r.id, { role: 'other', name: 'Late', withoutAccount: true }),
    ).rejects.toMatchObject({ code: 'E_TRANSITION' });
    const offers = await w.program.credits.mine(stranger, ORIGIN);
    expect(offers.find((o) => o.id === yes.id)).toMatchObject({ advisoryId: p.advisoryId, open: false });
  });
});
