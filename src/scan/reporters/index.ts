import { NswgError } from '../../errors.js';
import type { AuditReport } from '../findings.js';
import type { RenderOptions } from './common.js';
import { renderCycloneDx } from './cyclonedx.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderNpm } from './npm.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type { RenderOptions } from './common.js';
export { cycloneDxBom, npmPurl } from './cyclonedx.js';
export { AUDIT_JSON_VERSION, type AuditJsonFinding, auditJson } from './json.js';
export { lockfileLine } from './lockfile-lines.js';
export { codeSpan, htmlText, linkUrl, markdownText } from './markdown.js';
export { type NpmAuditReport, type NpmVia, type NpmVulnerability, npmAudit } from './npm.js';
export { sarifLog } from './sarif.js';

/** The formats `nswg audit --format` writes. */
export const REPORT_FORMATS = ['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: AuditReport, opts: RenderOptions) => string> = {
  text: renderText,
  json: renderJson,
  npm: renderNpm,
  sarif: renderSarif,
  markdown: renderMarkdown,
  cyclonedx: renderCycloneDx,
};

/** Whether a `--format` value is one of REPORT_FORMATS. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** An audit report in one output format, as the text to print or write (ends with a newline). */
export function renderReport(report: AuditReport, format: ReportFormat, opts: RenderOptions = {}): string {
  if (!isReportFormat(format)) {
    throw new NswgError(
      'E_USAGE',
      `--format must be one of ${REPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
      {
        field: '--format',
      },
    );
  }
  const render = RENDERERS[format];
  return render(report, opts);
}
