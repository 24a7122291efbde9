/** The formats `nswg audit --format` writes. */
export const REPORT_FORMATS = ['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Whether a `--format` value is one of REPORT_FORMATS. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
