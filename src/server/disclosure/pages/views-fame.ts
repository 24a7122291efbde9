import type { FameYear, ResearcherProfile } from '../../../disclosure/index.js';
import { advisoryPath, html, type SafeHtml } from '../../pages/html.js';
import { PAGES } from '../context.js';
import { csrfField, type PageCtx, page } from './layout.js';

// The hall of fame, a researcher's public profile, and the choice of one on the researcher's page.

export const HALL_OF_FAME = `${PAGES}/hall-of-fame`;
export const profilePath = (handle: string) => `${PAGES}/researchers/${encodeURIComponent(handle)}`;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const monthName = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/** The hall of fame: by year and month, each researcher as they chose to be credited, with their advisories. */
export function hallOfFamePage(p: PageCtx, years: FameYear[]): SafeHtml {
  return page(
    p,
    'Hall of fame',
    html`<h1>Hall of fame</h1>
<p class="lead">The researchers whose reports became advisories, as each chose to be credited. Those who chose to stay anonymous are thanked, and not named.</p>
${
  years.length
    ? years.map(
        (
          y,
        ) => html`<section data-year="${y.year}" aria-labelledby="year-${y.year}"><h2 id="year-${y.year}">${y.year}</h2>
${y.months.map(
  (m) =>
    html`<h3 id="month-${m.month}">${monthName(m.month)}</h3><ul class="fame" data-month="${m.month}">${m.researchers.map(
      (r) =>
        html`<li data-researcher="${r.shownAs}"><strong>${r.profile ? html`<a href="${profilePath(r.profile)}">${r.shownAs}</a>` : r.shownAs}</strong>: ${r.advisories.map(
          (a, i) =>
            html`${i ? ', ' : ''}<a href="${advisoryPath(a.advisoryId)}" data-advisory="${a.advisoryId}">${a.advisoryId}</a> (${a.subject})`,
        )}</li>`,
    )}</ul>`,
)}</section>`,
      )
    : html`<p class="muted" id="fame-empty">No advisory yet.</p>`
}`,
  );
}

/** A researcher's public profile: their advisories, each as they chose to be credited. */
export function profilePage(p: PageCtx, profile: ResearcherProfile): SafeHtml {
  return page(
    p,
    `@${profile.handle}`,
    html`<h1 id="profile-handle">@${profile.handle}</h1>
<p class="lead">Security researcher: advisories of the Node.js Security Working Group from their reports.</p>
${
  profile.advisories.length
    ? html`<ul id="profile-advisories">${profile.advisories.map(
        (a) =>
          html`<li data-advisory="${a.advisoryId}"><a href="${advisoryPath(a.advisoryId)}">${a.advisoryId}</a>: ${a.title} (${a.subject}), ${a.publishedAt.slice(0, 10)}, credited as ${a.shownAs}</li>`,
      )}</ul>`
    : html`<p class="muted">No advisory yet.</p>`
}`,
  );
}

/** The choice of a public profile, on the researcher's rewards page. */
export function profileChoice(p: PageCtx, on: boolean, handle: string | null, action: string): SafeHtml {
  return html`<section aria-labelledby="profile-h" id="profile-choice" data-public="${on ? 'yes' : 'no'}"><h2 id="profile-h">Public profile</h2>
${
  handle
    ? html`<p>${on ? html`Your profile is public at <a href="${profilePath(handle)}">${profilePath(handle)}</a>, listing your advisories credited by name or handle (never those you chose to be anonymous for).` : 'You have no public profile. The hall of fame names you only as you chose for each report.'}</p>
<form method="post" action="${action}">${csrfField(p)}<input type="hidden" name="public" value="${on ? 'no' : 'yes'}"><button type="submit" id="profile-toggle">${on ? 'Take my profile down' : 'Make my profile public'}</button></form>`
    : html`<p class="muted">A public profile lives under your handle: set one on your account first.</p>`
}</section>`;
}
