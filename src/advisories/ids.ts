/**
 * The ids a reference to an advisory may mean, most likely first: the text as given, then as the
 * database writes ids. People and tools write an advisory as `NSWG-ECO-368`, `nswg-eco-368`,
 * `x_NSWG-ECO-368` (its OSV id), or by its CVE in any case; one list of spellings, so that the
 * pages, the CLI and the OSV API all find the same advisory. Empty for empty text.
 */
export function advisoryIdForms(text: string): string[] {
  const given = text.trim();
  if (!given) return [];
  const bare = /^x_/i.test(given) ? given.slice(2) : given;
  return [...new Set([given, writtenId(bare)])];
}

/** Ids as the database writes them: NSWG and CVE ids in capitals, GHSA ids in lower case after the prefix. */
function writtenId(id: string): string {
  if (/^ghsa-/i.test(id)) return `GHSA-${id.slice(5).toLowerCase()}`;
  if (/^(nswg|cve)-/i.test(id)) return id.toUpperCase();
  return id;
}
