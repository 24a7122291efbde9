import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/server/index.js';
import { securityHeaders } from '../../src/server/security-headers.js';
import { testApp } from '../helpers/server.js';

/** Every answer carries the same strict headers: pages, API answers, errors and unknown paths alike. */
describe('security headers', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let secure: Awaited<ReturnType<typeof testApp>>;

  beforeAll(async () => {
    t = await testApp('sqlite', { seed: false });
    secure = await testApp('sqlite', { seed: false, config: { secureCookies: true } });
  });
  afterAll(async () => {
    await t?.close();
    await secure?.close();
  });

  const answers = (app: typeof t.app) =>
    Promise.all([
      app.inject({ url: '/' }),
      app.inject({ url: '/no/such/page' }),
      app.inject({ method: 'POST', url: '/v1/query', payload: { package: { name: 'x', ecosystem: 'npm' } } }),
      // an error: a body the schema refuses
      app.inject({ method: 'POST', url: '/v1/query', payload: { package: 42 } }),
      app.inject({ url: '/healthz' }),
    ]);

  it('are the same on every answer, and what helmet sets with the site policy', async () => {
    const want = securityHeaders({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      crossOriginEmbedderPolicy: false,
      hsts: false,
    });
    expect(want['content-security-policy']).toContain("default-src 'self'");
    expect(want['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(want['x-content-type-options']).toBe('nosniff');
    expect(want['strict-transport-security']).toBeUndefined();
    const got = await answers(t.app);
    expect(got.map((r) => r.statusCode)).toEqual([200, 404, 200, 400, 200]);
    for (const r of got)
      for (const [name, value] of Object.entries(want)) expect(r.headers[name], name).toBe(value);
  });

  it('add HSTS when the site is served over HTTPS (secure cookies)', async () => {
    for (const r of await answers(secure.app))
      expect(r.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
  });
});
