import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Served, serveCli } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'nswg-resilience-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const JSON_TYPE = { 'content-type': 'application/json' };

/** POSTs and reads the whole answer; the status and the milliseconds it took. */
async function timedPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = JSON_TYPE,
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

/** The server answers a normal query, with the advisories it holds. */
async function answersQueries(server: Served) {
  const res = await timedPost(
    `${server.url}/v1/query`,
    JSON.stringify({ package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' }),
  );
  expect(res.status).toBe(200);
  expect(res.text).toContain('"id":"x_NSWG-ECO-368"');
}

describe('nswg serve sent a small body that inflates to tens of megabytes of tiny values', () => {
  let server: Served;
  // 28.6 MB of {"queries":[{},{},…]} (9.5 million empty objects) in about 28 KB of gzip
  const text = `{"queries":[${'{},'.repeat(9_533_000)}{}]}`;
  const bomb = gzipSync(text, { level: 9 });

  beforeAll(async () => {
    server = await serveCli(['--db', join(tempDir(), 'nswg.db')]);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('is refused within a second, on every route that reads JSON, and the server goes on answering', async () => {
    expect(text.length).toBeGreaterThan(28_000_000);
    expect(bomb.length).toBeLessThan(30_000);
    const gzip = { ...JSON_TYPE, 'content-encoding': 'gzip' };
    for (const route of ['/v1/querybatch', '/api/reports', '/-/npm/v1/security/advisories/bulk']) {
      const res = await timedPost(`${server.url}${route}`, bomb, gzip);
      expect(res.status, `${route}: ${res.text}`).toBe(413);
      expect(JSON.parse(res.text)).toMatchObject({
        code: 'E_BODY_TOO_LARGE',
        message: expect.stringMatching(/inflates to more than \d+ bytes \(the limit of this route/),
      });
      expect(res.ms, route).toBeLessThan(1000);
      await answersQueries(server);
    }
  });

  it('refuses a plain body within the byte limit but past the value limit with 413', async () => {
    const res = await timedPost(`${server.url}/v1/querybatch`, `{"queries":[${'{},'.repeat(99_999)}{}]}`);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).message).toMatch(/holds more than 30006 JSON values/);
    expect(res.ms).toBeLessThan(1000);
    await answersQueries(server);
  });
});

describe('nswg serve whose worker runs out of memory', () => {
  it('starts a new one on the same port, logs why, and keeps the write it acknowledged just before', async () => {
    const dir = tempDir();
    const fault = join(dir, 'run-out-of-memory');
    const preload = fileURLToPath(new URL('./faults/oom-when-told.cjs', import.meta.url));
    const server = await serveCli(['--db', join(dir, 'nswg.db'), '--max-heap', '64'], {
      NODE_OPTIONS: `--require ${preload}`,
      NSWG_TEST_FAULT_FILE: fault,
    });
    let stopped = false;
    try {
      const account = { email: 'ada@example.org', password: 'a long enough password' };
      const signup = await timedPost(
        `${server.url}/api/signup`,
        JSON.stringify({ ...account, displayName: 'Ada Researcher' }),
      );
      expect(signup.status, signup.text).toBe(202);
      // the worker runs out of memory right after answering
      writeFileSync(fault, '');
      const crash = () =>
        server
          .stdout()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .find((l) => l.level === 50);
      await expect.poll(crash, { timeout: 20_000 }).toBeDefined();
      expect(crash()).toMatchObject({
        msg: expect.stringMatching(
          /^the server's worker stopped unexpectedly \(.*memory.*\): starting a new one in 1 s$/,
        ),
        err: { code: 'ERR_WORKER_OUT_OF_MEMORY', message: expect.stringMatching(/memory/) },
        exitCode: 1,
        restartInMs: 1000,
        pid: server.child.pid,
      });
      await expect
        .poll(async () => (await fetch(`${server.url}/healthz`).catch(() => null))?.status, {
          timeout: 20_000,
        })
        .toBe(200);
      expect(server.stderr().match(/serving .* at /g)).toHaveLength(2);
      // the account acknowledged before the crash is there: its password logs in
      const login = await timedPost(`${server.url}/api/login`, JSON.stringify(account));
      expect(login.status, login.text).toBe(200);
      await answersQueries(server);
      expect(await server.stop()).toBe(0);
      stopped = true;
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
