// The Working Group's SECURITY.md, filled for one package: what `nswg policy init` writes and the
// package's policy page offers. Its links all point at the server that runs the program, so that a
// report about the package reaches the triage team and not a public issue tracker.
import { FIRST_ANSWER_BUSINESS_DAYS, PUBLICATION_DAYS } from '../deadlines.js';
import { packagePath } from './package-name.js';

/** The server's pages a package's policy links to. */
export interface PolicyLinks {
  /** The report form, the package filled in. */
  reportForm: string;
  /** The package's policy page (where the badge links to). */
  policyPage: string;
  /** The badge's SVG. */
  badge: string;
  /** The Working Group's bug bounty. */
  bounty: string;
  /** The published advisories of the package. */
  advisories: string;
}

/** The links of `name`'s policy on the server at `publicUrl` (no trailing slash). */
export function policyLinks(publicUrl: string, name: string): PolicyLinks {
  const base = publicUrl.replace(/\/+$/, '');
  const path = packagePath(name);
  return {
    reportForm: `${base}/disclosure/reports/new?package=${encodeURIComponent(name)}`,
    policyPage: `${base}/policy/${path}`,
    badge: `${base}/badge/${path}.svg`,
    bounty: `${base}/disclosure/bounty`,
    advisories: `${base}/packages/${path}`,
  };
}

/** The badge as Markdown, linking to the policy page: what a README pastes. */
export const badgeMarkdown = (links: PolicyLinks): string =>
  `[![Security: Responsible Disclosure](${links.badge})](${links.policyPage})`;

/** What the template is filled with. */
export interface PolicyInput {
  /** The npm package (checked by the caller: packageNameProblem). */
  packageName: string;
  /** The URL people reach the program's server at. */
  publicUrl: string;
  /** An address that takes reports by e-mail, besides the form; none: the form only. */
  email?: string | null;
}

/** SECURITY.md for one package, in Markdown. */
export function securityPolicyMarkdown(input: PolicyInput): string {
  const links = policyLinks(input.publicUrl, input.packageName);
  // a code span: names may hold Markdown's own characters (*, _, ~), never a backtick
  const name = `\`${input.packageName}\``;
  const email = input.email
    ? `\nIf you cannot use the form, write to <${input.email}> instead; the same team reads it.\n`
    : '';
  return `# Security policy

${name} takes part in the Node.js Security Working Group's responsible disclosure program.
Please report security vulnerabilities privately through the program, never in a public issue,
pull request or discussion.

## Supported versions

<!-- Say which release lines receive security fixes, for example: -->

| Version | Supported |
| ------- | --------- |
| latest major | yes |
| older majors | no |

## Reporting a vulnerability

Use the Working Group's report form, which keeps the report private:
<${links.reportForm}>
(an account on that server with a confirmed e-mail address is needed).
${email}
Please include the affected versions, a description of the vulnerability and its impact, the
steps to reproduce it or a proof of concept, and your environment (operating system, Node.js and
npm versions).

## What happens next

1. The Working Group's triage team answers within ${FIRST_ANSWER_BUSINESS_DAYS} business days of your report.
2. The team triages it: reproduces it, assesses its severity and decides whether it is a
   vulnerability.
3. Once it is accepted, the maintainers of ${name} are invited to the private report to prepare a
   fix with you and the team.
4. The vulnerability is disclosed publicly at the latest ${PUBLICATION_DAYS} days after triage, with
   or without a fix; the team may vote to extend that deadline when a fix needs more time.
5. A CVE id is assigned and the advisory is published in the Working Group's vulnerability
   database (<${links.advisories}>), crediting you as you chose.

## Bug bounty

${name} may be eligible for the Working Group's bug bounty if it is listed as an eligible module:
see <${links.bounty}>.

## Badge

${badgeMarkdown(links)}
`;
}
