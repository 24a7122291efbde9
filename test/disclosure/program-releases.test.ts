// A Node.js core security release through the program on both engines, by a fake clock from planning
// to clean-up: the plan against the release schedule, the reports it fixes, the checklist, the
// pre-announcement's rules (complete reports, seven days unless overridden), a postponement told to
// everyone told, the embargo (nobody outside the core security team sees anything, and no report of it
// is published apart), the release day publishing advisories and CVE ids together, and a cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityRelease } from '../../src/disclosure/index.js';
import { testEngines } from '../helpers/db.js';
import { ANNOUNCEMENT_LIST, makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const PLAN_STEPS = ['plan-lines', 'plan-reports', 'plan-patches', 'plan-releasers'];

describe.each(engines)('security releases through the program, on %s', (engine) => {
  let w: World;
  let release: SecurityRelease;
  const reports: Record<string, string> = {};
  const mailTo = async (to: string) => await w.store.outbox.all({ to, limit: 1000 });
  const log = async () => (await w.store.auditLog.list({ limit: 5000 })).map((e) => e.action);
  const at = (iso: string) => w.clock.set(new Date(iso));
  const stateOf = async (id: string) => (await w.deps.repo.transaction((tx) => tx.getReport(id)))!.state;
  /** A core report accepted by the core security team. */
  const accepted = async (title: string) => {
    const r = await submit(w, w.users.reporter, {
      kind: 'core',
      packageName: null,
      component: 'http',
      title,
      affectedVersions: '>=20.0.0',
      // the team assesses them: the pre-announcement waits for it
      cvssVector: null,
      cwe: null,
    });
    await w.program.workflow.transition(w.users.core, r.id, 'accept', {}, ORIGIN);
    return r.id;
  };

  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('lets only the core security team plan a release, against the release schedule', async () => {
    const { core, triage1, reporter, stranger, admin } = w.users;
    const plan = {
      targetDate: '2026-02-10',
      stewardId: core.id,
      releaserIds: [admin.id],
      lines: [
        { line: 'v24', version: '24.13.1' },
        { line: 'v18' },
        { line: 'v22', version: 'v22.22.1' },
        { line: 'v20', version: '20.20.1' },
      ],
    };
    for (const who of [triage1, reporter, stranger, { ...core, unconfirmed: true }])
      await expect(w.program.releases.plan(who, plan, ORIGIN)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(
      w.program.releases.plan(
        core,
        {
          ...plan,
          targetDate: '2025-12-31',
          lines: [{ line: 'v21x', version: '1' }, { line: 'v22', version: '24.1.0' }, { line: 'v24' }],
        },
        ORIGIN,
      ),
    ).rejects.toMatchObject({
      code: 'E_RELEASE_INVALID',
      problems: [
        { field: 'targetDate', message: 'is in the past' },
        { field: 'lines[0].line', message: expect.stringContaining('release schedule') },
        { field: 'lines[1].version', message: expect.stringContaining('v22 version') },
        { field: 'lines[2].version', message: expect.stringContaining('is required') },
      ],
    });
    await expect(
      w.program.releases.plan(core, { ...plan, releaserIds: [triage1.id] }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_RELEASE_INVALID', field: 'releaserIds' });
    release = await w.program.releases.plan(core, plan, ORIGIN);
    expect(release.state).toBe('planning');
    // sorted by line; v18 ended before the date: flagged, shipping nothing
    expect(release.lines).toEqual([
      { line: 'v18', version: null, endOfLife: true },
      { line: 'v20', version: '20.20.1', endOfLife: false },
      { line: 'v22', version: '22.22.1', endOfLife: false },
      { line: 'v24', version: '24.13.1', endOfLife: false },
    ]);
    expect((await mailTo(w.emails.core!)).map((m) => m.subject)).toContain(
      '[nswg] Security release planned: 2026-02-10',
    );
  });

  it('keeps the release, its reports and drafts from everyone outside the core security team', async () => {
    const { core, triage1, reporter, stranger, maintainer } = w.users;
    reports.a = await accepted('Request smuggling in the HTTP parser');
    reports.b = await accepted('Path traversal in the permission model');
    await w.program.releases.addFix(
      core,
      release.id,
      reports.a,
      { summary: 'A crafted request splits in two.', patchAuthors: ['Patch Author'] },
      ORIGIN,
    );
    await w.program.releases.addFix(core, release.id, reports.b, { lines: ['v22', 'v24'] }, ORIGIN);
    for (const who of [triage1, reporter, stranger, maintainer]) {
      await expect(w.program.releases.read(who, release.id, ORIGIN)).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
      });
      await expect(w.program.releases.published(who, release.id, ORIGIN)).rejects.toMatchObject({
        code: 'E_NOT_FOUND',
      });
      expect(await w.program.releases.list(who, ORIGIN)).toEqual([]);
      expect(await w.program.releases.ofReport(who, reports.a, ORIGIN)).toBeNull();
      await expect(
        w.program.releases.tick(who, release.id, 'plan-lines', true, ORIGIN),
      ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    }
    // the same answer as for a release that does not exist; the refusals are logged
    await expect(w.program.releases.read(stranger, 'no-such-release', ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'security release not found',
    });
    expect((await log()).filter((a) => a === 'release.read-refused').length).toBeGreaterThanOrEqual(8);
    // a report of the release is not published apart from it
    await w.program.workflow.transition(core, reports.a, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(
      core,
      reports.a,
      'mark-fixed',
      { patchedVersions: '>=24.13.1' },
      ORIGIN,
    );
    await expect(w.program.workflow.transition(core, reports.a, 'publish', {}, ORIGIN)).rejects.toMatchObject(
      {
        code: 'E_TRANSITION',
        message: expect.stringContaining('embargo'),
      },
    );
    // and it is in one release at most
    const other = await w.program.releases.plan(
      core,
      {
        targetDate: '2026-03-10',
        stewardId: core.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.14.0' }],
      },
      ORIGIN,
    );
    await expect(w.program.releases.addFix(core, other.id, reports.a, {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    await w.program.releases.cancel(core, other.id, 'planned by mistake, twice', ORIGIN);
    const seen = await w.program.releases.read(core, release.id, ORIGIN);
    expect(seen.fixes.map((f) => [f.title, f.fix.lines])).toEqual([
      ['Request smuggling in the HTTP parser', ['v20', 'v22', 'v24']],
      ['Path traversal in the permission model', ['v22', 'v24']],
    ]);
  });

  it('pre-announces only a complete release, seven days ahead unless a team member overrides with a reason', async () => {
    const { core } = w.users;
    at('2026-02-05T09:00:00.000Z');
    let err = await w.program.releases.preAnnounce(core, release.id, {}, ORIGIN).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_TRANSITION' });
    expect(err.message).toContain(`report ${reports.a} lacks a CVE id, a CWE, a CVSS vector;`);
    expect(err.message).toContain(`report ${reports.b} lacks a CVE id, a summary, a CWE, a CVSS vector;`);
    expect(err.message).toContain(
      '"The fixes are reviewed and land in the private security branches" is not ticked',
    );
    // a release-day step is not ticked while planning; the server's own steps are never ticked
    await expect(
      w.program.releases.tick(core, release.id, 'release-builds', true, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    await expect(
      w.program.releases.tick(core, release.id, 'announce-pre', true, ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    for (const id of [reports.a!, reports.b!]) {
      await w.program.cve.assignNext(core, id, ORIGIN);
      await w.program.workflow.assess(core, id, { cvssVector: VECTOR, cwe: 'CWE-444' }, ORIGIN);
    }
    await w.program.releases.updateFix(
      core,
      release.id,
      reports.b!,
      { summary: 'Paths escape the allowed folder.' },
      ORIGIN,
    );
    for (const s of PLAN_STEPS) await w.program.releases.tick(core, release.id, s, true, ORIGIN);
    // five days ahead: the seven days' rule
    err = await w.program.releases.preAnnounce(core, release.id, {}, ORIGIN).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_TRANSITION', field: 'override' });
    await expect(
      w.program.releases.preAnnounce(core, release.id, { override: 'short' }, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_RELEASE_INVALID', field: 'override' });
    expect(await mailTo(ANNOUNCEMENT_LIST)).toEqual([]);
    const done = await w.program.releases.preAnnounce(
      core,
      release.id,
      { override: 'a fix already landed in public by mistake' },
      ORIGIN,
    );
    expect(done).toMatchObject({
      state: 'pre-announced',
      override: { by: core.id, reason: 'a fix already landed in public by mistake' },
    });
    const [pre] = await mailTo(ANNOUNCEMENT_LIST);
    expect(pre!.text).toMatch(/critical/i);
    // no details: neither titles, nor CVE ids, nor summaries, nor names
    const cves = (await w.program.releases.read(core, release.id, ORIGIN)).fixes.map((f) => f.cveId!);
    for (const secret of ['Request smuggling', 'Path traversal', 'crafted request', 'Patch Author', ...cves])
      expect(pre!.text).not.toContain(secret);
    expect(done.preAnnouncement).toContain('20.x');
    const told = (await mailTo(w.emails.reporter!)).map((m) => m.subject);
    expect(told).toContain('[nswg] Security release pre-announced: 2026-02-10');
    // the plan is frozen once announced
    await expect(w.program.releases.addFix(core, release.id, reports.a!, {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
  });

  it('postpones only later once announced, keeping the history and telling everyone told', async () => {
    const { core } = w.users;
    await expect(
      w.program.releases.postpone(
        core,
        release.id,
        { targetDate: '2026-02-09', reason: 'an earlier day suits' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_TRANSITION' });
    await expect(
      w.program.releases.postpone(
        core,
        release.id,
        { targetDate: '2026-02-30', reason: 'a day that does not exist' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_RELEASE_INVALID', field: 'targetDate' });
    const moved = await w.program.releases.postpone(
      core,
      release.id,
      { targetDate: '2026-02-17', reason: 'a regression found in the 22.x build' },
      ORIGIN,
    );
    expect(moved.targetDate).toBe('2026-02-17');
    expect(moved.dateChanges).toEqual([
      {
        from: '2026-02-10',
        to: '2026-02-17',
        reason: 'a regression found in the 22.x build',
        by: core.id,
        at: '2026-02-05T09:00:00.000Z',
      },
    ]);
    const list = await mailTo(ANNOUNCEMENT_LIST);
    expect(list).toHaveLength(2);
    // sent at the same time as the pre-announcement, by the fake clock: found by its subject
    const mail = list.find((m) => /postponed/.test(m.subject))!;
    expect(mail.text).toContain('February 17, 2026');
    expect(mail.text).toContain('a regression found in the 22.x build');
    expect((await mailTo(w.emails.reporter!)).map((m) => m.subject)).toContain(
      '[nswg] Security release moved: 2026-02-10 → 2026-02-17',
    );
  });

  it('publishes on its day, not before: advisories over the release lines and CVE ids, together', async () => {
    const { core, stranger } = w.users;
    await w.program.releases.tick(core, release.id, 'announce-downstream', true, ORIGIN);
    at('2026-02-16T23:00:00.000Z');
    await expect(w.program.releases.release(core, release.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
      message: expect.stringContaining('embargo until 2026-02-17'),
    });
    at('2026-02-17T10:00:00.000Z');
    await expect(w.program.releases.release(core, release.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
      message: expect.stringContaining('Build, sign and test'),
    });
    expect(await w.store.advisories.forPackage('node', 'node')).toEqual(
      expect.not.arrayContaining([
        expect.objectContaining({ title: 'Request smuggling in the HTTP parser' }),
      ]),
    );
    await w.program.releases.tick(core, release.id, 'release-builds', true, ORIGIN);
    const done = await w.program.releases.release(core, release.id, ORIGIN);
    expect(done.state).toBe('released');
    expect(done.advisoryIds).toHaveLength(2);
    const node = await w.store.advisories.forPackage('node', 'node');
    const a = node.find((x) => x.id === done.advisoryIds[0])!;
    const b = node.find((x) => x.id === done.advisoryIds[1])!;
    expect(a.id).toMatch(/^NSWG-COR-\d+$/);
    expect(a.affected[0]).toMatchObject({ patched: '^20.20.1 || ^22.22.1 || ^24.13.1' });
    expect(b.affected[0]).toMatchObject({ patched: '^22.22.1 || ^24.13.1' });
    expect(a.aliases[0]).toMatch(/^CVE-2026-/);
    for (const id of [reports.a!, reports.b!]) {
      expect(await stateOf(id)).toBe('published');
    }
    const cves = await w.program.cve.list(w.users.admin, ORIGIN);
    expect(cves.ids.filter((c) => c.state === 'announced').map((c) => c.id)).toEqual(
      expect.arrayContaining([a.aliases[0], b.aliases[0]]),
    );
    const announcement = (await mailTo(ANNOUNCEMENT_LIST)).find((m) => /available/.test(m.subject));
    expect(announcement!.text).toContain('Request smuggling in the HTTP parser');
    expect(announcement!.text).toContain(a.aliases[0]!);
    // public now, for everyone
    const seen = await w.program.releases.published(stranger, release.id, ORIGIN);
    expect(seen).toMatchObject({ targetDate: '2026-02-17', advisoryIds: done.advisoryIds });
    expect(seen.announcement).toContain(b.aliases[0]!);
    expect((await w.program.releases.list(stranger, ORIGIN)).map((r) => r.id)).toEqual([release.id]);
  });

  it('completes once cleaned up', async () => {
    const { core } = w.users;
    await expect(w.program.releases.complete(core, release.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
      message: expect.stringContaining('not cleaned up'),
    });
    for (const s of ['cleanup-branches', 'cleanup-reports', 'cleanup-retro'])
      await w.program.releases.tick(core, release.id, s, true, ORIGIN);
    expect((await w.program.releases.complete(core, release.id, ORIGIN)).state).toBe('completed');
    const view = await w.program.releases.read(core, release.id, ORIGIN);
    expect(view.checklist.every((c) => c.done)).toBe(true);
    expect(
      (await log()).filter(
        (x) => x.startsWith('release.') && !x.startsWith('release.read') && x !== 'release.list',
      ),
    ).toEqual(
      expect.arrayContaining([
        'release.plan',
        'release.add-report',
        'release.pre-announce',
        'release.postpone',
        'release.publish',
        'release.complete',
        'release.cancel',
      ]),
    );
  });

  it('cancels a release: its reports return to the queue, and whoever was told is told', async () => {
    const { core } = w.users;
    const c = await accepted('Memory leak in the TLS session cache');
    await w.program.cve.assignNext(core, c, ORIGIN);
    await w.program.workflow.assess(core, c, { cvssVector: VECTOR, cwe: 'CWE-401' }, ORIGIN);
    const r = await w.program.releases.plan(
      core,
      {
        targetDate: '2026-03-31',
        stewardId: core.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.14.1' }],
      },
      ORIGIN,
    );
    await w.program.releases.addFix(core, r.id, c, { summary: 'Sessions are never freed.' }, ORIGIN);
    for (const s of PLAN_STEPS) await w.program.releases.tick(core, r.id, s, true, ORIGIN);
    await w.program.releases.preAnnounce(core, r.id, {}, ORIGIN);
    await expect(w.program.releases.cancel(core, r.id, 'short', ORIGIN)).rejects.toMatchObject({
      code: 'E_RELEASE_INVALID',
    });
    const gone = await w.program.releases.cancel(core, r.id, 'the fix broke the TLS tests', ORIGIN);
    expect(gone).toMatchObject({ state: 'cancelled', cancelReason: 'the fix broke the TLS tests' });
    // sent at the same time as the pre-announcement, by the fake clock: found by its subject
    expect((await mailTo(ANNOUNCEMENT_LIST)).map((m) => m.subject)).toContainEqual(
      expect.stringMatching(/cancelled/i),
    );
    expect(await stateOf(c)).toBe('accepted');
    expect(await w.program.releases.ofReport(core, c, ORIGIN)).toBeNull();
    // back in the queue: free for the next release, and no longer under its embargo
    await expect(w.program.releases.release(core, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    const next = await w.program.releases.plan(
      core,
      {
        targetDate: '2026-04-01',
        stewardId: core.id,
        releaserIds: [],
        lines: [{ line: 'v24', version: '24.14.1' }],
      },
      ORIGIN,
    );
    await w.program.releases.addFix(core, next.id, c, {}, ORIGIN);
    await w.program.releases.cancel(core, next.id, 'the report goes in a later one', ORIGIN);
  });

  it("keeps each report's deadline: no release planned past it, and a late release still publishes", async () => {
    const { core } = w.users;
    const d = await accepted('Use after free in the zlib stream');
    await w.program.cve.assignNext(core, d, ORIGIN);
    await w.program.workflow.assess(core, d, { cvssVector: VECTOR, cwe: 'CWE-416' }, ORIGIN);
    const due = (await w.deps.repo.transaction((tx) => tx.getReport(d)))!.publicationDue!.slice(0, 10);
    expect(due).toBe('2026-04-03');
    const plan = (targetDate: string) =>
      w.program.releases.plan(
        core,
        { targetDate, stewardId: core.id, releaserIds: [], lines: [{ line: 'v24', version: '24.14.2' }] },
        ORIGIN,
      );
    const late = await plan('2026-04-10');
    await expect(w.program.releases.addFix(core, late.id, d, {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
      message: expect.stringContaining('extend its deadline by vote first'),
    });
    const r = await plan('2026-04-01');
    await w.program.releases.addFix(core, r.id, d, { summary: 'A stream freed twice.' }, ORIGIN);
    await expect(
      w.program.releases.postpone(
        core,
        r.id,
        { targetDate: '2026-04-10', reason: 'a late regression' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_TRANSITION', field: 'targetDate' });
    for (const s of [...PLAN_STEPS, 'announce-downstream'])
      await w.program.releases.tick(core, r.id, s, true, ORIGIN);
    await w.program.releases.preAnnounce(core, r.id, {}, ORIGIN);
    await w.program.releases.tick(core, r.id, 'release-builds', true, ORIGIN);
    // nobody published it on its day; the report's deadline came, and the scheduler kept the promise
    at('2026-04-04T10:00:00.000Z');
    await w.scheduler.runDue();
    expect(await stateOf(d)).toBe('published');
    const advisoryId = (await w.deps.repo.transaction((tx) => tx.getReport(d)))!.advisoryId;
    const done = await w.program.releases.release(core, r.id, ORIGIN);
    expect(done).toMatchObject({ state: 'released', advisoryIds: [advisoryId] });
  });
});
