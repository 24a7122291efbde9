import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nswg, tempHome } from '../helpers/cli.js';

// the launcher (src/cli/launch.ts) runs the command's bundle through V8's code cache, one file per command
const checkNode = ['check-node', '20.0.0', '--platform', 'linux', '--format', 'json'];

/** A cache folder, and a home whose database the command has already made (uncached). */
async function cacheHome(): Promise<{ env: Record<string, string>; dir: string; home: string }> {
  const base = mkdtempSync(join(tmpdir(), 'nswg-cache-'));
  const home = tempHome();
  await nswg(checkNode, { home, env: { NSWG_CODE_CACHE: '0' } });
  return { env: { XDG_CACHE_HOME: base }, dir: join(base, 'nswg'), home };
}

const cacheFiles = (dir: string, command: string) =>
  readdirSync(dir).filter((f) => f.endsWith(`-${process.version}-${process.arch}-${command}.v8`));

describe('nswg executable: code cache', () => {
  it('writes a private cache for the command on the first run, and reads it without rewriting it after', async () => {
    const { env, dir, home } = await cacheHome();
    const uncached = await nswg(checkNode, { home, env: { ...env, NSWG_CODE_CACHE: '0' } });
    expect(uncached.code).toBe(1);
    expect(() => readdirSync(dir)).toThrow(); // turned off: nothing written

    const first = await nswg(checkNode, { home, env });
    expect(first).toEqual(uncached);
    const [file] = cacheFiles(dir, 'check-node');
    expect(file).toMatch(/^[0-9a-f]{16}-/);
    const path = join(dir, file!);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = readFileSync(path);
    expect(written.length).toBeGreaterThan(1000);
    const writtenAt = statSync(path).mtimeMs;

    const second = await nswg(checkNode, { home, env });
    expect(second).toEqual(uncached);
    expect(statSync(path).mtimeMs).toBe(writtenAt);
    expect(readFileSync(path).equals(written)).toBe(true);

    // another command gets its own cache; --version is the program's
    expect((await nswg(['--version'], { home, env })).code).toBe(0);
    expect(cacheFiles(dir, 'nswg')).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('runs the command when the cache is damaged, and replaces it', async () => {
    const { env, dir, home } = await cacheHome();
    const expected = await nswg(checkNode, { home, env });
    const path = join(dir, cacheFiles(dir, 'check-node')[0]!);
    const damaged = Buffer.alloc(readFileSync(path).length, 7);
    writeFileSync(path, damaged);
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(readFileSync(path).equals(damaged)).toBe(false);
    // the new cache is taken as it is
    const rewrittenAt = statSync(path).mtimeMs;
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(statSync(path).mtimeMs).toBe(rewrittenAt);
  });

  it('runs the command when the cache folder cannot be made', async () => {
    const { env, dir, home } = await cacheHome();
    writeFileSync(dir, 'a file where the folder would be');
    const r = await nswg(checkNode, { home, env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).version).toBe('20.0.0');
    expect(r.stderr).toBe('');
  });

  it('removes caches a month old when it writes one, and keeps recent ones', async () => {
    const { env, dir, home } = await cacheHome();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = join(dir, '0000000000000000-v0.0.0-x64-audit.v8');
    const recent = join(dir, '1111111111111111-v0.0.0-x64-audit.v8');
    writeFileSync(old, 'old');
    writeFileSync(recent, 'recent');
    const monthsAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(old, monthsAgo, monthsAgo);
    await nswg(checkNode, { home, env });
    expect(readdirSync(dir).sort()).toEqual(
      [cacheFiles(dir, 'check-node')[0], '1111111111111111-v0.0.0-x64-audit.v8'].sort(),
    );
  });

  it('makes no cache after a usage error, which runs little of the command', async () => {
    const { env, dir, home } = await cacheHome();
    const r = await nswg(['check-node', 'not-a-version'], { home, env });
    expect(r.code).toBe(2);
    expect(() => readdirSync(dir)).toThrow();
    expect((await nswg(checkNode, { home, env })).code).toBe(1);
    expect(cacheFiles(dir, 'check-node')).toHaveLength(1);
  });

  it.skipIf(!process.getuid)('neither reads nor writes a cache in a folder others may write to', async () => {
    const { env, dir, home } = await cacheHome();
    const expected = await nswg(checkNode, { home, env });
    const [file] = cacheFiles(dir, 'check-node');
    chmodSync(dir, 0o777);
    // read: not, so written again, but not there either: the old file stays as it was
    const before = statSync(join(dir, file!)).mtimeMs;
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(statSync(join(dir, file!)).mtimeMs).toBe(before);
    unlinkSync(join(dir, file!));
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('never reads a cache file that another user owns', async () => {
    const { env, dir, home } = await cacheHome();
    await nswg(checkNode, { home, env });
    const path = join(dir, cacheFiles(dir, 'check-node')[0]!);
    chownSync(path, 12345, 12345);
    await nswg(checkNode, { home, env });
    // not read, so written again: the file is the current user's
    expect(statSync(path).uid).toBe(0);
  });
});

// a machine's own Node.js may be older than nswg needs (Debian's is 20): the one npm installed with
// nswg runs the command then, or the command says which Node.js it needs
const machineNode = '/usr/bin/node';
const machineNodeIsOld = (() => {
  try {
    const [major = 0, minor = 0] = execFileSync(machineNode, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
    })
      .trim()
      .split('.')
      .map(Number);
    return major < 22 || (major === 22 && minor < 16);
  } catch {
    return false;
  }
})();

describe.skipIf(!machineNodeIsOld)('nswg executable started by an older Node.js', () => {
  const bin = fileURLToPath(new URL('../../dist/bin/nswg.js', import.meta.url));

  it('runs the command on the Node.js installed with it, with its arguments, output and exit status', () => {
    const version = spawnSync(machineNode, [bin, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const home = tempHome();
    const run = spawnSync(machineNode, [bin, ...checkNode], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home },
    });
    expect(run.status).toBe(1); // Node.js 20.0.0 is affected
    expect(JSON.parse(run.stdout).version).toBe('20.0.0');
  });

  it('says which Node.js it needs when none is installed with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nswg-alone-'));
    copyFileSync(bin, join(dir, 'nswg.js'));
    const run = spawnSync(machineNode, [join(dir, 'nswg.js'), '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/needs Node\.js 22\.16 or newer, not v\d+/);
  });
});
