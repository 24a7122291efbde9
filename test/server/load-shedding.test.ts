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
      config: { loadShedding: { maxEventLoopDelayMs: 50, maxHeapFraction: 0.95 } },
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
      config: { loadShedding: { maxEventLoopDelayMs: 0, maxHeapFraction: 0.000_001 } },
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
