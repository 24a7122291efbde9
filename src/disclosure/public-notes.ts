import type { ErrorProblem } from '../errors.js';
import { type Report, throwProblems } from './report.js';

// A report the team closed as informative or not applicable may still help the maintainer (a
// hardening hint, a misleading document): the team may turn what helps into a short public note on
// the package. The note is the team's own words, never the private report; it has no CVE id and is no
// advisory, so the audit and npm audit never report it.

/** A public note for the maintainer, made from a closed report. */
export interface PublicNote {
  id: string;
  reportId: string;
  kind: Report['kind'];
  /** The npm package (npm reports); null for core. */
  packageName: string | null;
  /** The Node.js component (core reports); null for npm. */
  component: string | null;
  title: string;
  /** The team's text (Markdown). */
  text: string;
  publishedBy: string;
  publishedAt: string;
}

/** A public note as anyone reads it: without who on the team wrote it or which report it came from. */
export type PublicNoteView = Omit<PublicNote, 'publishedBy' | 'reportId'>;

/** What a public note shows to everyone. */
export const publicNoteView = (n: PublicNote): PublicNoteView => ({
  id: n.id,
  kind: n.kind,
  packageName: n.packageName,
  component: n.component,
  title: n.title,
  text: n.text,
  publishedAt: n.publishedAt,
});

/** The categories of closed reports a public note may come from: those true but not vulnerabilities. */
export const NOTE_CATEGORIES = ['informative', 'not-applicable'] as const;

/** Validates the team's title (5 to 200 characters) and text (20 to 5000). Throws E_REPORT_INVALID. */
export function validatePublicNote(input: unknown): Pick<PublicNote, 'title' | 'text'> {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: ErrorProblem[] = [];
  const title = typeof o.title === 'string' ? o.title.trim() : '';
  const text = typeof o.text === 'string' ? o.text.trim() : '';
  if (title.length < 5 || title.length > 200)
    problems.push({ field: 'title', message: 'must be 5 to 200 characters' });
  if (text.length < 20 || text.length > 5000)
    problems.push({ field: 'text', message: 'must say in 20 to 5000 characters what helps the maintainer' });
  throwProblems(problems);
  return { title, text };
}
