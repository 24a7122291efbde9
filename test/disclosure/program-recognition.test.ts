// Recognition through the program on both engines: the hall of fame lists researchers by year and
// month of publication, each as they chose to be credited at submission (a name or a handle), never
// by their account's name, and not at all when they chose anonymity; a public profile only for those
// who opted in, without the advisories they chose to be anonymous for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, operatorActor } from '../../src/disclosure/index.js';
import { testEngines } from '../helpers/db.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();

describe.each(engines)('the hall of fame through the program, on %s', (engine) => {
  let w: World;
  let secret: Actor & { kind: 'user' };
  /** A core report of `reporter`, credited as `credit`, published by the core security team. */
  const published = async (reporter: Actor, credit: Record<string, unknown>, title: string) => {
    const { core } = w.users;
    const r = await submit(w, reporter, {
      kind: 'core',
      packageName: null,
      component: 'http',
      title,
      credit,
    });
    await w.program.workflow.transition(core, r.id, 'accept', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'mark-fixed', { patchedVersions: '>=1.4.2' }, ORIGIN);
    return w.program.workflow.transition(core, r.id, 'publish', {}, ORIGIN);
  };

  beforeAll(async () => {
    w = await makeWorld(engine);
    const made = await w.store.accounts.createAccount(
      operatorActor('test@localhost'),
      {
        email: 'secret@example.org',
        displayName: 'Account Realname',
        handle: 'sekrit',
        password: 'secret-password-123',
        roles: [],
      },
      ORIGIN,
    );
    secret = { kind: 'user', id: made.user.id, roles: [] };
  });
  afterAll(async () => w?.close());

  it('names each researcher only as they chose, by month and year, never the anonymous', async () => {
    const a = await published(secret, { as: 'name', name: 'Chosen Name' }, 'First flaw');
    const b = await published(secret, { as: 'anonymous' }, 'Second flaw');
    w.clock.advance(40 * 86_400_000);
    const c = await published(secret, { as: 'handle', handle: 'chosen_handle' }, 'Third flaw');
    const d = await published(w.users.reporter, { as: 'handle', handle: 'finder' }, 'Fourth flaw');
    const hall = await w.program.recognition.hallOfFame();
    const text = JSON.stringify(hall);
    expect(text).not.toContain('Account Realname');
    expect(text).not.toContain('sekrit');
    expect(text).not.toContain(b.advisoryId!);
    expect(hall).toHaveLength(1);
    expect(hall[0]!.months.map((m) => m.month)).toEqual(['2026-02', '2026-01']);
    expect(
      hall[0]!.months[0]!.researchers.map((r) => [r.shownAs, r.advisories.map((x) => x.advisoryId)]),
    ).toEqual([
      ['chosen_handle', [c.advisoryId]],
      ['finder', [d.advisoryId]],
    ]);
    expect(hall[0]!.months[1]!.researchers.map((r) => [r.shownAs, r.profile])).toEqual([
      ['Chosen Name', null],
    ]);
    expect(a.advisoryId).toBeTruthy();
  });

  it('shows a profile only when its researcher opted in, without their anonymous advisories', async () => {
    await expect(w.program.recognition.profile('sekrit')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(
      w.program.recognition.setProfile({ ...secret, unconfirmed: true }, true, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await w.program.recognition.setProfile(secret, true, ORIGIN);
    const p = await w.program.recognition.profile('SEKRIT');
    expect(p.handle).toBe('sekrit');
    expect(p.advisories.map((x) => [x.title, x.shownAs])).toEqual([
      ['Third flaw', 'chosen_handle'],
      ['First flaw', 'Chosen Name'],
    ]);
    // the hall of fame links to it now
    const hall = await w.program.recognition.hallOfFame();
    expect(hall[0]!.months[1]!.researchers[0]).toMatchObject({ shownAs: 'Chosen Name', profile: 'sekrit' });
    await w.program.recognition.setProfile(secret, false, ORIGIN);
    await expect(w.program.recognition.profile('sekrit')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const log = (await w.store.auditLog.list({ limit: 5000 })).filter(
      (e) => e.action === 'researcher.profile',
    );
    expect(log.map((e) => e.details.public)).toEqual([true, false]);
  });
});
