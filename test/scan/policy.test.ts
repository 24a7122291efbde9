import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromNswgNpm, type NswgNpmJson } from '../../src/advisories/index.js';
import { readIgnoreFile } from '../../src/files/index.js';
import {
  applyIgnores,
  matchFindings,
  omitPackages,
  parseAuditLevel,
  parseOmit,
} from '../../src/scan/index.js';
import type { InstalledPackage } from '../../src/scan/types.js';
import { wgNpm } from '../helpers/shared.js';

const advisories = (wgNpm() as unknown as NswgNpmJson[]).map(fromNswgNpm);
const byName = new Map<string, typeof advisories>();
for (const a of advisories)
  for (const x of a.affected) byName.set(x.name, [...(byName.get(x.name) ?? []), a]);

const pkg = (name: string, version: string, over: Partial<InstalledPackage> = {}): InstalledPackage => ({
  name,
  version,
  location: `node_modules/${name}`,
  paths: [['root', name]],
  dev: false,
  optional: false,
  devOptional: false,
  peer: false,
  workspaces: [],
  ...over,
});

const today = new Date('2026-11-25T00:00:00Z');

describe('matching', () => {
  it('matches exactly as npm: prereleases, aliases, odd ranges; and computes the fix', () => {
    const found = matchFindings(
      [
        pkg('lodash', '4.17.4'),
        pkg('jquery', '3.0.0-rc1', { alias: 'jquery-rc', location: 'node_modules/jquery-rc' }),
        pkg('bassmaster', '1.5.1'),
        pkg('bassmaster', '1.5.2'),
      ],
      byName,
    );
    const lodash = found.filter((f) => f.name === 'lodash');
    expect(lodash.map((f) => f.id)).toEqual(['NSWG-ECO-368', 'NSWG-ECO-493']);
    expect(lodash.find((f) => f.id === 'NSWG-ECO-368')!.fix).toEqual({
      version: '4.17.5',
      patched: '>=4.17.5',
    });
    expect(found.filter((f) => f.name === 'bassmaster').map((f) => [f.version, f.fix.version])).toEqual([
      ['1.5.1', '1.5.2'],
    ]);
    expect(found.some((f) => f.name === 'jquery')).toBe(false);
  });
});

describe('--omit and --audit-level', () => {
  it('leaves out dev, optional and peer copies as npm does', () => {
    const list = [
      pkg('a', '1.0.0', { dev: true }),
      pkg('b', '1.0.0', { optional: true }),
      pkg('c', '1.0.0', { devOptional: true }),
      pkg('d', '1.0.0', { peer: true }),
      pkg('e', '1.0.0'),
    ];
    const names = (omit: string[]) => omitPackages(list, parseOmit(omit)).map((p) => p.name);
    expect(names(['dev'])).toEqual(['b', 'c', 'd', 'e']);
    expect(names(['dev', 'optional'])).toEqual(['d', 'e']);
    expect(names(['peer'])).toEqual(['a', 'b', 'c', 'e']);
    expect(() => parseOmit(['prod'])).toThrow(/--omit takes dev, optional or peer/);
    expect(parseAuditLevel('high')).toBe('high');
    expect(() => parseAuditLevel('severe')).toThrow(expect.objectContaining({ field: '--audit-level' }));
  });
});

describe('the ignore file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nswg-ignore-'));
  const write = (name: string, value: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
    return f;
  };
  const findings = matchFindings(
    [
      pkg('lodash', '4.17.4', {
        paths: [
          ['root', 'express', 'lodash'],
          ['root', 'lodash'],
        ],
      }),
    ],
    byName,
  );

  it('ignores by id or CVE, by package and path pattern, with a reason; an expired entry stops ignoring', () => {
    const entries = readIgnoreFile(
      write('ok.json', {
        ignore: [
          { id: 'NSWG-ECO-368', reason: 'not reachable from our code', expires: '2027-01-01' },
          { id: 'NSWG-ECO-493', reason: 'accepted until the upgrade', expires: '2026-11-01' },
        ],
      }),
    );
    const r = applyIgnores(findings, entries, today);
    expect(r.ignored.map((i) => [i.finding.id, i.reason])).toEqual([
      ['NSWG-ECO-368', 'not reachable from our code'],
    ]);
    expect(r.findings.map((f) => f.id)).toEqual(['NSWG-ECO-493']);
    expect(r.expired.map((e) => e.id)).toEqual(['NSWG-ECO-493']);

    const cve = findings.find((f) => f.id === 'NSWG-ECO-493')!.aliases[0]!;
    expect(
      applyIgnores(findings, [{ id: cve, package: 'lodash', path: null, reason: 'x', expires: null }], today)
        .ignored,
    ).toHaveLength(1);
    expect(
      applyIgnores(findings, [{ id: cve, package: 'other', path: null, reason: 'x', expires: null }], today)
        .ignored,
    ).toHaveLength(0);
    // a path pattern must cover every path that brings the finding in
    expect(
      applyIgnores(
        findings,
        [{ id: cve, package: null, path: 'root>express>*', reason: 'x', expires: null }],
        today,
      ).ignored,
    ).toHaveLength(0);
    expect(
      applyIgnores(
        findings,
        [{ id: cve, package: null, path: 'root>**>lodash', reason: 'x', expires: null }],
        today,
      ).ignored,
    ).toHaveLength(1);
  });

  it('refuses a bad ignore file, naming the entry and field', () => {
    expect(() => readIgnoreFile(write('noreason.json', { ignore: [{ id: 'NSWG-ECO-1' }] }))).toThrow(
      expect.objectContaining({ field: 'ignore[0].reason' }),
    );
    expect(() => readIgnoreFile(write('date.json', [{ id: 'X', reason: 'r', expires: 'soon' }]))).toThrow(
      expect.objectContaining({ field: '[0].expires' }),
    );
    expect(() =>
      readIgnoreFile(write('extra.json', [{ id: 'X', reason: 'r', until: '2020-01-01' }])),
    ).toThrow(expect.objectContaining({ field: '[0].until' }));
    expect(() => readIgnoreFile(write('broken.json', '{"ignore": ['))).toThrow(
      expect.objectContaining({ code: 'E_IGNORE_FILE', line: 1 }),
    );
    expect(() => readIgnoreFile(join(dir, 'missing.json'))).toThrow(/cannot read the ignore file: ENOENT/);
  });
});
