// The upstream registry as the program asks it whether a package exists, against a real HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamPackages } from '../../../src/server/disclosure/upstream.js';

describe('the upstream registry check', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(`${req.url} ${req.headers.accept}`);
      const known = ['/left-pad', '/@scope%2fwidget'].includes(req.url ?? '');
      res.writeHead(known ? 200 : req.url === '/flaky' ? 500 : 404, { 'content-type': 'application/json' });
      res.end(known ? '{"name":"x"}' : '{"error":"Not found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('says no only when the registry answers 404', async () => {
    const registry = upstreamPackages(url);
    expect(await registry.hasPackage('left-pad')).toBe(true);
    expect(await registry.hasPackage('@scope/widget')).toBe(true);
    expect(await registry.hasPackage('nobody-publishes-this')).toBe(false);
    // a registry in trouble does not stop a report
    expect(await registry.hasPackage('flaky')).toBe(true);
    expect(asked).toContain('/@scope%2fwidget application/vnd.npm.install-v1+json');
    expect(await upstreamPackages('http://127.0.0.1:9/').hasPackage('left-pad')).toBe(true);
  });
});
