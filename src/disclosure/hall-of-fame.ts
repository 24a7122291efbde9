import type { CreditPreference, Report } from './report.js';

// Recognition: the hall of fame of researchers by year and month of publication, with their published
// advisories, each researcher shown by the credit they chose at submission (a name or a handle) and
// not at all when they chose to stay anonymous; never by their account's name otherwise. A researcher's
// own public profile exists only when they opted in.

/** One advisory in the hall of fame. */
export interface FameAdvisory {
  advisoryId: string;
  title: string;
  /** The npm package, or the Node.js component. */
  subject: string;
  publishedAt: string;
}

/** One researcher in one month: as they chose to be credited, their advisories of that month. */
export interface FameResearcher {
  /** The name or handle they chose at submission. */
  shownAs: string;
  /** Their public profile's handle, when they opted in to one. */
  profile: string | null;
  advisories: FameAdvisory[];
}

export interface FameMonth {
  /** YYYY-MM. */
  month: string;
  researchers: FameResearcher[];
}

export interface FameYear {
  year: string;
  months: FameMonth[];
}

/** How a credit preference shows in public: the name or handle chosen, or null when anonymous. */
export function creditShownAs(c: CreditPreference): string | null {
  return c.as === 'name' ? c.name : c.as === 'handle' ? c.handle : null;
}

type Published = Pick<
  Report,
  'reporterId' | 'credit' | 'advisoryId' | 'publishedAt' | 'title' | 'packageName' | 'component' | 'state'
>;

const advisoryOf = (r: Published): FameAdvisory => ({
  advisoryId: r.advisoryId!,
  title: r.title,
  subject: r.packageName ?? r.component ?? 'node',
  publishedAt: r.publishedAt!,
});

/**
 * The hall of fame over the reports: published ones with an advisory, credited by name or handle
 * (anonymous ones never appear), grouped by year and month of publication, newest first; within a
 * month, one line per researcher and chosen credit. `profiles`: the handles of the reporters who opted
 * in to a public profile, by user id.
 */
export function hallOfFame(reports: readonly Published[], profiles: ReadonlyMap<string, string>): FameYear[] {
  const months = new Map<string, Map<string, FameResearcher>>();
  const sorted = reports
    .filter((r) => r.state === 'published' && r.advisoryId && r.publishedAt && creditShownAs(r.credit))
    .sort((a, b) => b.publishedAt!.localeCompare(a.publishedAt!));
  for (const r of sorted) {
    const month = r.publishedAt!.slice(0, 7);
    const shownAs = creditShownAs(r.credit)!;
    let m = months.get(month);
    if (!m) {
      m = new Map();
      months.set(month, m);
    }
    // the same person under two chosen credits stays two lines: each report's choice is its own
    const key = `${r.reporterId}\0${shownAs}`;
    let who = m.get(key);
    if (!who) {
      who = { shownAs, profile: profiles.get(r.reporterId) ?? null, advisories: [] };
      m.set(key, who);
    }
    who.advisories.push(advisoryOf(r));
  }
  const years = new Map<string, FameMonth[]>();
  for (const [month, researchers] of months) {
    const year = month.slice(0, 4);
    if (!years.has(year)) years.set(year, []);
    years.get(year)!.push({
      month,
      researchers: [...researchers.values()].sort(
        (a, b) => b.advisories.length - a.advisories.length || a.shownAs.localeCompare(b.shownAs),
      ),
    });
  }
  return [...years].map(([year, ms]) => ({ year, months: ms }));
}

/** A researcher's public profile: the handle it lives under, their advisories credited by name or handle. */
export interface ResearcherProfile {
  handle: string;
  advisories: (FameAdvisory & { shownAs: string })[];
}

/** The profile of an opted-in researcher over their reports: anonymous ones never appear. */
export function researcherProfile(handle: string, reports: readonly Published[]): ResearcherProfile {
  return {
    handle,
    advisories: reports
      .filter((r) => r.state === 'published' && r.advisoryId && r.publishedAt && creditShownAs(r.credit))
      .sort((a, b) => b.publishedAt!.localeCompare(a.publishedAt!))
      .map((r) => ({ ...advisoryOf(r), shownAs: creditShownAs(r.credit)! })),
  };
}
