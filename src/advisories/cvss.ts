import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Calculator = typeof import('ae-cvss-calculator');
let calculator: Calculator | null = null;
/** The CVSS library (ae-cvss-calculator), loaded on first use: it is CommonJS, and most commands never need it. */
export const cvssLibrary = (): Calculator => {
  calculator ??= require('ae-cvss-calculator') as Calculator;
  return calculator;
};

/** A CVSS vector with its `CVSS:x.y/` prefix (the Working Group's core files sometimes omit `CVSS:`). */
export function normalizeCvssVector(vector: string): string {
  const v = vector.trim();
  if (/^CVSS:/i.test(v)) return v.replace(/^cvss:/i, 'CVSS:');
  if (/^[234]\.\d\//.test(v)) return `CVSS:${v}`;
  return v;
}

/** The CVSS version of a vector ("3.1", "4.0", "2.0"), or null when it has none. */
export function cvssVersion(vector: string): string | null {
  const m = /^CVSS:(\d\.\d)\//.exec(vector);
  if (m) return m[1] ?? null;
  return /^AV:[NAL]\/AC:[LMH]\/Au:/.test(vector) ? '2.0' : null;
}

/**
 * The base score of a CVSS 2.0, 3.0, 3.1 or 4.0 vector as FIRST's calculators compute it (with
 * the ae-cvss-calculator library), or null when the vector is not a complete, valid one.
 */
export function cvssBaseScore(vector: string): number | null {
  try {
    const parsed = cvssLibrary().fromVector(normalizeCvssVector(vector));
    if (!parsed) return null;
    if (
      'isBaseFullyDefined' in parsed &&
      typeof parsed.isBaseFullyDefined === 'function' &&
      !parsed.isBaseFullyDefined()
    ) {
      return null;
    }
    const scores = parsed.calculateScores() as { base?: number };
    return typeof scores.base === 'number' ? scores.base : null;
  } catch {
    return null;
  }
}

/** FIRST's CVSS JSON of a vector (version, vectorString, baseScore, baseSeverity, metrics). */
export type CvssJson = { version: string; vectorString: string; baseScore: number } & Record<string, unknown>;

/**
 * FIRST's CVSS JSON of a vector as the CVSS library writes it (score and severity computed by it,
 * never here), keeping only the metrics the vector defines; null when it is no complete vector.
 * CVE records and CSAF documents both embed this JSON.
 */
export function cvssJsonOf(vector: string): CvssJson | null {
  try {
    const parsed = cvssLibrary().fromVector(normalizeCvssVector(vector));
    if (!parsed) return null;
    if ('isBaseFullyDefined' in parsed && typeof parsed.isBaseFullyDefined === 'function') {
      if (!parsed.isBaseFullyDefined()) return null;
    }
    const all = (parsed as unknown as { createJsonSchema(): Record<string, unknown> }).createJsonSchema();
    const json = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== 'NOT_DEFINED')) as CvssJson;
    return typeof json.baseScore === 'number' && typeof json.vectorString === 'string' ? json : null;
  } catch {
    return null;
  }
}
