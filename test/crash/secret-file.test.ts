import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempHome } from '../helpers/cli.js';
import { serveCli } from '../helpers/server.js';

const PRELOAD = join(import.meta.dirname, 'kill-in-secret-write.cjs');

describe('kill -9 while `nswg serve` makes its secret file on first start', () => {
  it('leaves no empty secret file behind: the next start makes one and serves', async () => {
    const home = tempHome();
    const db = join(home, 'nswg.db');
    const env = { PATH: process.env.PATH ?? '', HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' };
    const killed = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--require', PRELOAD, BIN, 'serve', '--port', '0', '--db', db], {
        env,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve(signal));
    });
    expect(killed).toBe('SIGKILL');
    const server = await serveCli(['--db', db], { NSWG_HOME: home });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });
});
