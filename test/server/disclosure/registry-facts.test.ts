// The registry as the program asks it, against a real HTTP server on loopback: an admin's override
// first, then the registry's metadata (a 404 says "no such package", trouble says nothing) and the
// downloads API (a scope: its packages from the registry's search, each counted).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryOverride } from '../../../src/disclosure/index.js';
import { registryFacts } from '../../../src/server/disclosure/registry-facts.js';

const clock = { now: () => new Date('2026-06-15T12:00:00Z') };

describe('the registry facts', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  const overrides = new Map<string, RegistryOverride>();
  const reader = { registryOverride: async (name: string) => overrides.get(name) ?? null };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = req.url ?? '';
      asked.push(`${u} ${req.headers.accept}`);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (u === '/left-pad') return json(200, { name: 'left-pad', versions: { '1.0.0': {}, '1.3.0': {} } });
      if (u === '/@scope%2fwidget') return json(200, { name: '@scope/widget', versions: { '2.0.0': {} } });
      if (u === '/flaky' || u === '/downloads/point/last-month/flaky') return json(500, { error: 'oops' });
      if (u === '/slow') return; // never answers
      if (u === '/downloads/point/last-month/left-pad')
        return json(200, { downloads: 123_456, start: '2026-05-15', end: '2026-06-13', package: 'left-pad' });
      if (u.startsWith('/-/v1/search?text=scope%3Aacme'))
        return json(200, {
          objects: [
            { package: { name: '@acme/a' } },
            { package: { name: '@acme/b' } },
            { package: { name: '@other/c' } },
          ],
        });
      if (u === '/downloads/point/last-month/@acme/a')
        return json(200, { downloads: 700, end: '2026-06-13', package: '@acme/a' });
      if (u === '/downloads/point/last-month/@acme/b')
        return json(200, { downloads: 400, end: '2026-06-14', package: '@acme/b' });
      json(404, { error: 'Not found' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('says a package is missing only when the registry answers 404, with its versions when it has them', async () => {
    const r = registryFacts({ overrides: reader, upstream: url, downloadsApi: url, clock, timeoutMs: 500 });
    expect(await r.package('left-pad')).toEqual({ state: 'published', versions: ['1.0.0', '1.3.0'] });
    expect(await r.package('@scope/widget')).toEqual({ state: 'published', versions: ['2.0.0'] });
    expect(await r.package('nobody-publishes-this')).toEqual({ state: 'missing' });
    // a registry in trouble, slow or away stops nothing
    expect(await r.package('flaky')).toEqual({ state: 'unknown' });
    expect(await r.package('slow')).toEqual({ state: 'unknown' });
    const away = registryFacts({
      overrides: reader,
      upstream: 'http://127.0.0.1:9/',
      downloadsApi: null,
      clock,
    });
    expect(await away.package('left-pad')).toEqual({ state: 'unknown' });
    expect(asked).toContain('/@scope%2fwidget application/vnd.npm.install-v1+json');
    // no registry at all: nothing is known
    const none = registryFacts({ overrides: reader, upstream: null, downloadsApi: null, clock });
    expect(await none.package('left-pad')).toEqual({ state: 'unknown' });
    expect(await none.monthlyDownloads('left-pad')).toBeNull();
  });

  it('counts downloads of a package, and of a scope by its packages', async () => {
    const r = registryFacts({ overrides: reader, upstream: url, downloadsApi: url, clock, timeoutMs: 500 });
    expect(await r.monthlyDownloads('left-pad')).toEqual({
      count: 123_456,
      asOf: '2026-06-13',
      source: 'registry',
    });
    expect(await r.monthlyDownloads('@acme')).toEqual({
      count: 1100,
      asOf: '2026-06-14',
      source: 'registry',
    });
    // a package the downloads API does not know was not downloaded; trouble is no answer
    expect(await r.monthlyDownloads('never-downloaded')).toEqual({
      count: 0,
      asOf: '2026-06-15',
      source: 'registry',
    });
    expect(await r.monthlyDownloads('flaky')).toBeNull();
  });

  it("answers from an admin's override first, for what it sets", async () => {
    const r = registryFacts({ overrides: reader, upstream: url, downloadsApi: url, clock, timeoutMs: 500 });
    overrides.set('left-pad', {
      name: 'left-pad',
      versions: null,
      monthlyDownloads: 999,
      setAt: '2026-06-01T10:00:00.000Z',
      setBy: 'admin',
    });
    overrides.set('offline-only', {
      name: 'offline-only',
      versions: ['0.1.0'],
      monthlyDownloads: null,
      setAt: '2026-06-01T10:00:00.000Z',
      setBy: 'admin',
    });
    overrides.set('withdrawn-name', {
      name: 'withdrawn-name',
      versions: [],
      monthlyDownloads: null,
      setAt: '2026-06-01T10:00:00.000Z',
      setBy: 'admin',
    });
    expect(await r.monthlyDownloads('left-pad')).toEqual({
      count: 999,
      asOf: '2026-06-01',
      source: 'override',
    });
    // the versions are still the registry's: the override set only the downloads
    expect(await r.package('left-pad')).toEqual({ state: 'published', versions: ['1.0.0', '1.3.0'] });
    const before = asked.length;
    expect(await r.package('offline-only')).toEqual({ state: 'published', versions: ['0.1.0'] });
    expect(await r.package('withdrawn-name')).toEqual({ state: 'missing' });
    expect(asked.length).toBe(before);
  });
});
