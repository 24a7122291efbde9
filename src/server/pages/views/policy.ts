import {
  badgeMarkdown,
  FIRST_ANSWER_BUSINESS_DAYS,
  type PolicyLinks,
  PUBLICATION_DAYS,
} from '../../../disclosure/index.js';
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';

/** The form that leads to a package's policy page. */
const packageForm = (value = '', problem = '') => html`<form class="check" action="/policy" method="get">
<label for="package">npm package</label>
<input id="package" name="package" value="${value}" maxlength="214" placeholder="left-pad or @scope/name" required${problem ? html` aria-invalid="true" aria-describedby="package-problem"` : ''}>
<button type="submit">Get its SECURITY.md and badge</button>
${problem ? html`<p class="error" id="package-problem">${problem}</p>` : ''}
</form>`;

/** GET /policy: the program's disclosure policy in short, and the way to a package's SECURITY.md. */
export function policyPage(input: { value?: string; problem?: string } = {}): SafeHtml {
  const body = html`<h1>The disclosure policy</h1>
<p class="lead">The Node.js Security Working Group takes reports of vulnerabilities in npm packages and in Node.js privately, and discloses them responsibly.</p>
<ol>
<li>Report a vulnerability with <a href="/disclosure/reports/new">the report form</a>: the report stays private.</li>
<li>The triage team answers within ${FIRST_ANSWER_BUSINESS_DAYS} business days, then triages the report.</li>
<li>Once it is accepted, the package's maintainers are invited to the private report to prepare a fix.</li>
<li>The vulnerability is disclosed at the latest ${PUBLICATION_DAYS} days after triage, with or without a fix; the team may vote to extend that deadline.</li>
<li>A CVE id is assigned and the advisory is published in this database, crediting the reporter as they chose.</li>
</ol>
<p>Some packages are eligible for the Working Group's <a href="/disclosure/bounty">bug bounty</a>; reporters are thanked in the <a href="/disclosure/hall-of-fame">hall of fame</a>. This server's <a href="/.well-known/security.txt">security.txt</a> says the same for machines.</p>
<h2>For maintainers: SECURITY.md and the badge</h2>
<p>Give your package a SECURITY.md that sends reporters here (it scores 10/10 on OpenSSF Scorecard's Security-Policy check), and the badge for its README. On the command line: <code>nswg policy init --package NAME --server URL</code>.</p>
${packageForm(input.value, input.problem)}`;
  return layout({
    title: 'Disclosure policy',
    body,
    description:
      "The Node.js Security Working Group's responsible disclosure policy, and SECURITY.md for packages.",
  });
}

/**
 * GET /policy/{package}: how to report about the package, its SECURITY.md and its badge; `links`
 * on this site, `shared` (the server's public URL) for what is pasted elsewhere.
 */
export function packagePolicyPage(
  name: string,
  links: PolicyLinks,
  shared: PolicyLinks,
  markdown: string,
): SafeHtml {
  const body = html`<h1>Security policy of <span class="pkg">${name}</span></h1>
<p class="lead">${name} is covered by the Node.js Security Working Group's responsible disclosure program.</p>
<h2>Report a vulnerability</h2>
<p><a class="button" href="${links.reportForm}">Report a vulnerability in ${name}</a>: the report stays private. The triage team answers within ${FIRST_ANSWER_BUSINESS_DAYS} business days; the vulnerability is disclosed at the latest ${PUBLICATION_DAYS} days after triage (<a href="/policy">the policy</a>).</p>
<h2>The badge</h2>
<p><a href="${links.policyPage}"><img src="${links.badge}" alt="Security: Responsible Disclosure" height="20"></a></p>
<p><label for="badge-markdown">Markdown for the README:</label></p>
<textarea id="badge-markdown" readonly rows="2">${badgeMarkdown(shared)}</textarea>
<h2>SECURITY.md</h2>
<p>Put this file at the root of the repository (or in <code>.github/</code> or <code>docs/</code>), and fill in the supported versions: <a href="?format=md" download="SECURITY.md">download SECURITY.md</a>, or run <code>nswg policy init --package ${name} --server URL</code>.</p>
<pre id="security-md">${markdown}</pre>`;
  return layout({
    title: `Security policy of ${name}`,
    body,
    description: `How to report a vulnerability in ${name}.`,
  });
}
