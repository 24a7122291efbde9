import { describe, expect, it } from 'vitest';
import {
  type Advisory,
  type CsafRelease,
  fromNswgCore,
  fromNswgNpm,
  type NswgCoreJson,
  type NswgNpmJson,
  toCsaf,
  toCsafRelease,
} from '../../../src/advisories/index.js';
import { isNswgError } from '../../../src/errors.js';
import { csafMandatoryProblems, csafSchemaErrors } from '../../helpers/csaf.js';
import { wgCore, wgNpm } from '../../helpers/shared.js';

const PUBLISHER = { publicUrl: 'https://nswg.example/' };
const SEED = '2026-04-08T21:26:49Z';
const ANNOUNCEMENT = 'https://nodejs.org/en/blog/vulnerability/march-2026-security-releases';
const core = (): Advisory[] =>
  (wgCore() as unknown as NswgCoreJson[]).map((c) => fromNswgCore(c, c.id!, SEED));
const coreById = (n: number) => core().find((a) => a.id === `NSWG-COR-${n}`)!;
/** The Working Group's advisories of the March 2026 security releases, as seeded. */
const march2026 = () => core().filter((a) => a.references.some((r) => r.url === ANNOUNCEMENT));
const RELEASE: CsafRelease = {
  trackingId: 'NSWG-SR-2026-03-24',
  title: 'Tuesday, March 24, 2026 security releases',
  releasedAt: '2026-03-24T18:00:00Z',
  announcementUrl: ANNOUNCEMENT,
};

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isNswgError(e) ? { code: e.code, field: e.field } : e;
  }
  return null;
};

describe('the CSAF 2.0 document of a security release', () => {
  it('lists every advisory of a real release as a vulnerability over one product tree, schema-valid', () => {
    const advisories = march2026();
    expect(advisories.map((a) => a.id)).toEqual(
      [163, 164, 165, 166, 167, 168, 169, 170, 171].map((n) => `NSWG-COR-${n}`),
    );
    const doc = toCsafRelease(RELEASE, advisories, PUBLISHER);
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(csafMandatoryProblems(doc)).toEqual([]);
    expect(doc.vulnerabilities.map((v) => v.cve)).toEqual(advisories.map((a) => a.aliases[0]));
    expect(doc.vulnerabilities.map((v) => v.ids![0]!.text)).toEqual(advisories.map((a) => a.id));
    expect(doc.vulnerabilities[0]!.title).toBe(advisories[0]!.title);
    // nine advisories over four lines: each range and fixed version defined once, and shared
    const products = doc.product_tree.branches[0]!.branches![0]!.branches!;
    expect(products.map((b) => b.product!.product_id)).toEqual([
      'NODE-AFFECTED-1',
      'NODE-AFFECTED-2',
      'NODE-AFFECTED-3',
      'NODE-AFFECTED-4',
      'NODE-20.20.2',
      'NODE-22.22.2',
      'NODE-24.14.1',
      'NODE-25.8.2',
    ]);
    expect(products[3]!.name).toBe('vers:semver/>=25.0.0-0|<25.8.2');
    // NSWG-COR-165 affects 25.x only: the 25.x range the others name too
    expect(doc.vulnerabilities[2]!.product_status).toEqual({
      known_affected: ['NODE-AFFECTED-4'],
      fixed: ['NODE-25.8.2'],
    });
    expect(doc.vulnerabilities[2]!.remediations).toEqual([
      {
        category: 'vendor_fix',
        details: 'Upgrade Node.js to 25.8.2, or a later version of the same release line.',
        product_ids: ['NODE-AFFECTED-4'],
        url: ANNOUNCEMENT,
      },
    ]);
  });

  it('makes a schema-valid document of a release with one advisory', () => {
    const doc = toCsafRelease({ ...RELEASE, announcementUrl: null }, [coreById(170)], PUBLISHER);
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(csafMandatoryProblems(doc)).toEqual([]);
    expect(doc.vulnerabilities).toHaveLength(1);
    // the same product tree as the advisory's own document
    expect(doc.product_tree).toEqual(toCsaf(coreById(170), PUBLISHER).product_tree);
    // without an announcement, the remediation points to the advisory's page
    expect(doc.vulnerabilities[0]!.remediations[0]!.url).toBe('https://nswg.example/advisories/NSWG-COR-170');
    expect(doc.document.aggregate_severity).toEqual({ text: 'Low' });
    expect(doc.document.notes).toEqual([
      {
        category: 'summary',
        title: 'Summary',
        text: 'Tuesday, March 24, 2026 security releases: one vulnerability of Node.js fixed.',
      },
    ]);
  });

  it('names the release, its announcement and each advisory, under the tracking id the caller gives', () => {
    const doc = toCsafRelease({ ...RELEASE, notes: 'Nine fixes across four lines.' }, march2026(), PUBLISHER);
    expect(doc.document.title).toBe(RELEASE.title);
    expect(doc.document.notes![0]!.text).toBe('Nine fixes across four lines.');
    expect(doc.document.references.slice(0, 3)).toEqual([
      {
        category: 'self',
        summary: 'This CSAF document',
        url: 'https://nswg.example/.well-known/csaf/white/2026/nswg-sr-2026-03-24.json',
      },
      { category: 'external', summary: 'Release announcement', url: ANNOUNCEMENT },
      {
        category: 'external',
        summary: 'NSWG-COR-163 in the Node.js Security Working Group database',
        url: 'https://nswg.example/advisories/NSWG-COR-163',
      },
    ]);
    expect(doc.document.references).toHaveLength(2 + 9);
    // the seeded advisories were modified after the release: a second revision says so
    expect(doc.document.tracking).toEqual({
      id: 'NSWG-SR-2026-03-24',
      status: 'final',
      version: '2',
      initial_release_date: '2026-03-24T18:00:00Z',
      current_release_date: SEED,
      revision_history: [
        { number: '1', date: '2026-03-24T18:00:00Z', summary: 'Initial release' },
        { number: '2', date: SEED, summary: 'An advisory of the release was updated' },
      ],
    });
    const later = toCsafRelease({ ...RELEASE, releasedAt: '2026-05-01T00:00:00Z' }, march2026(), PUBLISHER);
    expect(later.document.tracking.version).toBe('1');
  });

  it('takes the highest severity of the advisories as the aggregate, in the Node.js words', () => {
    // 163 and 164 are high, the others medium and low: listed last, the highest still counts
    const lowFirst = march2026().reverse();
    expect(toCsafRelease(RELEASE, lowFirst, PUBLISHER).document.aggregate_severity).toEqual({ text: 'High' });
    const mediumAndLow = lowFirst.filter((a) => ['NSWG-COR-165', 'NSWG-COR-169'].includes(a.id));
    expect(toCsafRelease(RELEASE, mediumAndLow, PUBLISHER).document.aggregate_severity).toEqual({
      text: 'Medium',
    });
  });

  it('keeps each advisory’s CVSS score, CWE and credits on its own vulnerability', () => {
    // 18 has a CVSS 3.0 vector; 62 names eight CVEs, a CWE and two credits
    const doc = toCsafRelease(RELEASE, [coreById(18), coreById(62)], PUBLISHER);
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(csafMandatoryProblems(doc)).toEqual([]);
    expect(doc.vulnerabilities).toHaveLength(1 + 8);
    const [first, second] = doc.vulnerabilities;
    expect(first!.scores![0]!.cvss_v3).toMatchObject({
      vectorString: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N',
      baseScore: 4.8,
    });
    expect(first!.acknowledgments).toEqual([{ names: ['Romain Gaucher'], summary: 'developed the fix' }]);
    expect(second!.cwe).toEqual({ id: 'CWE-400', name: 'Uncontrolled Resource Consumption' });
    expect(second!.acknowledgments).toEqual([
      { names: ['Jonathan Looney, Piotr Sikora'], summary: 'reported the vulnerability' },
      { names: ['Sam Roberts'], summary: 'developed the fix' },
    ]);
    expect(doc.document.acknowledgments).toBeUndefined();
    // the two advisories' products are their own
    const ids = new Set(first!.product_status.known_affected);
    expect(second!.product_status.known_affected.some((id) => ids.has(id))).toBe(false);
  });

  it('refuses what cannot make a valid document, naming the field', () => {
    const npm = fromNswgNpm((wgNpm() as unknown as NswgNpmJson[])[0]!);
    const a = coreById(170);
    const sameCve = { ...coreById(169), aliases: [...a.aliases] };
    const cases: [() => unknown, string][] = [
      [() => toCsafRelease(RELEASE, [], PUBLISHER), 'advisories'],
      [() => toCsafRelease(RELEASE, [a, npm], PUBLISHER), 'kind'],
      [() => toCsafRelease(RELEASE, [{ ...a, withdrawn: SEED }], PUBLISHER), 'withdrawn'],
      [() => toCsafRelease(RELEASE, [a, a], PUBLISHER), 'advisories'],
      [() => toCsafRelease(RELEASE, [a, sameCve], PUBLISHER), 'advisories'],
      [() => toCsafRelease({ ...RELEASE, trackingId: ' NSWG-SR-1' }, [a], PUBLISHER), 'trackingId'],
      [() => toCsafRelease({ ...RELEASE, trackingId: 'NSWG\nSR' }, [a], PUBLISHER), 'trackingId'],
      [() => toCsafRelease({ ...RELEASE, title: '  ' }, [a], PUBLISHER), 'title'],
      [() => toCsafRelease({ ...RELEASE, releasedAt: 'soon' }, [a], PUBLISHER), 'releasedAt'],
      [
        () => toCsafRelease({ ...RELEASE, announcementUrl: 'javascript:alert(1)' }, [a], PUBLISHER),
        'announcementUrl',
      ],
    ];
    for (const [f, field] of cases) expect(errorOf(f)).toEqual({ code: 'E_ADVISORY_INVALID', field });
  });
});
