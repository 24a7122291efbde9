import type { Advisory, Affected } from '../advisories/model.js';

/** An advisory that affects an installed version, with the entry that matched. */
export interface Hit {
  a: Advisory;
  entry: Affected;
}

/** Which id names a joined finding: the Working Group's own first, then GitHub's, then by id. */
function rank(id: string): number {
  return id.startsWith('NSWG-') ? 0 : id.startsWith('GHSA-') ? 1 : 2;
}
/** What joining needs of a hit: its record's id and aliases (a Hit, or a server's cached advisory). */
export type Joinable = { a: Pick<Advisory, 'id' | 'aliases'> };

const primaryFirst = (x: Joinable, y: Joinable): number =>
  rank(x.a.id) - rank(y.a.id) || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0);

/**
 * The advisories affecting one installed version, joined into vulnerabilities: records that share
 * an id or alias (a GHSA, a CVE and a Working Group id for the same flaw, or a MAL record and the
 * GHSA it repeats) are one vulnerability, never one finding each. Each group lists its records,
 * the one that names it first; with every id of the group (but its name), in that order.
 */
export function joinAliased<H extends Joinable = Hit>(
  hits: readonly H[],
): { hits: H[]; aliases: string[] }[] {
  if (hits.length === 1) return [{ hits: [...hits], aliases: [...hits[0]!.a.aliases] }];
  // union-find over the records, through the ids they name
  const parent = hits.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byName = new Map<string, number>();
  hits.forEach((h, i) => {
    for (const name of [h.a.id, ...h.a.aliases]) {
      const j = byName.get(name);
      if (j === undefined) byName.set(name, i);
      else parent[root(i)] = root(j);
    }
  });
  const groups = new Map<number, H[]>();
  hits.forEach((h, i) => {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), h]);
  });
  return [...groups.values()].map((group) => {
    const sorted = group.sort(primaryFirst);
    const id = sorted[0]!.a.id;
    const aliases = new Set<string>();
    for (const h of sorted) for (const name of [h.a.id, ...h.a.aliases]) if (name !== id) aliases.add(name);
    return { hits: sorted, aliases: [...aliases] };
  });
}
