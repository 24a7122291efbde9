import {
  type BountyModule,
  type BountyOverview,
  type BudgetFigures,
  dollars,
  type LedgerEntry,
  MIN_MONTHLY_DOWNLOADS,
  moduleEligible,
  type Reward,
  type RewardTable,
  type RewardView,
} from '../../../disclosure/index.js';
import { advisoryPath, html, type SafeHtml } from '../../pages/html.js';
import { PAGES, paths } from '../context.js';
import { csrfField, type PageCtx, page, postButton, when } from './layout.js';

// The bug bounty's pages: the public one (/bounty), a researcher's rewards, the team's rewards to
// decide, and the admins' modules and budget. Stable ids and data attributes for the browser walk.

/** Under the program's prefix, as every page of it: no npm package name is shadowed. */
export const BOUNTY_PUBLIC = `${PAGES}/bounty`;
export const MY_REWARDS = `${PAGES}/rewards`;
export const TEAM_REWARDS = `${PAGES}/bounty/rewards`;
export const ADMIN_BOUNTY = `${PAGES}/admin/bounty`;

const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'] as const;
const STATE_WORDS: Record<Reward['state'], string> = {
  proposed: 'proposed: waiting for a second team member',
  approved: 'approved: to be paid',
  'waiting-for-budget': 'approved, waiting for budget',
  paid: 'paid',
  ineligible: 'ineligible',
};

/** A module's last count, with its date, and whether it is below the minimum. */
function count(m: BountyModule): SafeHtml {
  if (m.downloads === null) return html`<span class="muted">not counted yet</span>`;
  const low = m.downloads < MIN_MONTHLY_DOWNLOADS;
  return html`<span data-downloads="${String(m.downloads)}">${m.downloads.toLocaleString('en-US')}</span> a month <span class="muted">(${m.downloadsAsOf}${m.downloadsSource === 'override' ? ', set by an admin' : ''})</span>${low ? html` <strong class="bad">below ${MIN_MONTHLY_DOWNLOADS.toLocaleString('en-US')}: not eligible</strong>` : ''}`;
}

function moduleList(mods: BountyModule[], id: string): SafeHtml {
  if (!mods.length) return html`<p class="muted" id="${id}-none">None yet.</p>`;
  return html`<ul id="${id}">${mods.map((m) => html`<li data-module="${m.name}" data-eligible="${moduleEligible(m) ? 'yes' : 'no'}"><code>${m.name}</code> — ${count(m)}; approved by ${m.approvedBy} on ${m.approvedOn}</li>`)}</ul>`;
}

function tableRows(t: RewardTable): SafeHtml {
  return html`<table id="bounty-table"><thead><tr><th>Severity (CVSS)</th><th>Reward</th></tr></thead><tbody>${SEVERITIES.map(
    (s) =>
      html`<tr data-severity="${s}"><td>${s}</td><td>${t[s] ? dollars(t[s]) : html`<span class="muted">none</span>`}</td></tr>`,
  )}</tbody></table>`;
}

/** The public page: the rules in short, the eligible modules by section, the reward table, the total paid. */
export function bountyPublicPage(p: PageCtx, o: BountyOverview): SafeHtml {
  const confirmed = o.modules.filter((m) => m.section === 'confirmed');
  const progress = o.modules.filter((m) => m.section === 'work-in-progress');
  return page(
    p,
    'Bug bounty',
    html`<h1>Bug bounty</h1>
<p class="lead">Report a vulnerability in an eligible module through the <a href="${PAGES}/reports/new">disclosure program</a>. Once its advisory is published, a reward is proposed from its CVSS severity, approved by a second team member and paid, as long as the budget is available.</p>
<p>Eligible: a package or a whole scope with at least ${MIN_MONTHLY_DOWNLOADS.toLocaleString('en-US')} downloads a month, whose maintainer approved joining the bounty.</p>
<ul class="figures"><li><strong id="bounty-paid" data-cents="${String(o.paid)}">${dollars(o.paid)}</strong>paid</li><li><strong id="bounty-paid-count">${o.paidRewards}</strong>rewards paid</li></ul>
<section aria-labelledby="rewards-h"><h2 id="rewards-h">Rewards</h2>${tableRows(o.table)}</section>
<section aria-labelledby="confirmed-h"><h2 id="confirmed-h">Confirmed</h2>${moduleList(confirmed, 'modules-confirmed')}</section>
<section aria-labelledby="progress-h"><h2 id="progress-h">Work in progress</h2>${moduleList(progress, 'modules-in-progress')}</section>
<p><a href="${PAGES}/hall-of-fame" id="to-hall-of-fame">Hall of fame</a></p>`,
  );
}

function rewardLine(r: RewardView | Reward): SafeHtml {
  return html`<td>${r.advisoryId ? html`<a href="${advisoryPath(r.advisoryId)}">${r.advisoryId}</a>` : html`<a href="${paths.report(r.reportId)}">${r.reportId}</a>`}</td>
<td><code>${r.packageName}</code></td><td>${r.severity}</td><td data-cents="${String(r.amount)}">${dollars(r.amount)}${r.maintainerShare ? html` <span class="muted">(${dollars(r.maintainerShare)} to the maintainer)</span>` : ''}</td>
<td class="reward-state" data-state="${r.state}">${STATE_WORDS[r.state]}${r.reason ? html`<p class="reason">${r.reason}</p>` : ''}</td>`;
}

/** A researcher's rewards: each with its amount, where it stands, and the reason when ineligible. */
export function myRewardsPage(p: PageCtx, rewards: RewardView[], profile: SafeHtml | '' = ''): SafeHtml {
  return page(
    p,
    'My rewards',
    html`<h1>My rewards</h1>
<p class="lead">Rewards of your published reports in the <a href="${BOUNTY_PUBLIC}">bug bounty</a>.</p>
${
  rewards.length
    ? html`<table id="my-rewards"><thead><tr><th>Advisory</th><th>Package</th><th>Severity</th><th>Reward</th><th>State</th></tr></thead><tbody>${rewards.map((r) => html`<tr data-reward="${r.id}">${rewardLine(r)}</tr>`)}</tbody></table>`
    : html`<p class="muted" id="no-rewards">No reward yet.</p>`
}
${profile}`,
  );
}

/** The team's rewards: approving (a second member), declaring ineligible; for admins, recording the payment. */
export function teamRewardsPage(
  p: PageCtx,
  rewards: Reward[],
  names: Map<string, string>,
  opts: { admin: boolean; me: string },
): SafeHtml {
  const actions = (r: Reward): SafeHtml | '' => {
    const base = `${TEAM_REWARDS}/${encodeURIComponent(r.id)}`;
    const out: SafeHtml[] = [];
    if (r.state === 'proposed' && r.researcherId !== opts.me)
      out.push(
        html`<form class="inline" method="post" action="${base}/approve">${csrfField(p)}<label>Maintainer share ($) <input name="maintainerShare" inputmode="decimal" size="6" value="0"></label><button type="submit" id="approve-${r.id}">Approve</button></form>`,
      );
    if (['proposed', 'waiting-for-budget', 'approved'].includes(r.state) && r.researcherId !== opts.me)
      out.push(
        html`<form class="inline" method="post" action="${base}/ineligible">${csrfField(p)}<input name="reason" required minlength="10" maxlength="500" placeholder="why, as the researcher will read it"><button type="submit" class="secondary">Ineligible</button></form>`,
      );
    if (opts.admin && r.state === 'approved' && r.researcherId !== opts.me)
      out.push(
        html`<form class="inline" method="post" action="${base}/paid">${csrfField(p)}<input name="reference" required minlength="3" maxlength="200" placeholder="payment reference" id="reference-${r.id}"><button type="submit" id="pay-${r.id}">Mark paid</button></form>`,
      );
    return out.length ? html`${out}` : '';
  };
  return page(
    p,
    'Rewards',
    html`<h1>Rewards</h1>
<p class="lead">A reward is approved by a second team member: never its researcher. Approving reserves its money; when the budget is short it waits, and the next deposit funds it.</p>
${
  rewards.length
    ? html`<div class="table-scroll"><table id="team-rewards"><thead><tr><th>Advisory</th><th>Package</th><th>Severity</th><th>Reward</th><th>State</th><th>Researcher</th><th></th></tr></thead><tbody>${rewards.map(
        (r) =>
          html`<tr data-reward="${r.id}" data-report="${r.reportId}">${rewardLine(r)}<td>${names.get(r.researcherId) ?? ''}</td><td>${actions(r)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted" id="no-rewards">No reward yet.</p>`
}`,
  );
}

/** The admins' page: the modules, the reward table, the budget with its ledger. */
export function adminBountyPage(
  p: PageCtx,
  o: BountyOverview,
  ledger: { entries: LedgerEntry[]; figures: BudgetFigures },
  now: Date,
): SafeHtml {
  const f = ledger.figures;
  const today = now.toISOString().slice(0, 10);
  return page(
    p,
    'Bug bounty',
    html`<h1>Bug bounty</h1>
<ul class="figures" aria-label="Budget">
<li><strong id="budget-balance" data-cents="${String(f.balance)}">${dollars(f.balance)}</strong>available</li>
<li><strong id="budget-reserved">${dollars(f.reserved)}</strong>reserved</li>
<li><strong id="budget-waiting">${dollars(f.waiting)}</strong>waiting for budget</li>
<li><strong id="budget-paid">${dollars(f.paid)}</strong>paid</li>
</ul>
<section aria-labelledby="modules-h"><h2 id="modules-h">Eligible modules</h2>
${
  o.modules.length
    ? html`<table id="admin-modules"><thead><tr><th>Module</th><th>Section</th><th>Downloads</th><th>Approved</th><th></th></tr></thead><tbody>${o.modules.map(
        (m) =>
          html`<tr data-module="${m.name}"><td><code>${m.name}</code></td><td>${m.section}</td><td>${count(m)}</td><td>${m.approvedBy}, ${m.approvedOn}</td>
<td><form class="inline" method="post" action="${ADMIN_BOUNTY}/modules/${encodeURIComponent(m.name)}">${csrfField(p)}<input type="hidden" name="approvedBy" value="${m.approvedBy}"><input type="hidden" name="approvedOn" value="${m.approvedOn}"><select name="section" aria-label="Section of ${m.name}">${(['confirmed', 'work-in-progress'] as const).map((s) => html`<option value="${s}"${s === m.section ? html` selected` : ''}>${s}</option>`)}</select><button type="submit" class="secondary">Save</button></form>${postButton(p, `${ADMIN_BOUNTY}/modules/${encodeURIComponent(m.name)}/refresh`, 'Refresh the count', 'secondary')}${postButton(p, `${ADMIN_BOUNTY}/modules/${encodeURIComponent(m.name)}/remove`, 'Remove', 'secondary')}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No module yet.</p>`
}
${o.modules.length ? postButton(p, `${ADMIN_BOUNTY}/refresh`, 'Refresh every count', 'secondary') : ''}
<form class="stack" method="post" action="${ADMIN_BOUNTY}/modules" id="module-form">${csrfField(p)}
<div><label for="module-name">Package or @scope</label><input id="module-name" name="name" required maxlength="214"></div>
<div><label for="module-section">Section</label><select id="module-section" name="section"><option value="confirmed">Confirmed</option><option value="work-in-progress">Work in progress</option></select></div>
<div><label for="module-approved-by">Approved by (the maintainer)</label><input id="module-approved-by" name="approvedBy" required maxlength="200"></div>
<div><label for="module-approved-on">Approved on</label><input id="module-approved-on" name="approvedOn" type="date" required value="${today}"></div>
<div><button type="submit" id="module-add">Add the module</button></div></form></section>
<section aria-labelledby="table-h"><h2 id="table-h">Reward table</h2>
<form class="stack" method="post" action="${ADMIN_BOUNTY}/table" id="table-form">${csrfField(p)}
${SEVERITIES.map((s) => html`<div><label for="table-${s}">${s} ($)</label><input id="table-${s}" name="${s}" inputmode="decimal" value="${String(o.table[s] / 100)}"></div>`)}
<div><button type="submit">Save the table</button></div></form></section>
<section aria-labelledby="deposit-h"><h2 id="deposit-h">Budget</h2>
<form class="stack" method="post" action="${ADMIN_BOUNTY}/deposits" id="deposit-form">${csrfField(p)}
<div><label for="deposit-amount">Deposit ($)</label><input id="deposit-amount" name="amount" inputmode="decimal" required></div>
<div><label for="deposit-reason">Where it comes from</label><input id="deposit-reason" name="reason" required minlength="10" maxlength="500"></div>
<div><button type="submit" id="deposit-add">Deposit</button></div></form>
<h3>Ledger</h3>
${
  ledger.entries.length
    ? html`<table id="ledger"><thead><tr><th>#</th><th>When</th><th>Movement</th><th>Amount</th><th>Balance</th><th>Why</th></tr></thead><tbody>${ledger.entries.map(
        (e) =>
          html`<tr data-seq="${String(e.seq)}" data-kind="${e.kind}"><td>${e.seq}</td><td>${when(e.at)}</td><td>${e.kind}</td><td>${e.amount < 0 ? '−' : ''}${dollars(Math.abs(e.amount))}</td><td>${dollars(e.balance)}</td><td>${e.reason}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No movement yet.</p>`
}</section>
<p><a href="${TEAM_REWARDS}">The rewards</a> · <a href="${BOUNTY_PUBLIC}">The public page</a></p>`,
  );
}
