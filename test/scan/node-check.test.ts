import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { fromNswgCore, type NswgCoreJson } from '../../src/advisories/index.js';
import { releaseSchedule } from '../../src/files/index.js';
import { checkNode } from '../../src/scan/index.js';
import { wgCore } from '../helpers/shared.js';

const raw = wgCore() as unknown as NswgCoreJson[];
const core = raw.map((c) => fromNswgCore(c, c.id!, '2026-04-08T21:26:49Z'));
const today = new Date('2026-11-25T12:00:00Z');
const schedule = releaseSchedule();

/** is-my-node-vulnerable's rule: vulnerable, not patched, and for this platform. */
function reference(version: string, platform: string): string[] {
  const words: Record<string, string[]> = {
    linux: ['linux'],
    win32: ['win32', 'win'],
    darwin: ['osx', 'darwin'],
  };
  return raw
    .filter(
      (c) => semver.satisfies(version, c.vulnerable) && !(c.patched && semver.satisfies(version, c.patched)),
    )
    .filter(
      (c) =>
        c.affectedEnvironments.includes('all') ||
        c.affectedEnvironments.some((e) => words[platform]!.includes(e)),
    )
    .map((c) => `NSWG-COR-${c.id}`)
    .sort();
}

describe('the Node.js runtime check', () => {
  it('decides as is-my-node-vulnerable does, for every release line and platform', () => {
    const versions: string[] = [];
    for (const line of [0.1, 0.12, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25, 26]) {
      for (const minor of [0, 1, 5, 9, 12, 17, 20, 22]) {
        for (const patch of [0, 1, 2, 4])
          versions.push(
            line < 1 ? `0.${Math.round(line * 100)}.${minor * 3 + patch}` : `${line}.${minor}.${patch}`,
          );
      }
    }
    versions.push('20.20.1', '20.20.2', '22.22.1', '22.22.2', '24.14.0', '24.14.1', '25.8.1', '25.8.2');
    for (const v of versions) {
      for (const platform of ['linux', 'win32', 'darwin']) {
        const got = checkNode(v, platform, core, today, schedule)
          .findings.map((f) => f.id)
          .sort();
        expect(got, `${v} ${platform}`).toEqual(reference(v, platform));
      }
    }
  });

  it('knows the fix of the newest HashDoS advisory and which release lines are end-of-life', () => {
    const old = checkNode('20.20.1', 'linux', core, today, schedule);
    expect(old.findings.map((f) => f.id)).toContain('NSWG-COR-171');
    expect(old.findings.find((f) => f.id === 'NSWG-COR-171')).toMatchObject({
      aliases: ['CVE-2026-21717'],
      severity: 'moderate',
      patched: '^20.20.2 || ^22.22.2 || ^24.14.1 || ^25.8.2',
    });
    expect(old.endOfLife).toBe(true);
    expect(old.line).toEqual({ name: '20.x', end: '2026-04-30', lts: true });
    expect(checkNode('20.20.2', 'linux', core, today, schedule).findings.map((f) => f.id)).not.toContain(
      'NSWG-COR-171',
    );
    expect(checkNode('24.14.1', 'linux', core, today, schedule).endOfLife).toBe(false);
    expect(checkNode('24.14.1', 'linux', core, new Date('2028-05-01'), schedule).endOfLife).toBe(true);
    expect(checkNode('30.0.0', 'linux', core, today, schedule).endOfLife).toBe(false);
  });

  it('applies Windows-only advisories to Windows only', () => {
    const winOnly = raw
      .filter((c) => c.affectedEnvironments.join() === 'win32')
      .map((c) => `NSWG-COR-${c.id}`);
    expect(winOnly.length).toBeGreaterThan(0);
    const onWin = checkNode('18.0.0', 'win32', core, today, schedule).findings.map((f) => f.id);
    const onLinux = checkNode('18.0.0', 'linux', core, today, schedule).findings.map((f) => f.id);
    expect(onWin.filter((id) => winOnly.includes(id)).length).toBeGreaterThan(0);
    expect(onLinux.filter((id) => winOnly.includes(id))).toEqual([]);
  });

  it('refuses a version or platform it cannot read, naming the option', () => {
    expect(() => checkNode('twenty', 'linux', core, today, schedule)).toThrow(
      expect.objectContaining({ field: '--node-version' }),
    );
    expect(() => checkNode('20.0.0', 'beos', core, today, schedule)).toThrow(
      expect.objectContaining({ field: '--platform' }),
    );
  });
});
