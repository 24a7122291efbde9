import { NswgError } from '../errors.js';

/**
 * How much each person may attach, counted in the database (every server instance on it shares the
 * counts) inside the transaction that adds the file. Each limit is off when null.
 */
export interface UploadQuotas {
  /** Files one person may attach within a short window: stops a burst. */
  burst: { files: number; windowMs: number } | null;
  /** Files and bytes one person may attach within any 24 hours. */
  day: { files: number; bytes: number } | null;
  /** Files one report may hold, whoever attached them. */
  reportFiles: number | null;
}

const MiB = 1024 * 1024;

/**
 * The quotas when the server sets none. A researcher attaches a few screenshots, a proof of concept
 * and an archive or a recording, often in one sitting: 10 files in 10 minutes is more than that, and
 * 30 files or 50 MiB (five files at the 10 MiB maximum) a day more than a busy day on several reports.
 * Twenty files in a second, or a report used as a file store, meet them. 100 files per report is
 * also the most one disclosure statement names.
 */
export const DEFAULT_UPLOAD_QUOTAS: UploadQuotas = {
  burst: { files: 10, windowMs: 10 * 60_000 },
  day: { files: 30, bytes: 50 * MiB },
  reportFiles: 100,
};

const DAY_MS = 86_400_000;

/** What the quotas count: the person's uploads since windowStart (oldest first), the report's files. */
export interface UploadUsage {
  recent: { at: string; size: number }[];
  reportFiles: number;
}

/** How far back the quotas look from `now`: uploads after this time count. */
export function quotaWindowStart(q: UploadQuotas, now: Date): string {
  const longest = Math.max(q.day ? DAY_MS : 0, q.burst?.windowMs ?? 0);
  return new Date(now.getTime() - longest).toISOString();
}

const mib = (n: number) => `${(n / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;

/** A span in words, rounded up to the minute ("10 minutes", "2 hours 5 minutes"; `bare`: "hour" for one). */
function span(ms: number, bare = false): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const words = !h ? unit(m, 'minute') : m ? `${unit(h, 'hour')} ${unit(m, 'minute')}` : unit(h, 'hour');
  return bare && words.startsWith('1 ') && !words.includes(' ', 2) ? words.slice(2) : words;
}

/** When an upload refused now may be made, in words: the time (rounded up to the minute) and how long until. */
function whenFree(at: number, now: Date): string {
  const wait = at - now.getTime();
  const t = new Date(now.getTime() + Math.max(1, Math.ceil(wait / 60_000)) * 60_000);
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC (in ${span(wait)})`;
}

/**
 * Checks one more upload of `size` bytes by the person whose `usage` it is. Throws E_QUOTA (field
 * `file`) saying which limit it meets and when that frees up; when several do, the one that frees up
 * last, so that the time given is one at which the upload goes through.
 */
export function checkUploadQuota(q: UploadQuotas, usage: UploadUsage, size: number, now: Date): void {
  const quota = (message: string) => new NswgError('E_QUOTA', `upload quota: ${message}`, { field: 'file' });
  if (q.reportFiles !== null && usage.reportFiles >= q.reportFiles)
    throw quota(
      `this report holds ${usage.reportFiles} files, the most one report may hold; put further files together in a ZIP archive`,
    );
  const t = now.getTime();
  const within = (ms: number) => usage.recent.filter((u) => Date.parse(u.at) > t - ms);
  const hits: { freeAt: number; message: string }[] = [];
  if (q.burst) {
    const r = within(q.burst.windowMs);
    if (r.length >= q.burst.files)
      hits.push({
        freeAt: Date.parse(r[r.length - q.burst.files]!.at) + q.burst.windowMs,
        message: `at most ${q.burst.files} files per ${span(q.burst.windowMs, true)} per person`,
      });
  }
  if (q.day) {
    const r = within(DAY_MS);
    if (r.length >= q.day.files)
      hits.push({
        freeAt: Date.parse(r[r.length - q.day.files]!.at) + DAY_MS,
        message: `at most ${q.day.files} files per day (any 24 hours) per person`,
      });
    if (size > q.day.bytes)
      throw quota(
        `this file (${mib(size)}) is larger than the ${mib(q.day.bytes)} one person may attach per day`,
      );
    let total = r.reduce((sum, u) => sum + u.size, 0);
    if (total + size > q.day.bytes) {
      const used = total;
      // the oldest uploads leave the window one by one until this file fits
      let i = 0;
      while (total + size > q.day.bytes) total -= r[i++]!.size;
      hits.push({
        freeAt: Date.parse(r[i - 1]!.at) + DAY_MS,
        message: `at most ${mib(q.day.bytes)} per day (any 24 hours) per person, ${mib(used)} of it attached already, and this file is ${mib(size)}`,
      });
    }
  }
  if (!hits.length) return;
  const last = hits.reduce((a, b) => (b.freeAt > a.freeAt ? b : a));
  throw quota(`${last.message}; this file may be attached from ${whenFree(last.freeAt, now)}`);
}
