import { describe, expect, it } from 'vitest';
import { validInput } from './fixtures.js';
import { isNswgErrorLike, validateAssessment, validateReport } from './report-imports.js';

const problemsOf = (input: unknown): Record<string, string> => {
  try {
    validateReport(input);
    return {};
  } catch (e) {
    if (!isNswgErrorLike(e)) throw e;
    expect(e.code).toBe('E_REPORT_INVALID');
    return Object.fromEntries(e.problems.map((p) => [p.field, p.message]));
  }
};

describe('report validation (the Working Group submission template)', () => {
  it('accepts a complete npm report and computes the CVSS score itself, ignoring any score given', () => {
    const r = validateReport(validInput({ cvssScore: 1.0 }));
    expect(r.cvss).toEqual({ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 });
    expect(r).not.toHaveProperty('cvssScore');
    expect(r.packageName).toBe('left-pad-ng');
    expect(r.credit).toEqual({ as: 'handle', handle: 'finder' });
  });

  it('accepts a core report with its component, and no CVSS or CWE', () => {
    const r = validateReport(
      validInput({ kind: 'core', packageName: undefined, component: 'http', cvssVector: null, cwe: null }),
    );
    expect(r).toMatchObject({ kind: 'core', component: 'http', packageName: null, cvss: null, cwe: null });
  });

  it('names every bad field at once', () => {
    const p = problemsOf({
      kind: 'npm',
      packageName: 'Not A Name',
      affectedVersions: 'banana',
      title: 'x',
      credit: { as: 'name' },
    });
    expect(Object.keys(p).sort()).toEqual(
      [
        'affectedVersions',
        'contactedMaintainer',
        'credit',
        'description',
        'impact',
        'openedIssue',
        'packageName',
        'reproduction',
        'title',
      ].sort(),
    );
    expect(p.title).toMatch(/at least 5/);
  });

  it('refuses CVSS vectors that are not complete CVSS 3.1, and malformed CWE ids', () => {
    expect(
      problemsOf(validInput({ cvssVector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' })).cvssVector,
    ).toMatch(/3\.1/);
    expect(problemsOf(validInput({ cvssVector: 'CVSS:3.1/AV:N/AC:L' })).cvssVector).toMatch(/complete/);
    expect(problemsOf(validInput({ cwe: '79' })).cwe).toMatch(/CWE-79/);
  });

  it('requires the component for core and the package for npm; checks the yes/no answers and references', () => {
    expect(problemsOf(validInput({ kind: 'core', packageName: undefined })).component).toBe('is required');
    expect(problemsOf(validInput({ packageName: '' })).packageName).toBe('is required');
    expect(problemsOf(validInput({ contactedMaintainer: 'Y' })).contactedMaintainer).toMatch(/yes or no/);
    expect(problemsOf(validInput({ references: ['javascript:alert(1)'] }))['references[0]']).toMatch(/URL/);
    expect(problemsOf(validInput({ kind: 'plugin' })).kind).toBeDefined();
    expect(problemsOf(null).kind).toBeDefined();
  });

  it('validates the team assessment: CVSS recomputed, CVE and CWE formats', () => {
    expect(
      validateAssessment({
        cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N',
        cveId: 'CVE-2026-1234',
      }),
    ).toEqual({
      cvss: { vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 3.7 },
      cveId: 'CVE-2026-1234',
    });
    expect(() => validateAssessment({ cveId: 'CVE-26-1' })).toThrow(
      expect.objectContaining({ code: 'E_REPORT_INVALID', field: 'cveId' }),
    );
  });
});
