// The program's reading side and the rules that used to live in the server: the queue and the
// dashboard with its figures, possible duplicates, the upstream registry's word on a package, filing
// by address, who is named how, the audit log and the outbox for admins, and the one answer for a
// vote one may not see. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../src/advisories/index.js';
import { DisclosureProgram } from '../../src/disclosure/index.js';
import { testEngines } from '../helpers/db.js';
import { validInput } from './fixtures.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();

/** A published advisory of `name` (only what the duplicates look at). */
const advisory = (id: string, name: string, vulnerable: string) =>
  ({
    id,
    title: `Advisory ${id}`,
    withdrawn: null,
    affected: [{ name, vulnerable, components: [] }],
  }) as unknown as Advisory;

describe.each(engines)('the disclosure program reads (%s)', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('lists the queue by urgency, each as the asker relates to it, and records the read', async () => {
    const { reporter, triage1, maintainer, core } = w.users;
    const older = await submit(w, reporter, { packageName: 'queue-older', title: 'An older queued report' });
    w.clock.advance(3_600_000);
    const newer = await submit(w, reporter, { packageName: 'queue-newer', title: 'A newer queued report' });
    const mine = await submit(w, triage1, { packageName: 'queue-mine', title: 'Filed by the triager' });
    const all = await w.program.queue.list(triage1, ORIGIN);
    const ids = all.map((i) => i.id);
    // the nearest first answer first
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    expect(all.find((i) => i.id === mine.id)).toMatchObject({ mine: true, severity: 'critical', score: 9.8 });
    expect((await w.program.queue.list(triage1, ORIGIN, { mine: true })).map((i) => i.id)).toEqual([mine.id]);
    expect(
      (await w.program.queue.list(triage1, ORIGIN, { packageName: 'queue-newer' })).map((i) => i.id),
    ).toEqual([newer.id]);
    // the reporter sees theirs, a stranger to the reports none, the core team no npm report
    expect((await w.program.queue.list(reporter, ORIGIN)).map((i) => i.id)).toEqual(
      expect.arrayContaining([older.id, newer.id]),
    );
    expect(await w.program.queue.list(maintainer, ORIGIN)).toEqual([]);
    expect((await w.program.queue.list(core, ORIGIN)).map((i) => i.id)).not.toContain(older.id);
    const read = (await w.store.auditLog.list({ limit: 5000 })).findLast(
      (e) => e.action === 'report.list' && e.actorId === reporter.id,
    );
    expect(read?.details.reports).toEqual(expect.arrayContaining([older.id, newer.id]));
  });

  it('gives the team its dashboard, with counts and figures, and nobody else', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter, { packageName: 'dashboard-widget' });
    w.clock.advance(2 * 3_600_000);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const d = await w.program.queue.dashboard(triage2, ORIGIN, { states: ['accepted'] });
    expect(d.queue.every((i) => i.state === 'accepted')).toBe(true);
    expect(d.queue.map((i) => i.id)).toContain(r.id);
    expect(d.byState.accepted).toBeGreaterThanOrEqual(1);
    expect(d.figures.reports).toBe(Object.values(d.byState).reduce((a, b) => a + (b ?? 0), 0));
    expect(d.figures.medianHours.triage).not.toBeNull();
    await expect(w.program.queue.dashboard(reporter, ORIGIN)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('names possible duplicates: overlapping open reports one may see, and published advisories', async () => {
    const { reporter, triage1, stranger } = w.users;
    const program = new DisclosureProgram({
      ...w.deps,
      advisories: {
        forPackage: async (name) =>
          name === 'dup-widget' ? [advisory('GHSA-dup1', 'dup-widget', '<1.2.0')] : [],
      },
    });
    const first = await submit(w, reporter, { packageName: 'dup-widget', affectedVersions: '<1.0.0' });
    const second = await program.reports.submit(
      reporter,
      validInput({ packageName: 'dup-widget', affectedVersions: '>=0.5.0 <0.9.0' }),
      ORIGIN,
    );
    expect(second.duplicates).toEqual([
      { kind: 'report', id: first.id, title: first.title, state: 'new', affected: '<1.0.0' },
      {
        kind: 'advisory',
        id: 'GHSA-dup1',
        title: 'Advisory GHSA-dup1',
        state: 'published',
        affected: '<1.2.0',
      },
    ]);
    // a triager sees both reports; versions that do not overlap are no duplicate
    expect((await program.reports.duplicates(triage1, second.report.id, ORIGIN)).map((d) => d.id)).toEqual([
      first.id,
      'GHSA-dup1',
    ]);
    const apart = await submit(w, reporter, { packageName: 'dup-widget', affectedVersions: '>=3.0.0' });
    expect(await program.reports.duplicates(triage1, apart.id, ORIGIN)).toEqual([]);
    // someone who may not see the report: "not found", recorded as a refused read
    await expect(program.reports.duplicates(stranger, first.id, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'report not found',
    });
    const refused = (await w.store.auditLog.list({ reportId: first.id, limit: 5000 })).filter(
      (e) => e.action === 'report.read-refused' && e.actorId === stranger.id,
    );
    expect(refused).toHaveLength(1);
  });

  it('asks the registry, when there is one, whether the package exists', async () => {
    const { reporter } = w.users;
    const asked: string[] = [];
    const program = new DisclosureProgram({
      ...w.deps,
      registry: {
        package: async (name) => {
          asked.push(name);
          return name === 'nobody-publishes-this'
            ? { state: 'missing' }
            : name === 'nobody-knows'
              ? { state: 'unknown' }
              : { state: 'published', versions: ['1.0.0'] };
        },
        monthlyDownloads: async () => null,
      },
    });
    await expect(
      program.reports.submit(reporter, validInput({ packageName: 'nobody-publishes-this' }), ORIGIN),
    ).rejects.toMatchObject({
      code: 'E_REPORT_INVALID',
      field: 'packageName',
      problems: [{ field: 'packageName', message: 'is not a package on the registry' }],
    });
    await program.reports.submit(reporter, validInput({ packageName: '@scope/published' }), ORIGIN);
    // a registry that could not say stops nothing
    await program.reports.submit(reporter, validInput({ packageName: 'nobody-knows' }), ORIGIN);
    // a core report names no package; an invalid one is refused before anyone is asked
    await program.reports.submit(
      reporter,
      validInput({ kind: 'core', packageName: undefined, component: 'http' }),
      ORIGIN,
    );
    await expect(
      program.reports.submit(
        reporter,
        validInput({ packageName: 'nobody-publishes-this', title: 'x' }),
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_REPORT_INVALID', field: 'title' });
    expect(asked).toEqual(['nobody-publishes-this', '@scope/published', 'nobody-knows']);
  });

  it('files a report for a registered user named by address, and says so when nobody has it', async () => {
    const { reporter, triage1 } = w.users;
    const { report } = await w.program.reports.submit(triage1, validInput(), ORIGIN, {
      onBehalfOf: { email: ' Reporter@Example.org ' },
    });
    expect(report).toMatchObject({ reporterId: reporter.id, filedById: triage1.id });
    await expect(
      w.program.reports.submit(triage1, validInput(), ORIGIN, {
        onBehalfOf: { email: 'nobody@example.org' },
      }),
    ).rejects.toMatchObject({
      code: 'E_REPORT_INVALID',
      problems: [{ field: 'onBehalfOf', message: 'no registered user has this address' }],
    });
    await expect(
      w.program.reports.submit(reporter, validInput(), ORIGIN, {
        onBehalfOf: { email: 'triage1@example.org' },
      }),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('shows a reporter who chose anonymity as "the reporter" to everyone outside the team', async () => {
    const { reporter, triage1 } = w.users;
    const r = await submit(w, reporter, { credit: { as: 'anonymous' } });
    const asReporter = await w.program.reports.view(reporter, r.id, ORIGIN);
    expect(asReporter).toMatchObject({ team: false, shownAs: { [reporter.id]: 'the reporter' } });
    expect(await w.program.reports.view(triage1, r.id, ORIGIN)).toMatchObject({ team: true, shownAs: {} });
    const named = await submit(w, reporter);
    expect((await w.program.reports.view(reporter, named.id, ORIGIN)).shownAs).toEqual({});
  });

  it('gives admins the audit log and the outbox, recording each outbox read', async () => {
    const { admin, triage1 } = w.users;
    const latest = await w.program.records.auditLog(admin, { latest: 3 });
    const head = (await w.store.auditLog.head()).seq;
    expect(latest.map((e) => e.seq)).toEqual([head - 2, head - 1, head]);
    expect(await w.program.records.auditLog(admin, { afterSeq: head - 1 })).toHaveLength(1);
    await expect(w.program.records.auditLog(triage1)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const kept = await w.program.records.outbox(admin, ORIGIN, { to: 'triage2@example.org', limit: 2 });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((m) => m.to === 'triage2@example.org')).toBe(true);
    const entry = (await w.store.auditLog.list({ afterSeq: head })).at(-1);
    expect(entry).toMatchObject({
      action: 'outbox.read',
      actorId: admin.id,
      details: { to: 'triage2@example.org' },
    });
    await expect(w.program.records.outbox(triage1, ORIGIN)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('answers "vote not found" alike for a vote that does not exist and one whose report is hidden', async () => {
    const { reporter, triage1, stranger } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const p = await w.program.votes.propose(reporter, r.id, { days: 5, reason: 'more time' }, ORIGIN);
    const same = { code: 'E_NOT_FOUND', message: 'vote not found', field: 'proposal' };
    // one after the other: a second call left without a handler while the first is awaited can
    // reject first, unhandled
    await expect(w.program.votes.cast(stranger, p.id, true, ORIGIN)).rejects.toMatchObject(same);
    await expect(w.program.votes.cast(stranger, 'no-such-proposal', true, ORIGIN)).rejects.toMatchObject(
      same,
    );
    await expect(w.program.votes.close(stranger, p.id, ORIGIN)).rejects.toMatchObject(same);
    const refused = (await w.store.auditLog.list({ reportId: r.id, limit: 5000 })).filter(
      (e) => e.action === 'report.read-refused' && e.actorId === stranger.id,
    );
    expect(refused).toHaveLength(1);
    await expect(w.program.votes.cast(triage1, p.id, true, ORIGIN)).resolves.toMatchObject({
      reportId: r.id,
    });
  });

  it('invites a maintainer only through the invitation, never as a bare move', async () => {
    const { reporter, triage1, stranger } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    await expect(
      w.program.workflow.transition(triage1, r.id, 'invite-maintainer', {}, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_TRANSITION', field: 'transition' });
    await expect(
      w.program.workflow.transition(stranger, r.id, 'invite-maintainer', {}, ORIGIN),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('keeps the audit chain intact', async () => {
    expect(await w.store.auditLog.verify()).toMatchObject({ ok: true });
  });
});
