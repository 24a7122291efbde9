import { nodeSeverityWord, type Severity, severityRank } from '../advisories/index.js';
import { plainText, SEVERITIES_DESC } from '../scan/reporters/common.js';
import { linkUrl, markdownText } from '../scan/reporters/markdown.js';
import {
  type AnnouncedFix,
  type DateChange,
  type ReleaseLineEntry,
  releaseTitle,
  type SecurityRelease,
} from './releases.js';

// What a security release publishes, in the shape of the nodejs.org blog's posts: the pre-announcement
// (which lines, when, how many issues of each severity: nothing that could help find them), the
// release-day announcement, and the mails to the list. Each text is written once, as blocks, and
// rendered as Markdown or plain text, so that the post and its mail cannot say different things.

/** Where the Node.js project states its security policy and how to report a vulnerability. */
export const SECURITY_POLICY_URL = 'https://github.com/nodejs/node/security/policy';
/** The announcement-only list security releases are announced on. */
export const SECURITY_LIST_URL = 'https://groups.google.com/g/nodejs-sec';

/** A text for the list: plain text, with its subject. */
export interface ReleaseMail {
  subject: string;
  text: string;
}

/** How a text is written: Markdown for the blog, plain text for the mail. */
interface Style {
  /** Text from people, on one line, shown as written. */
  inline(text: string): string;
  /** Text from people, as paragraphs shown as written. */
  paragraphs(text: string): string[];
  heading(level: 1 | 2, text: string): string;
  bullets(items: string[]): string;
  link(text: string, url: string): string;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const splitParagraphs = (text: string): string[] =>
  text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim())
    .filter(Boolean);

// markdownText leaves bare addresses, which GFM turns into links: escaping the `:` of `://` and the `.`
// of `www.` keeps them as text (its `@` escape already stops mail addresses)
const unlinked = (md: string): string => md.replace(/:\/\//g, '\\://').replace(/\b(www)\./gi, '$1\\.');

const markdown: Style = {
  inline: (text) => unlinked(markdownText(text.trim())),
  // markdownText leaves the markers a line may start a block with: a list (`-`, `+`, `1.`), a thematic
  // break or setext underline (`---`, `===`); a paragraph is one line, so only its start needs them escaped
  paragraphs: (text) =>
    splitParagraphs(text).map((p) =>
      unlinked(markdownText(p)).replace(/^(\d*)([-+=.)])/, (_, digits, m) => `${digits}\\${m}`),
    ),
  heading: (level, text) => `${'#'.repeat(level)} ${text}`,
  bullets: (items) => items.map((i) => `- ${i}`).join('\n'),
  link: (text, url) => {
    const safe = linkUrl(url);
    return safe ? `[${text}](${safe})` : text;
  },
};

const plain: Style = {
  inline: (text) => plainText(text).replace(/ {2,}/g, ' ').trim(),
  paragraphs: (text) => splitParagraphs(text).map(plainText),
  heading: (level, text) => `${text}\n${(level === 1 ? '=' : '-').repeat(text.length)}`,
  bullets: (items) => items.map((i) => `- ${i}`).join('\n'),
  link: (text, url) => `${text} (${plainText(url)})`,
};

/** "Tuesday, January 21, 2027" for `2027-01-21`. */
const dayText = (date: string): string =>
  releaseTitle({ targetDate: date }).replace(/ security releases$/, '');

/** "Tuesday, January 21, 2027 (2027-01-21)": read by people anywhere, and found by a search for the date. */
const dated = (date: string): string => `${dayText(date)} (${date})`;

/** "a", "a and b", "a, b and c". */
function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const lineName = (l: Pick<ReleaseLineEntry, 'line'>): string => `${l.line.slice(1)}.x`;
/** The lines newest first, as the posts list them. */
const newestFirst = (lines: readonly ReleaseLineEntry[]) =>
  [...lines].sort((a, b) => Number(b.line.slice(1)) - Number(a.line.slice(1)));
const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

/** "1 high severity issue", "2 issues without a severity rating". */
function issues(n: number, s: Severity): string {
  const word = nodeSeverityWord(s);
  return word === 'none'
    ? `${n} ${plural(n, 'issue')} without a severity rating`
    : `${n} ${word} severity ${plural(n, 'issue')}`;
}

/** The non-zero counts of each severity, most severe first. */
const countsOf = (fixes: readonly AnnouncedFix[]): string[] =>
  SEVERITIES_DESC.map((s) => [s, fixes.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => issues(n, s));

const shipped = (r: SecurityRelease) => newestFirst(r.lines).filter((l) => l.version !== null);
const linesWords = (lines: readonly ReleaseLineEntry[]) =>
  `${listWords(lines.map(lineName))} release ${plural(lines.length, 'line')}`;

function frontMatter(r: SecurityRelease, now: Date): string {
  const day = dayText(r.targetDate);
  const slug = `${day
    .replace(/^\w+, /, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')}-security-releases`;
  return [
    '---',
    `date: ${now.toISOString()}`,
    'category: vulnerability',
    `title: ${day} Security Releases`,
    `slug: ${slug}`,
    'layout: blog-post',
    'author: The Node.js Project',
    '---',
  ].join('\n');
}

function impact(r: SecurityRelease, fixes: readonly AnnouncedFix[]): string[] {
  return newestFirst(r.lines).map((l) => {
    const counts = countsOf(fixes.filter((f) => f.fix.lines.includes(l.line)));
    const affected = counts.length
      ? `is affected by ${listWords(counts)}`
      : 'is affected by none of these issues';
    if (!l.endOfLife) return `The ${lineName(l)} release line of Node.js ${affected}.`;
    const fix = l.version === null ? 'it gets no fix' : `${l.version} is its last release`;
    return `The ${lineName(l)} release line of Node.js has reached its end of life: it ${affected}, and ${fix}.`;
  });
}

function contact(s: Style): string[] {
  return [
    s.heading(2, 'Contact and future updates'),
    `How the Node.js project handles vulnerabilities, and how to report one, is described in ${s.link('the Node.js security policy', SECURITY_POLICY_URL)}.`,
    `Security releases are announced ahead of time, and again on the day, on ${s.link('the nodejs-sec mailing list', SECURITY_LIST_URL)}, which carries nothing else: subscribe to hear of the next ones.`,
  ];
}

function preAnnouncement(s: Style, r: SecurityRelease, fixes: readonly AnnouncedFix[]): string[] {
  const day = dayText(r.targetDate);
  return [
    s.heading(1, 'Summary'),
    `The Node.js project will publish new versions of the ${linesWords(shipped(r))} on or shortly after ${day}. They fix:`,
    s.bullets(countsOf(fixes)),
    s.heading(2, 'Impact'),
    ...impact(r, fixes),
    'Release lines past their end of life are not assessed and are always to be taken as affected by a security release: run a supported version of Node.js.',
    s.heading(2, 'Release timing'),
    `The releases are planned for ${day}, and will be out on that day or shortly after. Should the date move, this post and the mailing list will say so.`,
    ...contact(s),
  ];
}

/** Most severe first; the higher CVSS score, then the release's order, among equals. */
const bySeverity = (fixes: readonly AnnouncedFix[]) =>
  [...fixes].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) || (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0),
  );

function thanks(s: Style, f: AnnouncedFix): string | null {
  const names = (list: string[]) => listWords(list.map((n) => s.inline(n)).filter(Boolean));
  const found = names(f.reporters);
  const fixed = names(f.fix.patchAuthors);
  if (found && fixed)
    return `Thank you to ${found} for reporting this vulnerability, and to ${fixed} for fixing it.`;
  if (found) return `Thank you to ${found} for reporting this vulnerability.`;
  if (fixed) return `Thank you to ${fixed} for fixing this vulnerability.`;
  return null;
}

function vulnerability(s: Style, r: SecurityRelease, f: AnnouncedFix): string[] {
  const word = nodeSeverityWord(f.severity);
  const cve = f.cveId ? ` (${s.inline(f.cveId)})` : '';
  const lines = r.lines.filter((l) => f.fix.lines.includes(l.line));
  const active = lines.filter((l) => !l.endOfLife).map(lineName);
  const ended = lines.filter((l) => l.endOfLife);
  const reach: string[] = [];
  if (active.length)
    reach.push(`This vulnerability affects all users in active release lines: ${active.join(', ')}`);
  if (ended.length) {
    const unfixed = ended.every((l) => l.version === null) ? ', which get no fix' : '';
    reach.push(`It also affects end-of-life release lines${unfixed}: ${ended.map(lineName).join(', ')}`);
  }
  const rating: string[] = [];
  if (f.cwe) rating.push(`Weakness: ${s.inline(f.cwe)}`);
  if (f.cvss) rating.push(`CVSS score ${f.cvss.score} (${s.inline(f.cvss.vector)})`);
  return [
    s.heading(2, `${s.inline(f.title)}${cve} - (${word[0]!.toUpperCase()}${word.slice(1)})`),
    ...s.paragraphs(f.fix.summary),
    'Impact:',
    s.bullets(reach),
    ...(rating.length ? [`${rating.join('. ')}.`] : []),
    ...[thanks(s, f)].filter((t): t is string => t !== null),
  ];
}

function announcement(
  s: Style,
  r: SecurityRelease,
  fixes: readonly AnnouncedFix[],
  releaseUrl: (version: string) => string,
): string[] {
  const lines = shipped(r);
  const ended = newestFirst(r.lines).filter((l) => l.version === null);
  return [
    s.heading(1, 'Summary'),
    `The Node.js project has released Node.js ${listWords(lines.map((l) => l.version!))}, new versions of the ${linesWords(lines)}. They fix ${listWords(countsOf(fixes))}, described below.`,
    ...(ended.length
      ? [
          `The ${linesWords(ended)} ${ended.length === 1 ? 'has' : 'have'} reached end of life and ${ended.length === 1 ? 'gets' : 'get'} no new version: upgrade to a supported line.`,
        ]
      : []),
    ...bySeverity(fixes).flatMap((f) => vulnerability(s, r, f)),
    s.heading(2, 'Downloads and release details'),
    s.bullets(lines.map((l) => s.link(`Node.js ${l.version}`, releaseUrl(l.version!)))),
    ...contact(s),
  ];
}

const text = (blocks: string[]) => `${blocks.join('\n\n')}\n`;

/** The pre-announcement blog post: the lines, the date and the count of each severity, and no details. */
export function preAnnouncementMarkdown(r: SecurityRelease, fixes: AnnouncedFix[], now: Date): string {
  return text([frontMatter(r, now), ...preAnnouncement(markdown, r, fixes)]);
}

/** The release-day blog post: the versions, each vulnerability most severe first, thanks and downloads. */
export function announcementMarkdown(
  r: SecurityRelease,
  fixes: AnnouncedFix[],
  opts: { releaseUrl: (version: string) => string },
  now: Date,
): string {
  return text([frontMatter(r, now), ...announcement(markdown, r, fixes, opts.releaseUrl)]);
}

/** The pre-announcement mail to the list: what the post says, as plain text. */
export function preAnnouncementMail(r: SecurityRelease, fixes: AnnouncedFix[], _now: Date): ReleaseMail {
  return {
    subject: `Node.js security releases pre-announcement: ${dayText(r.targetDate)}`,
    text: text(preAnnouncement(plain, r, fixes)),
  };
}

/** The release-day mail to the list: what the announcement says, as plain text. */
export function announcementMail(
  r: SecurityRelease,
  fixes: AnnouncedFix[],
  opts: { releaseUrl: (version: string) => string },
  _now: Date,
): ReleaseMail {
  return {
    subject: `Node.js security releases available: ${dayText(r.targetDate)}`,
    text: text(announcement(plain, r, fixes, opts.releaseUrl)),
  };
}

/** The mail telling everyone who was told the date that it moved: the old date, the new one, why. */
export function postponementMail(r: SecurityRelease, change: DateChange): ReleaseMail {
  const to = dayText(change.to);
  return {
    subject: `Node.js security releases postponed: ${dayText(change.from)} to ${to}`,
    text: text([
      `The Node.js security releases planned for ${dated(change.from)} are postponed to ${dated(change.to)}.`,
      'The reason:',
      ...plain.paragraphs(change.reason),
      `The new versions of the ${linesWords(shipped(r))} will be out on ${to} or shortly after.`,
      ...contact(plain),
    ]),
  };
}

/** The mail telling everyone who was told the date that the release will not happen as announced. */
export function cancellationMail(r: SecurityRelease, reason: string): ReleaseMail {
  const day = dayText(r.targetDate);
  return {
    subject: `Node.js security releases cancelled: ${day}`,
    text: text([
      `The Node.js security releases announced for ${dated(r.targetDate)} will not happen as announced.`,
      'The reason:',
      ...plain.paragraphs(reason),
      'A new date, when there is one, will be announced in the same way.',
      ...contact(plain),
    ]),
  };
}
