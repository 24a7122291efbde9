import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { nswg, tempHome } from '../helpers/cli.js';
import { freshDb } from '../helpers/db.js';

const SECRET = 'the server secret of the registry commands'.padEnd(44, '.');

describe('nswg registry override', () => {
  it('sets, lists and clears an answer as the operator, refuses bad ones, and logs each change', async () => {
    const home = tempHome();
    const tdb = await freshDb('sqlite');
    const db = tdb.target.kind === 'sqlite' ? tdb.target.file : tdb.target.url;
    const secretFile = join(home, 'secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const run = (args: string[]) =>
      nswg(['registry', 'override', ...args, '--db', db, '--secret-file', secretFile], { home });
    try {
      await (await openStore(tdb.target, { mode: 'create', secret: SECRET })).close();
      const set = await run(['set', 'offline-widget', '--versions', '1.0.0, 1.2.0', '--downloads', '4200']);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('offline-widget  versions: 1.0.0, 1.2.0  downloads: 4200 a month');
      expect((await run(['set', 'gone-widget', '--missing'])).stdout).toContain('no such package');
      expect((await run(['set', '@acme', '--downloads', '12000'])).code).toBe(0);
      const bad = await run(['set', 'x', '--downloads', 'many']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--downloads must be a whole number');
      const both = await run(['set', 'x', '--missing', '--versions', '1.0.0']);
      expect(both.code).toBe(2);
      expect((await run(['set', '@acme', '--versions', '1.0.0'])).stderr).toContain('not a scope');
      const list = JSON.parse((await run(['list', '--format', 'json'])).stdout);
      expect(list.map((o: { name: string }) => o.name)).toEqual(['@acme', 'gone-widget', 'offline-widget']);
      expect((await run(['clear', '@acme'])).code).toBe(0);
      const again = await run(['clear', '@acme']);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('@acme has no override');
      const store = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
      try {
        const log = (await store.auditLog.list({ limit: 100 })).filter((e) =>
          e.action.startsWith('registry.'),
        );
        expect(log.map((e) => e.action)).toEqual([
          'registry.override-set',
          'registry.override-set',
          'registry.override-set',
          'registry.override-clear',
        ]);
        expect(log.every((e) => e.actorKind === 'operator')).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      await tdb.drop();
    }
  });
});
