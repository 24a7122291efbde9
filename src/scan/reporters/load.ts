import { NswgError } from '../../errors.js';
import type { AuditReport } from '../findings.js';
import type { RenderOptions } from './common.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';

export type Renderer = (report: AuditReport, opts: RenderOptions) => string;

/**
 * The one registry of report formats: each loads its own module when asked, since the command
 * writes one format and the others (SARIF, CycloneDX, npm's calculator) are most of the reporters' code.
 */
const RENDERERS: Record<ReportFormat, () => Promise<Renderer>> = {
  text: async () => (await import('./text.js')).renderText,
  json: async () => (await import('./json.js')).renderJson,
  npm: async () => (await import('./npm.js')).renderNpm,
  sarif: async () => (await import('./sarif.js')).renderSarif,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
  cyclonedx: async () => (await import('./cyclonedx.js')).renderCycloneDx,
};

/** The renderer of one format, loading only its module; E_USAGE for a format there is none of. */
export function loadRenderer(format: string): Promise<Renderer> {
  if (!isReportFormat(format))
    return Promise.reject(
      new NswgError(
        'E_USAGE',
        `--format must be one of ${REPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
        {
          field: '--format',
        },
      ),
    );
  return RENDERERS[format]();
}

/** An audit report in one output format, as the text to print or write (ends with a newline). */
export async function renderReport(
  report: AuditReport,
  format: string,
  opts: RenderOptions = {},
): Promise<string> {
  return (await loadRenderer(format))(report, opts);
}
