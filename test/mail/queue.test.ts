import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DisclosureProgram,
  MAIL_RETRY,
  type ManualClock,
  mailRetryDelayMs,
  nextMailAttempt,
} from '../../src/disclosure/index.js';
import { KEEP_SENT_MS, MailDelivery, SmtpMailer } from '../../src/mail/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { makeWorld, ORIGIN, SECRET, submit, TEST_ARGON2, type World } from '../disclosure/store-setup.js';
import { testEngines } from '../helpers/db.js';
import { type Inbox, startInbox } from '../helpers/smtp.js';

const engines = await testEngines();
const MIN = 60_000;

/** A loopback port nothing listens on (an SMTP server that is down), for a server started there later. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const smtpTo = (port: number) =>
  new SmtpMailer({ host: '127.0.0.1', port, from: 'nswg <security@nswg.test>' });

describe('the mail retry policy', () => {
  it('waits a minute, doubling, at most four hours, less a jitter of up to a fifth', () => {
    expect([1, 2, 3, 4].map((a) => mailRetryDelayMs(a, 0))).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
    expect(mailRetryDelayMs(20, 0)).toBe(4 * 60 * MIN);
    expect(mailRetryDelayMs(1, 0.5)).toBe(0.9 * MIN);
    expect(mailRetryDelayMs(1, 0.999)).toBeGreaterThan(0.8 * MIN);
  });

  it('gives a message up after ten attempts, or when the next would come three days after it was queued', () => {
    const t0 = new Date('2026-01-05T09:00:00Z');
    expect(nextMailAttempt(9, t0, t0, 0)).not.toBeNull();
    expect(nextMailAttempt(MAIL_RETRY.maxAttempts, t0, t0, 0)).toBeNull();
    const late = new Date(t0.getTime() + MAIL_RETRY.maxAgeMs - MIN / 2);
    expect(nextMailAttempt(2, t0, late, 0)).toBeNull();
    expect(nextMailAttempt(2, t0, new Date(t0.getTime() + 10 * MIN), 0)?.toISOString()).toBe(
      new Date(t0.getTime() + 12 * MIN).toISOString(),
    );
  });
});

describe.each(engines)('the mail queue and its delivery, on %s', (engine) => {
  let w: World;
  let store: Store;
  let clock: ManualClock;
  let inbox: Inbox;
  const closers: (() => Promise<unknown> | unknown)[] = [];

  beforeAll(async () => {
    w = await makeWorld(engine);
    store = w.store;
    clock = w.clock;
    inbox = await startInbox();
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
    await inbox?.close();
    await w?.close();
  });
  beforeEach(async () => {
    inbox.messages.length = 0;
    inbox.refuse = null;
    await sql`delete from mail_queue`.execute(store.db);
  });

  const delivery = (port: number, s: Store = store, instance?: string) => {
    const mailer = smtpTo(port);
    const d = new MailDelivery({
      queue: s.mailQueue,
      mailer,
      clock,
      random: () => 0,
      ...(instance ? { instance } : {}),
    });
    closers.push(() => mailer.close());
    closers.push(() => d.stop());
    return d;
  };
  const enqueue = (n = 1, secret = false) =>
    store.reports.transaction((tx) =>
      tx.enqueueMail(
        Array.from({ length: n }, (_, i) => ({
          to: `person${i}@example.org`,
          subject: `[nswg] message ${i}`,
          text: secret ? `Confirm: http://nswg.test/verify/TOKEN-${i}-s3cr3t\n` : `Hello ${i}\n`,
          ...(secret ? { secrets: [`http://nswg.test/verify/TOKEN-${i}-s3cr3t`] } : {}),
        })),
        clock.now().toISOString(),
      ),
    );
  const rows = () =>
    sql<Record<string, unknown>>`select * from mail_queue order by created_at, id`.execute(store.db);

  it('keeps links that grant access sealed at rest, sends them whole, and forgets them once sent', async () => {
    const [id] = await enqueue(1, true);
    const at = JSON.stringify((await rows()).rows);
    expect(at).toContain(id!);
    expect(at).not.toContain('TOKEN-0-s3cr3t');
    expect(at).toContain('[link withheld');
    expect(await delivery(inbox.port).runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]!.text).toContain('http://nswg.test/verify/TOKEN-0-s3cr3t');
    const [row] = (await rows()).rows;
    expect(row).toMatchObject({ sealed_text: null, claimed_by: null });
    expect(row!.sent_at).toBeTruthy();
    expect(await store.mailQueue.counts()).toEqual({ pending: 0, failed: 0 });
    // a sent message is kept a month, then forgotten
    clock.advance(KEEP_SENT_MS - 1000);
    await delivery(inbox.port).runOnce();
    expect((await rows()).rows).toHaveLength(1);
    clock.advance(2000);
    await delivery(inbox.port).runOnce();
    expect((await rows()).rows).toHaveLength(0);
  });

  it('queues nothing when the change rolls back', async () => {
    await expect(
      store.reports.transaction(async (tx) => {
        await tx.enqueueMail([{ to: 'a@example.org', subject: 's', text: 't' }], clock.now().toISOString());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await rows()).rows).toHaveLength(0);
  });

  it('keeps the mail while the SMTP server is down, and delivers it once it is up, once', async () => {
    const port = await closedPort();
    const d = delivery(port);
    await enqueue(2);
    expect(await d.runOnce()).toEqual({ sent: 0, retrying: 2, failed: 0 });
    expect(await store.mailQueue.counts()).toEqual({ pending: 2, failed: 0 });
    const [pending] = await store.mailQueue.list({ state: 'pending', limit: 10 });
    expect(pending).toMatchObject({ attempts: 1, state: 'pending' });
    expect(pending!.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect(pending!.nextAttemptAt).toBe(new Date(clock.now().getTime() + MIN).toISOString());
    // not due yet: nothing is tried
    expect(await d.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const up = await startInbox({ port });
    closers.push(() => up.close());
    clock.advance(MIN);
    expect(await d.runOnce()).toEqual({ sent: 2, retrying: 0, failed: 0 });
    expect(await d.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(up.messages.map((m) => m.subject).sort()).toEqual(['[nswg] message 0', '[nswg] message 1']);
    expect(await store.mailQueue.counts()).toEqual({ pending: 0, failed: 0 });
  });

  it('retries a refused message with growing pauses, then gives it up where admins see it; a retry sends it', async () => {
    const d = delivery(inbox.port);
    for (const refuse of [
      { stage: 'rcpt', code: 450 },
      { stage: 'data', code: 554 },
    ] as const) {
      await sql`delete from mail_queue`.execute(store.db);
      inbox.refuse = refuse;
      const [id] = await enqueue(1);
      const pauses: number[] = [];
      for (let attempt = 1; attempt <= MAIL_RETRY.maxAttempts; attempt++) {
        const run = await d.runOnce();
        const [m] = await store.mailQueue.list({
          state: attempt < MAIL_RETRY.maxAttempts ? 'pending' : 'failed',
          limit: 1,
        });
        expect(m).toMatchObject({ id, attempts: attempt });
        expect(m!.lastError).toContain(String(refuse.code));
        if (attempt === MAIL_RETRY.maxAttempts) {
          expect(run).toEqual({ sent: 0, retrying: 0, failed: 1 });
          break;
        }
        expect(run).toEqual({ sent: 0, retrying: 1, failed: 0 });
        const pause = new Date(m!.nextAttemptAt!).getTime() - clock.now().getTime();
        pauses.push(pause);
        clock.advance(pause);
      }
      expect(pauses.slice(0, 4)).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
      expect(Math.max(...pauses)).toBe(4 * 60 * MIN);
      expect(inbox.messages).toHaveLength(0);
      expect(await store.mailQueue.counts()).toEqual({ pending: 0, failed: 1 });
      // given up: the loop leaves it, whatever the time
      clock.advance(7 * 24 * 60 * MIN);
      expect(await d.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0 });
      // an admin has the server fixed and tries it again
      inbox.refuse = null;
      const again = await store.reports.transaction((tx) => tx.retryMail(id!, clock.now().toISOString()));
      expect(again).toMatchObject({ state: 'pending', attempts: 0 });
      expect(await d.runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(inbox.messages).toHaveLength(1);
      inbox.messages.length = 0;
      expect(
        await store.reports.transaction((tx) => tx.retryMail(id!, clock.now().toISOString())),
      ).toBeNull();
    }
  });

  it('takes over a message whose claim lapsed (its server died while sending)', async () => {
    const [id] = await enqueue(1);
    const now = clock.now();
    const claimed = await store.mailQueue.claim(
      'dead-server',
      now.toISOString(),
      new Date(now.getTime() + 10 * MIN).toISOString(),
      { limit: 5 },
    );
    expect(claimed.map((m) => m.id)).toEqual([id]);
    const d = delivery(inbox.port, store, 'live-server');
    expect(await d.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    await d.deliverNow([id!]);
    expect(inbox.messages).toHaveLength(0);
    clock.advance(10 * MIN + 1000);
    expect(await d.runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(inbox.messages).toHaveLength(1);
    // the dead server's late word changes nothing
    expect(await store.mailQueue.markSent(id!, 'dead-server', clock.now().toISOString())).toBe(false);
    expect(
      await store.mailQueue.markFailed(id!, 'dead-server', 'late', null, clock.now().toISOString()),
    ).toBe(false);
    expect(await store.mailQueue.counts()).toEqual({ pending: 0, failed: 0 });
  });

  it('never fails the change whose mail could not be tried at once (the loop sends it later)', async () => {
    const gone = await openStore(w.tdb.target, { mode: 'existing', argon2: TEST_ARGON2, secret: SECRET });
    await gone.close();
    await expect(delivery(inbox.port, gone).deliverNow(['a-message'])).resolves.toBeUndefined();
    await expect(delivery(inbox.port, gone).runOnce()).rejects.toThrow();
  });

  it('delivers each message exactly once with two servers on one database', async () => {
    const other = await openStore(w.tdb.target, { mode: 'existing', argon2: TEST_ARGON2, secret: SECRET });
    closers.push(() => other.close());
    const a = delivery(inbox.port, store, 'server-a');
    const b = delivery(inbox.port, other, 'server-b');
    const ids = await enqueue(30);
    const half = ids.slice(0, 15);
    // both loops, and both servers trying the new ones at once, all at the same time
    await Promise.all([a.runOnce(), b.runOnce(), a.deliverNow(half), b.deliverNow(ids), b.runOnce()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    const subjects = inbox.messages.map((m) => m.subject);
    expect(subjects).toHaveLength(30);
    expect(new Set(subjects).size).toBe(30);
    const by = await sql<{
      n: number | string;
    }>`select count(*) as n from mail_queue where sent_at is not null`.execute(store.db);
    expect(Number(by.rows[0]!.n)).toBe(30);
  });

  it('queues the program’s notices in the transaction of the change, and delivers them after the commit', async () => {
    const port = await closedPort();
    const d = delivery(port);
    const program = new DisclosureProgram({
      ...w.deps,
      mailQueue: {
        deliverNow: (ids) => d.deliverNow(ids),
        list: (q) => store.mailQueue.list(q),
        counts: () => store.mailQueue.counts(),
      },
    });
    const r = await submit({ ...w, program }, w.users.reporter);
    // the SMTP server is down: the submission stands, its notices wait
    expect(await store.reports.transaction((tx) => tx.getReport(r.id))).toMatchObject({ id: r.id });
    const waiting = await store.mailQueue.list({ state: 'pending', limit: 50 });
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((m) => m.subject.includes(r.id))).toBe(true);
    // the first was tried and failed to connect; the others were left to the loop, not tried in turn
    expect(waiting.map((m) => m.attempts).sort()).toEqual([...waiting.map(() => 0).slice(1), 1]);
    expect(waiting.find((m) => m.attempts === 1)!.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    const up = await startInbox({ port });
    closers.push(() => up.close());
    clock.advance(MIN);
    expect((await d.runOnce()).sent).toBe(waiting.length);
    expect(up.messages.map((m) => m.to[0]).sort()).toEqual(waiting.map((m) => m.to).sort());
  });
});
