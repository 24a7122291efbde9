import { NswgError } from '../errors.js';
import { contains, parseRange, type VersionSet } from '../versions/index.js';

// One answer, for every format that names fixed releases (OpenVEX's products, CSAF's fixed product
// versions): which versions a patched range says are the first fixed ones.

/**
 * The versions a patched range names as fixed: the least release of each `||` line, in
 * the range's order (`^18.19.1 || ^20.11.1 || >=21.6.2` → 18.19.1, 20.11.1, 21.6.2). npm's order
 * with prereleases starts `7.x` at `7.0.0-0` and `>4.1.1` at `4.1.2-0`: the release of that
 * prerelease (7.0.0, 4.1.2) is the first one fixed. A line holding no release from its lower end
 * (`<4.0.0` has none), or one npm cannot read, names none.
 */
export function fixedVersionsOf(patched: string | null): string[] {
  const out: string[] = [];
  for (const line of (patched ?? '').split('||')) {
    if (!line.trim()) continue;
    let set: VersionSet;
    try {
      set = parseRange(line.trim());
    } catch (e) {
      if (e instanceof NswgError) continue;
      throw e;
    }
    const lo = set[0]?.lo;
    if (!lo) continue;
    const release = `${lo.major}.${lo.minor}.${lo.patch}`;
    if (contains(set, release) && !out.includes(release)) out.push(release);
  }
  return out;
}
