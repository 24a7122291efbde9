import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/scan/reporters/index.js';
import { buildReport, NOW } from './helpers.js';

/** The formats people read or whose links tools show: each advisory links to a readable page. */
const FORMATS = ['sarif', 'markdown', 'cyclonedx', 'json'] as const;

describe('the advisory links of audit reports', async () => {
  const report = buildReport({
    ignore: [{ id: 'NSWG-ECO-28', reason: 'trusted input only', expires: null }],
  });
  const ids = [...report.findings, ...report.ignored.map((i) => i.finding)].map((f) => f.id);

  it.each(FORMATS)('%s links to the configured server’s advisory pages', async (format) => {
    const text = await renderReport(report, format, {
      now: NOW,
      advisoryServer: 'https://nswg.example.org/',
    });
    for (const id of ids) expect(text, id).toContain(`https://nswg.example.org/advisories/${id}`);
    expect(text).not.toMatch(/security-wg\/blob|\/vuln\/(npm|core)\/\d+\.json/);
  });

  it.each(FORMATS)('%s without a server links to pages that exist, never a data file', async (format) => {
    const text = await renderReport(report, format, { now: NOW });
    expect(text).not.toMatch(/security-wg\/blob|\/vuln\/(npm|core)\/\d+\.json|raw\.githubusercontent/);
    const cve = report.findings.find((f) => f.aliases.some((a) => a.startsWith('CVE-')))!;
    const first = cve.aliases.find((a) => a.startsWith('CVE-'))!;
    expect(text).toContain(`https://osv.dev/vulnerability/${first}`);
  });
});
