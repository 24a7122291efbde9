// The badge and the policy pages: GET /badge/{package}.svg (scoped names too) in shields.io's flat
// shape linking to the package's policy page, every name escaped, bad names refused; /policy and
// /policy/{package} giving the Markdown and SECURITY.md; and none of them shows anything of a private
// report about the package.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSecurityPolicy } from '../../../src/disclosure/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { makeWorld, submit, type World } from '../../disclosure/store-setup.js';

const PUBLIC_URL = 'https://nswg.example';
const MARKERS = ['PRIVATE-TITLE-5d1e', 'PRIVATE-POC-a7c2', 'PRIVATE-DESC-93bb'];

describe('the badge and the policy pages', () => {
  let w: World;
  let app: App;

  beforeAll(async () => {
    w = await makeWorld('sqlite', undefined, { cveIds: 0 });
    // a private report about the very package the pages are for
    await submit(w, w.users.reporter, {
      packageName: '@acme/widget',
      title: `Path traversal ${MARKERS[0]}`,
      reproduction: `curl http://localhost:3000/..%2f..%2fetc/passwd ${MARKERS[1]}`,
      description: `The description ${MARKERS[2]} in more than enough words to pass.`,
    });
    app = await buildApp({
      store: w.store,
      clock: w.clock,
      config: serverConfig({
        logLevel: 'silent',
        rateLimit: null,
        publicUrl: PUBLIC_URL,
        securityContacts: ['mailto:security@nswg.example'],
      }),
      disclosure: { schedulerIntervalMs: null },
    });
  });
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('draws the badge for a package, linking to its policy page', async () => {
    const res = await app.inject({ url: '/badge/left-pad.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const svg = res.body;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<title>Security: Responsible Disclosure</title>');
    expect(svg).toContain(`href="${PUBLIC_URL}/policy/left-pad"`);
    // the flat shape: rounded clip, two rectangles, the gradient, each text with its shadow
    expect(svg).toMatch(/<clipPath id="r"><rect width="(\d+)" height="20" rx="3"/);
    expect(svg.match(/>Security<\/text>/g)).toHaveLength(2);
    expect(svg.match(/>Responsible Disclosure<\/text>/g)).toHaveLength(2);
    const [, left, right] = /<rect width="(\d+)" height="20" fill="#555"\/><rect x="\d+" width="(\d+)"/.exec(
      svg,
    )!;
    const total = Number(/ width="(\d+)" height="20" role="img"/.exec(svg)![1]);
    expect(Number(left) + Number(right)).toBe(total);
    // the longer text gets the wider half
    expect(Number(right)).toBeGreaterThan(2 * Number(left));
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });

  it("draws a scoped package's badge at /badge/@scope/name.svg", async () => {
    const res = await app.inject({ url: '/badge/@acme/widget.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="${PUBLIC_URL}/policy/@acme/widget"`);
    expect(res.body).toContain('<desc>@acme/widget takes part');
  });

  it('escapes a name with the characters npm allows in old names', async () => {
    const res = await app.inject({ url: "/badge/it's(ok)!.svg" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<desc>it&apos;s(ok)! takes part');
    expect(res.body).toContain(`href="${PUBLIC_URL}/policy/it%27s%28ok%29%21"`);
    expect(res.body).not.toContain("it's");
  });

  it('refuses names npm refuses (400) and paths that are no badge (404)', async () => {
    for (const url of [
      '/badge/%3Cscript%3E.svg',
      '/badge/.hidden.svg',
      '/badge/@acme/%20x.svg',
      '/badge/node_modules.svg',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'E_REQUEST_INVALID',
        message: expect.stringMatching(/^not an npm package name/),
      });
      expect(res.body).not.toContain('<script');
    }
    for (const url of ['/badge/left-pad.png', '/badge/acme/widget.svg', '/badge/left-pad']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('E_NOT_FOUND');
    }
  });

  it("gives a package's page: how to report, the badge's Markdown, SECURITY.md to copy or download", async () => {
    const res = await app.inject({ url: '/policy/@acme/widget' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('href="/disclosure/reports/new?package=%40acme%2Fwidget"');
    expect(res.body).toContain(
      `[![Security: Responsible Disclosure](${PUBLIC_URL}/badge/@acme/widget.svg)](${PUBLIC_URL}/policy/@acme/widget)`,
    );
    expect(res.body).toContain('<img src="/badge/@acme/widget.svg"');
    const md = await app.inject({ url: '/policy/@acme/widget?format=md' });
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.headers['content-disposition']).toBe('attachment; filename="SECURITY.md"');
    expect(scoreSecurityPolicy(md.body).score).toBe(10);
    expect(md.body).toContain('<security@nswg.example>');
    expect(md.body).toContain(`<${PUBLIC_URL}/disclosure/reports/new?package=%40acme%2Fwidget>`);
  });

  it('has a policy page whose form leads to a package, refusing a bad name', async () => {
    const page = await app.inject({ url: '/policy' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/within 2 business days/);
    expect(page.body).toMatch(/45 days after triage/);
    const go = await app.inject({ url: '/policy?package=@acme/widget' });
    expect(go.statusCode).toBe(302);
    expect(go.headers.location).toBe('/policy/@acme/widget');
    const bad = await app.inject({ url: '/policy?package=%3Cb%3Ebad' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="&lt;b&gt;bad"');
    expect(bad.body).not.toContain('<b>bad');
    expect((await app.inject({ url: '/policy/acme/widget' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/policy/.x' })).statusCode).toBe(400);
  });

  it('shows nothing of a private report about the package', async () => {
    for (const url of [
      '/policy',
      '/policy/@acme/widget',
      '/policy/@acme/widget?format=md',
      '/badge/@acme/widget.svg',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      for (const m of MARKERS) expect(res.body, `${url} shows ${m}`).not.toContain(m);
      expect(res.body).not.toMatch(/Path traversal|reporter@example\.org/);
    }
  });
});
