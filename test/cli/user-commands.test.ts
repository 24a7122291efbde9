import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operatorActor, parseAnchors } from '../../src/disclosure/index.js';
import { openStore } from '../../src/store/index.js';
import { nswg, tempHome } from '../helpers/cli.js';
import { freshDb, testEngines } from '../helpers/db.js';

const SECRET = 'the server secret of the user commands'.padEnd(44, '.');

describe.each(await testEngines())('nswg user on %s', (engine) => {
  it('makes the first admin with a link to set a password, grants and revokes roles, confirms addresses and hands out links, each in the audit log', async () => {
    const home = tempHome();
    const tdb = await freshDb(engine);
    const db = tdb.target.kind === 'sqlite' ? tdb.target.file : tdb.target.url;
    const secretFile = join(home, 'secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const run = (args: string[]) =>
      nswg(
        [
          'user',
          ...args,
          '--db',
          db,
          '--secret-file',
          secretFile,
          '--public-url',
          'https://nswg.example.org/',
        ],
        {
          home,
        },
      );
    try {
      // the database must exist (a server made it): nswg user makes no database of its own at a named place
      if (tdb.target.kind === 'sqlite')
        await (await openStore(tdb.target, { mode: 'create', secret: SECRET })).close();
      else await (await openStore(tdb.target, { mode: 'create', secret: SECRET })).close();
      const added = await run(['add', 'Admin@Example.org', '--name', 'First admin', '--role', 'admin']);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain('nswg: added admin@example.org (First admin): confirmed, roles: admin');
      const link = /https:\/\/nswg\.example\.org\/disclosure\/password-reset\/(\S+)/.exec(added.stdout)![1]!;
      expect(added.stdout).toMatch(/two-factor authentication/);
      const bad = await run(['add', 'someone@example.org', '--role', 'root']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('unknown role root: the roles are triage, core-security, admin');
      // the link sets the password: the account has none that works before
      const store = await openStore(tdb.target, {
        mode: 'existing',
        secret: SECRET,
        argon2: { memoryCost: 1024, timeCost: 1 },
      });
      try {
        await expect(
          store.accounts.login(
            { email: 'admin@example.org', password: 'unset:anything at all' },
            { ip: null },
          ),
        ).rejects.toMatchObject({ code: 'E_AUTH' });
        await store.accounts.resetPassword(decodeURIComponent(link), 'the first admin password', {
          ip: null,
        });
        await store.accounts.login(
          { email: 'admin@example.org', password: 'the first admin password' },
          { ip: null },
        );
        // someone signs up; the server sends no mail: the operator confirms the address, then gives a role
        const signUp = await store.accounts.register(
          { email: 'triager@example.org', displayName: 'Triager', password: 'the triager password' },
          { ip: null },
        );
        expect(signUp.outcome).toBe('created');
      } finally {
        await store.close();
      }
      const refused = await run(['grant', 'triager@example.org', 'triage']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is not confirmed: confirm the address before giving it a team role');
      const listed = await run(['list', '--unconfirmed', '--format', 'json']);
      expect(JSON.parse(listed.stdout).map((u: { email: string }) => u.email)).toEqual([
        'triager@example.org',
      ]);
      expect((await run(['confirm', 'triager@example.org'])).stdout).toContain(
        'nswg: confirmed triager@example.org',
      );
      const granted = await run(['grant', 'triager@example.org', 'triage', 'core-security']);
      expect(granted.stdout).toContain('roles: triage, core-security');
      const revoked = await run(['revoke', 'triager@example.org', 'core-security']);
      expect(revoked.stdout).toContain('roles: triage');
      const linked = await run(['link', 'triager@example.org']);
      expect(linked.stdout).toMatch(
        /to set a new password:\nhttps:\/\/nswg\.example\.org\/disclosure\/password-reset\//,
      );
      const missing = await run(['confirm', 'nobody@example.org']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no account has the address nobody@example.org');
      const team = await run(['list', '--team']);
      expect(team.stdout).toContain('admin@example.org (First admin): confirmed, roles: admin');
      expect(team.stdout).toContain('triager@example.org (Triager): confirmed, roles: triage');

      // every change is in the audit log, as the operator's, and anchored outside the database
      const check = await openStore(tdb.target, { mode: 'existing', secret: SECRET });
      try {
        const log = (await check.auditLog.list({ limit: 1000 })).filter((e) => e.actorKind === 'operator');
        expect(log.map((e) => e.action)).toEqual([
          'user.register',
          'user.email-verified',
          'user.roles',
          'user.roles',
          'user.link-issued',
        ]);
        expect(
          log.every((e) => typeof e.details.operator === 'string' && e.details.operator.includes('@')),
        ).toBe(true);
        expect(await check.accounts.listUsers(operatorActor('x@y'), { team: true })).toHaveLength(2);
        const anchors = parseAnchors(readFileSync(join(home, 'audit-anchor.jsonl'), 'utf8'));
        expect(anchors.anchors.at(-1)?.seq).toBe((await check.auditLog.head()).seq);
      } finally {
        await check.close();
      }
      const verify = await nswg(['audit-log', 'verify', '--db', db, '--secret-file', secretFile], { home });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    } finally {
      await tdb.drop();
    }
  });
});
