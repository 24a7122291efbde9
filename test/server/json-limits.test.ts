import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/index.js';
import { checkJsonLimits } from '../../src/server/json-limits.js';
import { FIXTURES, testApp } from '../helpers/server.js';

const json = { 'content-type': 'application/json' };

/** The values (keys included) and nesting depth of a parsed JSON value, as the scan should count them. */
function extent(v: unknown): { values: number; depth: number } {
  if (Array.isArray(v)) {
    const inner = v.map(extent);
    return {
      values: 1 + inner.reduce((n, x) => n + x.values, 0),
      depth: 1 + Math.max(0, ...inner.map((x) => x.depth)),
    };
  }
  if (v && typeof v === 'object') {
    const inner = Object.values(v).map(extent);
    return {
      values: 1 + inner.length + inner.reduce((n, x) => n + x.values, 0),
      depth: 1 + Math.max(0, ...inner.map((x) => x.depth)),
    };
  }
  return { values: 1, depth: 0 };
}

const check = (text: string, values: number, depth: number) =>
  checkJsonLimits(Buffer.from(text), { bytes: Infinity, values, depth });

describe('counting JSON values and depth before parsing', () => {
  it('counts every value, keys included, and the depth exactly: at the limits passes, one under refuses', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.constantFrom(0, 2, '\t'), (v, space) => {
        const text = JSON.stringify(v, null, space);
        const { values, depth } = extent(JSON.parse(text));
        expect(() => check(text, values, depth)).not.toThrow();
        expect(() => check(text, values - 1, depth)).toThrow(/holds more than/);
        if (depth > 0) expect(() => check(text, values, depth - 1)).toThrow(/nests deeper than/);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('skips escaped quotes and backslashes inside strings', () => {
    const text = JSON.stringify({ 'a"b': ['\\', '\\"', '"{[', 'x\\\\"y'], n: [1.5e3, -2, true, null] });
    expect(extent(JSON.parse(text))).toEqual({ values: 13, depth: 2 });
    expect(() => check(text, 13, 2)).not.toThrow();
    expect(() => check(text, 12, 2)).toThrow(/holds more than 12 JSON values/);
  });
});

/** A realistic npm 6 dependency tree of `nodes` nodes, made of a real lockfile's nodes under new names. */
function bigTree(nodes: number): string {
  const lock = JSON.parse(readFileSync(join(FIXTURES, 'vuln-direct-npm-v1', 'package-lock.json'), 'utf8'));
  const sample = Object.values(lock.dependencies as Record<string, Record<string, unknown>>).map(
    ({ dependencies: _, ...node }) => node,
  );
  const dependencies: Record<string, unknown> = {};
  for (let i = 0; i < nodes; i++) dependencies[`package-${i}`] = sample[i % sample.length];
  return JSON.stringify({ name: 'big', version: '1.0.0', requires: {}, dependencies });
}

describe('body limits per route', () => {
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, close } = await testApp('sqlite', { seed: false }));
  });
  afterAll(() => close());

  /** A 413 E_BODY_TOO_LARGE whose message names the limit; the server keeps answering. */
  async function tooLarge(req: InjectOptions, message: RegExp) {
    const res = await app.inject(req);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
    expect(res.json()).toMatchObject({ code: 'E_BODY_TOO_LARGE', message: expect.stringMatching(message) });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  }

  it('answers the largest batch a client can send, compact or pretty-printed', async () => {
    // every field at its maxLength: a purl, a version and a page token (a name and a purl together are refused)
    const query = {
      package: { purl: `pkg:npm/${'a'.repeat(1016)}` },
      version: `1.0.0-${'b'.repeat(250)}`,
      page_token: Buffer.from('c'.repeat(768)).toString('base64url'),
    };
    const queries = Array.from({ length: 1000 }, () => query);
    for (const payload of [JSON.stringify({ queries }), JSON.stringify({ queries }, null, 2)]) {
      const res = await app.inject({ method: 'POST', url: '/v1/querybatch', headers: json, payload });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.json().results).toHaveLength(1000);
    }
  });

  it('refuses tiny values past a route’s value limit with 413 before parsing, within its byte limit', async () => {
    const empties = (n: number) => Array.from({ length: n }, () => '{}').join(',');
    await tooLarge(
      { method: 'POST', url: '/v1/querybatch', headers: json, payload: `{"queries":[${empties(40_000)}]}` },
      /holds more than 30006 JSON values \(the limit of this route, sized for 1000 queries\)/,
    );
    await tooLarge(
      {
        method: 'POST',
        url: '/v1/query',
        headers: json,
        payload: `{"package":{"name":"a","ecosystem":"npm"},"extra":[${empties(20_000)}]}`,
      },
      /holds more than 10000 JSON values \(the limit of this route\)/,
    );
    await tooLarge(
      { method: 'POST', url: '/api/reports', headers: json, payload: `{"references":[${empties(20_000)}]}` },
      /holds more than 10000 JSON values/,
    );
    const names = Array.from({ length: 110_000 }, (_, i) => `"p${i}":[]`).join(',');
    await tooLarge(
      { method: 'POST', url: '/-/npm/v1/security/advisories/bulk', headers: json, payload: `{${names}}` },
      /holds more than 200000 JSON values \(the limit of this route, sized for 50000 package names\)/,
    );
    const nodes = Array.from({ length: 210_000 }, (_, i) => `"p${i}":{}`).join(',');
    await tooLarge(
      {
        method: 'POST',
        url: '/-/npm/v1/security/audits/quick',
        headers: json,
        payload: `{"dependencies":{${nodes}}}`,
      },
      /holds more than 400000 JSON values \(the limit of this route, sized for 25000 dependency tree nodes\)/,
    );
  });

  it('takes npm bodies of the size its limits are sized for', async () => {
    const bulk = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, i) => [
        i % 4 ? `some-package-${i}` : `@scope-${i % 90}/package-${i}`,
        i % 4 ? ['1.2.3'] : ['1.2.3', '2.0.0-beta.1'],
      ]),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      headers: { ...json, 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(bulk)),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const tree = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/audits/quick',
      headers: json,
      payload: bigTree(25_000),
    });
    expect(tree.statusCode, tree.body.slice(0, 300)).toBe(200);
    expect(tree.json().metadata.totalDependencies).toBe(25_000);
    await tooLarge(
      { method: 'POST', url: '/-/npm/v1/security/audits/quick', headers: json, payload: bigTree(25_001) },
      /the dependency tree has more than 25000 nodes/,
    );
  });

  it('checks a declared size first: 413 before the credentials are looked at', async () => {
    const payload = Buffer.alloc(1024 * 1024 + 1, 0x20);
    await tooLarge(
      {
        method: 'POST',
        url: '/api/reports',
        headers: { ...json, authorization: 'Bearer nswg_not-a-real-token-at-all' },
        payload,
      },
      /the request body is larger than 1048576 bytes \(the limit of this route\)/,
    );
    const small = await app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { ...json, authorization: 'Bearer nswg_not-a-real-token-at-all' },
      payload: '{}',
    });
    expect(small.statusCode).toBe(401);
  });

  it('bounds the JSON and the forms that page routes are sent', async () => {
    // a page route takes forms; JSON sent to it is read by the app's bounded parser, not Fastify's own
    const values = Array.from({ length: 20_000 }, () => '0').join(',');
    const res = await app.inject({
      method: 'POST',
      url: '/disclosure/login',
      headers: json,
      payload: `[${values}]`,
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toMatch(/more than 10000 JSON values/);
    const form = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=x`).join('&');
    const many = await app.inject({
      method: 'POST',
      url: '/disclosure/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(1001),
    });
    expect(many.statusCode).toBe(413);
    expect(many.body).toMatch(/the form has more than 1000 fields/);
    const enough = await app.inject({
      method: 'POST',
      url: '/disclosure/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(1000),
    });
    // read, then refused for its missing CSRF token
    expect(enough.statusCode).toBe(403);
    const large = await app.inject({
      method: 'POST',
      url: '/disclosure/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `a=${'x'.repeat(1024 * 1024)}`,
    });
    expect(large.statusCode).toBe(413);
  });
});
