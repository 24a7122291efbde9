// GET /.well-known/security.txt: made from the configuration and the clock, it passes the RFC 9116
// checker that `nswg policy check` uses, and always expires less than a year ahead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSecurityTxt, ManualClock } from '../../../src/disclosure/index.js';
import { type App, buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { freshDb, type TestDb } from '../../helpers/db.js';

const PUBLIC_URL = 'https://nswg.example';
const CANONICAL = `${PUBLIC_URL}/.well-known/security.txt`;

describe('GET /.well-known/security.txt', () => {
  let tdb: TestDb;
  let store: Store;
  let app: App;
  const clock = new ManualClock('2026-12-30T23:00:00Z');

  beforeAll(async () => {
    tdb = await freshDb('sqlite');
    store = await openStore(tdb.target, { mode: 'create' });
    app = await buildApp({
      store,
      clock,
      config: serverConfig({
        logLevel: 'silent',
        rateLimit: null,
        publicUrl: PUBLIC_URL,
        securityContacts: ['mailto:security@nswg.example', 'https://nswg.example/contact'],
      }),
      disclosure: { schedulerIntervalMs: null },
    });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await tdb?.drop();
  });

  it('passes the RFC 9116 check, with every field the program promises', async () => {
    const res = await app.inject({ url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const c = checkSecurityTxt(res.body, {
      now: clock.now(),
      url: CANONICAL,
      contentType: String(res.headers['content-type']),
    });
    expect(c.problems).toEqual([]);
    const values = (name: string) => c.fields.filter((f) => f.name === name).map((f) => f.value);
    expect(values('contact')).toEqual([
      'mailto:security@nswg.example',
      'https://nswg.example/contact',
      `${PUBLIC_URL}/disclosure/reports/new`,
    ]);
    expect(values('policy')).toEqual([`${PUBLIC_URL}/policy`]);
    expect(values('acknowledgments')).toEqual([`${PUBLIC_URL}/disclosure/hall-of-fame`]);
    expect(values('preferred-languages')).toEqual(['en']);
    expect(values('canonical')).toEqual([CANONICAL]);
  });

  it('expires less than a year after the clock, moving with it', async () => {
    for (const at of ['2026-12-30T23:00:00Z', '2028-02-29T12:00:00Z']) {
      clock.set(at);
      const now = new Date(at);
      const c = checkSecurityTxt((await app.inject({ url: '/.well-known/security.txt' })).body, {
        now,
        url: CANONICAL,
      });
      expect(c.problems, at).toEqual([]);
      const ahead = c.expires!.getTime() - now.getTime();
      expect(ahead).toBeGreaterThan(0);
      expect(ahead).toBeLessThan(365 * 86_400_000);
      // and a checker a year later finds it expired
      const later = new Date(now.getTime() + 366 * 86_400_000);
      expect(
        checkSecurityTxt((await app.inject({ url: '/.well-known/security.txt' })).body, { now: later })
          .problems,
      ).toEqual([expect.objectContaining({ field: 'Expires', message: expect.stringMatching(/^expired/) })]);
    }
  });

  it('sends the legacy /security.txt to /.well-known/', async () => {
    const res = await app.inject({ url: '/security.txt' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/.well-known/security.txt');
  });
});
