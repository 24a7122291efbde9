// `nswg serve --metrics-token` (or NSWG_METRICS_TOKEN): the built server, in its worker thread,
// serves /metrics to the token's holder, and the probes answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nswg } from '../helpers/cli.js';
import { serveCli } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'nswg-serve-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a'.repeat(8) + '0123456789abcdef';

describe('nswg serve and the metrics token', () => {
  it('serves /metrics to the token from the environment, counting by route, and the probes', async () => {
    const server = await serveCli(['--db', join(dir, 'env.db')], { NSWG_METRICS_TOKEN: TOKEN });
    try {
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      expect((await fetch(`${server.url}/advisories/NSWG-ECO-1`)).status).toBe(200);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(
        /^nswg_http_requests_total\{route="\/advisories\/:id",method="GET",status="200"\} 1$/m,
      );
      expect(text).toMatch(/^nswg_database_up\{engine="sqlite"\} 1$/m);
      expect(text).not.toContain('NSWG-ECO-1"');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses a short token, naming the option, with exit code 2', async () => {
    const r = await nswg(['serve', '--metrics-token', 'short', '--db', join(dir, 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the metrics token must be at least 16 printable characters/);
  });
});
