import { cvssVersion, cvssLibrary as lib, normalizeCvssVector } from '../../advisories/index.js';

/** One metric of a vector in words: `AV:N` is Attack Vector: Network. */
export interface CvssMetric {
  key: string;
  name: string;
  value: string;
  /** The value's abbreviation as written (`N`). */
  code: string;
  /** What the value means, from the CVSS specification (empty when the value is not a known one). */
  description: string;
}

/** A vector explained metric by metric, in the order it is written. */
export interface CvssExplanation {
  version: string | null;
  metrics: CvssMetric[];
}

type Component = {
  name: string;
  shortName: string;
  subCategory?: string;
  values: { shortName: string; name: string; description: string }[];
};

function componentsOf(version: string | null): Map<string, Component> {
  const l = lib();
  const vector =
    version === '4.0'
      ? new l.Cvss4P0()
      : version === '3.0'
        ? new l.Cvss3P0()
        : version === '3.1'
          ? new l.Cvss3P1()
          : version === '2.0'
            ? new l.Cvss2()
            : null;
  const out = new Map<string, Component>();
  if (!vector) return out;
  for (const list of vector.getRegisteredComponents().values()) {
    for (const c of list as unknown as Component[]) out.set(c.shortName, c);
  }
  return out;
}

const cache = new Map<string, CvssExplanation>();

/**
 * A CVSS 2.0, 3.0, 3.1 or 4.0 vector explained metric by metric with the names of the CVSS
 * specification (through ae-cvss-calculator). Metrics or values it does not know are kept, marked
 * as unknown, so a malformed vector is still shown for what it says.
 */
export function explainCvss(vector: string): CvssExplanation {
  const hit = cache.get(vector);
  if (hit) return hit;
  const normalized = normalizeCvssVector(vector);
  const version = cvssVersion(normalized);
  const components = componentsOf(version);
  const metrics: CvssMetric[] = [];
  for (const part of normalized.split('/')) {
    if (/^CVSS:/i.test(part) || !part) continue;
    const [key = '', code = ''] = part.split(':');
    const c = components.get(key);
    const v = c?.values.find((x) => x.shortName === code);
    const name = c
      ? version === '4.0' && c.subCategory?.endsWith('System Impact')
        ? `${c.name} (${c.subCategory.replace(/ Impact$/, '')})`
        : c.name
      : key;
    metrics.push({
      key,
      code,
      name,
      value: v?.name ?? `unknown value ${code}`,
      description: v?.description ?? '',
    });
  }
  const out = { version, metrics };
  if (cache.size > 1000) cache.clear();
  cache.set(vector, out);
  return out;
}
