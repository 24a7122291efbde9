// The real `yarn audit` (yarn 1) against `nswg serve`. yarn 1 posts its audit to its own registry
// host whatever --registry says; the test gives it an https-proxy that terminates TLS with a
// throw-away certificate and hands the requests to our server (tls-proxy.ts), so nothing leaves
// the machine. Each yarn fixture must give exactly expected.json minus yarn's known blind spot.
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
  run,
  type Served,
  serveCli,
  yarnBlindSpots,
} from '../../helpers/server.js';
import { type TlsProxy, tlsProxy } from './tls-proxy.js';

/** yarn 1's hard-coded registry (`YARN_REGISTRY` in its source): where it sends `yarn audit`. */
const YARN_HOST = 'registry.yarnpkg.com';

let server: Served;
let proxy: TlsProxy;
let home: string;
let yarn: string;

beforeAll(async () => {
  yarn = join(installTool('yarn', '1'), 'bin', 'yarn.js');
  home = mkdtempSync(join(tmpdir(), 'nswg-yarn-client-'));
  server = await serveCli(['--db', join(home, 'nswg.db')]);
  proxy = await tlsProxy(server.url, [YARN_HOST]);
}, 180_000);

afterAll(async () => {
  await proxy.close();
  expect(await server.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

/** The blind spots the fixtures README names for yarn, per fixture (vuln-direct: one). */
const BLIND_SPOT_COUNT: Record<string, number> = { 'vuln-direct-yarn': 1, 'workspaces-yarn': 0 };

describe('yarn audit (through a TLS-terminating proxy to nswg serve)', () => {
  it.each(['vuln-direct-yarn', 'workspaces-yarn'])(
    'reports expected.json minus yarn’s blind spot for %s',
    async (fixture) => {
      const dir = fixtureCopy(fixture);
      try {
        const rc = join(dir, '.test-yarnrc');
        writeFileSync(
          rc,
          [
            `registry "${server.url}/"`,
            `https-proxy "${proxy.url}"`,
            'strict-ssl false',
            'disable-self-update-check true',
            '',
          ].join('\n'),
        );
        const env = { PATH: process.env.PATH, HOME: dir, YARN_CACHE_FOLDER: join(dir, '.yarn-cache') };
        const r = await run(
          process.execPath,
          [yarn, 'audit', '--json', '--no-default-rc', '--use-yarnrc', rc, '--non-interactive'],
          { cwd: dir, env },
        );
        const lines = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        const summary = lines.find((l) => l.type === 'auditSummary');
        expect(summary, r.stderr + r.stdout.slice(0, 2000)).toBeDefined();
        const got = legacyTriples(
          lines.filter((l) => l.type === 'auditAdvisory').map((l) => l.data.advisory),
        );
        const want = expected(fixture);
        const blind = yarnBlindSpots(fixture, want);
        expect(blind.size).toBe(BLIND_SPOT_COUNT[fixture]);
        expect([...got].sort()).toEqual([...minus(want, blind)].sort());
        // yarn's exit code is a bit mask of the severities found (16 critical, 8 high, 4 moderate, 2 low, 1 info)
        expect(r.code).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('went through the proxy to our server only', () => {
    expect(
      proxy.log.filter((l) => l.startsWith('CONNECT')).every((l) => l === `CONNECT ${YARN_HOST}:443`),
    ).toBe(true);
    expect(proxy.log.filter((l) => l === `POST https://${YARN_HOST}/-/npm/v1/security/audits`)).toHaveLength(
      2,
    );
    expect(proxy.log.some((l) => l.startsWith('REFUSED'))).toBe(false);
  });
});
