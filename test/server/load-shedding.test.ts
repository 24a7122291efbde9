import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
