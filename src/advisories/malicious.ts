import type { Advisory } from './model.js';

/** CWE-506, Embedded Malicious Code: how the GitHub advisory database marks its malware advisories. */
const MALICIOUS_CODE = 'CWE-506';

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
