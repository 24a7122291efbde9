// The admins' answers for the registry, through the program on both engines: who may set and clear
// them, what is refused, the audit log; and a report about a package the override says does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisclosureProgram, operatorActor } from '../../src/disclosure/index.js';
import { registryFacts } from '../../src/server/disclosure/registry-facts.js';
import { testEngines } from '../helpers/db.js';
import { validInput } from './fixtures.js';
import { makeWorld, ORIGIN, type World } from './store-setup.js';

describe.each(await testEngines())('registry overrides through the program, on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('lets admins and the operator set, list and clear overrides, and nobody else', async () => {
    const { admin, triage1, reporter } = w.users;
    for (const who of [triage1, reporter, { ...admin, unconfirmed: true }])
      await expect(
        w.program.registry.setOverride(who, 'left-pad', { monthlyDownloads: 5 }, ORIGIN),
      ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const set = await w.program.registry.setOverride(
      admin,
      'left-pad',
      { versions: ['1.0.0', 'v1.3.0', '1.0.0'] },
      ORIGIN,
    );
    expect(set).toMatchObject({
      name: 'left-pad',
      versions: ['1.0.0', '1.3.0'],
      monthlyDownloads: null,
      setBy: admin.id,
    });
    // replacing it
    await w.program.registry.setOverride(
      admin,
      'left-pad',
      { versions: ['1.0.0'], monthlyDownloads: 2000 },
      ORIGIN,
    );
    await w.program.registry.setOverride(
      operatorActor('root@server'),
      '@acme',
      { monthlyDownloads: 5000 },
      ORIGIN,
    );
    const all = await w.program.registry.list(admin, ORIGIN);
    expect(all.map((o) => `${o.name} ${o.versions?.join(',') ?? '-'} ${o.monthlyDownloads}`)).toEqual([
      '@acme - 5000',
      'left-pad 1.0.0 2000',
    ]);
    await expect(w.program.registry.list(triage1, ORIGIN)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await w.program.registry.clearOverride(admin, '@acme', ORIGIN);
    await expect(w.program.registry.clearOverride(admin, '@acme', ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    const log = (await w.store.auditLog.list({ limit: 1000 }))
      .map((e) => e.action)
      .filter((a) => a.startsWith('registry.'));
    expect(log).toEqual([
      'registry.override-set',
      'registry.override-set',
      'registry.override-set',
      'registry.override-clear',
    ]);
  });

  it('refuses bad overrides, naming the field', async () => {
    const { admin } = w.users;
    const bad: [unknown, Record<string, unknown>, string][] = [
      ['Not A Valid/Name/x', { monthlyDownloads: 1 }, 'name'],
      ['', { monthlyDownloads: 1 }, 'name'],
      ['left-pad', {}, 'versions'],
      ['left-pad', { versions: 'not-a-list' }, 'versions'],
      ['left-pad', { versions: ['one'] }, 'versions'],
      ['@acme', { versions: ['1.0.0'] }, 'versions'],
      ['left-pad', { monthlyDownloads: -1 }, 'monthlyDownloads'],
      ['left-pad', { monthlyDownloads: 1.5 }, 'monthlyDownloads'],
    ];
    for (const [name, input, field] of bad)
      await expect(w.program.registry.setOverride(admin, name, input, ORIGIN)).rejects.toMatchObject({
        code: 'E_USAGE',
        field,
      });
  });

  it('refuses a report about a package the override says does not exist, with no registry to ask', async () => {
    const { admin, reporter } = w.users;
    await w.program.registry.setOverride(admin, 'gone-widget', { versions: [] }, ORIGIN);
    const program = new DisclosureProgram({
      ...w.deps,
      registry: registryFacts({
        overrides: w.store.reports,
        upstream: null,
        downloadsApi: null,
        clock: w.clock,
      }),
    });
    await expect(
      program.reports.submit(reporter, validInput({ packageName: 'gone-widget' }), ORIGIN),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field: 'packageName' });
    // a package nobody said anything of is taken to exist
    await program.reports.submit(reporter, validInput({ packageName: 'unheard-of-widget' }), ORIGIN);
  });
});
