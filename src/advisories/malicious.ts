import type { Advisory } from './model.js';

/** CWE-506, Embedded Malicious Code: how the GitHub advisory database marks its malware advisories. */
export const MALICIOUS_CODE = 'CWE-506';

/**
 * Does the advisory report a malicious package (one to remove, not to upgrade)? The OpenSSF
 * malicious-packages feed's records (`MAL-…`, or another record aliasing one) and the GitHub
 * advisory database's malware advisories (CWE-506) do.
 */
export function isMalicious(a: Pick<Advisory, 'id' | 'aliases' | 'weaknesses'>): boolean {
  return (
    a.id.startsWith('MAL-') ||
    a.aliases.some((x) => x.startsWith('MAL-')) ||
    a.weaknesses.some((w) => w.id === MALICIOUS_CODE)
  );
}

/**
 * The title npm clients show for a malicious package's advisory: marked as malware first, as the
 * GitHub advisory database titles its own ("Malware in …"), since npm audit has no other place to say it.
 */
export function malwareTitle(title: string): string {
  return /^malware\b/i.test(title) ? title : `Malware: ${title}`;
}

/** A malicious advisory's CWE ids with CWE-506 among them, as GitHub lists its malware advisories'. */
export function malwareCwes(cwes: readonly string[]): string[] {
  return cwes.includes(MALICIOUS_CODE) ? [...cwes] : [...cwes, MALICIOUS_CODE];
}
