// The real `pnpm audit` (pnpm 10) against `nswg serve`: pnpm posts an npm v6 style tree to the
// retired /-/npm/v1/security/audits/quick endpoint. Each pnpm fixture must give exactly its
// expected.json minus pnpm's own known blind spots (../shared/fixtures/README.md), computed here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expected,
  fixtureCopy,
  installTool,
  legacyTriples,
  minus,
  pnpmBlindSpots,
  run,
  type Served,
  serveCli,
} from '../../helpers/server.js';

let server: Served;
let home: string;
let pnpm: string;

beforeAll(async () => {
  pnpm = join(installTool('pnpm', '10'), 'bin', 'pnpm.cjs');
  home = mkdtempSync(join(tmpdir(), 'nswg-pnpm-client-'));
  server = await serveCli(['--db', join(home, 'nswg.db')]);
}, 180_000);

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

/** The blind spots the fixtures README names for pnpm, per fixture (vuln-direct: five). */
const BLIND_SPOT_COUNT: Record<string, number> = { 'vuln-direct-pnpm': 5, 'workspaces-pnpm': 0 };

describe('pnpm audit --registry http://127.0.0.1:PORT/', () => {
  it.each(['vuln-direct-pnpm', 'workspaces-pnpm'])(
    'reports expected.json minus pnpm’s blind spots for %s',
    async (fixture) => {
      const dir = fixtureCopy(fixture);
      try {
        writeFileSync(join(dir, '.npmrc'), '');
        const env = {
          PATH: process.env.PATH,
          HOME: dir,
          XDG_CONFIG_HOME: join(dir, '.config'),
          XDG_CACHE_HOME: join(dir, '.cache'),
          npm_config_update_notifier: 'false',
          // anything not for our server would go to a closed port
          npm_config_https_proxy: 'http://127.0.0.1:9',
          npm_config_proxy: 'http://127.0.0.1:9',
          npm_config_noproxy: '127.0.0.1',
        };
        const r = await run(process.execPath, [pnpm, 'audit', '--json', '--registry', `${server.url}/`], {
          cwd: dir,
          env,
        });
        // pnpm exits 1 when it found vulnerabilities
        expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(1);
        const report = JSON.parse(r.stdout);
        const got = legacyTriples(Object.values(report.advisories));
        const want = expected(fixture);
        const blind = pnpmBlindSpots(fixture, want);
        expect(blind.size).toBe(BLIND_SPOT_COUNT[fixture]);
        expect([...got].sort()).toEqual([...minus(want, blind)].sort());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('was asked through audits/quick', async () => {
    const urls = () =>
      server
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((l) => l.req)
        .map((l) => `${l.req.method} ${l.req.url}`);
    // the log lines come through a pipe: wait until the last ones are in
    await expect
      .poll(() => urls().filter((u) => u === 'POST /-/npm/v1/security/audits/quick').length, {
        timeout: 5000,
      })
      .toBe(2);
  });
});
