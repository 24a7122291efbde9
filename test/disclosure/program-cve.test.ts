// The program as a CNA, through the program on both engines: blocks recorded by admins, ids assigned
// by the team, entered by hand from another CNA, announced at publication (on time, early, at the
// deadline), rejected with their report, flagged at the turn of the year and retired; every move in
// the audit log; the admins told when the blocks run low.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_WITHOUT_CVE, DisclosureProgram, operatorActor } from '../../src/disclosure/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { testEngines } from '../helpers/db.js';
import { makeWorld, ORIGIN, SECRET, submit, TEST_ARGON2, type World } from './store-setup.js';

const engines = await testEngines();
const DAY = 86_400_000;

describe.each(engines)('CVE ids through the program, on %s', (engine) => {
  let w: World;
  const adminMail = async () =>
    (await w.store.outbox.all({ to: w.emails.admin!, limit: 1000 })).map((m) => m.subject);
  const log = async (reportId?: string) =>
    (await w.store.auditLog.list({ ...(reportId ? { reportId } : {}), limit: 5000 })).map((e) => e.action);
  /** A core report with its fix in progress (core reports have no invited maintainers). */
  const fixing = async (title: string) => {
    const { reporter, core } = w.users;
    const r = await submit(w, reporter, { kind: 'core', packageName: null, component: 'http', title });
    await w.program.workflow.transition(core, r.id, 'accept', {}, ORIGIN);
    await w.program.workflow.transition(core, r.id, 'start-fix', {}, ORIGIN);
    return r;
  };
  const markFixed = (id: string) =>
    w.program.workflow.transition(w.users.core, id, 'mark-fixed', { patchedVersions: '>=1.4.2' }, ORIGIN);

  beforeAll(async () => {
    w = await makeWorld(engine, undefined, { cveIds: 0 });
  });
  afterAll(async () => w?.close());

  it('lets admins and the operator record blocks, and nobody else', async () => {
    const { admin, triage1, reporter } = w.users;
    for (const who of [triage1, reporter])
      await expect(w.program.cve.addBlock(who, 2026, '1000..1002', ORIGIN)).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
      });
    await expect(
      w.program.cve.addBlock({ ...admin, unconfirmed: true }, 2026, '1000', ORIGIN),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const made = await w.program.cve.addBlock(admin, 2026, 'CVE-2026-1000..CVE-2026-1002', ORIGIN);
    expect(made.added).toEqual(['CVE-2026-1000', 'CVE-2026-1001', 'CVE-2026-1002']);
    expect(made.figures).toMatchObject({ available: 3, requestBlock: false });
    const op = operatorActor('root@server');
    await w.program.cve.addBlock(op, '2026', ['CVE-2026-1003'], ORIGIN);
    // an id the program knows refuses the whole block
    await expect(w.program.cve.addBlock(admin, 2026, '1003..1005', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    await expect(w.program.cve.addBlock(admin, 2026, 'CVE-2025-1', ORIGIN)).rejects.toMatchObject({
      code: 'E_CVE_INVALID',
    });
    const list = await w.program.cve.list(admin, ORIGIN);
    expect(list.ids.map((c) => `${c.id} ${c.state} ${c.source}`)).toEqual([
      'CVE-2026-1000 available block',
      'CVE-2026-1001 available block',
      'CVE-2026-1002 available block',
      'CVE-2026-1003 available block',
    ]);
    expect(list.ids[3]!.receivedBy).toBe('root@server');
    await expect(w.program.cve.list(triage1, ORIGIN)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    expect((await log()).filter((a) => a.startsWith('cve.'))).toEqual([
      'cve.block-add',
      'cve.block-add',
      'cve.list',
    ]);
  });

  it('has the team assign the next id to a report: pending, seen only by who sees the report', async () => {
    const { triage1, reporter, stranger, core, maintainer } = w.users;
    const r = await submit(w, reporter);
    await expect(w.program.cve.assignNext(reporter, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.cve.assignNext(stranger, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await expect(w.program.cve.assignNext(core, r.id, ORIGIN)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(w.program.cve.assignNext(maintainer, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    const got = await w.program.cve.assignNext(triage1, r.id, ORIGIN);
    expect(got).toMatchObject({ cveId: 'CVE-2026-1000', cveSource: 'block' });
    // a second assignment (a replayed request) is refused: one id per report
    await expect(w.program.cve.assignNext(triage1, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    const view = await w.program.reports.view(reporter, r.id, ORIGIN);
    expect(view.cve).toEqual({ id: 'CVE-2026-1000', state: 'pending', source: 'block' });
    await expect(w.program.reports.read(stranger, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    expect(await log(r.id)).toContain('cve.assign');
  });

  it('keeps the id of a rejected report out of the blocks: rejected, never handed out again', async () => {
    const { triage1, triage2, reporter, admin } = w.users;
    const r = await submit(w, reporter);
    const got = await w.program.cve.assignNext(triage1, r.id, ORIGIN);
    expect(got.cveId).toBe('CVE-2026-1001');
    await w.program.workflow.transition(
      triage2,
      r.id,
      'reject',
      { reason: 'not a vulnerability', closedAs: 'not-applicable' },
      ORIGIN,
    );
    const list = await w.program.cve.list(admin, ORIGIN);
    expect(list.ids.find((c) => c.id === 'CVE-2026-1001')).toMatchObject({
      state: 'rejected',
      reportId: r.id,
    });
    expect(await log(r.id)).toContain('cve.reject');
    const next = await submit(w, reporter);
    expect((await w.program.cve.assignNext(triage1, next.id, ORIGIN)).cveId).toBe('CVE-2026-1002');
    // one id left: the admins are told to request a new block
    expect((await adminMail()).some((s) => s.includes('1 CVE id left: request a new block'))).toBe(true);
    expect((await w.program.queue.dashboard(admin, ORIGIN)).cveIds).toMatchObject({
      available: 1,
      requestBlock: true,
    });
  });

  it("records an id entered by hand as another CNA's, and never lets it take one of ours", async () => {
    const { triage1, reporter, admin } = w.users;
    const r = await submit(w, reporter);
    const entered = await w.program.workflow.assess(triage1, r.id, { cveId: 'CVE-2025-31337' }, ORIGIN);
    expect(entered).toMatchObject({ cveId: 'CVE-2025-31337', cveSource: 'other-cna' });
    // replaced by another CNA's id, then cleared
    await w.program.workflow.assess(triage1, r.id, { cveId: 'CVE-2025-31338' }, ORIGIN);
    const ids = (await w.program.cve.list(admin, ORIGIN)).ids.map((c) => c.id);
    expect(ids).toContain('CVE-2025-31338');
    expect(ids).not.toContain('CVE-2025-31337');
    // one of the program's own ids cannot be typed onto a report
    const other = await submit(w, reporter);
    await expect(
      w.program.workflow.assess(triage1, other.id, { cveId: 'CVE-2026-1003' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_CONFLICT' });
    // nor can an id of the blocks be replaced by hand
    const held = await w.program.reports.view(triage1, r.id, ORIGIN);
    expect(held.cve).toEqual({ id: 'CVE-2025-31338', state: 'pending', source: 'other-cna' });
    await w.program.workflow.assess(triage1, r.id, { cveId: null }, ORIGIN);
    expect((await w.program.reports.view(triage1, r.id, ORIGIN)).cve).toBeNull();
    const ours = await submit(w, reporter);
    await w.program.cve.assignNext(triage1, ours.id, ORIGIN);
    await expect(
      w.program.workflow.assess(triage1, ours.id, { cveId: 'CVE-2025-40000' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(await log(r.id)).toEqual(expect.arrayContaining(['cve.enter', 'cve.clear']));
  });

  it('announces the pending id at publication, or assigns the next one then, and puts it in the aliases', async () => {
    const { core, admin } = w.users;
    await w.program.cve.addBlock(admin, 2026, '2000..2009', ORIGIN);
    const a = await fixing('CVE pending at publication');
    await w.program.cve.assignNext(core, a.id, ORIGIN);
    await markFixed(a.id);
    const pa = await w.program.workflow.transition(core, a.id, 'publish', {}, ORIGIN);
    expect(pa.cveSource).toBe('block');
    expect((await w.store.advisories.get(pa.advisoryId!))!.aliases).toEqual([pa.cveId]);
    const b = await fixing('No CVE id before publication');
    await markFixed(b.id);
    const pb = await w.program.workflow.transition(core, b.id, 'publish', {}, ORIGIN);
    expect(pb.cveId).toMatch(/^CVE-2026-\d+$/);
    expect((await w.store.advisories.get(pb.advisoryId!))!.aliases).toEqual([pb.cveId]);
    const list = (await w.program.cve.list(admin, ORIGIN)).ids;
    expect(list.find((c) => c.id === pa.cveId)).toMatchObject({ state: 'announced', reportId: a.id });
    expect(list.find((c) => c.id === pb.cveId)).toMatchObject({ state: 'announced', reportId: b.id });
    expect((await w.program.reports.view(admin, b.id, ORIGIN)).cve).toMatchObject({ state: 'announced' });
    expect(await log(b.id)).toContain('cve.announce');
  });

  it("announces another CNA's id at publication, early publication included", async () => {
    const { core, admin } = w.users;
    const r = await fixing('Published early with a CVE id of another CNA');
    await w.program.workflow.assess(core, r.id, { cveId: 'CVE-2026-55555' }, ORIGIN);
    await w.program.workflow.requestEarlyPublication(
      core,
      r.id,
      { reason: 'already-public', details: 'https://github.com/x/y/issues/1 discusses it' },
      ORIGIN,
    );
    const p = await w.program.workflow.transition(admin, r.id, 'publish', {}, ORIGIN);
    expect(p).toMatchObject({
      cveId: 'CVE-2026-55555',
      cveSource: 'other-cna',
      withoutFix: 'early-publication',
    });
    expect((await w.store.advisories.get(p.advisoryId!))!.aliases).toEqual(['CVE-2026-55555']);
  });

  it('refuses a publication with no id unless a team member says why; the deadline publishes regardless', async () => {
    const { triage1, admin, core } = w.users;
    // use the blocks up
    for (;;) {
      const r = await submit(w, w.users.reporter);
      const ok = await w.program.cve.assignNext(triage1, r.id, ORIGIN).catch(() => null);
      if (!ok) break;
    }
    expect((await w.program.cve.list(admin, ORIGIN)).figures.available).toBe(0);
    const r = await fixing('Published without a CVE id');
    await markFixed(r.id);
    await expect(w.program.workflow.transition(core, r.id, 'publish', {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
      field: 'withoutCveReason',
    });
    await expect(
      w.program.workflow.transition(core, r.id, 'publish', { withoutCveReason: 'no' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID' });
    const p = await w.program.workflow.transition(
      core,
      r.id,
      'publish',
      { withoutCveReason: 'CVE requested from another CNA' },
      ORIGIN,
    );
    expect(p).toMatchObject({
      state: 'published',
      cveId: null,
      withoutCve: 'CVE requested from another CNA',
    });
    expect((await w.store.advisories.get(p.advisoryId!))!.aliases).toEqual([]);
    expect(await log(r.id)).toContain('cve.missing');
    expect((await adminMail()).some((s) => s.includes(`${r.id} was published without a CVE id`))).toBe(true);

    // the scheduler at day 45: publishes anyway, records it had no id, tells the admins
    const late = await submit(w, w.users.reporter, { packageName: 'cve-deadline-pkg' });
    await w.program.workflow.transition(triage1, late.id, 'accept', {}, ORIGIN);
    w.clock.set(new Date(w.clock.now().getTime() + 46 * DAY).toISOString());
    const run = await w.scheduler.runDue();
    expect(run.performed.map((a) => `${a.action} ${a.reportId}`)).toContain(`auto-publish ${late.id}`);
    const published = (await w.program.reports.view(admin, late.id, ORIGIN)).report;
    expect(published).toMatchObject({ state: 'published', cveId: null, withoutCve: DEADLINE_WITHOUT_CVE });
    expect((await adminMail()).some((s) => s.includes(`${late.id} was published without a CVE id`))).toBe(
      true,
    );
  });

  it('flags the ids of a past year at the turn of the year, once, and lets admins retire them', async () => {
    const { admin, triage1 } = w.users;
    // everything due before the new year is published first (at its deadline)
    w.clock.set('2026-12-31T12:00:00.000Z');
    await w.scheduler.runDue();
    await w.program.cve.addBlock(admin, 2026, '3000..3001', ORIGIN);
    await expect(w.program.cve.retire(admin, 'CVE-2026-3000', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    w.clock.set('2027-01-01T00:05:00.000Z');
    const run = await w.scheduler.runDue();
    expect(run.flaggedCveIds).toEqual(['CVE-2026-3000', 'CVE-2026-3001']);
    expect((await w.scheduler.runDue()).flaggedCveIds).toEqual([]);
    expect(
      (await adminMail()).filter((s) => s.includes('2 CVE ids of a past year still available')),
    ).toHaveLength(1);
    expect((await w.program.queue.dashboard(admin, ORIGIN)).cveIds.pastYearAvailable).toBe(2);
    await expect(w.program.cve.retire(triage1, 'CVE-2026-3000', ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    const retired = await w.program.cve.retire(admin, 'CVE-2026-3000', ORIGIN);
    expect(retired).toMatchObject({ state: 'retired', reportId: null });
    await expect(w.program.cve.retire(admin, 'CVE-2026-3000', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    await expect(w.program.cve.retire(admin, 'CVE-2026-1000', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    expect(await log()).toEqual(expect.arrayContaining(['cve.past-year', 'cve.retire']));
  });

  it('removes ids recorded by mistake: available ones only, all or none, admins only', async () => {
    const { admin, triage1, reporter } = w.users;
    await w.program.cve.addBlock(admin, 2027, '7000..7003', ORIGIN);
    const r = await submit(w, reporter);
    const held = (await w.program.cve.assignNext(triage1, r.id, ORIGIN)).cveId!;
    await expect(w.program.cve.removeIds(triage1, 2027, '7001..7003', ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    // an assigned id, or one never recorded, refuses the whole removal
    const known = async () => (await w.program.cve.list(admin, ORIGIN)).ids.map((c) => c.id);
    const before = await known();
    await expect(w.program.cve.removeIds(admin, held.slice(4, 8), [held], ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringContaining(held),
    });
    await expect(w.program.cve.removeIds(admin, 2027, '7003..7004', ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringContaining('CVE-2027-7004'),
    });
    expect(await known()).toEqual(before);
    const done = await w.program.cve.removeIds(admin, 2027, '7002..7003', ORIGIN);
    expect(done.removed).toEqual(['CVE-2027-7002', 'CVE-2027-7003']);
    expect(await known()).not.toContain('CVE-2027-7003');
    expect(await known()).toContain(held);
    // removed ids may be recorded again, rightly this time
    await w.program.cve.addBlock(admin, 2027, '7002', ORIGIN);
    expect(await log()).toEqual(expect.arrayContaining(['cve.remove']));
  });
});

describe.each(engines.filter((e) => e === 'postgres'))(
  'two program instances on one %s database',
  (engine) => {
    let w: World;
    let other: Store;
    beforeAll(async () => {
      w = await makeWorld(engine, undefined, { cveIds: 0 });
      other = await openStore(w.tdb.target, { mode: 'existing', argon2: TEST_ARGON2, secret: SECRET });
    });
    afterAll(async () => {
      await other?.close();
      await w?.close();
    });

    it('assigns each id once when both assign at once, and one id per report when both assign to one', async () => {
      const second = new DisclosureProgram({ ...w.deps, repo: other.reports, auditLog: other.auditLog });
      const programs = [w.program, second];
      await w.program.cve.addBlock(w.users.admin, 2026, '1..6', ORIGIN);
      const reports = [];
      for (let i = 0; i < 8; i++)
        reports.push((await submit(w, w.users.reporter, { title: `Report number ${i}` })).id);
      const got = await Promise.allSettled(
        reports.map((id, i) => programs[i % 2]!.cve.assignNext(w.users.triage1, id, ORIGIN)),
      );
      const ids = got.flatMap((g) => (g.status === 'fulfilled' ? [g.value.cveId] : []));
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      // both instances assign to one report at the same moment: one wins, the other is refused
      const one = await submit(w, w.users.reporter, { title: 'The one report' });
      await w.program.cve.addBlock(w.users.admin, 2026, '7..8', ORIGIN);
      const race = await Promise.allSettled(
        programs.map((p) => p.cve.assignNext(w.users.triage2, one.id, ORIGIN)),
      );
      expect(race.filter((g) => g.status === 'fulfilled')).toHaveLength(1);
      expect(race.find((g) => g.status === 'rejected')).toMatchObject({ reason: { code: 'E_CONFLICT' } });
    });
  },
);
