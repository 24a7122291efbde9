import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { BIN, nswg, tempHome } from '../helpers/cli.js';
import { OSV_SAMPLE } from '../helpers/osv-folder.js';

const PRELOAD = join(import.meta.dirname, 'kill-at-last-import.cjs');

describe('kill -9 as `nswg db import` records when it imported', () => {
  it('leaves the import and its time together: both or neither', async () => {
    const home = tempHome();
    const db = join(home, 'nswg.db');
    const env = { PATH: process.env.PATH ?? '', HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' };
    const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--require', PRELOAD, BIN, 'db', 'import', OSV_SAMPLE, '--db', db],
        {
          env,
          stdio: 'ignore',
        },
      );
      child.on('error', reject);
      child.on('close', (_code, s) => resolve(s));
    });
    expect(signal).toBe('SIGKILL');
    const store = await openStore({ kind: 'sqlite', file: db }, { mode: 'existing' });
    const count = (await store.advisories.summary()).total;
    const at = await store.meta.get('last_import');
    await store.close();
    expect({ imported: count > 0, recorded: at !== null }).toEqual({ imported: false, recorded: false });
    // and the import runs to its end afterwards
    const again = await nswg(['db', 'import', OSV_SAMPLE, '--db', db], { home });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });
});
