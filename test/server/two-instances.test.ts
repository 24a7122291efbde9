// Two real `nswg serve` processes on one PostgreSQL database, each on its own port, driven at once:
// every request of a kind is sent to both, or split between them, in one burst. Each action must
// happen exactly once (one transition, one vote per member, one invitation and its one mail, distinct
// CVE and advisory ids, one approval per reward, each scheduled reminder once), and the rate limits
// and the login lockout must count across both instances as they count on one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_AFTER } from '../../src/disclosure/accounts/model.js';
import { openStore, type Store } from '../../src/store/index.js';
import { seedCveBlock } from '../helpers/cve.js';
import { postgresAvailable, postgresTestDb, type TestDb } from '../helpers/db.js';
import { setRegistryOverride } from '../helpers/registry.js';
import { type Served, serveCli } from '../helpers/server.js';
import { type Inbox, startInbox } from '../helpers/smtp.js';
import { makeUser, type Person, SECRET, submission, TEST_ARGON2, totpCode } from './disclosure/helpers.js';

const pg = await postgresAvailable();

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many routes
  json: any;
}

describe.skipIf(!pg)('two nswg serve instances on one PostgreSQL database', () => {
  let tdb: TestDb;
  let store: Store;
  let inbox: Inbox;
  const servers: Served[] = [];
  const people: Record<string, Person> = {};
  const tokens: Record<string, string> = {};

  /** A request to instance `i` (0 or 1) from `ip` (the servers trust X-Forwarded-For). */
  async function call(
    i: number,
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    ip = '192.0.2.1',
  ): Promise<Answer> {
    const res = await fetch(`${servers[i % 2]!.url}${path}`, {
      method,
      headers: {
        'x-forwarded-for': ip,
        'user-agent': `two-instances-${i % 2}`,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /** How many answers had each status (or error code). */
  const tally = (answers: Answer[]) => {
    const out: Record<string, number> = {};
    for (const a of answers) {
      const k = a.status >= 400 ? `${a.status} ${a.json?.code}` : String(a.status);
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };

  const login = async (name: string, i: number) => {
    const p = people[name]!;
    const r = await call(
      i,
      null,
      'POST',
      '/api/login',
      {
        email: p.email,
        password: p.password,
        ...(p.totpSecret ? { code: totpCode(p.totpSecret, new Date()) } : {}),
      },
      `198.51.100.${Object.keys(tokens).length + 10}`,
    );
    if (r.status !== 200) throw new Error(`login of ${name}: ${r.status} ${JSON.stringify(r.json)}`);
    tokens[name] = r.json.token;
  };

  const count = async (query: ReturnType<typeof sql<{ n: string | number }>>) =>
    Number((await query.execute(store.db)).rows[0]!.n);

  const reports: string[] = [];
  /** Who submitted each report (which of a reporter's three submissions the quota refused varies). */
  const reporterOf = new Map<string, string>();
  const LONG_AGO = '2026-01-05T09:00:00.000Z';
  const REPORTERS = 6;

  beforeAll(async () => {
    tdb = await postgresTestDb();
    store = await openStore(tdb.target, { mode: 'create', secret: SECRET, argon2: TEST_ARGON2 });
    await seedCveBlock(store, 30);
    await setRegistryOverride(store, 'left-pad-ng', { monthlyDownloads: 250_000 });
    const world = { store, clock: { now: () => new Date() } } as unknown as Parameters<typeof makeUser>[0];
    for (const [name, roles] of [
      ['triage1', ['triage']],
      ['triage2', ['triage']],
      ['admin', ['admin']],
    ] as const)
      people[name] = await makeUser(world, name, { roles: [...roles], totp: true });
    for (let r = 0; r < REPORTERS; r++) people[`reporter${r}`] = await makeUser(world, `reporter${r}`);
    people.flood = await makeUser(world, 'flood');
    // the brute force's target has a password hashed at the real cost, as every account of a server
    // has: checking a guess takes as long as it does in production, so guesses sent at once overlap
    const real = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
    people.target = await makeUser({ ...world, store: real }, 'target');
    await real.close();
    inbox = await startInbox();
    const dir = mkdtempSync(join(tmpdir(), 'nswg-two-instances-'));
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    const args = (n: number) => [
      '--db',
      (tdb.target as { url: string }).url,
      '--secret-file',
      secretFile,
      '--audit-anchor',
      join(dir, `anchor-${n}`),
      '--smtp-url',
      `smtp://127.0.0.1:${inbox.port}?starttls=optional`,
      '--trust-proxy',
      '--scheduler-interval',
      '1',
      '--rate-limit',
      '30',
      '--log-level',
      'warn',
    ];
    servers.push(...(await Promise.all([serveCli(args(0)), serveCli(args(1))])));
    let i = 0;
    for (const name of Object.keys(people)) if (name !== 'target') await login(name, i++);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await inbox?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('takes submissions on both at once: distinct ids, and a new reporter’s limit of open reports holds across both', async () => {
    const sent = await Promise.all(
      Array.from({ length: REPORTERS * 3 }, (_, k) =>
        call(
          k,
          tokens[`reporter${k % REPORTERS}`]!,
          'POST',
          '/api/reports',
          submission({ title: `Prototype pollution number ${k}` }),
          `203.0.113.${k % REPORTERS}`,
        ),
      ),
    );
    // each new reporter has at most two reports waiting, whichever instance took them
    expect(tally(sent)).toEqual({ 201: REPORTERS * 2, '429 E_QUOTA': REPORTERS });
    for (const [k, a] of sent.entries())
      if (a.status === 201) {
        reports.push(a.json.report.id);
        reporterOf.set(a.json.report.id, `reporter${k % REPORTERS}`);
      }
    expect(new Set(reports).size).toBe(REPORTERS * 2);
    expect(await count(sql`select count(*) as n from reports`)).toBe(REPORTERS * 2);
  });

  it('holds the program’s rate limits across both: 20 submissions an hour from one address, not 20 on each', async () => {
    const sent = await Promise.all(
      Array.from({ length: 26 }, (_, k) =>
        call(k, tokens.flood!, 'POST', '/api/reports', submission({ title: `flood ${k}` }), '203.0.113.99'),
      ),
    );
    const t = tally(sent);
    // the first 20 reach the program (which takes two from a new reporter), the rest are refused
    expect(t['429 E_RATE_LIMITED']).toBe(6);
    expect(t[201]).toBe(2);
    for (const a of sent) if (a.status === 201) reports.push(a.json.report.id);
    // the POST limit of the audit and OSV routes (--rate-limit 30) counts on both too, in batches:
    // each instance may admit a tenth of the limit (3) beyond it, so 30 to 36 of 70 sent at once
    const queries = await Promise.all(
      Array.from({ length: 70 }, (_, k) =>
        call(
          k,
          null,
          'POST',
          '/v1/query',
          { package: { name: 'left-pad-ng', ecosystem: 'npm' } },
          '203.0.113.98',
        ),
      ),
    );
    const q = tally(queries);
    expect(q[200]! + q['429 E_RATE_LIMITED']!).toBe(70);
    expect(q[200]).toBeGreaterThanOrEqual(30);
    expect(q[200]).toBeLessThanOrEqual(36);
    // and one at a time, alternating, from another address
    const one: number[] = [];
    for (let k = 0; k < 40; k++)
      one.push(
        (
          await call(
            k,
            null,
            'POST',
            '/v1/query',
            { package: { name: 'left-pad-ng', ecosystem: 'npm' } },
            '203.0.113.97',
          )
        ).status,
      );
    // near the limit every request waits for its exact place: exactly 30
    expect(one).toEqual([...Array(30).fill(200), ...Array(10).fill(429)]);
  });

  it('makes the same transition once when both are asked at once: the other answers 409', async () => {
    const mine = reports.slice(0, REPORTERS * 2);
    const answers = await Promise.all(
      mine.flatMap((id) => [
        call(0, tokens.triage1!, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' }),
        call(1, tokens.triage2!, 'POST', `/api/reports/${id}/transitions`, { transition: 'accept' }),
      ]),
    );
    expect(tally(answers)).toEqual({ 200: mine.length, '409 E_TRANSITION': mine.length });
    for (const a of answers)
      if (a.status === 409) expect(a.json.message).toBe('a report that is accepted cannot accept');
    expect(
      await count(
        sql`select count(*) as n from audit_log where action = 'report.transition' and details like '%"accept"%'`,
      ),
    ).toBe(mine.length);
  });

  it('counts one vote per member, cast on both at once', async () => {
    const id = reports[0]!;
    const proposed = await call(0, tokens.triage1!, 'POST', `/api/reports/${id}/proposals`, {
      days: 10,
      reason: 'a major release is needed',
      windowHours: 1,
    });
    expect(proposed.status, JSON.stringify(proposed.json)).toBe(201);
    const voters = ['triage1', 'triage2', 'admin', reporterOf.get(id)!];
    const votes = await Promise.all(
      voters.flatMap((v) =>
        [0, 1].map((i) =>
          call(i, tokens[v]!, 'POST', `/api/proposals/${proposed.json.id}/votes`, { inFavour: true }),
        ),
      ),
    );
    expect(tally(votes)).toEqual({ 201: voters.length, '409 E_VOTE': voters.length });
    expect(await count(sql`select count(*) as n from votes where proposal_id = ${proposed.json.id}`)).toBe(
      voters.length,
    );
  });

  it('invites a maintainer once when both are asked at once: one invitation, one mail', async () => {
    const mine = reports.slice(0, REPORTERS * 2);
    const answers = await Promise.all(
      mine.flatMap((id, k) => [
        call(0, tokens.triage1!, 'POST', `/api/reports/${id}/invitations`, {
          email: `maint${k}@example.org`,
        }),
        call(1, tokens.triage2!, 'POST', `/api/reports/${id}/invitations`, {
          email: `maint${k}@example.org`,
        }),
      ]),
    );
    expect(tally(answers)).toEqual({ 201: mine.length, '409 E_CONFLICT': mine.length });
    expect(await count(sql`select count(*) as n from invitations`)).toBe(mine.length);
    for (let k = 0; k < mine.length; k++) await inbox.last(`maint${k}@example.org`, /you are invited/);
    const invited = inbox.messages.filter((m) => /you are invited/.test(m.subject));
    expect(invited.map((m) => m.to.join()).sort()).toEqual(
      mine.map((_, k) => `maint${k}@example.org`).sort(),
    );
  });

  it('assigns CVE ids on many reports at once on both: each report one id, no id twice', async () => {
    const mine = reports.slice(0, REPORTERS * 2);
    const answers = await Promise.all(
      mine.flatMap((id) => [
        call(0, tokens.triage1!, 'POST', `/api/reports/${id}/cve`),
        call(1, tokens.triage2!, 'POST', `/api/reports/${id}/cve`),
      ]),
    );
    expect(tally(answers)).toEqual({ 200: mine.length, '409 E_CONFLICT': mine.length });
    const ids = answers.filter((a) => a.status === 200).map((a) => a.json.report.cveId as string);
    expect(new Set(ids).size).toBe(mine.length);
    expect(await count(sql`select count(*) as n from cve_ids where report_id is not null`)).toBe(mine.length);
  });

  it('publishes many reports at once on both: consecutive advisory ids, none twice, one reward each, approved once', async () => {
    const mine = reports.slice(0, REPORTERS * 2);
    const bounty = await call(0, tokens.admin!, 'POST', '/api/bounty/modules', {
      name: 'left-pad-ng',
      section: 'confirmed',
      approvedBy: 'The maintainer',
      approvedOn: '2026-01-02',
    });
    expect(bounty.status, JSON.stringify(bounty.json)).toBe(201);
    const deposit = await call(1, tokens.admin!, 'POST', '/api/bounty/deposits', {
      amount: 5_000_000,
      reason: 'the budget of the year',
    });
    expect(deposit.status, JSON.stringify(deposit.json)).toBe(201);
    await Promise.all(
      mine.map(async (id, k) => {
        for (const step of [
          { transition: 'start-fix' },
          { transition: 'mark-fixed', patchedVersions: '>=1.4.2' },
        ]) {
          const r = await call(k, tokens.triage1!, 'POST', `/api/reports/${id}/transitions`, step);
          expect(r.status, JSON.stringify(r.json)).toBe(200);
        }
      }),
    );
    const before = await count(sql`select count(*) as n from advisories`);
    const published = await Promise.all(
      mine.flatMap((id) => [
        call(0, tokens.triage1!, 'POST', `/api/reports/${id}/transitions`, { transition: 'publish' }),
        call(1, tokens.triage2!, 'POST', `/api/reports/${id}/transitions`, { transition: 'publish' }),
      ]),
    );
    expect(tally(published)).toEqual({ 200: mine.length, '409 E_TRANSITION': mine.length });
    expect(await count(sql`select count(*) as n from advisories`)).toBe(before + mine.length);
    const numbers = published
      .filter((a) => a.status === 200)
      .map((a) => Number(/^NSWG-ECO-(\d+)$/.exec(a.json.report.advisoryId)![1]))
      .sort((x, y) => x - y);
    expect(numbers).toEqual(numbers.map((_, k) => numbers[0]! + k));
    // the advisory is served by both instances
    for (const i of [0, 1])
      await expect
        .poll(async () => (await fetch(`${servers[i]!.url}/advisories/NSWG-ECO-${numbers.at(-1)}`)).status)
        .toBe(200);

    const rewards = (await call(0, tokens.admin!, 'GET', '/api/bounty/rewards')).json.rewards as {
      id: string;
      reportId: string;
      state: string;
    }[];
    expect(rewards.map((r) => r.reportId).sort()).toEqual([...mine].sort());
    expect(rewards.every((r) => r.state === 'proposed')).toBe(true);
    const approvals = await Promise.all(
      rewards.flatMap((r) => [
        call(0, tokens.triage2!, 'POST', `/api/bounty/rewards/${r.id}/approve`, {}),
        call(1, tokens.admin!, 'POST', `/api/bounty/rewards/${r.id}/approve`, {}),
      ]),
    );
    expect(tally(approvals)).toEqual({ 200: rewards.length, '409 E_CONFLICT': rewards.length });
    expect(await count(sql`select count(*) as n from audit_log where action = 'bounty.reward-approve'`)).toBe(
      rewards.length,
    );
  });

  it('runs each due scheduler action once with both schedulers running, each mail once', async () => {
    // the flood's two reports were submitted long ago and never answered: the first is due its
    // reminder (its first answer is due later), the second is overdue; and the vote's window closed
    const [remind, late] = reports.slice(REPORTERS * 2) as [string, string];
    for (const [id, due] of [
      [remind, '2099-01-07T09:00:00.000Z'],
      [late, '2026-01-07T09:00:00.000Z'],
    ] as const) {
      const row = await sql<{ record: string }>`select record from reports where id = ${id}`.execute(
        store.db,
      );
      const record = { ...JSON.parse(row.rows[0]!.record), submittedAt: LONG_AGO, firstAnswerDue: due };
      await sql`update reports set submitted_at = ${LONG_AGO}, first_answer_due = ${due}, record = ${JSON.stringify(record)} where id = ${id}`.execute(
        store.db,
      );
    }
    await sql`update extension_proposals set closes_at = ${LONG_AGO}`.execute(store.db);
    const actions = async () =>
      (
        await sql<{
          report_id: string;
          action: string;
        }>`select report_id, action from scheduled_actions`.execute(store.db)
      ).rows
        .map((r) => `${r.report_id} ${r.action.split(':')[0]}`)
        .sort();
    const want = [
      `${remind} first-answer-reminder`,
      `${late} first-answer-overdue`,
      `${reports[0]} close-vote`,
    ].sort();
    await expect.poll(actions, { timeout: 15_000 }).toEqual(want);
    const team = [people.triage1!.email, people.triage2!.email].sort();
    const to = (subject: string) =>
      inbox.messages
        .filter((m) => m.subject.startsWith(subject))
        .flatMap((m) => m.to)
        .filter((a) => team.includes(a))
        .sort();
    await expect.poll(() => to(`[nswg] OVERDUE: ${late}`), { timeout: 10_000 }).toEqual(team);
    await expect.poll(() => to(`[nswg] ${remind} needs a first answer`), { timeout: 10_000 }).toEqual(team);
    // two more runs of each scheduler change nothing
    await new Promise((r) => setTimeout(r, 2500));
    expect(await actions()).toEqual(want);
    expect(to(`[nswg] OVERDUE: ${late}`)).toEqual(team);
    expect(to(`[nswg] ${remind} needs a first answer`)).toEqual(team);
    expect(to(`[nswg] ${late} needs a first answer`)).toEqual([]);
    // no message went twice to anyone, over the whole test
    const sent = inbox.messages.map((m) => `${m.to.join()} ${m.subject}`);
    expect(sent.filter((k, i) => sent.indexOf(k) !== i)).toEqual([]);
  });

  it('locks a login brute force split across both out at the same count as on one', async () => {
    const p = people.target!;
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        call(k, null, 'POST', '/api/login', { email: p.email, password: `guess ${k}` }, '203.0.113.77'),
      ),
    );
    // ten attempts a minute from one address (the shared limit), of which LOCKOUT_AFTER fail and
    // lock the address: the rest are refused as locked, whichever instance they reached
    expect(tally(attempts)).toEqual({
      '401 E_AUTH': LOCKOUT_AFTER,
      '429 E_LOCKED': 10 - LOCKOUT_AFTER,
      '429 E_RATE_LIMITED': 2,
    });
    // and the right password, from another address, is refused while the lock holds
    const right = await call(
      1,
      null,
      'POST',
      '/api/login',
      { email: p.email, password: p.password },
      '203.0.113.78',
    );
    expect(right.json.code).toBe('E_LOCKED');
    const throttle = await sql<{
      failures: number;
    }>`select failures from login_throttle where key = ${p.email}`.execute(store.db);
    expect(Number(throttle.rows[0]!.failures)).toBe(LOCKOUT_AFTER);
  });

  it('keeps the audit log intact', async () => {
    expect(await store.auditLog.verify()).toMatchObject({ ok: true, macs: 'checked' });
    expect(await count(sql`select count(*) as n from rate_limits`)).toBeGreaterThan(0);
  });
});
