import { type Advisory, SEVERITIES, type Severity } from './model.js';

/** npm's rule for a CVSS score: >=9 critical, >=7 high, >=4 moderate, >0 low, none/0 info. */
export function severityOfScore(score: number | null | undefined): Severity {
  if (typeof score !== 'number' || !(score > 0)) return 'info';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  return 'low';
}

const WORDS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  medium: 'moderate',
  moderate: 'moderate',
  low: 'low',
  info: 'info',
  none: 'info',
  unknown: 'info',
};

/** An advisory's severity: from its CVSS score when it has one, else from the words it declares. */
export function severityOf(a: Pick<Advisory, 'cvss' | 'declaredSeverity'>): Severity {
  const score = a.cvss?.score;
  if (typeof score === 'number' && score > 0) return severityOfScore(score);
  if (a.declaredSeverity) return WORDS[a.declaredSeverity.toLowerCase()] ?? 'info';
  return 'info';
}

/** Severity order for comparisons (info 0 … critical 4). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The Node.js project's word for a severity: its announcements say medium where npm says moderate, none for info. */
export function nodeSeverityWord(s: Severity): 'critical' | 'high' | 'medium' | 'low' | 'none' {
  return s === 'moderate' ? 'medium' : s === 'info' ? 'none' : s;
}
