import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { nswg, tempHome } from '../helpers/cli.js';
import { freshDb } from '../helpers/db.js';

const SECRET = 'the server secret of the bounty commands'.padEnd(44, '.');

describe('nswg bounty', () => {
  it('adds and lists modules, deposits and shows the ledger as the operator, refuses bad input, logs each move', async () => {
    const home = tempHome();
    const tdb = await freshDb('sqlite');
    const db = tdb.target.kind === 'sqlite' ? tdb.target.file : tdb.target.url;
    const secretFile = join(home, 'secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const run = (args: string[]) =>
      nswg(['bounty', ...args, '--db', db, '--secret-file', secretFile], { home });
    try {
      await (await openStore(tdb.target, { mode: 'create', secret: SECRET })).close();
      const added = await run([
        'module',
        'add',
        'left-pad-ng',
        '--approved-by',
        'Jane (@jane)',
        '--approved-on',
        '2026-01-02',
      ]);
      expect(added.code, added.stderr).toBe(0);
      // the command line asks no registry: the server counts the module (its page, or the API's refresh)
      expect(added.stdout).toContain(
        'left-pad-ng  confirmed  not counted  not eligible  approved by Jane (@jane)',
      );
      const bad = await run(['module', 'add', 'Bad Name', '--approved-by', 'x']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('npm package name');
      const list = await run(['module', 'list']);
      expect(list.stdout).toContain('rewards: critical $500, high $250; paid so far $0');
      const dep = await run(['deposit', '1,000.50', '--reason', 'the foundation grant']);
      expect(dep.code, dep.stderr).toBe(0);
      expect(dep.stdout).toContain('deposited $1,000.50; the balance is $1,000.50');
      expect((await run(['deposit', 'lots', '--reason', 'the foundation grant'])).code).toBe(2);
      const ledger = JSON.parse((await run(['ledger', '--format', 'json'])).stdout);
      expect(ledger.entries).toEqual([
        expect.objectContaining({ kind: 'deposit', amount: 100_050, balance: 100_050 }),
      ]);
      expect((await run(['module', 'remove', 'left-pad-ng'])).code).toBe(0);
      expect((await run(['module', 'remove', 'left-pad-ng'])).code).toBe(2);
      const again = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
      try {
        const log = (await again.auditLog.list({ limit: 100 })).filter((e) => e.action.startsWith('bounty.'));
        expect(log.map((e) => e.action)).toEqual([
          'bounty.module-add',
          'bounty.deposit',
          'bounty.ledger-read',
          'bounty.module-remove',
        ]);
        expect(log.every((e) => e.actorKind === 'operator')).toBe(true);
      } finally {
        await again.close();
      }
    } finally {
      await tdb.drop();
    }
  });
});
