import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkIdOf, fromOsv, type OsvRecord, severityOfScore } from '../../../src/advisories/index.js';
import type { App } from '../../../src/server/index.js';
import { satisfies } from '../../../src/versions/index.js';
import { testEngines } from '../../helpers/db.js';
import { OSV_SAMPLE } from '../../helpers/osv-folder.js';
import { npmAdvisory, PUBLIC_URL, testApp } from '../../helpers/server.js';
import { wgNpm } from '../../helpers/shared.js';

/** The bulk answer npm's registry gives, built from the Working Group's files (the oracle): matching advisories only. */
function expectedBulk(request: Record<string, string[]>) {
  const out: Record<string, unknown[]> = {};
  for (const [name, versions] of Object.entries(request)) {
    const list = wgNpm()
      .filter(
        (a) => a.module_name === name && versions.some((v) => satisfies(v, a.vulnerable_versions as string)),
      )
      .sort((a, b) =>
        String(`NSWG-ECO-${a.id}`).localeCompare(`NSWG-ECO-${b.id}`, 'en', { sensitivity: 'variant' }),
      )
      .map((a) => ({
        id: a.id,
        url: `${PUBLIC_URL}/advisories/NSWG-ECO-${a.id}`,
        title: a.title,
        severity: severityOfScore(a.cvss_score as number | null),
        vulnerable_versions: a.vulnerable_versions,
        cwe: [],
        cvss: {
          score: typeof a.cvss_score === 'number' && a.cvss_score > 0 ? a.cvss_score : 0,
          vectorString: a.cvss_vector,
        },
      }));
    if (list.length) out[name] = list;
  }
  return out;
}

/** A real published OSV record of the sample (test/fixtures/osv-sample), as the store keeps it. */
const sample = (id: string) =>
  fromOsv(JSON.parse(readFileSync(join(OSV_SAMPLE, `${id}.json`), 'utf8')) as OsvRecord);

const byId = (list: { id: number }[]) => [...list].sort((a, b) => a.id - b.id);
const normalized = (o: Record<string, { id: number }[]>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, byId(v)]));

describe.each(await testEngines())("npm's audit endpoints on %s", (engine) => {
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const t = await testApp(engine);
    ({ app, close } = t);
    await t.store.advisories.import([
      npmAdvisory('GHSA-with-draw-test', 'lodash', '*', { withdrawn: '2026-02-01T00:00:00Z' }),
      // one flaw, two records: GitHub's (json5 <1.0.2 and >=2.0.0 <2.2.2) and a Working Group
      // record of the 2.x line naming its CVE
      sample('GHSA-9c47-m6qq-7p4h'),
      npmAdvisory('NSWG-ECO-9001', 'json5', '>=2.0.0 <2.2.2', {
        aliases: ['CVE-2022-46175'],
        title: 'Prototype Pollution in json5',
      }),
      // malware: the OpenSSF record and the GitHub advisory (CWE-506) it repeats, and an OpenSSF record alone
      sample('MAL-2025-46969'),
      npmAdvisory('GHSA-2v46-p5h4-248w', 'chalk', '5.6.1', {
        title: 'chalk 5.6.1 was compromised',
        weaknesses: [{ id: 'CWE-506', name: null }],
        cvss: { vector: null, score: 0 },
      }),
      sample('MAL-2022-9'),
    ]);
  });
  afterAll(() => close());

  const request = {
    lodash: ['4.17.4'],
    express: ['4.4.5', '4.16.0'],
    jquery: ['3.5.0'],
    'nswg-no-such-package': ['1.0.0'],
    electron: ['3.0.0-beta.3'],
    mysql: ['2.0.0-alpha9'],
    'tough-cookie': ['not a version'],
  };

  it('answers the bulk endpoint with exactly the advisories that hold a requested version, plain or gzip', async () => {
    const want = expectedBulk(request);
    expect(Object.keys(want).sort()).toEqual(['electron', 'express', 'lodash', 'mysql']);
    const plain = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: request,
    });
    expect(plain.statusCode).toBe(200);
    expect(normalized(plain.json())).toEqual(normalized(want as Record<string, { id: number }[]>));
    const body = gzipSync(JSON.stringify(request));
    const gz = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(gz.json()).toEqual(plain.json());
    // a gzip stream without the header is recognised by its magic bytes, as the registry did
    const magic = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(magic.json()).toEqual(plain.json());
  });

  it('answers the legacy audits endpoints (yarn 1, pnpm) with findings, paths, actions and counts', async () => {
    const tree = {
      name: 'app',
      version: '1.0.0',
      install: [],
      remove: [],
      metadata: {},
      requires: { lodash: '4.17.4', express: '4.4.5' },
      dependencies: {
        lodash: { version: '4.17.4', integrity: 'sha512-x' },
        express: {
          version: '4.4.5',
          dependencies: { lodash: { version: '4.17.4' }, qs: { version: '0.6.6' } },
        },
        'dev-tool': {
          version: '1.0.0',
          dev: true,
          dependencies: { lodash: { version: '4.17.20', dev: true } },
        },
      },
    };
    for (const url of ['/-/npm/v1/security/audits', '/-/npm/v1/security/audits/quick']) {
      const res = await app.inject({ method: 'POST', url, payload: tree });
      expect(res.statusCode).toBe(200);
      const report = res.json();
      const lodashIds = wgNpm()
        .filter((a) => a.module_name === 'lodash' && satisfies('4.17.4', a.vulnerable_versions as string))
        .map((a) => a.id as number);
      const lodash20 = wgNpm()
        .filter((a) => a.module_name === 'lodash' && satisfies('4.17.20', a.vulnerable_versions as string))
        .map((a) => a.id as number);
      expect(lodashIds.length).toBeGreaterThan(0);
      for (const id of lodashIds) {
        const a = report.advisories[String(id)];
        expect(a.module_name).toBe('lodash');
        expect(a.url).toBe(`${PUBLIC_URL}/advisories/NSWG-ECO-${id}`);
        const f417 = a.findings.find((f: { version: string }) => f.version === '4.17.4');
        expect(f417).toEqual({
          version: '4.17.4',
          paths: ['express>lodash', 'lodash'],
          dev: false,
          optional: false,
          bundled: false,
        });
        if (!lodash20.includes(id)) expect(a.findings).toHaveLength(1);
      }
      for (const id of lodash20) {
        const f = report.advisories[String(id)].findings.find(
          (x: { version: string }) => x.version === '4.17.20',
        );
        expect(f).toMatchObject({ paths: ['dev-tool>lodash'], dev: true });
      }
      // the withdrawn advisory for every lodash version is not reported
      expect(
        Object.values(report.advisories).some((a: any) => a.title === 'A test advisory for lodash'),
      ).toBe(false);
      expect(report.advisories[String(lodashIds[0])].cves.every((c: string) => c.startsWith('CVE-'))).toBe(
        true,
      );
      expect(report.metadata).toMatchObject({
        dependencies: 4,
        devDependencies: 2,
        optionalDependencies: 0,
        totalDependencies: 6,
      });
      const paths = Object.values(report.advisories).reduce(
        (n: number, a: any) => n + a.findings.reduce((m: number, f: any) => m + f.paths.length, 0),
        0,
      );
      const counted = Object.values(report.metadata.vulnerabilities as Record<string, number>).reduce(
        (n, x) => n + x,
        0,
      );
      expect(counted).toBe(paths);
      expect(report.actions.find((x: any) => x.module === 'qs')).toMatchObject({
        action: 'review',
        resolves: [{ path: 'express>qs', dev: false }],
      });
      expect(report.muted).toEqual([]);
    }
  });

  const bulkOf = async (request: Record<string, string[]>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      payload: request,
    });
    expect(res.statusCode).toBe(200);
    return res.json() as Record<string, { id: number; title: string; severity: string; cwe: string[] }[]>;
  };

  it('answers records that alias each other once, by the record naming the flaw, in the bulk answer', async () => {
    const ghsa = bulkIdOf('GHSA-9c47-m6qq-7p4h');
    // 2.2.1: both records hold it; one entry, the Working Group's
    expect((await bulkOf({ json5: ['2.2.1'] })).json5?.map((a) => [a.id, a.title])).toEqual([
      [9001, 'Prototype Pollution in json5'],
    ]);
    // 1.0.1: only GitHub's holds it, and still answers
    expect((await bulkOf({ json5: ['1.0.1'] })).json5?.map((a) => a.id)).toEqual([ghsa]);
    // both: each version answered by one record; of GitHub's, only its entry for 1.0.1
    const both = (await bulkOf({ json5: ['2.2.1', '1.0.1'] })).json5!;
    expect(both.map((a) => a.id).sort()).toEqual([9001, ghsa].sort());
    expect(both.find((a) => a.id === ghsa)).toMatchObject({ vulnerable_versions: '<1.0.2' });
    // the answer is the same from the cache
    expect((await bulkOf({ json5: ['2.2.1'] })).json5?.map((a) => a.id)).toEqual([9001]);
  });

  it('marks malware in the bulk answer as GitHub does: critical, titled as malware, CWE-506', async () => {
    const got = await bulkOf({ chalk: ['5.6.1', '5.6.2'], '0-dns': ['1.0.0'] });
    // the MAL record and the GitHub advisory it repeats: one entry, GitHub's
    expect(got.chalk).toEqual([
      {
        id: bulkIdOf('GHSA-2v46-p5h4-248w'),
        url: `${PUBLIC_URL}/advisories/GHSA-2v46-p5h4-248w`,
        title: 'Malware: chalk 5.6.1 was compromised',
        severity: 'critical',
        vulnerable_versions: '5.6.1',
        cwe: ['CWE-506'],
        cvss: { score: 0, vectorString: null },
      },
    ]);
    expect(got['0-dns']).toMatchObject([
      {
        id: bulkIdOf('MAL-2022-9'),
        title: 'Malware: Malicious code in 0-dns (npm)',
        severity: 'critical',
        cwe: ['CWE-506'],
      },
    ]);
    // an ordinary advisory is not marked
    expect((await bulkOf({ json5: ['2.2.1'] })).json5?.[0]).toMatchObject({
      severity: 'high',
      cwe: ['CWE-400'],
    });
  });

  it('answers the legacy audits endpoints with one advisory per flaw, and malware marked', async () => {
    const tree = {
      name: 'app',
      version: '1.0.0',
      dependencies: {
        json5: { version: '2.2.1' },
        chalk: { version: '5.6.1' },
        '0-dns': { version: '1.0.0' },
      },
    };
    for (const url of ['/-/npm/v1/security/audits', '/-/npm/v1/security/audits/quick']) {
      const res = await app.inject({ method: 'POST', url, payload: tree });
      expect(res.statusCode).toBe(200);
      const report = res.json();
      const rows = Object.values(report.advisories as Record<string, any>).map((a) => [
        a.module_name,
        a.id,
        a.title,
        a.severity,
        a.cwe,
        a.findings.map((f: { version: string }) => f.version),
      ]);
      expect(rows.sort()).toEqual(
        [
          ['json5', 9001, 'Prototype Pollution in json5', 'high', 'CWE-400', ['2.2.1']],
          [
            'chalk',
            bulkIdOf('GHSA-2v46-p5h4-248w'),
            'Malware: chalk 5.6.1 was compromised',
            'critical',
            'CWE-506',
            ['5.6.1'],
          ],
          [
            '0-dns',
            bulkIdOf('MAL-2022-9'),
            'Malware: Malicious code in 0-dns (npm)',
            'critical',
            'CWE-506',
            ['1.0.0'],
          ],
        ].sort(),
      );
      expect(report.actions).toHaveLength(3);
      expect(report.metadata.vulnerabilities).toMatchObject({ critical: 2, high: 1 });
    }
  });

  it('answers package metadata requests with a 404 that says why, when no upstream registry is set', async () => {
    for (const url of [
      '/lodash',
      '/@types%2fnode',
      '/@types/node',
      '/lodash/-/lodash-4.17.4.tgz',
      '/@types/node/-/node-20.0.0.tgz',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({
        code: 'E_NOT_FOUND',
        message: expect.stringMatching(/not package metadata.*no upstream registry/),
      });
    }
    expect((await app.inject({ url: '/@types%2fnode' })).json().message).toContain('@types/node is not here');
  });
});

describe('package metadata through an upstream registry', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  const seen: string[] = [];
  const packument = { name: 'lodash', versions: { '4.17.4': { name: 'lodash', version: '4.17.4' } } };

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.accept ?? ''}`);
      if (req.url === '/lodash' || req.url === '/@types%2fnode') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', etag: '"v1"' });
        res.end(gzipSync(JSON.stringify(packument)));
      } else if (req.url === '/lodash/-/lodash-4.17.4.tgz') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([1, 2, 3, 4]));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"Not found"}');
      }
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

  it('streams packuments and tarballs through, with status and headers', async () => {
    const { app, close } = await testApp('sqlite', {
      seed: false,
      config: { upstreamRegistry: upstreamUrl },
    });
    try {
      const res = await app.inject({
        url: '/lodash',
        headers: { accept: 'application/vnd.npm.install-v1+json' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(packument);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(seen).toContain(`GET /lodash application/vnd.npm.install-v1+json`);
      expect((await app.inject({ url: '/@types%2fnode' })).statusCode).toBe(200);
      expect(seen.some((s) => s.startsWith('GET /@types%2fnode '))).toBe(true);
      const tgz = await app.inject({ url: '/lodash/-/lodash-4.17.4.tgz' });
      expect(tgz.rawPayload).toEqual(Buffer.from([1, 2, 3, 4]));
      const missing = await app.inject({ url: '/nswg-no-such-package' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: 'Not found' });
    } finally {
      await close();
    }
  });

  it('answers 502 when the upstream registry does not answer', async () => {
    const { app, close } = await testApp('sqlite', {
      seed: false,
      config: { upstreamRegistry: 'http://127.0.0.1:9/' },
    });
    try {
      const res = await app.inject({ url: '/lodash' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({
        code: 'E_UPSTREAM',
        message: expect.stringContaining('did not answer'),
      });
    } finally {
      await close();
    }
  });
});
