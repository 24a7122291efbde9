import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Advisory, fromOsv, type OsvRecord } from '../../src/advisories/index.js';
import { matchFindings } from '../../src/scan/index.js';
import type { InstalledPackage } from '../../src/scan/types.js';
import { OSV_SAMPLE } from '../helpers/osv-folder.js';

const record = (id: string): OsvRecord => JSON.parse(readFileSync(join(OSV_SAMPLE, `${id}.json`), 'utf8'));
const installed = (name: string, version: string): InstalledPackage => ({
  name,
  version,
  location: `node_modules/${name}`,
  paths: [['root', name]],
  dev: false,
  optional: false,
  devOptional: false,
  peer: false,
  workspaces: [],
});
const findings = (list: Advisory[], name: string, version: string) =>
  matchFindings([installed(name, version)], new Map([[name, list]]));

describe('records joined by their aliases', () => {
  it('a MAL record and the GitHub malware advisory it repeats are one finding, named by GitHub, to remove', () => {
    const mal = fromOsv(record('MAL-2025-46969'));
    const ghsa: Advisory = {
      ...mal,
      id: 'GHSA-2v46-p5h4-248w',
      aliases: [],
      weaknesses: [{ id: 'CWE-506', name: null }],
      cvss: { vector: null, score: 5 },
    };
    const got = findings([mal, ghsa], 'chalk', '5.6.1');
    expect(got.map((f) => [f.id, f.aliases, f.malicious, f.severity, f.fix.version])).toEqual([
      ['GHSA-2v46-p5h4-248w', ['MAL-2025-46969'], true, 'critical', null],
    ]);
    // the GitHub record alone is malware too (CWE-506)
    expect(findings([ghsa], 'chalk', '5.6.1')[0]?.malicious).toBe(true);
  });

  it('joins through a shared CVE, however long the chain, and keeps unrelated records apart', () => {
    const base = fromOsv(record('GHSA-3h5v-q93c-6h6q'));
    const a: Advisory = { ...base, id: 'GHSA-aaaa-aaaa-aaaa', aliases: ['CVE-2099-0001'] };
    const b: Advisory = {
      ...base,
      id: 'NSWG-ECO-9001',
      aliases: ['CVE-2099-0002'],
      cvss: { vector: null, score: 9.8 },
    };
    const c: Advisory = { ...base, id: 'GHSA-cccc-cccc-cccc', aliases: ['CVE-2099-0001', 'CVE-2099-0002'] };
    const d: Advisory = { ...base, id: 'GHSA-dddd-dddd-dddd', aliases: ['CVE-2099-0003'] };
    const got = findings([a, b, c, d], 'ws', '8.17.0');
    expect(got.map((f) => [f.id, f.aliases, f.severity])).toEqual([
      ['GHSA-dddd-dddd-dddd', ['CVE-2099-0003'], 'high'],
      [
        'NSWG-ECO-9001',
        ['CVE-2099-0002', 'GHSA-aaaa-aaaa-aaaa', 'CVE-2099-0001', 'GHSA-cccc-cccc-cccc'],
        'critical',
      ],
    ]);
  });
});
