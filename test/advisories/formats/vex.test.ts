import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Advisory,
  type DependencyAssessment,
  fixedVersionsOf,
  fromNswgCore,
  type NswgCoreJson,
  type OpenVexDocument,
  parseDependencyList,
  toOpenVex,
} from '../../../src/advisories/index.js';
import { isNswgError } from '../../../src/errors.js';
import { EntryMatcher } from '../../../src/scan/index.js';
import { satisfies } from '../../../src/versions/index.js';
import { VEX_EXCERPT, vexSchemaErrors } from '../../helpers/openvex.js';
import { ROOT, readJson, wgCore } from '../../helpers/shared.js';

const MODIFIED = '2026-04-08T21:26:49Z';
const core = (): Advisory[] =>
  (wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, MODIFIED));
const shippedDeps = (): DependencyAssessment[] =>
  parseDependencyList(readJson(join(ROOT, 'data', 'nswg-deps.json')));
const OPTS = { id: 'https://nswg.example/vex/node.openvex.json' };
const byName = (doc: OpenVexDocument, name: string) =>
  doc.statements.filter((s) => s.vulnerability.name === name);
const purls = (doc: OpenVexDocument, name: string) =>
  byName(doc, name).flatMap((s) => s.products.map((p) => p['@id']));
const cor = (n: number) => core().find((a) => a.id === `NSWG-COR-${n}`)!;

describe('fixed versions from a patched range', () => {
  it('takes the least version of each line, in the range’s order', () => {
    expect(fixedVersionsOf('^18.19.1 || ^20.11.1 || >=21.6.2')).toEqual(['18.19.1', '20.11.1', '21.6.2']);
    expect(fixedVersionsOf('^8.1.4 || ^7.10.1 || ^4.8.4 || ^6.11.1')).toEqual([
      '8.1.4',
      '7.10.1',
      '4.8.4',
      '6.11.1',
    ]);
    expect(fixedVersionsOf('^5.10.0 || 4.4.2')).toEqual(['5.10.0', '4.4.2']);
    expect(fixedVersionsOf(' ^12.19.1 || ^14.15.1 || 15.2.1')).toEqual(['12.19.1', '14.15.1', '15.2.1']);
    expect(fixedVersionsOf('>= 10.9.0')).toEqual(['10.9.0']);
    expect(fixedVersionsOf('^0.10.48 || ^0.12.17')).toEqual(['0.10.48', '0.12.17']);
    expect(fixedVersionsOf('~6.2 || 7.x')).toEqual(['6.2.0', '7.0.0']);
  });

  it('names nothing for lines without a least release, or that npm cannot read', () => {
    expect(fixedVersionsOf(null)).toEqual([]);
    expect(fixedVersionsOf('')).toEqual([]);
    expect(fixedVersionsOf('<4.0.0 || ^6.1.0')).toEqual(['6.1.0']);
    expect(fixedVersionsOf('>4.1.1')).toEqual(['4.1.2']);
    expect(fixedVersionsOf('>=5.0.0-beta.2 <5.0.0')).toEqual([]);
    expect(fixedVersionsOf('not a range || ^8.0.0')).toEqual(['8.0.0']);
  });

  it('names, for every seeded core advisory, releases its patched range holds and the advisory does not', () => {
    const all = core();
    expect(all).toHaveLength(171);
    for (const a of all) {
      for (const x of a.affected) {
        const versions = fixedVersionsOf(x.patched);
        expect(versions.length, a.id).toBe(x.patched!.split('||').length);
        const matcher = new EntryMatcher(x);
        for (const v of versions) {
          expect(satisfies(v, x.patched!), `${a.id} ${v}`).toBe(true);
          expect(matcher.holds(v), `${a.id} ${v} is fixed`).toBe(false);
        }
      }
    }
  });
});

describe('the OpenVEX document for Node.js', () => {
  const doc = toOpenVex(core(), shippedDeps(), OPTS)!;

  it('is valid OpenVEX 0.2.0 for every seeded core advisory and the shipped dependency list', () => {
    expect(vexSchemaErrors(doc)).toEqual([]);
    // and the schema can fail: a not_affected statement needs a justification or an impact statement
    const bad = structuredClone(doc);
    const na = bad.statements.find((s) => s.status === 'not_affected')!;
    delete na.justification;
    delete na.impact_statement;
    expect(vexSchemaErrors(bad)).not.toEqual([]);
  });

  it('has the header of the Working Group’s node.openvex.json, dated by the data', () => {
    expect(doc['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(doc['@id']).toBe(OPTS.id);
    expect(doc.author).toBe('Node.js Security WG');
    expect(doc.role).toBe('Project');
    expect(doc.timestamp).toBe(MODIFIED);
    expect(doc.version).toBe(Date.parse(MODIFIED) / 1000);
  });

  it('states fixed, per CVE, the versions the patched ranges name (as the Working Group’s excerpt)', () => {
    const excerpt = readJson<OpenVexDocument>(VEX_EXCERPT);
    for (const s of excerpt.statements.filter((x) => x.status === 'fixed')) {
      const mine = byName(doc, s.vulnerability.name);
      expect(mine, s.vulnerability.name).toHaveLength(1);
      expect(mine[0]).toEqual(s);
    }
    expect(purls(doc, 'CVE-2023-46809')).toEqual([
      'pkg:nodejs/node@v18.19.1',
      'pkg:nodejs/node@v20.11.1',
      'pkg:nodejs/node@v21.6.2',
    ]);
    expect(purls(doc, 'CVE-2018-12115')).toEqual([
      'pkg:nodejs/node@v6.14.4',
      'pkg:nodejs/node@v8.11.4',
      'pkg:nodejs/node@v10.9.0',
    ]);
    expect(purls(doc, 'CVE-2026-21711')).toEqual(['pkg:nodejs/node@v25.8.2']);
    // two advisories for one CVE: one statement
    expect(byName(doc, 'CVE-2024-27980')).toHaveLength(1);
    expect(purls(doc, 'CVE-2024-27980')).toEqual([
      'pkg:nodejs/node@v18.20.2',
      'pkg:nodejs/node@v20.12.2',
      'pkg:nodejs/node@v21.7.3',
    ]);
  });

  it('states every seeded core advisory, each CVE once, in the Working Group’s order', () => {
    const fixed = doc.statements.filter((s) => s.status === 'fixed');
    const names = core().flatMap((a) => {
      const cves = a.aliases.filter((x) => x.startsWith('CVE-'));
      return cves.length ? cves : [a.id];
    });
    expect(fixed.map((s) => s.vulnerability.name)).toEqual([...new Set(names)]);
    expect(fixed).toHaveLength(171 + 14); // 172 CVE mentions of 171 CVEs (one shared), and 14 advisories without a CVE
    for (const s of fixed) {
      expect(s.products.length, s.vulnerability.name).toBeGreaterThan(0);
      for (const p of s.products) expect(p['@id']).toMatch(/^pkg:nodejs\/node@v\d+\.\d+\.\d+$/);
    }
  });

  it('states an advisory without a CVE under its own id, its page the @id', () => {
    const [s] = byName(doc, 'NSWG-COR-26');
    expect(s).toEqual({
      vulnerability: {
        '@id': 'https://github.com/nodejs/security-wg/blob/main/vuln/core/26.json',
        name: 'NSWG-COR-26',
        description: cor(26).details,
      },
      products: [{ '@id': 'pkg:nodejs/node@v5.10.0' }, { '@id': 'pkg:nodejs/node@v4.4.2' }],
      status: 'fixed',
    });
    const own = toOpenVex([cor(26)], [], {
      ...OPTS,
      advisoryUrl: (id) => `https://nswg.example/advisories/${id}`,
    })!;
    expect(own.statements[0]!.vulnerability['@id']).toBe('https://nswg.example/advisories/NSWG-COR-26');
  });

  it('states not_affected with its justification for each CVE of the dependency list', () => {
    const na = doc.statements.filter((s) => s.status === 'not_affected');
    expect(na.map((s) => s.vulnerability.name)).toEqual(shippedDeps().flatMap((d) => d.cves));
    expect(na).toHaveLength(11);
    const excerpt = readJson<OpenVexDocument>(VEX_EXCERPT);
    expect(byName(doc, 'CVE-2023-45853')).toEqual(
      excerpt.statements.filter((s) => s.status === 'not_affected'),
    );
    const [v8] = byName(doc, 'CVE-2024-4947');
    expect(v8).toMatchObject({
      products: [{ '@id': 'pkg:nodejs/node' }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
    });
    expect(v8!.impact_statement).toMatch(/V8 vulnerabilities do not fall within Node\.js's threat model/);
  });

  it('leaves to an advisory a dependency CVE it fixes, and states a CVE listed twice once', () => {
    const list = parseDependencyList({
      '1': { cve: ['CVE-2015-3193', 'CVE-2099-0001'], reason: 'component_not_present' },
      '2': { cve: ['CVE-2099-0001'], reason: 'vulnerable_code_not_present' },
    });
    const d = toOpenVex([cor(36)], list, OPTS)!;
    expect(d.statements.map((s) => [s.vulnerability.name, s.status])).toEqual([
      ['CVE-2015-3193', 'fixed'],
      ['CVE-2099-0001', 'not_affected'],
    ]);
    expect(d.statements[1]).toEqual({
      vulnerability: { '@id': 'https://www.cve.org/CVERecord?id=CVE-2099-0001', name: 'CVE-2099-0001' },
      products: [{ '@id': 'pkg:nodejs/node' }],
      status: 'not_affected',
      justification: 'component_not_present',
    });
    expect(vexSchemaErrors(d)).toEqual([]);
  });

  it('is the same document for the same data, whatever the order it comes in', () => {
    const again = toOpenVex(core().reverse(), shippedDeps(), OPTS);
    expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
  });

  it('leaves withdrawn advisories out, but dates the document by their withdrawal', () => {
    const withdrawn = { ...cor(36), withdrawn: '2030-01-01T00:00:00Z', modified: '2030-01-01T00:00:00Z' };
    const d = toOpenVex([withdrawn, cor(1)], [], OPTS)!;
    expect(d.statements.map((s) => s.vulnerability.name)).toEqual(['CVE-2017-1000381']);
    expect(d.timestamp).toBe('2030-01-01T00:00:00Z');
    expect(d.version).toBeGreaterThan(doc.version);
    expect(vexSchemaErrors(d)).toEqual([]);
  });

  it('takes the list’s date when it is newer, and has nothing to say without statements', () => {
    const d = toOpenVex([cor(1)], [], { ...OPTS, listModified: '2026-05-01T10:00:00+02:00' })!;
    expect(d.timestamp).toBe('2026-05-01T08:00:00Z');
    expect(toOpenVex([], [], OPTS)).toBeNull();
    expect(toOpenVex([{ ...cor(1), withdrawn: MODIFIED }], [], OPTS)).toBeNull();
  });
});

describe('the dependency list', () => {
  it('reads the shipped list: six entries, eleven CVEs, OpenVEX justifications', () => {
    const list = shippedDeps();
    expect(list.map((d) => d.key)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(list[0]).toMatchObject({ cves: ['CVE-2023-45853'], justification: 'vulnerable_code_not_present' });
  });

  it('maps the list’s wording to OpenVEX justifications', () => {
    const [d] = parseDependencyList([
      { cve: ['CVE-2024-0001'], reason: 'Vulnerable code not in execute path' },
    ]);
    expect(d!.justification).toBe('vulnerable_code_not_in_execute_path');
  });

  it('refuses bad entries, naming the entry and the field', () => {
    const fails = (json: unknown) => {
      try {
        parseDependencyList(json, 'deps.json');
      } catch (e) {
        if (isNswgError(e)) return { code: e.code, file: e.file, field: e.field, message: e.message };
        throw e;
      }
      throw new Error('accepted');
    };
    expect(fails({ '7': { cve: ['CVE-2024-1'], reason: 'component_not_present' } })).toMatchObject({
      code: 'E_ADVISORY_INVALID',
      file: 'deps.json',
      field: '7.cve[0]',
    });
    expect(fails({ '3': { cve: ['CVE-2024-1234'], reason: 'not a threat' } })).toMatchObject({
      field: '3.reason',
      message: expect.stringMatching(/entry 3: reason "not a threat" is not an OpenVEX justification/),
    });
    expect(fails({ '2': { cve: [] } })).toMatchObject({ field: '2.cve' });
    expect(fails({ '1': 'x' })).toMatchObject({ field: '1' });
    expect(fails('x')).toMatchObject({ field: '' });
  });
});
