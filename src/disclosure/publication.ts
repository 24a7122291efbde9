import semver from 'semver';
import {
  type Advisory,
  type AdvisoryKind,
  type Credit,
  coreAdvisoryId,
  npmAdvisoryId,
  parseWgId,
} from '../advisories/index.js';
import { referencesFromUrls } from '../advisories/references.js';
import { NswgError } from '../errors.js';
import { difference, NPM_SEMVER, parseRange, toNpmRange, toOsvRanges } from '../versions/index.js';
import { reporterCredit } from './credits.js';
import type { CveRequest } from './cve-requests.js';
import type { Report, VulnerabilityFields } from './report.js';

/** The advisory family a report is published in. */
export const advisoryKindOf = (r: Pick<VulnerabilityFields, 'kind'>): AdvisoryKind =>
  r.kind === 'core' ? 'core' : 'npm';

/**
 * The next free Working Group id of a family: the highest number among `existingIds` plus one
 * (NSWG-ECO-<n> or NSWG-COR-<n>). Call it inside the transaction that stores the advisory.
 */
export function nextAdvisoryId(kind: AdvisoryKind, existingIds: Iterable<string>): string {
  let max = 0;
  for (const id of existingIds) {
    const wg = parseWgId(id);
    if (wg && wg.kind === kind && wg.number > max) max = wg.number;
  }
  return kind === 'core' ? coreAdvisoryId(max + 1) : npmAdvisoryId(max + 1);
}

/**
 * The vulnerable and patched ranges of a report. With a fix: the affected versions less the fixed
 * ones. Without one (maintainers unreachable, deadline reached): from the lowest affected version
 * upwards with no upper bound, i.e. `*` when every version is affected, and no patched range.
 */
export function publishedRanges(r: Pick<Report, 'affectedVersions' | 'patchedVersions'>): {
  vulnerable: string;
  patched: string | null;
} {
  if (r.patchedVersions) {
    const rest = difference(
      parseRange(r.affectedVersions, 'affectedVersions'),
      parseRange(r.patchedVersions, 'patchedVersions'),
    );
    return { vulnerable: rest.length ? toNpmRange(rest) : r.affectedVersions, patched: r.patchedVersions };
  }
  const low = semver.minVersion(r.affectedVersions, NPM_SEMVER);
  const floor =
    low && !(low.major === 0 && low.minor === 0 && low.patch === 0 && low.prerelease.length === 0)
      ? low.version
      : null;
  return { vulnerable: floor ? `>=${floor}` : '*', patched: null };
}

const EARLY_WORDS = {
  'already-public': 'the vulnerability is already public',
  'actively-exploited': 'the vulnerability is being exploited',
} as const;

/** Why there is no fix, in the advisory's words: the reason recorded at publication. */
function whyNoFix(r: Report): string {
  const day = (ts: string | null) => (ts ? ts.slice(0, 10) : 'the deadline');
  switch (r.withoutFix) {
    case 'early-publication': {
      const e = r.earlyPublication;
      const why = e ? EARLY_WORDS[e.reason] : 'the team decided to publish before a fix';
      return `It was published before a fix, ahead of its deadline, because ${why}${e ? `: ${e.details}` : ''}.`;
    }
    case 'fix-in-progress': {
      const planned = r.fixProposal ? ` (a release was planned for ${r.fixProposal.releaseDate})` : '';
      return `A fix was in progress${planned} but not released by the publication deadline, ${day(r.publicationDue)}.`;
    }
    case 'maintainers-silent':
      return `Its maintainers did not answer the invitation to fix it before the publication deadline, ${day(r.publicationDue)}.`;
    default:
      return r.kind === 'core'
        ? `No fix was released before the publication deadline, ${day(r.publicationDue)}.`
        : `Its maintainers were told of it but no fix was released before the publication deadline, ${day(r.publicationDue)}.`;
  }
}

function recommendation(r: Report, patched: string | null): string {
  const what = r.kind === 'core' ? 'Node.js' : `\`${r.packageName}\``;
  if (!patched) {
    const advice =
      r.kind === 'core'
        ? 'No fixed release of Node.js is available yet: follow the Node.js security releases.'
        : r.withoutFix === 'fix-in-progress' || r.withoutFix === 'early-publication'
          ? `No fixed version of ${what} is available yet: upgrade as soon as one is released, or consider an alternative package.`
          : `No fixed version of ${what} is available: consider an alternative package.`;
    return `${advice} ${whyNoFix(r)}`;
  }
  return upgradeAdvice(what, patched);
}

/** The advice for a fixed vulnerability: upgrade `what` into the patched range. */
function upgradeAdvice(what: string, patched: string): string {
  const m = /^>=\s*v?(\S+)$/.exec(patched);
  return m
    ? `Upgrade ${what} to version ${m[1]} or later.`
    : `Upgrade ${what} to a version in \`${patched}\`.`;
}

/**
 * What an advisory is made of, whoever it comes from (a published report, an announced CVE
 * request): the shared fields, the text, the ranges, the advice, the CVE id and the credits.
 */
export interface AdvisorySource extends VulnerabilityFields {
  created: string;
  details: string;
  vulnerable: string;
  patched: string | null;
  recommendation: string;
  cveId: string | null;
  credits: Credit[];
}

/** The Advisory record of `s` under the id allocated for it (which must be of its kind's family). */
export function advisoryOf(s: AdvisorySource, id: string, now: Date): Advisory {
  const wg = parseWgId(id);
  if (!wg || wg.kind !== advisoryKindOf(s)) {
    throw new NswgError('E_ADVISORY_INVALID', `${id} is not a ${advisoryKindOf(s)} advisory id`, {
      field: 'id',
    });
  }
  const { vulnerable, patched } = s;
  const vulnerableSet = parseRange(vulnerable, 'vulnerable');
  const affectedSet =
    s.kind === 'core' && patched ? difference(vulnerableSet, parseRange(patched, 'patched')) : vulnerableSet;
  const at = now.toISOString().replace('.000Z', 'Z');
  return {
    id,
    kind: advisoryKindOf(s),
    modified: at,
    published: at,
    created: s.created,
    withdrawn: null,
    aliases: s.cveId ? [s.cveId] : [],
    related: [],
    title: s.title,
    details: s.details,
    recommendation: s.recommendation,
    affected: [
      {
        ecosystem: s.kind === 'core' ? 'node' : 'npm',
        name: s.kind === 'core' ? 'node' : s.packageName!,
        vulnerable,
        patched,
        ranges: toOsvRanges(affectedSet),
        versions: [],
        platforms: [],
        components: s.component ? [s.component] : [],
      },
    ],
    cvss: s.cvss ? { vector: s.cvss.vector, score: s.cvss.score } : null,
    declaredSeverity: null,
    weaknesses: s.cwe ? [{ id: s.cwe, name: null }] : [],
    references: referencesFromUrls(s.references),
    credits: s.credits,
    coordinatingVendor: null,
    asWritten: {},
  };
}

/**
 * The Advisory record a report becomes when it is published, with the id allocated for it. The
 * proof of concept and the environment stay private: the advisory carries the description, the
 * impact, the ranges, the recommendation, CVSS, CWE, public references, the CVE and the credits
 * (by default the reporter's own; at publication, with the accepted ones: credits.ts).
 */
export function advisoryFromReport(
  r: Report,
  id: string,
  now: Date,
  credits: Credit[] = reporterCredit(r),
): Advisory {
  const { vulnerable, patched } = publishedRanges(r);
  return advisoryOf(
    {
      ...r,
      created: r.submittedAt,
      details: `${r.description}\n\n## Impact\n\n${r.impact}`,
      vulnerable,
      patched,
      recommendation: recommendation(r, patched),
      cveId: r.cveId,
      credits,
    },
    id,
    now,
  );
}

/**
 * The Advisory record an announced CVE request becomes: its description, the affected versions less
 * the fixed ones, the advice to upgrade, CVSS, CWE, references and its CVE id. No credit: the
 * request names no finder.
 */
export function advisoryFromCveRequest(q: CveRequest, id: string, now: Date): Advisory {
  const { vulnerable, patched } = publishedRanges({
    affectedVersions: q.affectedVersions,
    patchedVersions: q.fixedVersions,
  });
  const what = q.kind === 'core' ? 'Node.js' : `\`${q.packageName}\``;
  return advisoryOf(
    {
      ...q,
      created: q.submittedAt,
      details: q.description,
      vulnerable,
      patched,
      recommendation: upgradeAdvice(what, patched ?? q.fixedVersions),
      cveId: q.cveId,
      credits: [],
    },
    id,
    now,
  );
}
