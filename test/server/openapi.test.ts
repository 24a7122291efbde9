import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/index.js';
import { haveChromium, launchChromium } from '../helpers/browser.js';
import { npmAdvisory, testApp } from '../helpers/server.js';

/** Every JSON API route: method, OpenAPI path, and whether it takes a JSON body. */
const JSON_ROUTES: [string, string, boolean][] = [
  ['post', '/-/npm/v1/security/advisories/bulk', true],
  ['post', '/-/npm/v1/security/audits', true],
  ['post', '/-/npm/v1/security/audits/quick', true],
  ['post', '/v1/query', true],
  ['post', '/v1/querybatch', true],
  ['get', '/v1/vulns/{id}', false],
  ['get', '/healthz', false],
  ['get', '/cve/{file}', false],
  ['get', '/vex/node.openvex.json', false],
  ['get', '/.well-known/csaf/provider-metadata.json', false],
  ['get', '/.well-known/csaf/white/{year}/{file}', false],
];

describe('the OpenAPI document and the docs page', () => {
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, close } = await testApp('sqlite', { seed: false }));
  });
  afterAll(() => close());

  it('describes every JSON route with its request and response schemas', async () => {
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const [method, path, body] of JSON_ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.responses['200'].content['application/json'].schema, `${method} ${path}`).toMatchObject({
        type: 'object',
      });
      if (body)
        expect(op.requestBody.content['application/json'].schema, `${method} ${path}`).toMatchObject({
          type: 'object',
        });
      if (path.startsWith('/v1') || path.startsWith('/-/'))
        expect(op.responses['400'], `${method} ${path}`).toBeDefined();
    }
    expect(
      doc.paths['/v1/querybatch'].post.requestBody.content['application/json'].schema.properties.queries
        .maxItems,
    ).toBe(1000);
    for (const path of [
      '/v1/export/{kind}/all.zip',
      '/v1/export/{kind}/modified_id.csv',
      '/v1/export/nswg.zip',
      '/feed.atom',
      '/.well-known/csaf/white/index.txt',
      '/.well-known/csaf/white/changes.csv',
      '/{name}',
    ]) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
  });

  it('serves the docs page and its files under the strict CSP, with no inline script', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.filter((a) => a.endsWith('.js'))).toHaveLength(3);
    for (const a of assets) {
      const res = await app.inject({ url: new URL(a, 'http://x/docs/').pathname });
      expect(res.statusCode, a).toBe(200);
      expect(res.headers['content-security-policy'], a).toBe(csp);
    }
    expect((await app.inject({ url: '/docs/json' })).json().paths['/v1/query']).toBeDefined();
  });
});

describe.skipIf(!haveChromium && !process.env.CI)('the docs page and the feed in headless Chromium', () => {
  let app: App;
  let close: () => Promise<void>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const t = await testApp('sqlite');
    ({ app, close } = t);
    // text that would break a feed written without escaping: it must still parse, and read back as written
    await t.store.advisories.import([
      npmAdvisory('GHSA-xml0-nast-test', 'nswg-<feed>&"test"', '<1.0.0', {
        title: `</title><script>alert("x")</script> & 'q'`,
        published: '2030-01-01T00:00:00Z',
      }),
    ]);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await close();
  });

  // a bound on a slow machine, not a timing assertion: Swagger UI renders every operation at start-up
  it('renders Swagger UI with every operation and no CSP violation', { timeout: 90_000 }, async () => {
    const context = await browser.newContext();
    const trouble: string[] = [];
    await context.exposeBinding('__report', (_src, v: string) => trouble.push(v));
    await context.addInitScript(
      `document.addEventListener('securitypolicyviolation', (e) => window.__report('csp ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')));`,
    );
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && trouble.push(`console ${m.text()}`));
    page.on('pageerror', (e) => trouble.push(`pageerror ${e.message}`));
    const res = await page.goto(`${base}/docs/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.opblock-summary-path', { timeout: 60_000 });
    const paths = await page.$$eval('.opblock-summary-path', (els) =>
      els.map((e) => e.getAttribute('data-path')),
    );
    for (const p of ['/v1/query', '/v1/querybatch', '/-/npm/v1/security/advisories/bulk', '/v1/vulns/{id}'])
      expect(paths).toContain(p);
    expect(trouble).toEqual([]);
    // the page actually did something: its script ran and its stylesheet applied
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('.swagger-ui .info .title')).fontSize`),
    ).not.toBe('');
    // the way back to the site: a link Swagger UI renders from the document's description
    const back = page.locator('.swagger-ui .info .description a', {
      hasText: 'The advisory database’s pages',
    });
    expect(await back.getAttribute('href')).toBe('/');
    // (Swagger UI opens description links in a new tab: follow the address instead)
    await page.goto(new URL('/', page.url()).href);
    expect(await page.title()).toContain('Advisories');
    await context.close();
  });

  it('serves a feed that a real XML parser accepts', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/healthz`);
    const result = (await page.evaluate(`fetch('/feed.atom').then((r) => r.text()).then((t) => {
      const doc = new DOMParser().parseFromString(t, 'application/xml');
      const entries = doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry');
      return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.namespaceURI, entries: entries.length, title: entries[0].getElementsByTagName('title')[0].textContent };
    })`)) as { error: number; root: string; entries: number; title: string };
    expect(result).toEqual({
      error: 0,
      root: 'http://www.w3.org/2005/Atom',
      entries: 50,
      title: `GHSA-xml0-nast-test: </title><script>alert("x")</script> & 'q'`,
    });
    await page.close();
  });
});
