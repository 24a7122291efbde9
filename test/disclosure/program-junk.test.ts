import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryFacts } from '../../src/server/disclosure/registry-facts.js';
import { testEngines } from '../helpers/db.js';
import { setRegistryOverride } from '../helpers/registry.js';
import { validInput } from './fixtures.js';
import { DEFAULT_INTAKE_LIMITS, DisclosureProgram } from './imports.js';
import { makeWorld, ORIGIN, submit, type World } from './store-setup.js';

const engines = await testEngines();
const DAY = 86_400_000;

describe.each(engines)('the program against junk reports on %s', (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine, undefined, { intakeLimits: DEFAULT_INTAKE_LIMITS });
    // a reporter with a week behind them and one report the team accepted is no longer new
    w.clock.advance(8 * DAY);
    const first = await submit(w, w.users.reporter);
    await w.program.workflow.transition(w.users.triage1, first.id, 'accept', {}, ORIGIN);
  });
  afterAll(async () => w?.close());

  const log = async (reportId: string) =>
    (await w.store.auditLog.list({ reportId, limit: 5000 })).map((e) => e.action);

  it('closes a spam report with a message the reporter is mailed, and lowers their signal', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const before = (await w.program.reports.view(triage1, (await submit(w, reporter)).id, ORIGIN))
      .reporterSignal!;
    expect(before).toMatchObject({ valid: 1, spam: 0, open: 1, validShare: 1 });
    const junk = await submit(w, reporter, { title: 'Critical RCE in everything', toolsUsed: 'ai' });
    const closed = await w.program.workflow.transition(
      triage2,
      junk.id,
      'reject',
      { reason: 'The steps call a function the package does not have.', closedAs: 'spam' },
      ORIGIN,
    );
    expect(closed).toMatchObject({ state: 'rejected', closedAs: 'spam' });
    const after = (await w.program.reports.view(triage1, junk.id, ORIGIN)).reporterSignal!;
    expect(after).toMatchObject({ valid: 1, spam: 1, decided: 2, validShare: 0.5 });
    // the reporter sees how it was closed and why, and is mailed both; never the signal on the report
    const own = await w.program.reports.view(reporter, junk.id, ORIGIN);
    expect(own.reporterSignal).toBeNull();
    expect(own.report.rejectReason).toBe('The steps call a function the package does not have.');
    const mail = await w.store.outbox.all({ to: w.emails.reporter });
    expect(mail.find((m) => m.subject.includes(junk.id) && m.subject.includes('rejected'))?.text).toMatch(
      /Closed as spam\. The team's message:\n\nThe steps call a function the package does not have\./,
    );
    expect(await w.program.intake.mySignal(reporter, ORIGIN)).toMatchObject({ spam: 1, validShare: 0.5 });
    const entry = (await w.store.auditLog.list({ reportId: junk.id, limit: 100 })).find(
      (e) => e.action === 'report.transition',
    );
    expect(entry?.details).toMatchObject({ transition: 'reject', reason: expect.stringMatching(/^spam: /) });
  });

  it('counts a duplicate against the signal, and the team sees the signal on the queue and the dashboard', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const original = await submit(w, reporter, { title: 'Original finding' });
    const dup = await submit(w, reporter, { title: 'The same finding again' });
    await w.program.workflow.transition(
      triage2,
      dup.id,
      'mark-duplicate',
      { duplicateOf: original.id },
      ORIGIN,
    );
    const queue = await w.program.queue.list(triage1, ORIGIN);
    expect(queue.find((i) => i.id === original.id)?.reporterSignal).toMatchObject({ duplicate: 1 });
    const dashboard = await w.program.queue.dashboard(triage1, ORIGIN);
    expect(dashboard.queue.find((i) => i.id === original.id)?.reporterSignal?.reporterId).toBe(reporter.id);
    // the reporter's own queue never carries it
    expect((await w.program.queue.list(reporter, ORIGIN)).every((i) => i.reporterSignal === null)).toBe(true);
    await w.program.workflow.transition(triage1, original.id, 'accept', {}, ORIGIN);
  });

  it('lets the team filter on the statement about tools and AI', async () => {
    const { reporter, triage1 } = w.users;
    const tools = await submit(w, reporter, { title: 'Found by fuzzing', toolsUsed: 'tools' });
    const ai = await w.program.queue.list(triage1, ORIGIN, { toolsUsed: 'ai' });
    expect(ai.length).toBeGreaterThan(0);
    expect(ai.every((i) => i.toolsUsed === 'ai')).toBe(true);
    const found = await w.program.queue.dashboard(triage1, ORIGIN, { toolsUsed: 'tools' });
    expect(found.queue.map((i) => i.id)).toEqual([tools.id]);
    const unstated = await w.program.queue.list(triage1, ORIGIN, { toolsUsed: 'unstated' });
    expect(unstated.every((i) => i.toolsUsed === null)).toBe(true);
    expect(unstated.some((i) => i.id === tools.id)).toBe(false);
    await w.program.workflow.transition(triage1, tools.id, 'accept', {}, ORIGIN);
  });

  it('publishes a note for the maintainer from an informative report: no CVE id, no advisory', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter, { packageName: 'note-widget', title: 'Debug output is verbose' });
    const note = {
      title: 'Hardening: debug output',
      text: 'Consider not logging request headers at debug level.',
    };
    await expect(w.program.intake.publishNote(triage1, r.id, note, ORIGIN)).rejects.toMatchObject({
      code: 'E_TRANSITION',
    });
    await w.program.workflow.transition(
      triage2,
      r.id,
      'reject',
      { reason: 'Not a vulnerability: only an operator sees debug logs.', closedAs: 'informative' },
      ORIGIN,
    );
    await expect(w.program.intake.publishNote(reporter, r.id, note, ORIGIN)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    await expect(w.program.intake.publishNote(w.users.stranger, r.id, note, ORIGIN)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
    const made = await w.program.intake.publishNote(triage1, r.id, note, ORIGIN);
    expect(made).toMatchObject({ packageName: 'note-widget', ...note });
    await expect(w.program.intake.publishNote(triage1, r.id, note, ORIGIN)).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    const notes = await w.program.intake.notes({ packageName: 'note-widget' });
    expect(notes).toEqual([
      {
        id: made.id,
        kind: 'npm',
        packageName: 'note-widget',
        component: null,
        ...note,
        publishedAt: made.publishedAt,
      },
    ]);
    expect(JSON.stringify(notes)).not.toContain(r.id);
    expect(await w.deps.advisories.forPackage('note-widget', 'npm')).toEqual([]);
    expect((await w.program.reports.view(reporter, r.id, ORIGIN)).publicNote?.id).toBe(made.id);
    expect(await log(r.id)).toContain('report.public-note');
    expect(await w.program.intake.notes({ packageName: 'other' })).toEqual([]);
  });

  it('refuses a note from a report closed as spam', async () => {
    const { reporter, triage1, triage2 } = w.users;
    const r = await submit(w, reporter);
    await w.program.workflow.transition(
      triage2,
      r.id,
      'reject',
      { reason: 'Generated.', closedAs: 'spam' },
      ORIGIN,
    );
    await expect(
      w.program.intake.publishNote(
        triage1,
        r.id,
        { title: 'A note', text: 'Twenty characters or more.' },
        ORIGIN,
      ),
    ).rejects.toMatchObject({ code: 'E_TRANSITION' });
  });

  it('limits a new account to 2 reports waiting and 3 a day; the team filing for them is not limited', async () => {
    const { stranger, triage1 } = w.users;
    // the stranger's account is as old as the reporter's, but none of their reports was accepted
    const a = await submit(w, stranger, { title: 'First try' });
    await submit(w, stranger, { title: 'Second try' });
    await expect(submit(w, stranger, { title: 'Third try' })).rejects.toMatchObject({
      code: 'E_QUOTA',
      message: expect.stringMatching(/2 reports waiting for the team's decision: at most 2/),
    });
    const filed = await w.program.reports.submit(triage1, validInput(), ORIGIN, {
      onBehalfOf: { id: stranger.id },
    });
    expect(filed.report.reporterId).toBe(stranger.id);
    // decisions free places; the day's limit then counts every submission of the last 24 hours
    for (const id of [a.id, filed.report.id])
      await w.program.workflow.transition(
        w.users.triage2,
        id,
        'reject',
        { reason: 'No security impact.', closedAs: 'not-applicable' },
        ORIGIN,
      );
    await expect(submit(w, stranger, { title: 'Fourth try' })).rejects.toMatchObject({
      code: 'E_QUOTA',
      message: expect.stringMatching(/3 reports in the last 24 hours: at most 3/),
    });
    w.clock.advance(DAY + 1000);
    expect((await submit(w, stranger, { title: 'Fifth try' })).state).toBe('new');
    expect((await w.program.intake.mySignal(stranger, ORIGIN)).notApplicable).toBe(2);
  });
});

describe.each(engines)("the registry's word on the package and versions at intake, on %s", (engine) => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld(engine);
  });
  afterAll(async () => w?.close());

  it('refuses a package the override says does not exist, and versions it never published', async () => {
    const program = new DisclosureProgram({
      ...w.deps,
      registry: registryFacts({
        overrides: w.store.reports,
        upstream: null,
        downloadsApi: null,
        clock: w.clock,
      }),
    });
    await setRegistryOverride(w.store, 'ghost-widget', { versions: [] });
    await setRegistryOverride(w.store, 'real-widget', { versions: ['1.0.0', '1.1.0', '2.0.0'] });
    const submitTo = (over: Record<string, unknown>) =>
      program.reports.submit(w.users.reporter, validInput(over), ORIGIN);
    await expect(submitTo({ packageName: 'ghost-widget' })).rejects.toMatchObject({
      code: 'E_REPORT_INVALID',
      field: 'packageName',
    });
    await expect(submitTo({ packageName: 'real-widget', affectedVersions: '>=3.0.0' })).rejects.toMatchObject(
      {
        code: 'E_REPORT_INVALID',
        field: 'affectedVersions',
        message: expect.stringMatching(/matches no published version of real-widget/),
      },
    );
    expect(
      (await submitTo({ packageName: 'real-widget', affectedVersions: '>=1.1.0 <2.0.0' })).report.state,
    ).toBe('new');
    // nobody to ask about this one: it goes through
    expect(
      (await submitTo({ packageName: 'unknown-widget', affectedVersions: '>=9.0.0' })).report.state,
    ).toBe('new');
  });
});
