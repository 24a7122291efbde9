import { isMalicious, malwareCwes, malwareTitle } from '../malicious.js';
import { type Advisory, parseWgId, type Severity } from '../model.js';
import { severityOf } from '../severity.js';

/** One advisory as npm's bulk endpoint answers it (what npm audit's calculator reads). */
export interface NpmBulkAdvisory {
  id: number;
  url: string;
  title: string;
  severity: Severity;
  vulnerable_versions: string;
  cwe: string[];
  cvss: { score: number; vectorString: string | null };
}

/**
 * npm wants a number for `id`. Working Group advisories keep theirs (NSWG-ECO-368 → 368); others
 * get a stable number above 10^9 from their id, so they never collide with the Working Group's.
 */
export function bulkIdOf(id: string): number {
  const wg = parseWgId(id);
  if (wg && wg.kind === 'npm') return wg.number;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 1_000_000_000 + (h % 1_000_000_000);
}

/** The Working Group's own page for an advisory. */
export function wgUrlOf(id: string): string {
  const wg = parseWgId(id);
  if (wg) return `https://github.com/nodejs/security-wg/blob/main/vuln/${wg.kind}/${wg.number}.json`;
  if (id.startsWith('GHSA-')) return `https://github.com/advisories/${id}`;
  return `https://osv.dev/vulnerability/${id}`;
}

/**
 * The bulk shape of an advisory for the affected package `name` (one entry per affected package
 * of that name). `urlOf` gives the advisory's public page (the server passes its own). Malware
 * (`malicious`, by default isMalicious) is answered as GitHub answers its malware advisories, the
 * only way npm audit shows it: a critical advisory titled as malware, with CWE-506.
 */
export function toNpmBulk(
  a: Advisory,
  name: string,
  urlOf: (id: string) => string = wgUrlOf,
  malicious: boolean = isMalicious(a),
): NpmBulkAdvisory[] {
  const score = a.cvss?.score;
  const title = a.title ?? a.id;
  const cwe = a.weaknesses.map((w) => w.id);
  return a.affected
    .filter((x) => x.ecosystem === 'npm' && x.name === name)
    .map((x) => ({
      id: bulkIdOf(a.id),
      url: urlOf(a.id),
      title: malicious ? malwareTitle(title) : title,
      severity: malicious ? 'critical' : severityOf(a),
      vulnerable_versions: x.vulnerable,
      cwe: malicious ? malwareCwes(cwe) : cwe,
      cvss: {
        score: typeof score === 'number' && score > 0 ? score : 0,
        vectorString: a.cvss?.vector ?? null,
      },
    }));
}
