import type { AuditReport } from '../findings.js';
import type { RenderOptions } from './common.js';
import type { ReportFormat } from './formats.js';

export type Renderer = (report: AuditReport, opts: RenderOptions) => string;

/**
 * The renderer of one format, loading only its module: the command writes one format, and the
 * others (SARIF, CycloneDX, npm's calculator) are most of the reporters' code.
 */
export async function loadRenderer(format: ReportFormat): Promise<Renderer> {
  switch (format) {
    case 'text':
      return (await import('./text.js')).renderText;
    case 'json':
      return (await import('./json.js')).renderJson;
    case 'npm':
      return (await import('./npm.js')).renderNpm;
    case 'sarif':
      return (await import('./sarif.js')).renderSarif;
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown;
    case 'cyclonedx':
      return (await import('./cyclonedx.js')).renderCycloneDx;
  }
}
