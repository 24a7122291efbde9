import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smtpFromUrl } from '../../src/cli/serve-command.js';
import { serveCli } from '../helpers/server.js';
import { startInbox } from '../helpers/smtp.js';

describe('nswg serve: the disclosure program configuration', () => {
  it('reads SMTP URLs', () => {
    expect(smtpFromUrl('smtp://ada:p%40ss@mail.example.org:2525', 'x <x@y>')).toEqual({
      host: 'mail.example.org',
      port: 2525,
      secure: false,
      from: 'x <x@y>',
      requireTls: true,
      auth: { user: 'ada', pass: 'p@ss' },
    });
    expect(smtpFromUrl('smtps://mail.example.org', 'f')).toMatchObject({
      port: 465,
      secure: true,
      requireTls: false,
    });
    expect(() => smtpFromUrl('http://mail.example.org', 'f')).toThrow(/use smtp:\/\/ or smtps:\/\//);
  });

  it('sends the sign-up mail through the SMTP server named by --smtp-url, and refuses a short secret', async () => {
    const smtp = await startInbox();
    const port = smtp.port;
    const dir = mkdtempSync(join(tmpdir(), 'nswg-serve-mail-'));
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'x'.repeat(40), { mode: 0o600 });
    const server = await serveCli([
      '--db',
      join(dir, 'nswg.db'),
      '--smtp-url',
      `smtp://127.0.0.1:${port}?starttls=optional`,
      '--mail-from',
      'Security WG <security@example.org>',
      '--secret-file',
      secret,
    ]);
    try {
      const r = await fetch(`${server.url}/api/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'ada@example.org',
          displayName: 'Ada',
          handle: 'ada',
          password: 'a long enough password',
        }),
      });
      expect(r.status).toBe(202);
      await expect.poll(() => smtp.messages.length, { timeout: 10_000 }).toBe(1);
      expect(smtp.messages[0]!.raw).toMatch(/^From: Security WG <security@example\.org>/m);
      expect(smtp.messages[0]!.raw).toMatch(/^To: ada@example\.org/m);
    } finally {
      await server.stop();
      await smtp.close();
    }
    writeFileSync(secret, 'short');
    await expect(serveCli(['--db', join(dir, 'nswg.db'), '--secret-file', secret])).rejects.toThrow(
      /the secret must be at least 32 characters/,
    );
    // a secret others may read is refused: whoever reads it can forge invitations and audit entries
    const open = join(dir, 'open-secret');
    writeFileSync(open, 'y'.repeat(40), { mode: 0o644 });
    chmodSync(open, 0o644);
    await expect(serveCli(['--db', join(dir, 'nswg.db'), '--secret-file', open])).rejects.toThrow(
      /may be read or written by others: make it its owner's only \(chmod 600/,
    );
    // another secret than the one the database was set up with is refused
    writeFileSync(open, 'z'.repeat(40), { mode: 0o600 });
    chmodSync(open, 0o600);
    await expect(serveCli(['--db', join(dir, 'nswg.db'), '--secret-file', open])).rejects.toThrow(
      /was set up with another server secret/,
    );
  });
});
