import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, nswg, tempHome } from '../helpers/cli.js';
import { readJson, SHARED } from '../helpers/shared.js';

const FIXTURES = join(SHARED, 'fixtures');
let home: string;
const key = (f: { name: string; version: string; id: string | number }) =>
  `${f.name}@${f.version}#${String(f.id).replace(/^.*-/, '')}`;

/** A copy of a shared fixture without its answers. */
function copyFixture(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nswg-audit-')), name);
  cpSync(join(FIXTURES, name), dir, {
    recursive: true,
    filter: (p) => !/(expected|npm-audit)\.json$/.test(p),
  });
  return dir;
}

beforeAll(async () => {
  home = tempHome();
  expect((await nswg(['db', 'init'], { home })).code).toBe(0);
});

describe('nswg audit', () => {
  it.each([
    'vuln-direct-npm',
    'vuln-direct-npm-v1',
    'vuln-direct-npm-v2',
    'vuln-direct-pnpm',
    'vuln-direct-yarn',
    'workspaces-npm',
    'workspaces-pnpm',
    'workspaces-yarn',
  ])('finds exactly the expected findings in %s', async (name) => {
    const r = await nswg(['audit', copyFixture(name), '--format', 'json', '--no-node'], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const got = (JSON.parse(r.stdout).findings as { name: string; version: string; id: string }[]).map(key);
    const want = readJson<{ name: string; version: string; id: number }[]>(
      join(FIXTURES, name, 'expected.json'),
    ).map(key);
    expect(new Set(got)).toEqual(new Set(want));
    expect(got).toHaveLength(want.length);
  });

  it('writes the documented json: sorted findings with paths, dev, workspace, fix, and the Node.js check', async () => {
    const r = await nswg(
      [
        'audit',
        copyFixture('workspaces-npm'),
        '--format',
        'json',
        '--node-version',
        '20.20.1',
        '--platform',
        'linux',
      ],
      { home },
    );
    const out = JSON.parse(r.stdout);
    const keys = out.findings.map((f: { name: string; version: string; id: string }) => [
      f.name,
      f.version,
      f.id,
    ]);
    expect(keys).toEqual(
      [...keys].sort((a: string[], b: string[]) =>
        a[0]! < b[0]!
          ? -1
          : a[0]! > b[0]!
            ? 1
            : a[1]! < b[1]!
              ? -1
              : a[1]! > b[1]!
                ? 1
                : a[2]! < b[2]!
                  ? -1
                  : 1,
      ),
    );
    const yaml = out.findings.find((f: { name: string }) => f.name === 'js-yaml');
    expect(yaml).toMatchObject({
      id: 'NSWG-ECO-16',
      aliases: ['CVE-2013-4660'],
      severity: 'moderate',
      dev: true,
      workspace: 'packages/tools',
    });
    expect(yaml.paths[0]).toEqual(['root', 'packages/tools', 'js-yaml']);
    expect(yaml.fix.version).toBe('2.0.5');
    expect(out.node).toMatchObject({ version: '20.20.1', platform: 'linux', endOfLife: true });
    expect(out.node.findings.map((f: { id: string }) => f.id)).toContain('NSWG-COR-171');
  });

  it('sets the exit code from --audit-level, and --omit dev leaves dev-only findings out', async () => {
    const dir = copyFixture('workspaces-npm');
    const all = JSON.parse(
      (await nswg(['audit', dir, '--format', 'json', '--no-node'], { home })).stdout,
    ).findings;
    const critical = await nswg(
      ['audit', dir, '--format', 'json', '--no-node', '--audit-level', 'critical'],
      { home },
    );
    expect(all.some((f: { severity: string }) => f.severity === 'critical')).toBe(false);
    expect(critical.code).toBe(0);
    expect(
      (await nswg(['audit', dir, '--format', 'json', '--no-node', '--audit-level', 'high'], { home })).code,
    ).toBe(1);
    const prod = JSON.parse(
      (await nswg(['audit', dir, '--format', 'json', '--no-node', '--omit', 'dev'], { home })).stdout,
    ).findings;
    expect(prod.length).toBeLessThan(all.length);
    expect(prod.some((f: { dev: boolean }) => f.dev)).toBe(false);
    expect(all.filter((f: { dev: boolean }) => !f.dev)).toHaveLength(prod.length);
  });

  it('honours the ignore file: reason shown, expired entries stop ignoring and are reported', async () => {
    const dir = copyFixture('workspaces-npm');
    writeFileSync(
      join(dir, '.nswg-ignore.json'),
      JSON.stringify({
        ignore: [
          { id: 'NSWG-ECO-16', reason: 'build tool only, never sees untrusted YAML', expires: '2999-01-01' },
          { id: 'CVE-2016-1000223', package: 'jws', reason: 'old exception', expires: '2020-01-01' },
        ],
      }),
    );
    const r = await nswg(['audit', dir, '--format', 'json', '--no-node'], { home });
    const out = JSON.parse(r.stdout);
    expect(out.findings.some((f: { id: string }) => f.id === 'NSWG-ECO-16')).toBe(false);
    expect(out.ignored.map((i: { id: string; reason: string }) => [i.id, i.reason])).toEqual([
      ['NSWG-ECO-16', 'build tool only, never sees untrusted YAML'],
    ]);
    expect(out.findings.some((f: { id: string }) => f.id === 'NSWG-ECO-88')).toBe(true);
    expect(out.expiredIgnores).toEqual([
      { id: 'CVE-2016-1000223', package: 'jws', reason: 'old exception', expires: '2020-01-01' },
    ]);
    const text = await nswg(['audit', dir, '--no-node', '--no-color'], { home });
    expect(text.stdout).toMatch(/build tool only, never sees untrusted YAML/);
    expect(text.stdout).toMatch(/expired/i);
  });

  it('stops quietly when the reader of its output goes away (`nswg audit | head`)', async () => {
    const dir = copyFixture('vuln-direct-npm');
    const child = spawn(process.execPath, [BIN, 'audit', dir, '--format', 'json', '--no-node'], {
      env: { PATH: process.env.PATH, HOME: home, NSWG_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // the reading end is closed before the report is written: the write fails with EPIPE
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it('writes its whole report to an output that takes it only in parts (a non-blocking pipe)', async () => {
    const dir = copyFixture('vuln-direct-npm');
    const args = [BIN, 'audit', dir, '--format', 'json', '--no-node'];
    const env = { PATH: process.env.PATH, HOME: home, NSWG_HOME: home };
    const expected = await nswg(args.slice(1), { home });
    // more than a pipe holds (64 KiB): the first write fills it, the next one would block
    expect(expected.stdout.length).toBeGreaterThan(64 * 1024);
    const fifo = join(mkdtempSync(join(tmpdir(), 'nswg-fifo-')), 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', writer, 'pipe'] });
    closeSync(writer);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    // read only once the command has met the full pipe
    await new Promise((done) => setTimeout(done, 700));
    const socket = new Socket({ fd: reader, readable: true, writable: false });
    let stdout = '';
    socket.setEncoding('utf8').on('data', (d) => (stdout += d));
    const [code] = await Promise.all([
      new Promise<number | null>((done) => child.on('close', done)),
      new Promise((done) => socket.on('end', done)),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toBe(expected.stdout);
  });

  it('writes every format', async () => {
    const dir = copyFixture('vuln-direct-npm');
    for (const format of ['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx']) {
      const r = await nswg(['audit', dir, '--format', format, '--no-node', '--no-color'], { home });
      expect(r.code, format).toBe(1);
      expect(r.stderr, format).toBe('');
      expect(r.stdout.length, format).toBeGreaterThan(200);
    }
    const npm = JSON.parse((await nswg(['audit', dir, '--format', 'npm', '--no-node'], { home })).stdout);
    const real = readJson<{ vulnerabilities: Record<string, unknown>; metadata: unknown }>(
      join(FIXTURES, 'vuln-direct-npm', 'npm-audit.json'),
    );
    expect(Object.keys(npm.vulnerabilities).sort()).toEqual(Object.keys(real.vulnerabilities).sort());
    expect(npm.metadata).toEqual(real.metadata);
    const out = join(dir, 'report.sarif');
    await nswg(['audit', dir, '--format', 'sarif', '--no-node', '--output', out], { home });
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  describe('bad input: a clear message naming the file, exit 2, no stack trace', () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['a directory with no lockfile', () => {}, /no lockfile/i],
      [
        'a truncated package-lock.json',
        (d) =>
          writeFileSync(
            join(d, 'package-lock.json'),
            '{\n  "name": "x",\n  "lockfileVersion": 3,\n  "packages": {',
          ),
        /package-lock\.json:\d+: not valid JSON: the JSON ends too early \(truncated file\?\)/,
      ],
      [
        'an unknown lockfile version',
        (d) =>
          writeFileSync(
            join(d, 'package-lock.json'),
            JSON.stringify({ name: 'x', lockfileVersion: 99, packages: {} }),
          ),
        /package-lock\.json.*lockfileVersion.*99/i,
      ],
      [
        'an entry without a version',
        (d) =>
          writeFileSync(
            join(d, 'package-lock.json'),
            JSON.stringify({
              name: 'x',
              lockfileVersion: 3,
              packages: { '': { name: 'x' }, 'node_modules/lodash': { resolved: 'x' } },
            }),
          ),
        /package-lock\.json.*node_modules\/lodash.*version/i,
      ],
      [
        'a lockfile that disagrees with package.json',
        (d) => {
          writeFileSync(
            join(d, 'package.json'),
            JSON.stringify({
              name: 'x',
              version: '1.0.0',
              dependencies: { lodash: '^4.0.0', express: '^4.0.0' },
            }),
          );
          writeFileSync(
            join(d, 'package-lock.json'),
            JSON.stringify({
              name: 'x',
              version: '1.0.0',
              lockfileVersion: 3,
              packages: {
                '': { name: 'x', dependencies: { lodash: '^4.0.0' } },
                'node_modules/lodash': { version: '4.17.21' },
              },
            }),
          );
        },
        /express/,
      ],
      [
        'a hand-broken yarn.lock',
        (d) =>
          writeFileSync(
            join(d, 'yarn.lock'),
            '# yarn lockfile v1\n\n"lodash@^4.0.0":\n  version "4.17.4\n  resolved oops\n',
          ),
        /yarn\.lock:4: not a valid yarn v1 lockfile: a string is not closed on its line/,
      ],
      [
        'a broken ignore file',
        (d) => {
          cpSync(join(FIXTURES, 'vuln-direct-npm', 'package.json'), join(d, 'package.json'));
          cpSync(join(FIXTURES, 'vuln-direct-npm', 'package-lock.json'), join(d, 'package-lock.json'));
          writeFileSync(join(d, '.nswg-ignore.json'), JSON.stringify([{ id: 'NSWG-ECO-1' }]));
        },
        /\.nswg-ignore\.json: \[0\]\.reason: is required/,
      ],
    ];
    it.each(cases)('%s', async (_name, make, message) => {
      const dir = mkdtempSync(join(tmpdir(), 'nswg-bad-'));
      mkdirSync(dir, { recursive: true });
      make(dir);
      const r = await nswg(['audit', dir, '--format', 'json'], { home });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

    it('refuses unknown options values', async () => {
      const dir = copyFixture('vuln-direct-npm');
      expect((await nswg(['audit', dir, '--audit-level', 'severe'], { home })).code).toBe(2);
      expect((await nswg(['audit', dir, '--omit', 'prod'], { home })).stderr).toMatch(
        /--omit takes dev, optional or peer/,
      );
      expect((await nswg(['audit', dir, '--node-version', 'banana'], { home })).stderr).toMatch(
        /--node-version/,
      );
    });
  });
});

describe('nswg check-node', () => {
  it('answers in the documented json, with exit 1 when vulnerable', async () => {
    const r = await nswg(['check-node', '20.20.1', '--platform', 'linux', '--format', 'json'], { home });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'version',
      'platform',
      'findings',
      'endOfLife',
      'platformFrom',
      'line',
      'upgrade',
    ]);
    expect(out.platformFrom).toBe('--platform');
    expect(out.upgrade).toMatch(/^a maintained LTS line \(/);
    expect(out.findings.find((f: { id: string }) => f.id === 'NSWG-COR-171')).toEqual({
      id: 'NSWG-COR-171',
      aliases: ['CVE-2026-21717'],
      severity: 'moderate',
      title: 'HashDoS in V8',
      patched: '^20.20.2 || ^22.22.2 || ^24.14.1 || ^25.8.2',
    });
    expect(out.endOfLife).toBe(true);
    const fixed = await nswg(['check-node', '24.14.1', '--platform', 'linux', '--format', 'json'], { home });
    expect(JSON.parse(fixed.stdout).endOfLife).toBe(false);
    const text = await nswg(['check-node', '20.20.1', '--platform', 'win32'], { home });
    expect(text.stdout).toMatch(/end-of-life/);
    expect(text.stdout).toContain('Node.js 20.20.1 on win32 (--platform):');
  });

  it('checks a bare release line as its newest release the advisories name, and says so', async () => {
    const r = await nswg(['check-node', '18', '--platform', 'linux'], { home });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '18.x: checked as 18.20.6, the newest release of the line that an advisory names as patched; nswg ships no list of Node.js releases',
    );
    expect(lines[1]).toMatch(/^. Node\.js 18\.20\.6 on linux \(--platform\): /);
    expect(r.stdout).toContain('the 18.x line is end-of-life since 2025-04-30');
    expect(lines.filter((l) => l.startsWith('upgrade to'))).toEqual([
      expect.stringMatching(/^upgrade to a maintained LTS line \(\d+\.x( or \d+\.x)+\)$/),
    ]);
    for (const same of ['v18', '18.x']) {
      const again = await nswg(['check-node', same, '--platform', 'linux', '--format', 'json'], { home });
      expect(JSON.parse(again.stdout).version, same).toBe('18.20.6');
    }
    const mine = await nswg(['check-node', '18'], { home });
    expect(mine.stdout).toContain(`on ${process.platform} (this machine)`);
  });

  it('exits 1 for an end-of-life line with --fail-on-eol only, and names the fix in the line', async () => {
    // 18.20.6 is named by no advisory as vulnerable (later ones do not assess 18.x): clean but end-of-life
    const plain = await nswg(['check-node', '18.20.6', '--platform', 'linux', '--format', 'json'], { home });
    expect(JSON.parse(plain.stdout)).toMatchObject({ findings: [], endOfLife: true });
    expect(plain.code).toBe(0);
    expect(
      (await nswg(['check-node', '18.20.6', '--platform', 'linux', '--fail-on-eol'], { home })).code,
    ).toBe(1);
    const supported = await nswg(['check-node', '24.0.0', '--platform', 'linux', '--fail-on-eol'], { home });
    expect(supported.code).toBe(1); // vulnerable, not end-of-life
    expect(supported.stdout).toMatch(/^upgrade to 24\.\d+\.\d+ or later$/m);
    const bad = await nswg(['check-node', 'eighteen'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('version: not a Node.js version: "eighteen"');
  });
});
