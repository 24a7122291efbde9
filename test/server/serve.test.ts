import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toOsv } from '../../src/advisories/index.js';
import { nswg } from '../helpers/cli.js';
import { freshDb, testEngines } from '../helpers/db.js';
import { npmAdvisory, type Served, serveCli, storeOf } from '../helpers/server.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'nswg-serve-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** GETs a URL and parses its JSON answer. */
const getJson = async (url: string): Promise<Record<string, unknown>> =>
  (await (await fetch(url)).json()) as Record<string, unknown>;

/** Sends raw bytes on a new connection; resolves with the socket and a promise of everything it receives. */
function rawConnection(url: string): Promise<{ socket: net.Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      let data = '';
      const received = new Promise<string>((done) => {
        socket.setEncoding('utf8').on('data', (d) => (data += d));
        socket.on('close', () => done(data));
      });
      resolve({ socket, received });
    });
    socket.on('error', reject);
  });
}

describe('nswg serve', () => {
  it('creates and seeds a new database on first start, logs JSON lines, and stops gracefully on SIGTERM with a slow request in flight', async () => {
    const dir = tempDir();
    const server = await serveCli(['--db', join(dir, 'nswg.db')]);
    let stopped = false;
    try {
      expect(server.stderr()).toContain(
        `creating ${join(dir, 'nswg.db')} from the bundled Working Group data`,
      );
      expect((await getJson(`${server.url}/healthz`)).advisories).toBe(638);

      // a slow client: the headers and half of the body now, the rest after SIGTERM
      const body = JSON.stringify({ package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' });
      const { socket, received } = await rawConnection(server.url);
      socket.write(
        `POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`,
      );
      await expect.poll(() => server.stdout().includes('"url":"/v1/query"'), { timeout: 5000 }).toBe(true);
      const exit = server.stop();
      await expect.poll(() => server.stdout().includes('shutting down'), { timeout: 5000 }).toBe(true);
      // no new connections once shutting down (the listening socket closes right after that log line)
      await expect
        .poll(
          async () => {
            try {
              (await rawConnection(server.url)).socket.destroy();
              return 'accepted';
            } catch (e) {
              return (e as Error).message;
            }
          },
          { timeout: 5000 },
        )
        .toMatch(/ECONNREFUSED/);
      socket.write(body.slice(20));
      const answer = await received;
      expect(answer).toMatch(/^HTTP\/1.1 200 OK/);
      expect(answer).toContain('"id":"x_NSWG-ECO-368"');
      expect(await exit).toBe(0);
      stopped = true;

      const lines = server.stdout().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(3);
      for (const l of lines)
        expect(JSON.parse(l)).toMatchObject({
          level: expect.any(Number),
          time: expect.any(Number),
          msg: expect.any(String),
        });
      expect(lines.some((l) => JSON.parse(l).msg === 'stopped')).toBe(true);
      const done = lines
        .map((l) => JSON.parse(l))
        .find((l) => l.res?.statusCode === 200 && l.msg === 'request completed');
      expect(done).toBeDefined();
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('takes the database from DATABASE_URL, and a second start does not seed again', async () => {
    const dir = tempDir();
    const file = join(dir, 'from-env.db');
    // the default server secret lives in NSWG_HOME: made on the first start, read on the second
    const first = await serveCli([], { DATABASE_URL: file, NSWG_HOME: dir });
    expect(first.stderr()).toContain(`serving ${file} at`);
    expect(first.stderr()).toContain(`made the server secret ${join(dir, 'secret')}`);
    expect(await first.stop()).toBe(0);
    // the server on the command's own thread, uncapped, behaves the same
    const second = await serveCli(['--max-heap', '0'], { DATABASE_URL: file, NSWG_HOME: dir });
    expect(second.stderr()).not.toContain('creating');
    expect(second.stderr()).not.toContain('made the server secret');
    expect((await getJson(`${second.url}/healthz`)).advisories).toBe(638);
    expect(await second.stop()).toBe(0);
  });

  it('logs a request as one readable line with --log-format text (a terminal), pino JSON when piped', async () => {
    // each server its own database (and, in its own home, its own secret)
    const file = () => join(tempDir(), 'nswg.db');
    const piped = await serveCli(['--db', file()]);
    await fetch(`${piped.url}/node?version=18`);
    expect(await piped.stop()).toBe(0);
    const json = piped
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; req?: { url: string } });
    expect(json.some((l) => l.msg === 'incoming request' && l.req?.url === '/node?version=18')).toBe(true);
    for (const args of [
      ['--log-format', 'text'],
      ['--log-format', 'text', '--max-heap', '0'],
    ]) {
      const text = await serveCli(['--db', file(), ...args]);
      await fetch(`${text.url}/node?version=18`);
      await fetch(`${text.url}/no-such-page`);
      expect(await text.stop()).toBe(0);
      const lines = text.stdout().trim().split('\n');
      expect(lines, args.join(' ')).toContainEqual(
        expect.stringMatching(/^\d\d:\d\d:\d\d GET \/node\?version=18 200 \d+ ms$/),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d GET \/no-such-page 404 \d+ ms$/));
      expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d info Server listening at http:/));
      for (const l of lines) expect(l.startsWith('{'), l).toBe(false);
    }
  });

  it('refuses a bad port, heap size or timeouts with exit code 2', async () => {
    const r = await nswg(['serve', '--port', '99999', '--db', join(tempDir(), 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port must be/);
    const heap = await nswg(['serve', '--max-heap', '10', '--db', join(tempDir(), 'x.db')]);
    expect(heap.code).toBe(2);
    expect(heap.stderr).toMatch(/--max-heap must be at least 64/);
    const timeouts = await nswg([
      'serve',
      '--headers-timeout',
      '20',
      '--request-timeout',
      '10',
      '--db',
      join(tempDir(), 'x.db'),
    ]);
    expect(timeouts.code).toBe(2);
    expect(timeouts.stderr).toMatch(/--headers-timeout must not be longer than --request-timeout/);
  });

  it('refuses a CNA organization id that is not a UUID, or one without the short name, naming the option', async () => {
    const db = join(tempDir(), 'x.db');
    const bad = await nswg(['serve', '--cna-org-id', 'nswg', '--cna-short-name', 'nswg', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cna-org-id must be the CNA organization id/);
    const alone = await nswg(['serve', '--db', db], {
      env: { NSWG_CNA_ORG_ID: '3c1d8aa1-5a33-4b6c-a5a3-6a1c0c5ff1e4' },
    });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--cna-short-name is needed/);
    const name = await nswg([
      'serve',
      '--cna-org-id',
      '3c1d8aa1-5a33-4b6c-a5a3-6a1c0c5ff1e4',
      '--cna-short-name',
      'x',
      '--db',
      db,
    ]);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/--cna-short-name must be the CNA short name/);
  });
});

describe.each(await testEngines())('nswg db sync into %s', (engine) => {
  it('mirrors another server incrementally: everything first, nothing the second time, then only what changed', async () => {
    const dir = tempDir();
    const sourceFile = join(dir, 'source.db');
    const source = await storeOf({ kind: 'sqlite', file: sourceFile });
    const { seedBundled } = await import('../../src/store/index.js');
    await seedBundled(source);
    await source.advisories.import([
      npmAdvisory('GHSA-sync-0001-test', 'nswg-sync-test', '<1.0.0', { aliases: ['CVE-2099-1111'] }),
    ]);
    await source.close();
    const target = await freshDb(engine);
    const targetArg = target.target.kind === 'sqlite' ? target.target.file : target.target.url;
    const a: Served = await serveCli(['--db', sourceFile]);
    let b: Served | null = null;
    try {
      const init = await storeOf(target.target);
      await init.close();
      const first = await nswg(['db', 'sync', a.url, '--db', targetArg]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(
        /synced from .* \(nswg-server\): 639 records read, 639 added, 0 updated, 0 unchanged\n/,
      );

      // the mirror holds the same records
      const src = await storeOf({ kind: 'sqlite', file: sourceFile });
      const dst = await storeOf(target.target);
      try {
        const want = new Map<string, unknown>();
        for await (const x of src.advisories.all()) want.set(x.id, toOsv(x));
        const got = new Map<string, unknown>();
        for await (const x of dst.advisories.all()) got.set(x.id, toOsv(x));
        expect(got.size).toBe(639);
        expect(got).toEqual(want);
      } finally {
        await dst.close();
      }

      // a second server on the mirror answers from it
      b = await serveCli(['--db', targetArg]);
      const before = (await getJson(`${b.url}/v1/vulns/GHSA-sync-0001-test`)).summary;
      expect(before).toBe('A test advisory for nswg-sync-test');

      // what the mirror asked the source for, from the source's log lines (which arrive through a pipe)
      const asked = () =>
        a
          .stdout()
          .split('\n')
          .flatMap((l) => /"url":"([^"]+)"/.exec(l)?.[1] ?? [])
          .filter((u) => u.startsWith('/v1/export/') || u === '/modified_id.csv');
      const firstAsked = ['/modified_id.csv', '/v1/export/npm/all.zip', '/v1/export/core/all.zip'];
      await expect.poll(() => asked().sort(), { timeout: 5000 }).toEqual(firstAsked.sort());
      const second = await nswg(['db', 'sync', a.url, '--db', targetArg]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/: 0 records read, 0 added, 0 updated/);
      const secondAsked = [
        '/modified_id.csv',
        '/v1/export/npm/modified_id.csv',
        '/v1/export/core/modified_id.csv',
      ];
      await expect.poll(() => asked().length, { timeout: 5000 }).toBe(6);
      expect(asked().slice(3).sort()).toEqual(secondAsked.sort());

      // one advisory changes at the source: only it is fetched, and the running mirror server sees it
      await src.advisories.import([
        npmAdvisory('GHSA-sync-0001-test', 'nswg-sync-test', '<1.0.0', {
          modified: '2099-06-01T00:00:00Z',
          title: 'Changed at the source',
        }),
      ]);
      const third = await nswg(['db', 'sync', a.url, '--db', targetArg]);
      expect(third.stdout).toMatch(/: 1 records read, 0 added, 1 updated, 0 unchanged/);
      await expect.poll(() => asked().length, { timeout: 5000 }).toBe(10);
      expect(asked().slice(6).sort()).toEqual(
        [...secondAsked, '/v1/export/npm/GHSA-sync-0001-test.json'].sort(),
      );
      expect((await getJson(`${b.url}/v1/vulns/GHSA-sync-0001-test`)).summary).toBe('Changed at the source');
      await src.close();

      const bad = await nswg(['db', 'sync', 'http://127.0.0.1:9/', '--db', targetArg]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/cannot reach http:\/\/127.0.0.1:9\/modified_id.csv/);
    } finally {
      await a.stop();
      await b?.stop();
      await target.drop();
    }
  });
});
