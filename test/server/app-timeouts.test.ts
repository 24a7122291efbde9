import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/server.js';

/** A raw connection: what it received, and how long after opening it the server closed it. */
interface Raw {
  socket: net.Socket;
  closed: Promise<{ afterMs: number; received: string }>;
}

function connect(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      let received = '';
      socket.setEncoding('utf8').on('data', (d) => (received += d));
      const closed = new Promise<{ afterMs: number; received: string }>((done) =>
        socket.on('close', () => done({ afterMs: performance.now() - started, received })),
      );
      resolve({ socket, closed });
    });
    socket.on('error', reject);
  });
}

/** Writes one piece every `everyMs` until the socket closes. */
function dribble(raw: Raw, piece: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (!raw.socket.destroyed) raw.socket.write(piece);
  }, everyMs);
  void raw.closed.then(() => clearInterval(timer));
}

describe('timeouts', () => {
  const HEADERS_MS = 500;
  const REQUEST_MS = 1500;
  const KEEP_ALIVE_MS = 300;
  let port: number;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const t = await testApp('sqlite', {
      seed: false,
      config: {
        headersTimeoutMs: HEADERS_MS,
        requestTimeoutMs: REQUEST_MS,
        keepAliveTimeoutMs: KEEP_ALIVE_MS,
      },
    });
    close = t.close;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => close());

  /** Other clients are answered while a slow one holds its connection. */
  async function othersAnswered() {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  }

  it('closes a connection whose headers arrive a line at a time (slowloris) after the headers timeout', async () => {
    const raw = await connect(port);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    dribble(raw, 'X-Slow: 1\r\n', 100);
    await othersAnswered();
    const { afterMs, received } = await raw.closed;
    expect(received).toMatch(/^HTTP\/1.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(afterMs).toBeLessThan(HEADERS_MS + 1000);
    await othersAnswered();
  });

  it('closes a connection whose body arrives a byte at a time after the request timeout', async () => {
    const raw = await connect(port);
    raw.socket.write(
      'POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    dribble(raw, ' ', 100);
    await othersAnswered();
    const { afterMs, received } = await raw.closed;
    expect(received).toMatch(/^HTTP\/1.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(afterMs).toBeLessThan(REQUEST_MS + 1000);
    await othersAnswered();
  });

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const raw = await connect(port);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const { afterMs, received } = await raw.closed;
    expect(received).toMatch(/^HTTP\/1.1 200/);
    expect(received).toMatch(/keep-alive/i);
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50);
    // Node.js waits a second more than the Keep-Alive header says, for clients reusing it just then
    expect(afterMs).toBeLessThan(KEEP_ALIVE_MS + 2000);
  });
});
