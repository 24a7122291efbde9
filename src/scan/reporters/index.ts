export type { RenderOptions } from './common.js';
export { cycloneDxBom, npmPurl } from './cyclonedx.js';
export { isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';
export { AUDIT_JSON_VERSION, type AuditJsonFinding, auditJson } from './json.js';
export { loadRenderer, type Renderer, renderReport } from './load.js';
export { lockfileLine } from './lockfile-lines.js';
export { codeSpan, htmlText, linkUrl, markdownText } from './markdown.js';
export { type NpmAuditReport, type NpmVia, type NpmVulnerability, npmAudit } from './npm.js';
export { sarifLog } from './sarif.js';
