import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNswgCore, type OpenVexDocument } from '../../../src/advisories/index.js';
import { buildApp, serverConfig } from '../../../src/server/index.js';
import { openStore } from '../../../src/store/index.js';
import { freshDb, testEngines } from '../../helpers/db.js';
import { vexSchemaErrors } from '../../helpers/openvex.js';
import { PUBLIC_URL, testApp } from '../../helpers/server.js';

const URL = '/vex/node.openvex.json';

describe.each(await testEngines())('GET /vex/node.openvex.json on %s', (engine) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp(engine);
  });
  afterAll(() => t.close());

  it('serves OpenVEX 0.2.0 for every seeded core advisory and the shipped dependency list', async () => {
    const res = await t.app.inject({ url: URL });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = res.json() as OpenVexDocument;
    expect(vexSchemaErrors(doc)).toEqual([]);
    expect(doc['@id']).toBe(`${PUBLIC_URL}${URL}`);
    // the seeded data and the list are of the same snapshot: its date, not the time of the request
    expect(doc.timestamp).toBe('2026-04-08T21:26:49Z');
    expect(doc.version).toBe(Date.parse('2026-04-08T21:26:49Z') / 1000);
    expect(doc.statements.filter((s) => s.status === 'fixed')).toHaveLength(185);
    expect(doc.statements.filter((s) => s.status === 'not_affected')).toHaveLength(11);
    const s = doc.statements.find((x) => x.vulnerability.name === 'CVE-2024-22019')!;
    expect(s.products.map((p) => p['@id'])).toEqual([
      'pkg:nodejs/node@v18.19.1',
      'pkg:nodejs/node@v20.11.1',
      'pkg:nodejs/node@v21.6.2',
    ]);
    // an advisory without a CVE points at its page on this server
    const own = doc.statements.find((x) => x.vulnerability.name === 'NSWG-COR-9')!;
    expect(own.vulnerability['@id']).toBe(`${PUBLIC_URL}/advisories/NSWG-COR-9`);
  });

  it('answers HEAD with the headers alone', async () => {
    const get = await t.app.inject({ url: URL });
    const head = await t.app.inject({ method: 'HEAD', url: URL });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('is cached a minute, revalidated by its ETag, which moves with the data', async () => {
    const first = await t.app.inject({ url: URL });
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect((await t.app.inject({ url: URL })).body).toBe(first.body);
    const notModified = await t.app.inject({ url: URL, headers: { 'if-none-match': etag } });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');

    const added = fromNswgCore(
      {
        cve: ['CVE-2030-0001'],
        vulnerable: '30.x',
        affectedEnvironments: ['all'],
        severity: 'high',
        patched: '^30.1.2',
        description: 'A test advisory',
        overview: 'Something in Node.js 30.',
      } as never,
      9001,
      '2030-01-01T00:00:00Z',
    );
    await t.store.advisories.import([added]);
    const after = await t.app.inject({ url: URL, headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    const doc = after.json() as OpenVexDocument;
    expect(vexSchemaErrors(doc)).toEqual([]);
    expect(doc.timestamp).toBe('2030-01-01T00:00:00Z');
    expect(doc.version).toBeGreaterThan((first.json() as OpenVexDocument).version);
    expect(doc.statements.find((s) => s.vulnerability.name === 'CVE-2030-0001')).toEqual({
      vulnerability: {
        '@id': 'https://www.cve.org/CVERecord?id=CVE-2030-0001',
        name: 'CVE-2030-0001',
        description: 'Something in Node.js 30.',
      },
      products: [{ '@id': 'pkg:nodejs/node@v30.1.2' }],
      status: 'fixed',
    });
  });
});

describe('GET /vex/node.openvex.json with nothing to state', () => {
  it('answers 404 rather than a document OpenVEX would refuse', async () => {
    const db = await freshDb('sqlite');
    const store = await openStore(db.target, { mode: 'create' });
    const app = await buildApp({
      store,
      config: serverConfig({ logLevel: 'silent', rateLimit: null, publicUrl: PUBLIC_URL }),
      clock: { now: () => new Date('2026-05-01T00:00:00Z') },
      vexDependencies: { list: [], modified: null },
    });
    try {
      const res = await app.inject({ url: URL });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'E_NOT_FOUND' });
      expect(res.headers['cache-control']).toBe('no-store');
    } finally {
      await app.close();
      await store.close();
      await db.drop();
    }
  });
});
