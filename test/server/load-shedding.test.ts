import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, serverConfig } from '../../src/server/index.js';
import { LATE_SAMPLES } from '../../src/server/load-shedding.js';
import type { SyncResult } from '../../src/sync/index.js';
import { testApp } from '../helpers/server.js';

/** Keeps the event loop busy for `ms`, in pieces of `piece` ms with a turn of the loop between. */
async function busy(ms: number, piece = 150): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const until = performance.now() + piece;
    while (performance.now() < until) {
      // the work of an overloaded server
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('load shedding on event-loop delay', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp('sqlite', {
      config: { loadShedding: { maxEventLoopDelayMs: 50, maxHeapFraction: 0.95, maxInFlight: 0 } },
    });
  });
  afterAll(() => t?.close());

  it('answers normally, then 503 with Retry-After while the loop is late; health and the program writes pass', async () => {
    expect((await t.app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(200);
    await busy(1200);
    const shed = await t.app.inject('/v1/vulns/NSWG-ECO-1');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toMatchObject({
      code: 'E_OVERLOADED',
      message: expect.stringContaining('try again in 2 s'),
    });
    // the strict headers are on the refusal too
    expect(shed.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await t.app.inject({ method: 'POST', url: '/v1/query', payload: {} })).statusCode).toBe(503);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    // a login is a program write: refused for its content, not shed
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'x@example.org', password: 'not-the-password' },
    });
    expect(login.statusCode).not.toBe(503);
  });

  it('does not shed for one long turn of the loop (a burst, one heavy request), only for a standing delay', async () => {
    // let the last turns be on time again
    await new Promise((r) => setTimeout(r, 60 * LATE_SAMPLES * 2));
    expect((await t.app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(200);
    await busy(900, 900);
    // asked just after the watch's timer has seen the late turn (timers due earlier fire first)
    await new Promise((r) => setTimeout(r, 0));
    expect((await t.app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(200);
  });
});

describe("load shedding and the server's own work", () => {
  it('a sync of the advisories that holds the loop sheds nothing, before or after it ends', async () => {
    const t = await testApp('sqlite', { config: {} });
    await t.app.close();
    let syncs = 0;
    let during = 0;
    // a sync that keeps the loop as busy as an overload would, answering requests in between
    const sync = async (): Promise<SyncResult> => {
      await busy(600);
      during = (await app.inject('/v1/vulns/NSWG-ECO-1')).statusCode;
      await busy(600);
      syncs++;
      throw new Error('nothing to sync: the test only holds the loop');
    };
    const app = await buildApp({
      store: t.store,
      config: serverConfig({
        logLevel: 'silent',
        rateLimit: null,
        loadShedding: { maxEventLoopDelayMs: 50, maxHeapFraction: 0.95, maxInFlight: 0 },
      }),
      clock: { now: () => new Date('2026-05-01T00:00:00Z') },
      advisorySync: { from: 'http://127.0.0.1:9/', intervalMs: 60_000, sync },
    });
    try {
      await app.ready();
      await expect.poll(() => syncs, { timeout: 10_000, interval: 5 }).toBe(1);
      expect(during).toBe(200);
      expect((await app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(200);
    } finally {
      await app.close();
      await t.store.close();
      await t.db.drop();
    }
  });
});

describe('load shedding near the heap limit', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    // a limit the heap is always past: every request but the health check is refused
    t = await testApp('sqlite', {
      config: { loadShedding: { maxEventLoopDelayMs: 0, maxHeapFraction: 0.000_001, maxInFlight: 0 } },
    });
    await new Promise((r) => setTimeout(r, 700));
  });
  afterAll(() => t?.close());

  it('refuses even the program writes, and still answers the health check', async () => {
    expect((await t.app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(503);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'x@example.org', password: 'not-the-password' },
    });
    expect(login.statusCode).toBe(503);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('without load shedding', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(() => t?.close());

  it('queues instead (the library default; `nswg serve` sheds)', async () => {
    await busy(800);
    expect((await t.app.inject('/v1/vulns/NSWG-ECO-1')).statusCode).toBe(200);
  });
});

/** A request whose body never finishes: in progress on the server until the socket ends. */
function hanging(port: number, path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
      // the server has its headers, and runs its request hooks, before the body is complete
      setTimeout(() => resolve(socket), 300);
    });
    socket.on('error', reject);
  });
}

describe('load shedding past the requests in progress', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let base: string;
  let port: number;
  beforeAll(async () => {
    t = await testApp('sqlite', {
      config: { loadShedding: { maxEventLoopDelayMs: 0, maxHeapFraction: 0.95, maxInFlight: 2 } },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(base).port);
  });
  afterAll(() => t?.close());

  it('refuses a third request while two wait for the database or their bodies; health and program writes pass; then answers again', async () => {
    const held = [await hanging(port, '/v1/query'), await hanging(port, '/v1/querybatch')];
    const shed = await fetch(`${base}/v1/vulns/NSWG-ECO-1`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(((await shed.json()) as { code: string }).code).toBe('E_OVERLOADED');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.org', password: 'not-the-password' }),
    });
    expect(login.status).not.toBe(503);
    // their reserve is as many again: past it, a program write is shed too
    held.push(await hanging(port, '/api/login'), await hanging(port, '/api/login'));
    const over = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.org', password: 'not-the-password' }),
    });
    expect(over.status).toBe(503);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${base}/v1/vulns/NSWG-ECO-1`)).status).toBe(200);
  });
});

describe('load shedding on a queue that stands across turns of the loop', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let port: number;
  beforeAll(async () => {
    t = await testApp('sqlite', {
      config: { loadShedding: { maxEventLoopDelayMs: 20, maxHeapFraction: 0.95, maxInFlight: 0 } },
    });
    port = Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  afterAll(() => t?.close());

  /** 40 batches of 300 queries: a few ms each, so that one turn reading them all runs past 20 ms. */
  const body = JSON.stringify({
    queries: Array.from({ length: 300 }, (_, i) => ({
      package: { name: i % 2 ? 'lodash' : `@nswg-test/pkg-${i}`, ecosystem: 'npm' },
    })),
  });
  const request = `POST /v1/querybatch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

  /**
   * Opens `n` connections and sends a request on each while this process holds the loop, so that
   * the server reads them all in one turn; returns their statuses once answered.
   */
  async function wave(n: number, beforeRead: () => void = () => {}): Promise<number[]> {
    const sockets = await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
            s.on('error', reject);
          }),
      ),
    );
    const statuses = sockets.map(
      (s) =>
        new Promise<number>((resolve) => {
          let text = '';
          s.on('data', (d) => {
            text += d.toString('latin1');
          });
          s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
        }),
    );
    // the server has accepted every connection
    await new Promise((r) => setTimeout(r, 50));
    // every request is in the server's socket buffers before the loop turns again: one turn reads them all
    for (const s of sockets) s.write(request);
    beforeRead();
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // let the kernel take them all
    }
    return Promise.all(statuses);
  }

  it('serves a burst read in one turn whole: one long turn is not a standing queue', async () => {
    expect(await wave(40)).toEqual(Array(40).fill(200));
  });

  it('refuses, in the turn after a long one, the requests that waited past the limit behind the first ones', async () => {
    // another process sends a second wave 170 ms after it is told, while the server is busy with
    // the first (read in one turn once this process lets go of the loop, after 150 ms)
    const client = `
      const net = require('node:net');
      const [port, request] = [Number(process.argv[1]), process.argv[2]];
      const sockets = Array.from({ length: 40 }, () => net.connect(port, '127.0.0.1'));
      const statuses = sockets.map((s) => new Promise((resolve) => {
        let text = '';
        s.on('data', (d) => { text += d.toString('latin1'); });
        s.on('close', () => resolve(Number(/^HTTP\\/1\\.1 (\\d{3})/.exec(text)?.[1] ?? 0)));
      }));
      Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r)))).then(() => process.stdout.write('ready\\n'));
      process.stdin.once('data', () => setTimeout(() => { for (const s of sockets) s.write(request); }, 170));
      Promise.all(statuses).then((all) => process.stdout.write(JSON.stringify(all)));
    `;
    const child = spawn(process.execPath, ['-e', client, String(port), request], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.startsWith('ready\n')) resolve();
      }),
    );
    const closed = new Promise((r) => child.on('close', r));
    await ready;
    const first = await wave(60, () => child.stdin.end('go\n'));
    await closed;
    const second = JSON.parse(out.slice('ready\n'.length)) as number[];
    const got = [...first, ...second];
    expect(got.every((s) => s === 200 || s === 503)).toBe(true);
    expect(second.filter((s) => s === 200).length).toBeGreaterThanOrEqual(8);
    expect(second.filter((s) => s === 503).length).toBeGreaterThan(0);
  });
});
