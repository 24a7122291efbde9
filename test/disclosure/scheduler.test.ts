import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/db.js';
import { ROOT } from '../helpers/shared.js';
import { makeWorld, ORIGIN, SECRET, submit, type World } from './store-setup.js';

const engines = await testEngines();
const DAY = 86_400_000;

/** Runs the scheduler in a separate process (a second server instance). */
function instance(
  w: World,
  now: string,
  name: string,
  startAt: number,
): Promise<{ performed: number; skipped: number }> {
  const script = join(ROOT, 'test', 'disclosure', 'run-scheduler.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, JSON.stringify(w.tdb.target), now, name, String(startAt), SECRET],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${name} exited ${code}: ${err}`)),
    );
  });
}

describe.each(engines)('the scheduler on %s', (engine) => {
  let w: World;
  afterEach(async () => w?.close());

  it('reminds, flags overdue reports, and publishes at the deadline with no upper bound when unfixed: each once', async () => {
    w = await makeWorld(engine);
    const { reporter, triage1 } = w.users;
    const quiet = await submit(w, reporter, { title: 'nobody answers this one' }); // Monday 09:00
    const r = await submit(w, reporter, { affectedVersions: '>=2.0.0 <2.5.0' });
    await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN);
    const team = () => w.store.outbox.all({ to: w.emails.triage2!, limit: 1000 });
    const before = (await team()).length;

    w.clock.set('2026-01-06T09:00:00Z'); // 1 business day: the reminder
    expect((await w.scheduler.runDue()).performed.map((a) => a.action)).toEqual(['first-answer-reminder']);
    expect((await w.scheduler.runDue()).performed).toEqual([]);
    w.clock.set('2026-01-07T09:00:01Z'); // 2 business days passed: overdue
    expect((await w.scheduler.runDue()).performed.map((a) => `${a.action} ${a.reportId}`)).toEqual([
      `first-answer-overdue ${quiet.id}`,
    ]);
    const dashboard = await w.program.queue.dashboard(triage1, ORIGIN);
    expect(dashboard.queue.filter((i) => i.overdue).map((i) => i.id)).toEqual([quiet.id]);
    expect(dashboard.figures.overdueFirstAnswer).toBe(1);
    const mails = (await team()).slice(0, (await team()).length - before).map((m) => m.subject);
    expect(mails.filter((s) => s.includes(quiet.id))).toEqual([
      `[nswg] OVERDUE: ${quiet.id} has had no answer for 2 business days`,
      `[nswg] ${quiet.id} needs a first answer by 2026-01-07T09:00:00.000Z`,
    ]);

    w.clock.set(new Date(Date.parse('2026-01-05T09:00:00Z') + 38 * DAY).toISOString()); // 7 days before publication
    expect((await w.scheduler.runDue()).performed.map((a) => a.action)).toEqual(['publication-reminder']);
    w.clock.set(new Date(Date.parse('2026-01-05T09:00:00Z') + 45 * DAY).toISOString());
    const run = await w.scheduler.runDue();
    expect(run.performed.map((a) => a.action)).toEqual(['auto-publish']);
    expect((await w.scheduler.runDue()).performed).toEqual([]);
    const view = await w.program.reports.view(reporter, r.id, ORIGIN);
    expect(view.report.state).toBe('published');
    const advisory = await w.store.advisories.get(view.report.advisoryId!);
    expect(advisory!.affected[0]).toMatchObject({ vulnerable: '>=2.0.0', patched: null });
    expect(await w.store.auditLog.verify()).toMatchObject({ ok: true });
  });

  it('performs each due action exactly once when two instances run at the same moment', async () => {
    const script = join(ROOT, 'dist', 'disclosure', 'scheduler.js');
    expect(existsSync(script), 'the concurrency test runs the built code: npm run build').toBe(true);
    w = await makeWorld(engine);
    const { reporter, triage1, triage2 } = w.users;
    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await submit(w, reporter, { packageName: `pkg-${i}` });
      await w.program.workflow.transition(triage1, r.id, 'accept', {}, ORIGIN); // due 2026-02-19T09:00
      accepted.push(r.id);
    }
    // A passed extension vote on the first: its deadline moves, so it must not be published.
    w.clock.set('2026-02-10T09:00:00Z');
    const p = await w.program.votes.propose(
      reporter,
      accepted[0]!,
      { days: 10, reason: 'major release needed', windowHours: 24 },
      ORIGIN,
    );
    await w.program.votes.cast(reporter, p.id, true, ORIGIN);
    await w.program.votes.cast(triage2, p.id, true, ORIGIN);
    w.clock.set('2026-02-16T09:00:00Z');
    for (let i = 0; i < 10; i++) await submit(w, reporter, { packageName: `late-${i}` }); // overdue on the 18th
    const now = '2026-02-20T12:00:00.000Z';
    const startAt = Date.now() + 1500;
    const [a, b] = await Promise.all([
      instance(w, now, 'instance-a', startAt),
      instance(w, now, 'instance-b', startAt),
    ]);
    // 1 vote closed + 9 publications + 10 overdue notices, between the two instances, once each.
    expect(a.performed + b.performed).toBe(20);
    const claims = await sql<{ n: string | number }>`select count(*) as n from scheduled_actions`.execute(
      w.store.db,
    );
    expect(Number(claims.rows[0]!.n)).toBe(20);
    const entries = (await w.store.auditLog.list({ limit: 10000 })).filter(
      (e) => e.action === 'scheduler.action',
    );
    const keys = entries.map((e) => `${e.reportId} ${e.details.action} ${e.details.dueAt}`);
    expect(new Set(keys).size).toBe(20);
    expect(keys.length).toBe(20);
    const published = await w.program.queue.list(triage1, ORIGIN, { states: ['published'] });
    expect(published).toHaveLength(9);
    expect(published.map((s) => s.id)).not.toContain(accepted[0]);
    const advisoryIds = await Promise.all(
      published.map(async (s) => (await w.program.reports.view(triage1, s.id, ORIGIN)).report.advisoryId),
    );
    expect(new Set(advisoryIds).size).toBe(9);
    const overdue = await w.store.outbox.all({ to: w.emails.triage1!, limit: 1000 });
    const notices = overdue.filter((m) => m.subject.startsWith('[nswg] OVERDUE'));
    expect(notices).toHaveLength(10);
    expect(new Set(notices.map((m) => m.subject)).size).toBe(10);
    expect(await w.store.auditLog.verify()).toMatchObject({ ok: true, macs: 'checked' });
  });
});
