import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOsv } from '../../../src/advisories/index.js';
import type { App } from '../../../src/server/index.js';
import type { Store } from '../../../src/store/index.js';
import { satisfies } from '../../../src/versions/index.js';
import { testEngines } from '../../helpers/db.js';
import { npmAdvisory, storeOf, testApp } from '../../helpers/server.js';
import { wgCore, wgNpm } from '../../helpers/shared.js';

/** The Working Group's npm advisories for a package version, by npm's own decision (the oracle). */
const wgFor = (name: string, version: string) =>
  wgNpm()
    .filter((a) => a.module_name === name && satisfies(version, a.vulnerable_versions as string))
    .map((a) => `x_NSWG-ECO-${a.id}`)
    .sort();

/** Core advisories for a Node.js version as is-my-node-vulnerable decides: vulnerable and not patched. */
const coreFor = (version: string) =>
  wgCore()
    .filter(
      (a) =>
        satisfies(version, a.vulnerable as string) && !(a.patched && satisfies(version, a.patched as string)),
    )
    .map((a) => `x_NSWG-COR-${a.id}`)
    .sort();

const PAGING = 'nswg-paging-test';
/** 1,005 advisories of one package: three /v1/query pages (100 each), two /v1/querybatch pages (1,000). */
const paging = Array.from({ length: 1005 }, (_, i) =>
  npmAdvisory(`GHSA-page-${String(i).padStart(4, '0')}-test`, PAGING, '<2.0.0'),
);

describe.each(await testEngines())('the OSV API on %s', (engine) => {
  let app: App;
  let store: Store;
  let close: () => Promise<void>;
  let target: Parameters<typeof storeOf>[0];

  beforeAll(async () => {
    const t = await testApp(engine);
    ({ app, store, close } = t);
    target = t.db.target;
    await store.advisories.import([
      ...paging,
      npmAdvisory('GHSA-scop-ed00-test', '@nswg-test/scoped', '>=1.0.0 <1.2.0', {
        aliases: ['CVE-2099-0001'],
      }),
      npmAdvisory('GHSA-node-pkg0-test', 'node', '<1.0.0'),
      npmAdvisory('GHSA-with-draw-test', 'nswg-withdrawn-test', '*', { withdrawn: '2026-02-01T00:00:00Z' }),
    ]);
  });
  afterAll(() => close());

  const query = (payload: object) => app.inject({ method: 'POST', url: '/v1/query', payload });
  const ids = (body: { vulns: { id: string }[] }) => body.vulns.map((v) => v.id).sort();

  it('answers a package version with the full OSV records of exactly the advisories npm would report', async () => {
    for (const [name, version] of [
      ['lodash', '4.17.4'],
      ['lodash', '4.17.21'],
      ['express', '4.4.5'],
      ['jquery', '1.8.3'],
      ['electron', '3.0.0-beta.3'],
    ] as const) {
      const res = await query({ package: { name, ecosystem: 'npm' }, version });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(ids(res.json()), `${name}@${version}`).toEqual(wgFor(name, version));
    }
    const lodash = (await query({ package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' })).json();
    expect(lodash.vulns.length).toBeGreaterThan(1);
    for (const v of lodash.vulns) {
      const stored = await store.advisories.get(v.id.slice(2));
      expect(v).toEqual(JSON.parse(JSON.stringify(toOsv(stored!))));
    }
  });

  it('reads a package URL, scoped names included, and refuses a version given twice', async () => {
    const byPurl = (await query({ package: { purl: 'pkg:npm/lodash@4.17.4' } })).json();
    expect(ids(byPurl)).toEqual(wgFor('lodash', '4.17.4'));
    const scoped = (await query({ package: { purl: 'pkg:npm/%40nswg-test/scoped@1.1.0' } })).json();
    expect(ids(scoped)).toEqual(['GHSA-scop-ed00-test']);
    expect(ids((await query({ package: { purl: 'pkg:npm/%40nswg-test/scoped@1.2.0' } })).json())).toEqual([]);
    const twice = await query({ package: { purl: 'pkg:npm/lodash@4.17.4' }, version: '4.17.4' });
    expect(twice.statusCode).toBe(400);
    expect(twice.json()).toMatchObject({ code: 'E_REQUEST_INVALID', field: 'body.version' });
    const pypi = await query({ package: { purl: 'pkg:pypi/django@1.0' } });
    expect(pypi.statusCode).toBe(400);
    expect(pypi.json().message).toMatch(/unknown package URL type "pypi"/);
  });

  it('keeps Node.js core apart from the npm package named "node"', async () => {
    const npmNode = (await query({ package: { name: 'node', ecosystem: 'npm' }, version: '0.5.0' })).json();
    expect(ids(npmNode)).toEqual(['GHSA-node-pkg0-test']);
    const npmNode8 = (await query({ package: { name: 'node', ecosystem: 'npm' }, version: '8.0.0' })).json();
    expect(npmNode8.vulns).toEqual([]);
    for (const version of ['8.0.0', '14.15.0', '18.0.0', '20.11.0']) {
      const core = (
        await query({ package: { name: 'https://github.com/nodejs/node', ecosystem: 'GIT' }, version })
      ).json();
      expect(ids(core), version).toEqual(coreFor(version));
      expect(core.vulns.length, version).toBeGreaterThan(0);
      const purl = (await query({ package: { purl: `pkg:github/nodejs/node@v${version}` } })).json();
      expect(ids(purl)).toEqual(coreFor(version));
    }
    const otherRepo = await query({
      package: { name: 'https://github.com/expressjs/express', ecosystem: 'GIT' },
      version: '4.0.0',
    });
    expect(otherRepo.json()).toEqual({ vulns: [] });
  });

  it('refuses what it cannot answer with 400 and a message that says why', async () => {
    const cases: [object, string, RegExp][] = [
      [
        { commit: '6879efc2c1596d11a6a6ad296f80063b558d5e0f' },
        'body.commit',
        /commit queries are not supported/,
      ],
      [
        { package: { name: 'django', ecosystem: 'PyPI' }, version: '1.0' },
        'body.package.ecosystem',
        /unknown ecosystem "PyPI".*"npm"/,
      ],
      [{ package: { name: 'lodash' }, version: '1.0.0' }, 'body.package.ecosystem', /needs an ecosystem/],
      [{ version: '1.0.0' }, 'body.package', /needs a package/],
      [
        { package: { name: 'lodash', ecosystem: 'npm' }, page_token: 'not a token!' },
        'body.page_token',
        /page token/,
      ],
    ];
    for (const [payload, field, message] of cases) {
      const res = await query(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'E_REQUEST_INVALID', field });
      expect(res.json().message).toMatch(message);
    }
  });

  it('pages long answers with page_token (100 full records a page)', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const body = (
        await query({
          package: { name: PAGING, ecosystem: 'npm' },
          version: '1.0.0',
          ...(token ? { page_token: token } : {}),
        })
      ).json();
      sizes.push(body.vulns.length);
      seen.push(...body.vulns.map((v: { id: string }) => v.id));
      token = body.next_page_token;
    } while (token);
    expect(sizes).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 5]);
    expect(seen).toEqual(paging.map((a) => a.id));
    // no version: every advisory of the package, paged the same way; withdrawn ones are left out
    expect((await query({ package: { name: PAGING, ecosystem: 'npm' } })).json().vulns).toHaveLength(100);
    expect(
      (await query({ package: { name: 'nswg-withdrawn-test', ecosystem: 'npm' }, version: '1.0.0' })).json()
        .vulns,
    ).toEqual([]);
    expect((await query({ package: { name: PAGING, ecosystem: 'npm' }, version: '2.0.0' })).json()).toEqual({
      vulns: [],
    });
  });

  it('answers /v1/querybatch in order, with ids and modified dates only, paged per query', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/querybatch',
      payload: {
        queries: [
          { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' },
          { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.21' },
          { package: { purl: 'pkg:npm/express@4.4.5' } },
          { package: { name: PAGING, ecosystem: 'npm' }, version: '1.0.0' },
          { package: { name: 'https://github.com/nodejs/node', ecosystem: 'GIT' }, version: '18.0.0' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results).toHaveLength(5);
    expect(ids(results[0])).toEqual(wgFor('lodash', '4.17.4'));
    expect(results[1]).toEqual({ vulns: [] });
    expect(ids(results[2])).toEqual(wgFor('express', '4.4.5'));
    expect(ids(results[4])).toEqual(coreFor('18.0.0'));
    for (const v of results[0].vulns) expect(Object.keys(v).sort()).toEqual(['id', 'modified']);
    expect(results[0].vulns[0].modified).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(results[3].vulns).toHaveLength(1000);
    expect(results[3].next_page_token).toEqual(expect.any(String));
    const rest = await app.inject({
      method: 'POST',
      url: '/v1/querybatch',
      payload: {
        queries: [
          {
            package: { name: PAGING, ecosystem: 'npm' },
            version: '1.0.0',
            page_token: results[3].next_page_token,
          },
        ],
      },
    });
    expect(rest.json().results[0].vulns.map((v: { id: string }) => v.id)).toEqual(
      paging.slice(1000).map((a) => a.id),
    );
    expect(rest.json().results[0].next_page_token).toBeUndefined();
  });

  it('gives one advisory by id, by OSV id and by CVE alias; 404 with a message otherwise', async () => {
    const a = (await app.inject({ url: '/v1/vulns/NSWG-ECO-368' })).json();
    expect(a.id).toBe('x_NSWG-ECO-368');
    expect(a).toEqual(JSON.parse(JSON.stringify(toOsv((await store.advisories.get('NSWG-ECO-368'))!))));
    expect((await app.inject({ url: '/v1/vulns/x_NSWG-ECO-368' })).json()).toEqual(a);
    expect((await app.inject({ url: '/v1/vulns/CVE-2018-3721' })).json()).toEqual(a);
    // one id in every spelling people and tools write it
    for (const spelling of ['nswg-eco-368', 'x_nswg-eco-368', 'X_NSWG-ECO-368', 'cve-2018-3721'])
      expect((await app.inject({ url: `/v1/vulns/${spelling}` })).json(), spelling).toEqual(a);
    expect((await app.inject({ url: '/v1/vulns/x_NSWG-COR-1' })).json().affected[0].package).toEqual({
      ecosystem: 'GIT',
      name: 'https://github.com/nodejs/node',
      purl: 'pkg:github/nodejs/node',
    });
    expect((await app.inject({ url: '/v1/vulns/GHSA-with-draw-test' })).json().withdrawn).toBe(
      '2026-02-01T00:00:00Z',
    );
    const missing = await app.inject({ url: '/v1/vulns/NSWG-ECO-999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining('NSWG-ECO-999999'),
    });
  });

  it("answers a query asked again from memory with the same bytes, and never with another query's answer", async () => {
    const q = { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.4' };
    const first = await query(q);
    const again = await query(q);
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.body).toBe(first.body);
    expect(ids(again.json())).toEqual(wgFor('lodash', '4.17.4'));
    // kept answers are found by every part of the query, each part apart: asked first, the query
    // whose name and version run together into the same text must not answer the other
    await store.advisories.import([npmAdvisory('GHSA-keys-0001-test', 'nswg key test', '<2.0.0')]);
    const split = await query({ package: { name: 'nswg key', ecosystem: 'npm' }, version: 'test 1.0.0' });
    expect(split.statusCode).toBe(200);
    expect(ids(split.json())).toEqual([]);
    expect(
      ids((await query({ package: { name: 'nswg key test', ecosystem: 'npm' }, version: '1.0.0' })).json()),
    ).toEqual(['GHSA-keys-0001-test']);
    // and a page token is part of the query
    const paged = await query({ package: { name: PAGING, ecosystem: 'npm' }, version: '1.0.0' });
    const token = paged.json().next_page_token as string;
    const second = await query({
      package: { name: PAGING, ecosystem: 'npm' },
      version: '1.0.0',
      page_token: token,
    });
    expect(second.json().vulns[0].id).not.toBe(paged.json().vulns[0].id);
  });

  it('sees imports at once, from this process or another connection (the caches follow the data)', async () => {
    const ask = async () =>
      ids((await query({ package: { name: 'nswg-late-test', ecosystem: 'npm' }, version: '1.0.0' })).json());
    expect(await ask()).toEqual([]);
    await store.advisories.import([npmAdvisory('GHSA-late-0001-test', 'nswg-late-test', '<2.0.0')]);
    expect(await ask()).toEqual(['GHSA-late-0001-test']);
    const other = await storeOf(target);
    try {
      await other.advisories.import([
        npmAdvisory('GHSA-late-0002-test', 'nswg-late-test', '<2.0.0'),
        npmAdvisory('GHSA-late-0001-test', 'nswg-late-test', '<1.0.0', { modified: '2026-03-01T00:00:00Z' }),
      ]);
    } finally {
      await other.close();
    }
    expect(await ask()).toEqual(['GHSA-late-0002-test']);
    expect((await app.inject({ url: '/v1/vulns/GHSA-late-0001-test' })).json().modified).toBe(
      '2026-03-01T00:00:00Z',
    );
  });
});
