import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe.each(engines)('the disclosure program on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('runs a report from submission to a published advisory, with the advisory in the database', async () => {
    const { reporter, triage1, triage2, maintainer } = w.users;
    const r = await submit(w, reporter);
    expect(r).toMatchObject({
      state: 'new',
      reporterId: reporter.id,
      firstAnswerDue: '2026-01-07T09:00:00.000Z',
    });
    w.clock.advance(3_600_000);
    await w.program.workflow.transition(triage1, r.id, 'request-info', {}, ORIGIN);
    await w.program.workflow.transition(reporter, r.id, 'provide-info', {}, ORIGIN);
    const accepted = await w.program.workflow.transition(triage2, r.id, 'accept', {}, ORIGIN);
    expect(accepted.publicationDue).toBe('2026-02-19T10:00:00.000Z');
    const inv = await w.program.invitations.invite(triage1, r.id, 'Maintainer@Example.org', ORIGIN);
    expect((await w.program.reports.view(triage1, r.id, ORIGIN)).report.state).toBe('maintainer-invited');
    await expect(w.program.reports.view(maintainer, r.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await w.program.invitations.accept(maintainer, inv.token, ORIGIN);
    await expect(w.program.invitations.accept(w.users.stranger, inv.token, ORIGIN)).rejects.toMatchObject({
      code: 'E_TOKEN',
    });
    await w.program.workflow.transition(maintainer, r.id, 'start-fix', {}, ORIGIN);
    await w.program.workflow.transition(
      maintainer,
      r.id,
      'mark-fixed',
      { patchedVersions: '>=1.4.2' },
      ORIGIN,
    );
    await w.program.workflow.assess(triage1, r.id, { cveId: 'CVE-2026-4242' }, ORIGIN);
    const published = await w.program.workflow.transition(triage2, r.id, 'publish', {}, ORIGIN);
    expect(published.advisoryId).toMatch(/^NSWG-ECO-\d+$/);
    const advisory = await w.store.advisories.get(published.advisoryId!);
    expect(advisory).toMatchObject({
      title: 'Prototype pollution in merge()',
      aliases: ['CVE-2026-4242'],
      credits: [{ name: 'finder', username: 'finder' }],
    });
    expect(advisory!.affected[0]).toMatchObject({
      name: 'left-pad-ng',
      vulnerable: '>=1.0.0 <1.4.2',
      patched: '>=1.4.2',
    });
    const view = await w.program.reports.view(reporter, r.id, ORIGIN);
    expect(view.history.map((c) => c.to)).toEqual([
      'needs-more-info',
      'new',
      'accepted',
      'maintainer-invited',
      'fix-in-progress',
      'fixed',
      'published',
    ]);
    // Every state change reached the reporter's inbox (the outbox by default).
    const inbox = await w.store.outbox.all({ to: w.emails.reporter! });
    expect(inbox.some((m) => m.subject === `[nswg] ${r.id} is now published`)).toBe(true);
    // the invitation reached the maintainer's inbox, but the outbox never keeps the link that grants access
    const invitation = (await w.store.outbox.all({ to: 'maintainer@example.org' })).find((m) =>
      m.subject.includes('you are invited'),
    );
    expect(invitation?.text).toContain('[link withheld');
    expect(invitation?.text).not.toContain(inv.token.split('.')[0]);
  });

  it('allocates distinct advisory ids to publications in parallel', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await submit(w, reporter, { packageName: `pkg-${i}` });
      await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
      ids.push(r.id);
    }
    w.clock.advanceDays(46);
    const published = await Promise.all(
      ids.map((id) => w.program.workflow.transition(triage2, id, 'publish', {}, ORIGIN)),
    );
    const advisoryIds = published.map((p) => p.advisoryId);
    expect(new Set(advisoryIds).size).toBe(4);
    const nums = advisoryIds.map((id) => Number(id!.split('-').pop())).sort((a, b) => a - b);
    expect(nums[3]! - nums[0]!).toBe(3);
    // No fix: the vulnerable range has no upper bound.
    expect((await w.store.advisories.get(advisoryIds[0]!))!.affected[0]).toMatchObject({
      vulnerable: '>=1.0.0',
      patched: null,
    });
  });

  it('never lets the reporter triage their own report, nor the filer', async () => {
    const { triage1, triage2, reporter } = w.users;
    const own = await submit(w, triage1);
    await expect(w.program.workflow.transition(triage1, own.id, 'accept', {}, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    const { report: filed } = await w.program.reports.submit(
      triage1,
      (await import('./fixtures.js')).validInput(),
      ORIGIN,
      { onBehalfOf: { id: reporter.id } },
    );
    expect(filed).toMatchObject({ reporterId: reporter.id, filedById: triage1.id });
    await expect(
      w.program.workflow.transition(
        triage1,
        filed.id,
        'reject',
        { reason: 'no', closedAs: 'not-applicable' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(
      w.program.workflow.transition(
        triage2,
        filed.id,
        'reject',
        { reason: 'not a vulnerability', closedAs: 'not-applicable' },
        ORIGIN,
      ),
    ).resolves.toMatchObject({ state: 'rejected' });
    await expect(
      w.program.reports.submit(reporter, {}, ORIGIN, { onBehalfOf: { id: triage1.id } }),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
  });

  it('shows private reports to nobody else: lists, views, attachments, notes', async () => {
    const { reporter, triage1, core, stranger, admin } = w.users;
    const npm = await submit(w, reporter, { title: 'npm report for privacy' });
    const coreReport = await submit(w, reporter, {
      kind: 'core',
      packageName: undefined,
      component: 'http',
      title: 'core report for privacy',
    });
    const titles = async (a: typeof reporter) => (await w.program.queue.list(a, ORIGIN)).map((s) => s.title);
    expect(await titles(stranger)).toEqual([]);
    expect(await titles(reporter)).toEqual(
      expect.arrayContaining(['npm report for privacy', 'core report for privacy']),
    );
    expect(await titles(triage1)).toContain('npm report for privacy');
    expect(await titles(triage1)).not.toContain('core report for privacy');
    expect(await titles(core)).toEqual(['core report for privacy']);
    expect(await titles(admin)).toEqual(
      expect.arrayContaining(['npm report for privacy', 'core report for privacy']),
    );
    await expect(w.program.reports.view(triage1, coreReport.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await expect(w.program.reports.view(stranger, npm.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });

    const att = await w.program.collaboration.addAttachment(
      reporter,
      npm.id,
      { filename: '../../etc/shot.png', bytes: PNG },
      ORIGIN,
    );
    expect(att).toMatchObject({ contentType: 'image/png', filename: 'shot.png', size: PNG.length });
    await expect(
      w.program.collaboration.addAttachment(
        reporter,
        npm.id,
        { filename: 'x.png', bytes: Uint8Array.from([0, 1, 2, 0xff]) },
        ORIGIN,
      ),
    ).rejects.toMatchObject({
      code: 'E_ATTACHMENT',
    });
    expect(
      Buffer.from((await w.program.collaboration.readAttachment(triage1, att.id, ORIGIN)).bytes),
    ).toEqual(Buffer.from(PNG));
    await expect(w.program.collaboration.readAttachment(stranger, att.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });

    await w.program.collaboration.addNote(triage1, npm.id, 'looks real; reporter is known', ORIGIN);
    await w.program.collaboration.comment(triage1, npm.id, 'Thanks, we are looking at it.', ORIGIN);
    const seenByReporter = await w.program.reports.view(reporter, npm.id, ORIGIN);
    expect(seenByReporter.notes).toBeNull();
    expect(seenByReporter.comments.map((c) => c.body)).toEqual(['Thanks, we are looking at it.']);
    expect(seenByReporter.report.firstAnswerAt).not.toBeNull();
    expect((await w.program.reports.view(triage1, npm.id, ORIGIN)).notes!.map((n) => n.body)).toEqual([
      'looks real; reporter is known',
    ]);
    // Each read of a private report is in the audit log, with who and from where.
    const reads = (await w.store.auditLog.list({ reportId: npm.id, limit: 5000 })).filter(
      (e) => e.action === 'report.read',
    );
    expect(reads.some((e) => e.actorId === reporter.id && e.ip === ORIGIN.ip)).toBe(true);
    // and so is each refused one, as a refusal
    const byStranger = (await w.store.auditLog.list({ reportId: npm.id, limit: 5000 })).filter(
      (e) => e.actorId === stranger.id,
    );
    expect(byStranger.length).toBeGreaterThan(0);
    expect(byStranger.every((e) => e.action === 'report.read-refused')).toBe(true);
    expect(byStranger.map((e) => e.details.action)).toContain('read-attachment');
  });

  it('holds extension votes: one vote per voter, in the window, the deadline moved when passed', async () => {
    const { reporter, triage1, triage2, stranger } = w.users;
    const r = await submit(w, reporter);
    const accepted = await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const p = await w.program.votes.propose(
      reporter,
      r.id,
      { days: 10, reason: 'the maintainer needs a major release', windowHours: 24 },
      ORIGIN,
    );
    await w.program.votes.cast(triage1, p.id, true, ORIGIN);
    await expect(w.program.votes.cast(triage1, p.id, false, ORIGIN)).rejects.toMatchObject({
      code: 'E_VOTE',
    });
    await expect(w.program.votes.cast(stranger, p.id, true, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    await w.program.votes.cast(reporter, p.id, true, ORIGIN);
    w.clock.advance(25 * 3_600_000);
    await expect(w.program.votes.cast(triage2, p.id, false, ORIGIN)).rejects.toMatchObject({
      code: 'E_VOTE',
    });
    const closed = await w.program.votes.close(triage2, p.id, ORIGIN);
    expect(closed.result).toBe('passed');
    const after = (await w.program.reports.view(reporter, r.id, ORIGIN)).report;
    expect(Date.parse(after.publicationDue!) - Date.parse(accepted.publicationDue!)).toBe(10 * 86_400_000);
  });

  it('lets the reporter withdraw before triage only', async () => {
    const { reporter, triage1 } = w.users;
    const a = await submit(w, reporter);
    await expect(
      w.program.workflow.transition(reporter, a.id, 'withdraw', {}, ORIGIN),
    ).resolves.toMatchObject({
      state: 'withdrawn',
    });
    const b = await submit(w, reporter);
    await w.program.workflow.transition(triage1, b.id, 'accept', {}, ORIGIN);
    await expect(w.program.workflow.transition(reporter, b.id, 'withdraw', {}, ORIGIN)).rejects.toMatchObject(
      {
        code: 'E_TRANSITION',
      },
    );
  });

  it('keeps the audit chain intact through all of this', async () => {
    expect(await w.store.auditLog.verify()).toMatchObject({ ok: true });
  });
});
