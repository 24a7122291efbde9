import { gzipSync } from 'node:zlib';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/index.js';
import { testEngines } from '../../helpers/db.js';
import { testApp } from '../../helpers/server.js';

const json = { 'content-type': 'application/json' };

/** About 1 MB of gzip that inflates to 1 GiB: 32 gzip members of 32 MiB of zeros each. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: 32 }, () => member));
}

describe.each(await testEngines())('bad input on %s', (engine) => {
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, close } = await testApp(engine));
  });
  afterAll(() => close());

  /** Each bad request gets a 4xx JSON error saying what is wrong, and the server keeps serving. */
  async function refused(req: InjectOptions, status: number, code: string, message: RegExp) {
    const res = await app.inject(req);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: status, code });
    expect(body.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/ at .*\.(js|ts):\d+/);
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe('ok');
    return body;
  }

  it('malformed JSON: 400 saying where', async () => {
    const body = await refused(
      {
        method: 'POST',
        url: '/v1/query',
        headers: json,
        payload: '{"package": {"name": "lodash",\n "ecosystem": npm}}',
      },
      400,
      'E_JSON_PARSE',
      /not valid JSON.*line 2/,
    );
    expect(body.error).toBe('Bad Request');
    await refused(
      { method: 'POST', url: '/-/npm/v1/security/advisories/bulk', headers: json, payload: '' },
      400,
      'E_JSON_PARSE',
      /empty/,
    );
    await refused(
      { method: 'POST', url: '/-/npm/v1/security/audits', headers: json, payload: '[1, 2' },
      400,
      'E_JSON_PARSE',
      /not valid JSON/,
    );
  });

  it('a wrong content type: 415', async () => {
    await refused(
      {
        method: 'POST',
        url: '/v1/query',
        headers: { 'content-type': 'text/plain' },
        payload: '{"package": {"name": "lodash", "ecosystem": "npm"}}',
      },
      415,
      'E_CONTENT_TYPE',
      /unsupported Content-Type "text\/plain".*application\/json/,
    );
    await refused(
      {
        method: 'POST',
        url: '/-/npm/v1/security/advisories/bulk',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a=b',
      },
      415,
      'E_CONTENT_TYPE',
      /application\/json/,
    );
    await refused(
      {
        method: 'POST',
        url: '/v1/query',
        headers: { ...json, 'content-encoding': 'compress' },
        payload: '{}',
      },
      415,
      'E_BODY_ENCODING',
      /unsupported Content-Encoding "compress"/,
    );
  });

  it('a gzip bomb: 413 once inflating passes the inflated limit', async () => {
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(1.5 * 1024 * 1024);
    for (const url of ['/-/npm/v1/security/advisories/bulk', '/v1/querybatch']) {
      await refused(
        { method: 'POST', url, headers: { ...json, 'content-encoding': 'gzip' }, payload: bomb },
        413,
        'E_BODY_TOO_LARGE',
        /inflates to more than \d+ bytes \(the limit of this route, sized for/,
      );
    }
    await refused(
      {
        method: 'POST',
        url: '/v1/query',
        headers: { ...json, 'content-encoding': 'gzip' },
        payload: Buffer.from('not gzip at all'),
      },
      400,
      'E_BODY_ENCODING',
      /not valid gzip/,
    );
  });

  it('a 50 MB body: 413 at the body limit', async () => {
    const payload = Buffer.alloc(50 * 1024 * 1024, 0x20);
    await refused(
      { method: 'POST', url: '/v1/querybatch', headers: json, payload },
      413,
      'E_BODY_TOO_LARGE',
      /the request body is larger than 3777517 bytes \(the limit of this route\)/,
    );
  });

  it('10,000 queries in one batch: 413 before parsing; 1,001: 400 "at most 1000"', async () => {
    const queries = Array.from({ length: 10_000 }, (_, i) => ({
      package: { name: `p${i}`, ecosystem: 'npm' },
      version: '1.0.0',
    }));
    await refused(
      { method: 'POST', url: '/v1/querybatch', payload: { queries } },
      413,
      'E_BODY_TOO_LARGE',
      /holds more than 30006 JSON values \(the limit of this route, sized for 1000 queries\)/,
    );
    await refused(
      { method: 'POST', url: '/v1/querybatch', payload: { queries: queries.slice(0, 1001) } },
      400,
      'E_REQUEST_INVALID',
      /at most 1000 queries/,
    );
    const one = await app.inject({
      method: 'POST',
      url: '/v1/querybatch',
      payload: { queries: queries.slice(0, 1000) },
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().results).toHaveLength(1000);
  });

  it('an unknown ecosystem: 400 naming the ones known', async () => {
    await refused(
      {
        method: 'POST',
        url: '/v1/query',
        payload: { package: { name: 'requests', ecosystem: 'PyPI' }, version: '2.0.0' },
      },
      400,
      'E_REQUEST_INVALID',
      /unknown ecosystem "PyPI": this database holds npm packages \(ecosystem "npm"\) and Node.js core/,
    );
    const body = await refused(
      {
        method: 'POST',
        url: '/v1/querybatch',
        payload: {
          queries: [
            { package: { name: 'a', ecosystem: 'npm' } },
            { package: { name: 'b', ecosystem: 'Go' } },
          ],
        },
      },
      400,
      'E_REQUEST_INVALID',
      /unknown ecosystem "Go"/,
    );
    expect(body.field).toBe('body.queries.1.package.ecosystem');
  });

  it('a version of 10,000 characters: 400', async () => {
    const version = '1'.repeat(10_000);
    const body = await refused(
      {
        method: 'POST',
        url: '/v1/query',
        payload: { package: { name: 'lodash', ecosystem: 'npm' }, version },
      },
      400,
      'E_REQUEST_INVALID',
      /must NOT have more than 256 characters/,
    );
    expect(body.field).toBe('body.version');
    await refused(
      { method: 'POST', url: '/-/npm/v1/security/advisories/bulk', payload: { lodash: [version] } },
      400,
      'E_REQUEST_INVALID',
      /256 characters/,
    );
  });

  it('wrong shapes: 400 naming the field', async () => {
    const body = await refused(
      { method: 'POST', url: '/-/npm/v1/security/advisories/bulk', payload: { lodash: '4.17.4' } },
      400,
      'E_REQUEST_INVALID',
      /must be array/,
    );
    expect(body.field).toBe('body.lodash');
    await refused(
      { method: 'POST', url: '/v1/query', payload: { package: { name: 5, ecosystem: 'npm' } } },
      400,
      'E_REQUEST_INVALID',
      /must be string/,
    );
    await refused(
      { method: 'POST', url: '/v1/querybatch', payload: [] },
      400,
      'E_REQUEST_INVALID',
      /must be object/,
    );
    await refused(
      { method: 'GET', url: `/v1/vulns/${'x'.repeat(300)}` },
      400,
      'E_REQUEST_INVALID',
      /200 characters/,
    );
  });

  it('a dependency tree nested 5,000 levels deep: 413 before parsing; 1,001 levels: 400; 1,000: answered', async () => {
    // written as text: JSON.stringify itself recurses too deep for this
    const tree = (levels: number) =>
      `{"dependencies":{"root":${'{"version":"1.0.0","requires":{"p":"1"},"dependencies":{"p":'.repeat(levels - 1)}{"version":"1.0.0","requires":{"q":"1"}}${'}}'.repeat(levels - 1)}}}`;
    expect(() => JSON.parse(tree(5000))).not.toThrow();
    await refused(
      { method: 'POST', url: '/-/npm/v1/security/audits', headers: json, payload: tree(5000) },
      413,
      'E_BODY_TOO_LARGE',
      /nests deeper than 2008 levels \(the limit of this route, sized for 25000 dependency tree nodes\)/,
    );
    await refused(
      { method: 'POST', url: '/-/npm/v1/security/audits', headers: json, payload: tree(1002) },
      400,
      'E_REQUEST_INVALID',
      /deeper than 1000 levels/,
    );
    const deepest = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/audits',
      headers: json,
      payload: tree(1001),
    });
    expect(deepest.statusCode).toBe(200);
    expect(deepest.json().metadata.dependencies).toBe(1001);
  });
});

describe.each(await testEngines())('rate limits on %s', (engine) => {
  it('limit POST requests per client address, answering 429 in JSON; GET requests are not counted', async () => {
    const { app, close } = await testApp(engine, {
      seed: false,
      config: { rateLimit: { max: 3, timeWindowMs: 60_000 } },
    });
    try {
      const query = () =>
        app.inject({
          method: 'POST',
          url: '/v1/query',
          payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '1.0.0' },
        });
      for (let i = 0; i < 3; i++) expect((await query()).statusCode).toBe(200);
      const limited = await query();
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({
        code: 'E_RATE_LIMITED',
        message: expect.stringMatching(/at most 3 POST requests per 60 s/),
      });
      expect(limited.headers['retry-after']).toBeDefined();
      for (let i = 0; i < 5; i++)
        expect((await app.inject({ url: '/v1/vulns/NSWG-ECO-1' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      // another client address has its own budget
      const other = await app.inject({
        method: 'POST',
        url: '/v1/query',
        remoteAddress: '127.0.0.2',
        payload: { package: { name: 'lodash', ecosystem: 'npm' }, version: '1.0.0' },
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await close();
    }
  });
});
