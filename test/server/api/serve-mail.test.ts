import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smtpFromUrl } from '../../../src/cli/serve-command.js';
import { startInbox } from '../../helpers/smtp.js';
import { serveCli } from './helpers.js';

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
  });
});
