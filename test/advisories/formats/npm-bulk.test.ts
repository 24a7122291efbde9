import { describe, expect, it } from 'vitest';
import { fromNswgNpm, type NswgNpmJson, severityOfScore, toNpmBulk } from '../../../src/advisories/index.js';
import { wgNpm } from '../../helpers/shared.js';

describe("npm's bulk advisory shape", () => {
  it('maps CVSS scores to npm severities at the documented thresholds', () => {
    expect([10, 9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0, null, -1].map(severityOfScore)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'moderate',
      'moderate',
      'low',
      'low',
      'info',
      'info',
      'info',
    ]);
  });

  it('writes what npm audit reads, as the Working Group oracle serves it', () => {
    const raw = (wgNpm() as unknown as NswgNpmJson[]).find((a) => a.id === 358)!;
    const [b] = toNpmBulk(fromNswgNpm(raw), raw.module_name);
    expect(b).toEqual({
      id: 358,
      url: 'https://github.com/nodejs/security-wg/blob/main/vuln/npm/358.json',
      title: raw.title,
      severity: 'info',
      vulnerable_versions: raw.vulnerable_versions,
      cwe: [],
      cvss: { score: 0, vectorString: null },
    });
    const other = (wgNpm() as unknown as NswgNpmJson[]).find((a) => a.id === 1)!;
    expect(toNpmBulk(fromNswgNpm(other), 'bassmaster')[0]).toMatchObject({
      severity: 'moderate',
      cvss: { score: 6.5 },
    });
    expect(toNpmBulk(fromNswgNpm(other), 'other-package')).toEqual([]);
  });
});
