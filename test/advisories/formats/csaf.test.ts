import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Advisory,
  affectedVersRanges,
  csafFileName,
  csafPathOf,
  fixedVersionsOf,
  fromNswgCore,
  fromNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toCsaf,
} from '../../../src/advisories/index.js';
import { isNswgError } from '../../../src/errors.js';
import { csafMandatoryProblems, csafSchemaErrors } from '../../helpers/csaf.js';
import { ROOT, readJson, wgCore, wgNpm } from '../../helpers/shared.js';

const PUBLISHER = { publicUrl: 'https://nswg.example' };
const SEED = '2026-04-08T21:26:49Z';
const core = (): Advisory[] =>
  (wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, SEED));
const coreById = (n: number) => core().find((a) => a.id === `NSWG-COR-${n}`)!;

describe('CSAF 2.0 security advisories of Node.js core advisories', () => {
  it('makes a schema-valid csaf_security_advisory of every seeded core advisory', () => {
    const all = core();
    expect(all).toHaveLength(171);
    for (const a of all) {
      const doc = toCsaf(a, PUBLISHER);
      expect(csafSchemaErrors(doc), a.id).toEqual([]);
      expect(csafMandatoryProblems(doc), a.id).toEqual([]);
      expect(doc.document.category).toBe('csaf_security_advisory');
      expect(doc.document.distribution.tlp.label).toBe('WHITE');
      expect(doc.document.tracking.id).toBe(a.id);
    }
  });

  it('is deterministic: the same advisory gives the same bytes', () => {
    for (const a of core().slice(0, 20))
      expect(JSON.stringify(toCsaf(a, PUBLISHER))).toBe(
        JSON.stringify(toCsaf(structuredClone(a), PUBLISHER)),
      );
  });

  it('names files by the §5.1 rule and files them under the year of the initial release', () => {
    expect(csafFileName('NSWG-COR-170')).toBe('nswg-cor-170.json');
    expect(csafFileName('Example Company - 2019-YH3234')).toBe('example_company_-_2019-yh3234.json');
    expect(csafFileName('RHBA-2019:0024')).toBe('rhba-2019_0024.json');
    expect(csafFileName('a+b_c')).toBe('a+b_c.json');
    expect(csafPathOf(toCsaf(coreById(54), PUBLISHER))).toBe('2018/nswg-cor-54.json');
    // no publication date in the Working Group's file: the advisory's modification date
    expect(csafPathOf(toCsaf(coreById(170), PUBLISHER))).toBe('2026/nswg-cor-170.json');
  });

  it('derives the fixed versions from the patched range: the least version of each part', () => {
    expect(fixedVersionsOf('^18.19.1 || ^20.11.1')).toEqual(['18.19.1', '20.11.1']);
    expect(fixedVersionsOf(coreById(170).affected[0]!.patched)).toEqual([
      '20.20.2',
      '22.22.2',
      '24.14.1',
      '25.8.2',
    ]);
    // `>= 10.9.0` and an exact version are parts too; the order is the range's (the one answer OpenVEX gives too)
    expect(fixedVersionsOf(coreById(54).affected[0]!.patched)).toEqual(['6.14.4', '8.11.4', '10.9.0']);
    expect(fixedVersionsOf(coreById(26).affected[0]!.patched)).toEqual(['5.10.0', '4.4.2']);
    expect(fixedVersionsOf(coreById(1).affected[0]!.patched)).toEqual(['8.1.4', '7.10.1', '4.8.4', '6.11.1']);
    expect(fixedVersionsOf(null)).toEqual([]);
  });

  it('writes the affected versions as vers:semver ranges, without the fixed releases', () => {
    expect(affectedVersRanges(coreById(54).affected[0]!)).toEqual([
      'vers:semver/<6.14.4',
      'vers:semver/>=7.0.0-0|<8.11.4',
      'vers:semver/>=9.0.0-0|<10.9.0',
    ]);
    expect(affectedVersRanges(coreById(170).affected[0]!)).toEqual([
      'vers:semver/>=20.0.0-0|<20.20.2',
      'vers:semver/>=22.0.0-0|<22.22.2',
      'vers:semver/>=24.0.0-0|<24.14.1',
      'vers:semver/>=25.0.0-0|<25.8.2',
    ]);
  });

  it('links the product tree and the vulnerabilities by product id', () => {
    const doc = toCsaf(coreById(170), PUBLISHER);
    const versions = doc.product_tree.branches[0]!.branches![0]!.branches!;
    expect(doc.product_tree.branches[0]).toMatchObject({ category: 'vendor', name: 'Node.js' });
    expect(versions.map((b) => [b.category, b.name, b.product!.product_id])).toEqual([
      ['product_version_range', 'vers:semver/>=20.0.0-0|<20.20.2', 'NODE-AFFECTED-1'],
      ['product_version_range', 'vers:semver/>=22.0.0-0|<22.22.2', 'NODE-AFFECTED-2'],
      ['product_version_range', 'vers:semver/>=24.0.0-0|<24.14.1', 'NODE-AFFECTED-3'],
      ['product_version_range', 'vers:semver/>=25.0.0-0|<25.8.2', 'NODE-AFFECTED-4'],
      ['product_version', '20.20.2', 'NODE-20.20.2'],
      ['product_version', '22.22.2', 'NODE-22.22.2'],
      ['product_version', '24.14.1', 'NODE-24.14.1'],
      ['product_version', '25.8.2', 'NODE-25.8.2'],
    ]);
    const [v] = doc.vulnerabilities;
    expect(v!.cve).toBe('CVE-2026-21716');
    expect(v!.ids).toEqual([{ system_name: 'Node.js Security Working Group', text: 'NSWG-COR-170' }]);
    expect(v!.product_status).toEqual({
      known_affected: ['NODE-AFFECTED-1', 'NODE-AFFECTED-2', 'NODE-AFFECTED-3', 'NODE-AFFECTED-4'],
      fixed: ['NODE-20.20.2', 'NODE-22.22.2', 'NODE-24.14.1', 'NODE-25.8.2'],
    });
    expect(v!.remediations).toEqual([
      {
        category: 'vendor_fix',
        details:
          'Upgrade Node.js to 20.20.2, 22.22.2, 24.14.1, 25.8.2, or a later version of the same release line.',
        product_ids: ['NODE-AFFECTED-1', 'NODE-AFFECTED-2', 'NODE-AFFECTED-3', 'NODE-AFFECTED-4'],
        url: 'https://nodejs.org/en/blog/vulnerability/march-2026-security-releases',
      },
    ]);
    expect(doc.document.aggregate_severity).toEqual({ text: 'Low' });
    expect(doc.document.references.slice(0, 2)).toEqual([
      {
        category: 'self',
        summary: 'This CSAF document',
        url: 'https://nswg.example/.well-known/csaf/white/2026/nswg-cor-170.json',
      },
      {
        category: 'external',
        summary: 'NSWG-COR-170 in the Node.js Security Working Group database',
        url: 'https://nswg.example/advisories/NSWG-COR-170',
      },
    ]);
    expect(doc.document.tracking).toEqual({
      id: 'NSWG-COR-170',
      status: 'final',
      version: '1',
      initial_release_date: SEED,
      current_release_date: SEED,
      revision_history: [{ number: '1', date: SEED, summary: 'Initial release' }],
    });
  });

  it('gives each CVE of an advisory its own vulnerability, with the CWE and acknowledgments', () => {
    const doc = toCsaf(coreById(62), PUBLISHER);
    expect(doc.vulnerabilities.map((v) => v.cve)).toEqual([
      'CVE-2019-9511',
      'CVE-2019-9512',
      'CVE-2019-9513',
      'CVE-2019-9514',
      'CVE-2019-9515',
      'CVE-2019-9516',
      'CVE-2019-9517',
      'CVE-2019-9518',
    ]);
    // the official CWE name, not the file's "… / Denial of Service"
    expect(doc.vulnerabilities[0]!.cwe).toEqual({ id: 'CWE-400', name: 'Uncontrolled Resource Consumption' });
    expect(doc.document.acknowledgments).toEqual([
      { names: ['Jonathan Looney, Piotr Sikora'], summary: 'reported the vulnerability' },
      { names: ['Sam Roberts'], summary: 'developed the fix' },
    ]);
    // an advisory without a CVE: one vulnerability, known by the Working Group's id
    const none = toCsaf(coreById(2), PUBLISHER);
    expect(none.vulnerabilities).toHaveLength(1);
    expect(none.vulnerabilities[0]!.cve).toBeUndefined();
    expect(none.vulnerabilities[0]!.ids![0]!.text).toBe('NSWG-COR-2');
  });

  it("scores CVSS 3 vectors with the library's FIRST JSON", () => {
    const doc = toCsaf(coreById(18), PUBLISHER);
    expect(doc.vulnerabilities[0]!.scores).toEqual([
      {
        products: doc.vulnerabilities[0]!.product_status.known_affected,
        cvss_v3: expect.objectContaining({
          version: '3.0',
          vectorString: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N',
          baseScore: 4.8,
          baseSeverity: 'MEDIUM',
        }),
      },
    ]);
    expect(toCsaf(coreById(170), PUBLISHER).vulnerabilities[0]!.scores).toBeUndefined();
  });

  it('adds a revision when the advisory changed after its publication', () => {
    const a = { ...coreById(54), modified: '2019-01-02T00:00:00Z' };
    const doc = toCsaf(a, PUBLISHER);
    expect(doc.document.tracking.version).toBe('2');
    expect(doc.document.tracking.revision_history.map((r) => r.date)).toEqual([
      '2018-08-16T00:00:00Z',
      '2019-01-02T00:00:00Z',
    ]);
    expect(csafMandatoryProblems(doc)).toEqual([]);
    expect(csafSchemaErrors(doc)).toEqual([]);
  });

  it('catches broken documents (the checks can fail)', () => {
    const doc = JSON.parse(JSON.stringify(toCsaf(coreById(170), PUBLISHER)));
    doc.vulnerabilities[0].product_status.fixed.push('NODE-99.0.0');
    doc.document.tracking.version = '3';
    expect(csafMandatoryProblems(doc)).toEqual([
      '6.1.1: NODE-99.0.0 is referenced but not defined',
      '6.1.16: version is not the last revision number',
    ]);
    doc.document.distribution.tlp.label = 'CLEAR';
    expect(csafSchemaErrors(doc).length).toBeGreaterThan(0);
  });

  it('refuses npm advisories and withdrawn ones', () => {
    const npm = fromNswgNpm((wgNpm() as unknown as NswgNpmJson[])[0]!);
    for (const a of [npm, { ...coreById(170), withdrawn: '2026-04-09T00:00:00Z' }]) {
      let error: unknown;
      try {
        toCsaf(a, PUBLISHER);
      } catch (e) {
        error = e;
      }
      expect(isNswgError(error) && error.code).toBe('E_ADVISORY_INVALID');
    }
  });

  it('validates the official example, so that the schema set-up is the real one', () => {
    const example = readJson(join(ROOT, 'test', 'fixtures', 'csaf', 'csaf-2.0-example.json'));
    expect(csafSchemaErrors(example)).toEqual([]);
  });
});
