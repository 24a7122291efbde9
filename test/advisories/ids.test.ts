import { describe, expect, it } from 'vitest';
import { advisoryIdForms, advisoryPageUrl } from '../../src/advisories/index.js';

describe('advisory ids', () => {
  it('reads every spelling of an id as the database writes it', () => {
    for (const spelling of [
      'NSWG-ECO-368',
      'nswg-eco-368',
      'x_NSWG-ECO-368',
      'X_nswg-eco-368',
      ' NSWG-ECO-368 ',
    ])
      expect(advisoryIdForms(spelling).at(-1), spelling).toBe('NSWG-ECO-368');
    expect(advisoryIdForms('cve-2018-3721').at(-1)).toBe('CVE-2018-3721');
    expect(advisoryIdForms('ghsa-ABCD-efgh-ijkl').at(-1)).toBe('GHSA-abcd-efgh-ijkl');
    // the text as given comes first: other databases' ids may be written in any case
    expect(advisoryIdForms('x_Other-1')).toEqual(['x_Other-1', 'Other-1']);
    expect(advisoryIdForms('  ')).toEqual([]);
  });

  it('links to a readable page: the server’s, else one that exists', () => {
    const eco = { id: 'NSWG-ECO-368', aliases: ['CVE-2018-3721'], name: 'lodash' };
    expect(advisoryPageUrl(eco, 'https://nswg.example.org/')).toBe(
      'https://nswg.example.org/advisories/NSWG-ECO-368',
    );
    expect(advisoryPageUrl(eco)).toBe('https://osv.dev/vulnerability/CVE-2018-3721');
    expect(advisoryPageUrl({ id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2020-1'] })).toBe(
      'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
    );
    expect(advisoryPageUrl({ id: 'NSWG-ECO-3', aliases: [], name: '@scope/pkg' })).toBe(
      'https://osv.dev/list?ecosystem=npm&q=%40scope%2Fpkg',
    );
    expect(advisoryPageUrl({ id: 'NSWG-COR-9', aliases: [] })).toBe(
      'https://nodejs.org/en/blog/vulnerability',
    );
    expect(advisoryPageUrl({ id: 'PYSEC-2020-1', aliases: [] })).toBe(
      'https://osv.dev/vulnerability/PYSEC-2020-1',
    );
  });
});
