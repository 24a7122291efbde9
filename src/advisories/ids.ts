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

/** What a link to an advisory's page is made from: its id, aliases and, for npm, a package name. */
export interface AdvisoryRef {
  id: string;
  aliases: readonly string[];
  /** The npm package the advisory was found in (none: Node.js core). */
  name?: string;
}

/**
 * A readable page for an advisory: the nswg server's own page when there is one (`server`, its base
 * URL); else a page that exists elsewhere: osv.dev's page of its CVE, GitHub's of a GHSA id, osv.dev's
 * of another database's id; for a Working Group advisory without either, osv.dev's list of the
 * package's advisories, or the Node.js security releases for core. Never a data file.
 */
export function advisoryPageUrl(a: AdvisoryRef, server?: string | null): string {
  if (server) return `${server.replace(/\/+$/, '')}/advisories/${encodeURIComponent(a.id)}`;
  const ghsa = [a.id, ...a.aliases].find((x) => /^GHSA-/i.test(x));
  if (ghsa) return `https://github.com/advisories/${encodeURIComponent(ghsa)}`;
  const cve = a.aliases.find((x) => /^CVE-\d{4}-\d+$/i.test(x));
  if (cve) return `https://osv.dev/vulnerability/${encodeURIComponent(cve.toUpperCase())}`;
  if (!/^NSWG-(ECO|COR)-\d+$/.test(a.id)) return `https://osv.dev/vulnerability/${encodeURIComponent(a.id)}`;
  if (a.name) return `https://osv.dev/list?ecosystem=npm&q=${encodeURIComponent(a.name)}`;
  return 'https://nodejs.org/en/blog/vulnerability';
}
