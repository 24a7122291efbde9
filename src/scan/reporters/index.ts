import { NswgError } from '../../errors.js';
import type { AuditReport } from '../findings.js';
import type { RenderOptions } from './common.js';
import { renderCycloneDx } from './cyclonedx.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderNpm } from './npm.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type { RenderOptions } from './common.js';
export { cycloneDxBom, npmPurl } from './cyclonedx.js';
export { isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';
export { AUDIT_JSON_VERSION, type AuditJsonFinding, auditJson } from './json.js';
export { loadRenderer } from './load.js';
export { lockfileLine } from './lockfile-lines.js';
export { codeSpan, htmlText, linkUrl, markdownText } from './markdown.js';
export { type NpmAuditReport, type NpmVia, type NpmVulnerability, npmAudit } from './npm.js';
export { sarifLog } from './sarif.js';

const RENDERERS: Record<ReportFormat, (report: AuditReport, opts: RenderOptions) => string> = {
  text: renderText,
  json: renderJson,
  npm: renderNpm,
  sarif: renderSarif,
  markdown: renderMarkdown,
  cyclonedx: renderCycloneDx,
};

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
