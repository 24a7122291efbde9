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
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nswg, tempHome } from '../helpers/cli.js';
import { SHARED } from '../helpers/shared.js';

// the launcher (src/cli/launch.ts) loads the command line's bundle with Node.js's compile cache, in
// a private folder of the user's
const checkNode = ['check-node', '20.0.0', '--platform', 'linux', '--format', 'json'];

/** A cache folder, and a home whose database the command has already made (uncached). */
async function cacheHome(): Promise<{ env: Record<string, string>; dir: string; home: string }> {
  const base = mkdtempSync(join(tmpdir(), 'nswg-cache-'));
  const home = tempHome();
  await nswg(checkNode, { home, env: { NSWG_CODE_CACHE: '0' } });
  return { env: { XDG_CACHE_HOME: base }, dir: join(base, 'nswg'), home };
}

/** Every file under `dir` (Node.js keeps its cache in a folder per version), with its status. */
function cacheFiles(dir: string): { path: string; size: number; mode: number; mtimeMs: number }[] {
  const out: { path: string; size: number; mode: number; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isFile()) out.push({ path, size: st.size, mode: st.mode & 0o777, mtimeMs: st.mtimeMs });
  }
  return out;
}

describe('nswg executable: compile cache', () => {
  it('writes the cache in a private folder on the first run, and reads it without rewriting it after', async () => {
    const { env, dir, home } = await cacheHome();
    const uncached = await nswg(checkNode, { home, env: { ...env, NSWG_CODE_CACHE: '0' } });
    expect(uncached.code).toBe(1);
    expect(() => readdirSync(dir)).toThrow(); // turned off: nothing written

    const first = await nswg(checkNode, { home, env });
    expect(first).toEqual(uncached);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file, ...others] = cacheFiles(dir);
    expect(others).toEqual([]);
    expect(file!.size).toBeGreaterThan(10_000); // the bundle's compiled code
    expect(file!.mode & 0o077).toBe(0);

    const second = await nswg(checkNode, { home, env });
    expect(second).toEqual(uncached);
    expect(cacheFiles(dir)).toEqual([file]); // read, not written again

    // debugging loads the bundle with its source map, and no cache
    const debug = await nswg(checkNode, { home, env: { ...env, NSWG_DEBUG: '1' } });
    expect(debug.stdout).toBe(uncached.stdout);
    expect(cacheFiles(dir)).toEqual([file]);
  });

  it('runs the command when the cache is damaged, and replaces it', async () => {
    const { env, dir, home } = await cacheHome();
    const expected = await nswg(checkNode, { home, env });
    const [file] = cacheFiles(dir);
    const damaged = Buffer.alloc(file!.size, 7);
    writeFileSync(file!.path, damaged);
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(readFileSync(file!.path).equals(damaged)).toBe(false);
  });

  it('runs the command when the cache folder cannot be made', async () => {
    const { env, dir, home } = await cacheHome();
    writeFileSync(dir, 'a file where the folder would be');
    const r = await nswg(checkNode, { home, env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).version).toBe('20.0.0');
    expect(r.stderr).toBe('');
  });

  it("runs `nswg audit` from a bundle of that command alone, with the whole command line's answers", async () => {
    const { env, dir, home } = await cacheHome();
    const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}`, import.meta.url));
    // the audit's bundle carries none of the server (its load shedding's error code) and is half the size
    const audit = readFileSync(bin('audit.cjs'), 'utf8');
    const whole = readFileSync(bin('cli.cjs'), 'utf8');
    expect(whole).toContain('E_OVERLOADED');
    expect(audit).not.toContain('E_OVERLOADED');
    expect(audit.length).toBeLessThan(whole.length * 0.6);
    const args = ['audit', join(SHARED, 'fixtures', 'vuln-direct-npm'), '--format', 'json', '--no-node'];
    await nswg(checkNode, { home, env });
    expect(cacheFiles(dir)).toHaveLength(1);
    const r = await nswg(args, { home, env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    // its own bundle, with its own compile cache
    expect(cacheFiles(dir)).toHaveLength(2);
    // the same answer as the whole command line's (run from its bundle directly), and the same help
    const direct = spawnSync(process.execPath, [bin('cli.cjs'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' },
    });
    expect(direct.status).toBe(1);
    expect(r.stdout).toBe(direct.stdout);
    const help = await nswg(['audit', '--help'], { home, env });
    expect(help.stdout).toBe(
      spawnSync(process.execPath, [bin('cli.cjs'), 'audit', '--help'], {
        encoding: 'utf8',
        env: { HOME: home },
      }).stdout,
    );
    expect(help.stdout).toContain('--audit-level');
  });

  it("reads other lockfiles, writes other reports and reads other command lines from the audit's other bundle, as the whole command line does", async () => {
    const { env, home } = await cacheHome();
    const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}`, import.meta.url));
    // SARIF's schema and yarn berry's parser are in that bundle, not the audit's
    const sarifSchema = 'sarif-schema-2.1.0.json';
    expect(readFileSync(bin('audit.cjs'), 'utf8')).not.toContain(sarifSchema);
    expect(readFileSync(bin('audit-more.cjs'), 'utf8')).toContain(sarifSchema);
    // nor is commander, which a plain command line does without
    expect(readFileSync(bin('audit.cjs'), 'utf8')).not.toContain('commander.unknownOption');
    expect(readFileSync(bin('audit-more.cjs'), 'utf8')).toContain('commander.unknownOption');
    // a command line commander reads (a bad value, --omit's list, help): the same answers too
    for (const args of [
      ['audit', '--format', 'xml'],
      [
        'audit',
        '--omit',
        'dev',
        '--format',
        'json',
        '--no-node',
        '--',
        join(SHARED, 'fixtures', 'vuln-direct-npm'),
      ],
      ['audit', '-h'],
      ['audit', '--bogus'],
    ]) {
      const r = await nswg(args, { home, env });
      const direct = spawnSync(process.execPath, [bin('cli.cjs'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' },
      });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, args.join(' ')).toEqual({
        code: direct.status,
        stdout: direct.stdout,
        stderr: direct.stderr,
      });
    }
    const cases = [
      ['vuln-direct-yarn', 'sarif'],
      ['vuln-direct-pnpm', 'markdown'],
      ['workspaces-yarn', 'cyclonedx'],
      ['vuln-direct-npm', 'npm'],
      ['vuln-direct-npm', 'text'],
      ['vuln-direct-npm', 'json', '--omit', 'dev', 'optional'],
    ];
    for (const [fixture, format] of cases) {
      const args = [
        'audit',
        join(SHARED, 'fixtures', fixture!),
        '--format',
        format!,
        '--no-node',
        '--no-color',
      ];
      const r = await nswg(args, { home, env });
      const direct = spawnSync(process.execPath, [bin('cli.cjs'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' },
      });
      expect(r.stderr, `${fixture} ${format}`).toBe('');
      expect(r.code, `${fixture} ${format}`).toBe(direct.status);
      expect(r.stdout.length, `${fixture} ${format}`).toBeGreaterThan(200);
      // CycloneDX stamps its document with a new serial number and time at every run
      const stable = (s: string) =>
        format === 'cyclonedx' ? s.replace(/"(serialNumber|timestamp)": "[^"]*"/g, '"$1": ""') : s;
      expect(stable(r.stdout), `${fixture} ${format}`).toBe(stable(direct.stdout));
    }
  });

  it("keeps an audit's young generation at its first size (the whole command line's grows)", async () => {
    const { home } = await cacheHome();
    const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}`, import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'nswg-heap-'));
    const preload = join(dir, 'new-space.cjs');
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write(`new space ${require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size}\\n`));\n",
    );
    const lockfile = fileURLToPath(new URL('../../bench/fixtures/real-npm-2500', import.meta.url));
    const newSpace = (file: string) => {
      const r = spawnSync(process.execPath, ['-r', preload, file, 'audit', lockfile, '--format', 'json'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, NSWG_HOME: home, LANG: 'C.UTF-8' },
        maxBuffer: 64 << 20,
      });
      expect(r.status).toBe(1);
      return Number(/new space (\d+)/.exec(r.stderr)?.[1]);
    };
    expect(newSpace(bin('nswg.js'))).toBeLessThanOrEqual(2 << 20);
    // the same audit without the executable's setting: V8 grows the space as the graph survives
    expect(newSpace(bin('cli.cjs'))).toBeGreaterThan(2 << 20);
  });

  it("loads the whole store from the audit's other bundle only when the database must first be made", async () => {
    const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}`, import.meta.url));
    // the query builder (compileQuery) and the disclosure program's tables are in that bundle, not the audit's
    expect(readFileSync(bin('audit.cjs'), 'utf8')).not.toContain('compileQuery');
    expect(readFileSync(bin('audit-sources.cjs'), 'utf8')).toContain('compileQuery');
    const args = ['audit', join(SHARED, 'fixtures', 'vuln-direct-npm'), '--format', 'json', '--no-node'];
    // a new home: the default database is made (and seeded) through the store, from audit-sources.cjs
    const home = tempHome();
    const first = await nswg(args, { home });
    expect(first.stderr).toMatch(/creating .*nswg\.db from the bundled Working Group data/);
    expect(first.code).toBe(1);
    // then read by the audit's own read-only reader: the same report
    const second = await nswg(args, { home });
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(first.stdout).findings.length).toBeGreaterThan(0);
    // a database named that does not exist: the store's own error, named as any other (exit 2)
    const missing = await nswg([...args, '--db', join(home, 'none.db')], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^nswg: .*none\.db: there is no database at .*none\.db: create it with `nswg db init/,
    );
  });

  it.skipIf(!process.getuid)('neither reads nor writes a cache in a folder others may write to', async () => {
    const { env, dir, home } = await cacheHome();
    const expected = await nswg(checkNode, { home, env });
    const [file] = cacheFiles(dir);
    chmodSync(dir, 0o777);
    // a cache someone else could have put there: not read, so the command would write it again,
    // which it does not either; the file stays as it was
    writeFileSync(file!.path, Buffer.alloc(file!.size, 7));
    const planted = statSync(file!.path).mtimeMs;
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(statSync(file!.path).mtimeMs).toBe(planted);
    unlinkSync(file!.path);
    expect(await nswg(checkNode, { home, env })).toEqual(expected);
    expect(cacheFiles(dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('uses no cache folder that another user owns', async () => {
    const { env, dir, home } = await cacheHome();
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 12345, 12345);
    const r = await nswg(checkNode, { home, env });
    expect(r.code).toBe(1);
    expect(cacheFiles(dir)).toEqual([]);
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
