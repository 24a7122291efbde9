import { describe, expect, it } from 'vitest';
import { isNswgError } from '../../../src/errors.js';
import {
  isReportFormat,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
} from '../../../src/scan/reporters/index.js';
import { advisory, buildReport, byName, NOW, pkg } from './helpers.js';

describe('renderReport', () => {
  it('knows the six formats of `nswg audit --format`', () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('toString')).toBe(false);
  });

  it('refuses an unknown format with E_USAGE', async () => {
    for (const bad of ['xml', 'toString', '']) {
      try {
        await renderReport(buildReport(), bad as ReportFormat);
        expect.unreachable();
      } catch (e) {
        expect(isNswgError(e) && e.code).toBe('E_USAGE');
      }
    }
  });

  it('renders every format, empty or full, ending with a newline; the machine formats are JSON', async () => {
    const empty = buildReport({ packages: [pkg('negotiator', '0.6.1', [['root', 'negotiator']])] });
    const full = buildReport({ node: { version: '24.0.0', platform: 'darwin' } });
    for (const report of [empty, full]) {
      for (const format of REPORT_FORMATS) {
        const out = await renderReport(report, format, { now: NOW });
        expect(out.endsWith('\n'), format).toBe(true);
        if (format !== 'text' && format !== 'markdown') expect(() => JSON.parse(out), format).not.toThrow();
      }
    }
  });

  it('every format keeps a hostile advisory title in its place: encoded as data, never markup or terminal control', async () => {
    const a = advisory('NSWG-ECO-8');
    a.title = '<script>alert(1)</script> | \u001b[2J "quote" `tick`\n@all';
    a.details = '</details><img src=x onerror=alert(1)>';
    const report = buildReport({
      advisories: byName([a]),
      packages: [pkg('express', '4.4.5', [['root', 'express']])],
    });
    const strings = (v: unknown): string[] =>
      typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
    for (const format of REPORT_FORMATS) {
      const out = await renderReport(report, format, { now: NOW });
      expect(out, format).not.toContain('\u001b');
      if (format === 'markdown') expect(out).not.toMatch(/<script|<img|<\/details><img/);
      else if (format === 'text')
        expect(out).toContain('<script>alert(1)</script> |  [2J "quote" `tick` @all');
      // JSON formats: the title comes back exactly as written, as one string value
      else expect(strings(JSON.parse(out)), format).toContain(a.title);
    }
  });
});
