// nswg policy init and check, run as the built command: the SECURITY.md written scores 10/10 by the
// Scorecard probes that check uses, an existing one is kept, a bad name is refused naming --package;
// check finds a policy at each of Scorecard's places and names a weak one's problems, and checks a
// site's security.txt over HTTPS on loopback (a certificate of the test's own, trusted through
// NODE_EXTRA_CA_CERTS) against RFC 9116.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSecurityPolicy } from '../../src/disclosure/index.js';
import { nswg } from '../helpers/cli.js';

const SERVER = 'https://nswg.example';
const tempDir = () => mkdtempSync(join(tmpdir(), 'nswg-policy-'));

describe('nswg policy init', () => {
  it('writes SECURITY.md filled for the package, scoring 10/10 on the Scorecard probes', async () => {
    const dir = tempDir();
    const r = await nswg([
      'policy',
      'init',
      dir,
      '--package',
      '@acme/widget',
      '--server',
      SERVER,
      '--email',
      'sec@acme.example',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('for @acme/widget (OpenSSF Scorecard Security-Policy: 10/10)');
    const text = readFileSync(join(dir, 'SECURITY.md'), 'utf8');
    expect(scoreSecurityPolicy(text).score).toBe(10);
    expect(text).toContain(`${SERVER}/disclosure/reports/new?package=%40acme%2Fwidget`);
    expect(text).toContain('sec@acme.example');
    expect(text).toMatch(/within 2 business days/);
    expect(text).toMatch(/45 days after triage/);
    expect(text).toContain(`${SERVER}/disclosure/bounty`);
    expect(text).toContain(
      `[![Security: Responsible Disclosure](${SERVER}/badge/@acme/widget.svg)](${SERVER}/policy/@acme/widget)`,
    );
    // and check, run on it, says the same
    const c = await nswg(['policy', 'check', dir]);
    expect(c.code, c.stdout).toBe(0);
    expect(c.stdout).toBe('SECURITY.md: OpenSSF Scorecard Security-Policy 10/10\n');
  });

  it('keeps an existing SECURITY.md unless --force', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'SECURITY.md'), 'ours\n');
    const r = await nswg(['policy', 'init', dir, '--package', 'left-pad', '--server', SERVER]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SECURITY\.md: already exists: kept \(--force replaces it\)/);
    expect(readFileSync(join(dir, 'SECURITY.md'), 'utf8')).toBe('ours\n');
    const f = await nswg(['policy', 'init', dir, '--package', 'left-pad', '--server', SERVER, '--force']);
    expect(f.code, f.stderr).toBe(0);
    expect(readFileSync(join(dir, 'SECURITY.md'), 'utf8')).toContain('`left-pad` takes part');
  });

  it('refuses a bad package name, or none, naming --package; and wants a server', async () => {
    const dir = tempDir();
    for (const args of [['--package', 'Not Valid'], ['--package', '@scope/'], ['--package', '.dot'], []]) {
      const r = await nswg(['policy', 'init', dir, ...args, '--server', SERVER]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^nswg: --package: /);
    }
    const r = await nswg(['policy', 'init', dir, '--package', 'left-pad']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nswg: --server: /);
    expect(() => readFileSync(join(dir, 'SECURITY.md'))).toThrow();
  });
});

describe('nswg policy check DIR', () => {
  const good = (pkg: string) => {
    const dir = tempDir();
    execFileSync(process.execPath, [
      join(import.meta.dirname, '../../dist/bin/nswg.js'),
      'policy',
      'init',
      dir,
      '--package',
      pkg,
      '--server',
      SERVER,
    ]);
    return readFileSync(join(dir, 'SECURITY.md'), 'utf8');
  };

  it("finds the policy at each of Scorecard's places, whatever the case", async () => {
    const text = good('left-pad');
    for (const place of [
      'SECURITY.md',
      'security.md',
      '.github/SECURITY.md',
      'docs/Security.md',
      'doc/SECURITY.rst',
      'SECURITY.adoc',
    ]) {
      const dir = tempDir();
      mkdirSync(join(dir, place, '..'), { recursive: true });
      writeFileSync(join(dir, place), text);
      const r = await nswg(['policy', 'check', dir]);
      expect(r.code, `${place}: ${r.stdout}`).toBe(0);
      expect(r.stdout).toBe(`${place}: OpenSSF Scorecard Security-Policy 10/10\n`);
    }
  });

  it('names the problems of a weak policy, and of none, with exit code 1', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'SECURITY.md'), 'Please report security problems to us privately.\n');
    const r = await nswg(['policy', 'check', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const [f] = JSON.parse(r.stdout);
    expect(f).toMatchObject({ where: '.github/SECURITY.md', kind: 'security-policy', score: 3 });
    expect(f.problems).toEqual([
      expect.stringMatching(/no link/),
      expect.stringMatching(/fewer than two hints/),
    ]);
    // a policy elsewhere is not one Scorecard reads
    const other = tempDir();
    mkdirSync(join(other, 'src'));
    writeFileSync(join(other, 'src', 'SECURITY.md'), good('x'));
    const none = await nswg(['policy', 'check', other]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /Security-Policy 0\/10\n {2}- no security policy: Scorecard looks for SECURITY\.md/,
    );
  });
});

describe('nswg policy check URL', () => {
  let https: Server;
  let http: Server;
  let httpsBase = '';
  let httpBase = '';
  let ca = '';
  const day = 86_400_000;
  const goodTxt = (base: string) =>
    [
      '# test site',
      'Contact: mailto:security@example.org',
      `Expires: ${new Date(Date.now() + 30 * day).toISOString()}`,
      `Policy: ${base.replace(/^http:/, 'https:')}/policy`,
      `Canonical: ${base}/.well-known/security.txt`,
      '',
    ].join('\r\n');
  const BAD = [
    'Expires: 2020-01-01T00:00:00Z',
    'Policy: http://example.org/policy',
    'Preferred-Languages: en',
    'Preferred-Languages: fr',
    '',
  ].join('\n');
  const site =
    (base: () => string): RequestListener =>
    (req, res) => {
      const send = (body: string, type = 'text/plain; charset=utf-8') =>
        res.writeHead(200, { 'content-type': type }).end(body);
      if (req.url === '/.well-known/security.txt') return send(goodTxt(base()));
      if (req.url === '/bad/security.txt') return send(BAD, 'text/html');
      res.writeHead(404).end();
    };

  beforeAll(async () => {
    const dir = tempDir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    ca = join(dir, 'cert.pem');
    https = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(ca) },
      site(() => httpsBase),
    );
    http = createHttpServer(site(() => httpBase));
    for (const s of [https, http]) await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    httpsBase = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
    httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of [https, http]) await new Promise((ok) => s?.close(ok));
  });
  const check = (url: string) => nswg(['policy', 'check', url], { env: { NODE_EXTRA_CA_CERTS: ca } });

  it('passes a site whose /.well-known/security.txt follows RFC 9116', async () => {
    const r = await check(`${httpsBase}/`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${httpsBase}/.well-known/security.txt: follows RFC 9116\n`);
    expect(r.code).toBe(0);
  });

  it('names every problem of a bad one, with exit code 1', async () => {
    const r = await check(`${httpsBase}/bad/security.txt`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does not follow RFC 9116');
    for (const p of [
      /served as "text\/html"/,
      /line 2: Policy: a web URI must begin with https/,
      /Contact: no Contact/,
      /line 1: Expires: expired/,
      /line 4: Preferred-Languages: appears more than once/,
    ])
      expect(r.stdout).toMatch(p);
  });

  it('says a file served over plain HTTP is not one', async () => {
    const r = await check(httpBase);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/must be served over HTTPS/);
    const none = await check(`${httpBase}/nothing/security.txt`);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no security\.txt: the site answered 404/);
  });
});

describe('nswg serve --security-contact', () => {
  it('refuses a contact that is no mailto:, tel: or https:// URI, from the option or the environment', async () => {
    const r = await nswg(['serve', '--port', '0', '--security-contact', 'http://example.org/sec']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nswg: --security-contact: a web URI must begin with https:\/\//);
    const env = await nswg(['serve', '--port', '0'], {
      env: { NSWG_SECURITY_CONTACT: 'mailto:a@b.example ftp://x' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(
      /^nswg: --security-contact: "ftp:\/\/x": use a mailto:, tel: or https:\/\/ URI/,
    );
  });
});
