// The real `npm audit` (npm 11, the machine's) against `nswg serve`: each npm fixture must give
// exactly the findings of its expected.json. Nothing leaves the machine: the registry is our
// server, and any other request would go to a proxy on a closed loopback port and fail.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expected, fixtureCopy, json, npmTriples, type Served, serveCli } from '../../helpers/server.js';

let server: Served;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'nswg-npm-client-'));
  // a new database file: serve creates and seeds it on first start
  server = await serveCli(['--db', join(home, 'nswg.db')]);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

function npmAudit(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  writeFileSync(join(dir, '.empty-npmrc'), '');
  const args = [
    'audit',
    '--json',
    '--registry',
    `${server.url}/`,
    '--userconfig',
    join(dir, '.empty-npmrc'),
    '--cache',
    join(dir, '.npm-cache'),
    '--no-update-notifier',
    '--fetch-retries',
    '0',
    '--loglevel',
    'error',
    '--proxy',
    'http://127.0.0.1:9',
    '--https-proxy',
    'http://127.0.0.1:9',
    '--noproxy',
    '127.0.0.1',
  ];
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm audit --registry http://127.0.0.1:PORT/', () => {
  it.each(['vuln-direct-npm', 'vuln-direct-npm-v1', 'vuln-direct-npm-v2', 'workspaces-npm'])(
    'reports exactly expected.json for %s',
    async (fixture) => {
      const dir = fixtureCopy(fixture);
      try {
        const run = await npmAudit(dir);
        // npm exits 1 when it found vulnerabilities
        expect(run.code, run.stderr).toBe(1);
        const report = JSON.parse(run.stdout);
        expect(report.auditReportVersion).toBe(2);
        const got = npmTriples(report, json(join(dir, 'package-lock.json')));
        expect([...got].sort()).toEqual([...expected(fixture)].sort());
        // the advisories link to this server's pages
        const urls = Object.values(report.vulnerabilities).flatMap((v: any) =>
          v.via.filter((x: unknown) => typeof x === 'object').map((x: any) => x.url),
        );
        expect(urls.length).toBeGreaterThan(0);
        for (const u of urls) expect(u).toMatch(new RegExp(`^${server.url}/advisories/NSWG-ECO-\\d+$`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('was asked through the bulk endpoint, and answered package metadata requests with 404', async () => {
    const requests = () => {
      const lines = server
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              reqId?: string;
              req?: { method: string; url: string };
              res?: { statusCode: number };
            },
        );
      const status = new Map(lines.filter((l) => l.res).map((l) => [l.reqId, l.res!.statusCode]));
      return lines
        .filter((l) => l.req)
        .map((l) => ({ what: `${l.req!.method} ${l.req!.url}`, status: status.get(l.reqId) }));
    };
    // the log lines come through a pipe: wait until the last ones are in
    await expect
      .poll(
        () =>
          requests()
            .filter((r) => r.what === 'POST /-/npm/v1/security/advisories/bulk')
            .map((r) => r.status),
        { timeout: 5000 },
      )
      .toEqual([200, 200, 200, 200]);
    const packuments = requests().filter(
      (r) => r.what.startsWith('GET /') && !r.what.startsWith('GET /healthz'),
    );
    expect(packuments.length).toBeGreaterThan(10);
    expect(packuments.find((r) => r.what === 'GET /lodash')?.status).toBe(404);
    expect(packuments.filter((r) => r.status !== undefined).every((r) => r.status === 404)).toBe(true);
  });
});
