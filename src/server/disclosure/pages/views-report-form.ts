import { html, type SafeHtml } from '../../pages/html.js';
import { disclosureAssets } from '../assets/index.js';
import { PAGES } from '../context.js';
import { csrfField, field, type PageCtx, type Problems, page, problemOf } from './layout.js';
import { formError } from './views-accounts.js';

/** The CVSS 3.1 base metrics and their values, for the calculator's pickers. */
const METRICS: [string, string, [string, string][]][] = [
  [
    'AV',
    'Attack vector',
    [
      ['N', 'Network'],
      ['A', 'Adjacent'],
      ['L', 'Local'],
      ['P', 'Physical'],
    ],
  ],
  [
    'AC',
    'Attack complexity',
    [
      ['L', 'Low'],
      ['H', 'High'],
    ],
  ],
  [
    'PR',
    'Privileges required',
    [
      ['N', 'None'],
      ['L', 'Low'],
      ['H', 'High'],
    ],
  ],
  [
    'UI',
    'User interaction',
    [
      ['N', 'None'],
      ['R', 'Required'],
    ],
  ],
  [
    'S',
    'Scope',
    [
      ['U', 'Unchanged'],
      ['C', 'Changed'],
    ],
  ],
  [
    'C',
    'Confidentiality',
    [
      ['N', 'None'],
      ['L', 'Low'],
      ['H', 'High'],
    ],
  ],
  [
    'I',
    'Integrity',
    [
      ['N', 'None'],
      ['L', 'Low'],
      ['H', 'High'],
    ],
  ],
  [
    'A',
    'Availability',
    [
      ['N', 'None'],
      ['L', 'Low'],
      ['H', 'High'],
    ],
  ],
];

/** The form's fields as the domain's submission (validateReport checks them, all at once). */
export function submissionFromForm(body: unknown): Record<string, unknown> {
  const f = (name: string, max?: number) => field(body, name, max).trim();
  const yesNo = (name: string) => (f(name) === 'yes' ? true : f(name) === 'no' ? false : undefined);
  const creditAs = f('creditAs');
  return {
    kind: f('kind') || undefined,
    packageName: f('kind') === 'npm' ? f('packageName') : undefined,
    component: f('kind') === 'core' ? f('component') : undefined,
    affectedVersions: f('affectedVersions'),
    title: f('title'),
    description: f('description'),
    impact: f('impact'),
    reproduction: f('reproduction'),
    patch: f('patch') || null,
    environment: { os: f('envOs') || null, node: f('envNode') || null, npm: f('envNpm') || null },
    contactedMaintainer: yesNo('contactedMaintainer'),
    openedIssue: yesNo('openedIssue'),
    toolsUsed: f('toolsUsed') || null,
    cvssVector: f('cvssVector') || null,
    cwe: f('cwe') || null,
    credit:
      creditAs === 'name'
        ? { as: 'name', name: f('creditName') }
        : creditAs === 'handle'
          ? { as: 'handle', handle: f('creditHandle') }
          : { as: 'anonymous' },
    references: f('references')
      .split(/\s+/)
      .map((u) => u.trim())
      .filter(Boolean),
  };
}

/** The domain's field names (environment.os, references[2], credit) as the form's. */
export function formField(domainField: string): string {
  if (domainField.startsWith('environment.'))
    return `env${domainField[12]!.toUpperCase()}${domainField.slice(13)}`;
  if (domainField.startsWith('references')) return 'references';
  if (domainField === 'credit') return 'creditAs';
  return domainField;
}

/** The report form (the Working Group's template) with its values and problems. */
export function reportFormPage(
  p: PageCtx,
  v: Record<string, string>,
  problems: Problems,
  error: string | null,
): SafeHtml {
  const team = p.caller.actor.kind === 'user' && p.caller.actor.roles.length > 0;
  const a = disclosureAssets();
  const val = (n: string) => v[n] ?? '';
  const wrap = (n: string, inner: SafeHtml) =>
    html`<div class="${problems[n] ? 'invalid' : ''}">${inner}${problemOf(problems, n)}</div>`;
  const text = (n: string, label: string, hint = '', max = 500) =>
    wrap(
      n,
      html`<label for="${n}">${label}${hint ? html` <span class="hint">${hint}</span>` : ''}</label><input id="${n}" name="${n}" type="text" value="${val(n)}" maxlength="${max}">`,
    );
  const area = (n: string, label: string, hint = '', cls = '') =>
    wrap(
      n,
      html`<label for="${n}">${label}${hint ? html` <span class="hint">${hint}</span>` : ''}</label><textarea id="${n}" name="${n}" class="${cls}">${val(n)}</textarea>`,
    );
  const radios = (n: string, legend: string, options: [string, string][]) =>
    wrap(
      n,
      html`<fieldset><legend>${legend}</legend><div class="choices">${options.map(
        ([value, label]) =>
          html`<label><input type="radio" name="${n}" value="${value}" ${val(n) === value ? html`checked` : ''}> ${label}</label>`,
      )}</div></fieldset>`,
    );
  const body = html`<h1>Report a vulnerability</h1>
<p class="lead">Reports are private: only you, the triage team (the core security team for Node.js itself) and the maintainers it invites see them.
The team answers within 2 business days; the report is published within 45 days of triage, fixed or not. Markdown works in the long fields.</p>
${formError(error)}
<form class="stack" method="post" action="${PAGES}/reports" id="report-form" novalidate>${csrfField(p)}
${radios('kind', 'What is affected', [
  ['npm', 'An npm package'],
  ['core', 'Node.js itself'],
])}
${text('packageName', 'npm package', 'for a package: its name on npm, e.g. left-pad or @scope/name', 214)}
${text('component', 'Node.js component', 'for Node.js: e.g. http, crypto, fs', 64)}
${text('affectedVersions', 'Affected versions', 'an npm range, e.g. <1.4.2 or >=2.0.0 <2.3.1')}
${text('title', 'Title', 'one line, e.g. “Prototype pollution in merge()”', 200)}
${area('description', 'Description', 'the vulnerability')}
${area('impact', 'Impact', 'what an attacker gains')}
${area('reproduction', 'Steps to reproduce', 'the proof of concept: code or steps the team can run (at least 30 characters, not the description again); public after publication only if you, the team and the maintainers agree', 'code')}
${area('patch', 'Patch', 'optional: a fix, as a diff', 'code')}
<fieldset><legend>Environment <span class="hint">optional</span></legend>
${text('envOs', 'Operating system', '', 200)}${text('envNode', 'Node.js version', '', 200)}${text('envNpm', 'npm version', '', 200)}</fieldset>
${radios('contactedMaintainer', 'Did you contact the maintainer?', [
  ['yes', 'Yes'],
  ['no', 'No'],
])}
${radios('openedIssue', 'Did you open a public issue?', [
  ['yes', 'Yes'],
  ['no', 'No'],
])}
${radios(
  'toolsUsed',
  'Did you use tools or AI to find it or write it up? (optional; the team sees your answer)',
  [
    ['none', 'Neither'],
    ['tools', 'Tools (fuzzers, scanners, static analysis)'],
    ['ai', 'AI (a language model)'],
    ['tools-and-ai', 'Both'],
  ],
)}
<fieldset><legend>Severity (CVSS 3.1) <span class="hint">optional; the team may amend it</span></legend>
${wrap(
  'cvssVector',
  html`<label for="cvssVector">Vector <span class="hint">e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</span></label>
<input id="cvssVector" name="cvssVector" type="text" class="code" value="${val('cvssVector')}" maxlength="200" aria-describedby="cvss-score">
<output id="cvss-score" class="cvss-score" for="cvssVector" aria-live="polite"></output>`,
)}
<div class="cvss-calculator" id="cvss-calculator" hidden>${METRICS.map(
    ([key, label, values]) =>
      html`<label>${label}<select data-metric="${key}" aria-label="${label}"><option value="">–</option>${values.map(
        ([value, word]) => html`<option value="${value}">${word}</option>`,
      )}</select></label>`,
  )}</div>
${text('cwe', 'Weakness (CWE)', 'e.g. CWE-79', 12)}
</fieldset>
${text('references', 'Public references', 'optional: URLs, separated by spaces or lines', 20_000)}
${radios('creditAs', 'How should the advisory credit you?', [
  ['handle', 'By my handle'],
  ['name', 'By my name'],
  ['anonymous', 'Not at all (anonymous)'],
])}
${text('creditHandle', 'Handle to credit', '', 100)}${text('creditName', 'Name to credit', '', 100)}
${team ? text('onBehalfOf', 'File for', 'team only, optional: the e-mail address of the registered user who found it (they become the reporter)', 254) : ''}
<div><button type="submit">Submit the report</button></div>
</form>`;
  return page(p, 'Report a vulnerability', body, { scripts: [a.cvssLib.path, a.cvssForm.path] });
}

/** The form's values from a posted body, to show them again with the problems. */
export function formValues(body: unknown): Record<string, string> {
  const names = [
    'kind',
    'packageName',
    'component',
    'affectedVersions',
    'title',
    'description',
    'impact',
    'reproduction',
    'patch',
    'envOs',
    'envNode',
    'envNpm',
    'contactedMaintainer',
    'openedIssue',
    'toolsUsed',
    'cvssVector',
    'cwe',
    'references',
    'creditAs',
    'creditHandle',
    'creditName',
    'onBehalfOf',
  ];
  return Object.fromEntries(names.map((n) => [n, field(body, n)]));
}
