// OpenSSF Scorecard's Security-Policy check, reproduced so that `nswg policy check` and the tests of
// `nswg policy init` score a file as Scorecard would. Scorecard (checks/raw/security_policy.go and
// the four securityPolicy* probes) looks for the policy at a fixed list of paths, scans it line by
// line for links, e-mail addresses and disclosure hints, and scores: 6 points when it holds a link
// or an address, 3 when it holds more text than those, 1 when it holds at least two hints of
// vulnerability disclosure (the words, or numbers such as timelines).

/** Where Scorecard looks for a security policy, relative to the repository's root, case-insensitive. */
export const SECURITY_POLICY_PATHS: readonly string[] = [
  'SECURITY.md',
  '.github/SECURITY.md',
  'docs/SECURITY.md',
  'SECURITY.markdown',
  '.github/SECURITY.markdown',
  'docs/SECURITY.markdown',
  'SECURITY.adoc',
  '.github/SECURITY.adoc',
  'docs/SECURITY.adoc',
  'SECURITY.rst',
  '.github/SECURITY.rst',
  'doc/SECURITY.rst',
  'docs/SECURITY.rst',
];

const LOWER_PATHS = new Set(SECURITY_POLICY_PATHS.map((p) => p.toLowerCase()));

/** True when `path` (relative to a repository's root, with "/") is one Scorecard reads as the policy. */
export const isSecurityPolicyPath = (path: string): boolean => LOWER_PATHS.has(path.toLowerCase());

// Scorecard's three patterns: links (http and https only), e-mail addresses, and disclosure hints:
// the stems "disclos" and "vuln" in any case, or a number of one to four digits ending at a word
// boundary (its pattern also allows an empty start, which changes nothing).
const LINK = /https?:\/\/[a-zA-Z0-9./?=_%:-]*/g;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\b/g;
const HINT = /[0-9]{1,4}\b|disclos|vuln/gi;

/** What Scorecard finds in a policy's text: every match, in the file's order. */
export interface PolicyHits {
  links: string[];
  emails: string[];
  hints: string[];
}

/** Scans the text line by line (LF or CRLF), as Scorecard does, for links, addresses and hints. */
export function policyHits(text: string): PolicyHits {
  const hits: PolicyHits = { links: [], emails: [], hints: [] };
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    hits.links.push(...(line.match(LINK) ?? []));
    hits.emails.push(...(line.match(EMAIL) ?? []));
    hits.hints.push(...(line.match(HINT) ?? []));
  }
  return hits;
}

/** The Security-Policy check's result for one file. */
export interface PolicyScore {
  /** 0 to 10, as Scorecard computes it. */
  score: number;
  /** Each of Scorecard's four probes, by its name. */
  probes: {
    securityPolicyPresent: boolean;
    securityPolicyContainsLinks: boolean;
    securityPolicyContainsText: boolean;
    securityPolicyContainsVulnerabilityDisclosure: boolean;
  };
  /** What costs points, in words, one line per probe that failed. */
  problems: string[];
}

const unique = (xs: string[]) => [...new Set(xs)];

/** Scores a security policy's text as Scorecard does; null: no policy file was found. */
export function scoreSecurityPolicy(text: string | null): PolicyScore {
  if (text === null)
    return {
      score: 0,
      probes: {
        securityPolicyPresent: false,
        securityPolicyContainsLinks: false,
        securityPolicyContainsText: false,
        securityPolicyContainsVulnerabilityDisclosure: false,
      },
      problems: [
        `no security policy: Scorecard looks for ${SECURITY_POLICY_PATHS.slice(0, 3).join(', ')} (any case; also .markdown, .adoc, .rst)`,
      ],
    };
  const hits = policyHits(text);
  const links = unique(hits.links);
  const emails = unique(hits.emails);
  // Scorecard compares the file's size in bytes with the unique links' and addresses' lengths,
  // plus two characters for each (their brackets or quotes)
  const size = new TextEncoder().encode(text).length;
  const linked = [...links, ...emails].reduce((n, s) => n + s.length, 0) + (links.length + emails.length) * 2;
  const probes = {
    securityPolicyPresent: true,
    securityPolicyContainsLinks: links.length + emails.length > 0,
    securityPolicyContainsText: size > 1 && size > linked,
    securityPolicyContainsVulnerabilityDisclosure: hits.hints.length > 1,
  };
  const problems: string[] = [];
  if (!probes.securityPolicyContainsLinks)
    problems.push('no link (http:// or https://) and no e-mail address: say where to report (6 points)');
  if (!probes.securityPolicyContainsText)
    problems.push('no text beyond its links and addresses: say how reports are handled (3 points)');
  if (!probes.securityPolicyContainsVulnerabilityDisclosure)
    problems.push(
      'fewer than two hints of vulnerability disclosure: the words "vulnerability" or "disclosure", or timelines in numbers (1 point)',
    );
  const score =
    (probes.securityPolicyContainsLinks ? 6 : 0) +
    (probes.securityPolicyContainsText ? 3 : 0) +
    (probes.securityPolicyContainsVulnerabilityDisclosure ? 1 : 0);
  return { score, probes, problems };
}
