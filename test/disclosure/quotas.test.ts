// The upload quotas as the policy states them (docs/disclosure-policy.md, "Attachments"): which limit
// an upload meets, and when it frees up.
import { describe, expect, it } from 'vitest';
import { checkUploadQuota, DEFAULT_UPLOAD_QUOTAS, quotaWindowStart, type UploadQuotas } from './imports.js';
import { isNswgErrorLike } from './report-imports.js';

const MiB = 1024 * 1024;
const NOW = new Date('2026-01-05T12:00:00.000Z');
/** An upload `minutesAgo` minutes before NOW. */
const ago = (minutesAgo: number, size = 1000) => ({
  at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  size,
});

/** Why one more upload of `size` is refused, or null. */
function refusal(
  recent: { at: string; size: number }[],
  size = 1000,
  reportFiles = 0,
  q = DEFAULT_UPLOAD_QUOTAS,
) {
  try {
    checkUploadQuota(q, { recent, reportFiles }, size, NOW);
    return null;
  } catch (e) {
    if (!isNswgErrorLike(e)) throw e;
    expect(e.code).toBe('E_QUOTA');
    expect(e.field).toBe('file');
    return e.message;
  }
}

describe('upload quotas', () => {
  it('leave a researcher’s usual uploads alone: a few screenshots, a proof of concept and an archive', () => {
    const day = [
      ago(300, 2 * MiB),
      ago(299, 2 * MiB),
      ago(298, 8 * 1024),
      ago(5, 9 * MiB),
      ago(4, 300 * 1024),
    ];
    expect(refusal(day, 10 * MiB)).toBeNull();
    // nine in the last ten minutes: a tenth goes through
    expect(
      refusal(
        Array.from({ length: 9 }, (_, i) => ago(i, MiB)),
        MiB,
      ),
    ).toBeNull();
  });

  it('stop a burst: at most 10 files per 10 minutes, free again when the oldest of them is 10 minutes old', () => {
    const burst = Array.from({ length: 10 }, (_, i) => ago(3 - i * 0.01, MiB));
    expect(refusal(burst)).toBe(
      'upload quota: at most 10 files per 10 minutes per person; this file may be attached from 2026-01-05 12:07 UTC (in 7 minutes)',
    );
    // uploads older than the window do not count
    expect(refusal(Array.from({ length: 10 }, () => ago(10)))).toBeNull();
  });

  it('count files and bytes over any 24 hours, and say when enough of them have left the window', () => {
    const files = Array.from({ length: 30 }, (_, i) => ago(1200 - i * 30));
    expect(refusal(files)).toBe(
      'upload quota: at most 30 files per day (any 24 hours) per person; this file may be attached from 2026-01-05 16:00 UTC (in 4 hours)',
    );
    // 45 MiB in three files; 8 MiB more needs the first (20 MiB, 23 hours ago) to leave: in an hour
    const bytes = [ago(23 * 60, 20 * MiB), ago(60, 15 * MiB), ago(30, 10 * MiB)];
    expect(refusal(bytes, 8 * MiB)).toBe(
      'upload quota: at most 50 MiB per day (any 24 hours) per person, 45 MiB of it attached already, and this file is 8 MiB; this file may be attached from 2026-01-05 13:00 UTC (in 1 hour)',
    );
    expect(refusal(bytes, 5 * MiB)).toBeNull();
  });

  it('give the time at which every limit met has freed up', () => {
    // ten in the last minute (the burst frees in 9–10 minutes), thirty in the day (frees in 2 hours)
    const recent = [
      ...Array.from({ length: 20 }, (_, i) => ago(22 * 60 - i)),
      ...Array.from({ length: 10 }, () => ago(1)),
    ];
    expect(refusal(recent)).toMatch(/at most 30 files per day .* from 2026-01-05 14:00 UTC \(in 2 hours\)$/);
  });

  it('cap a report at 100 files, whoever adds them; the cap does not free up', () => {
    expect(refusal([], 1000, 99)).toBeNull();
    expect(refusal([], 1000, 100)).toBe(
      'upload quota: this report holds 100 files, the most one report may hold; put further files together in a ZIP archive',
    );
  });

  it('take a file larger than a day’s quota never, and each limit off when null', () => {
    const small: UploadQuotas = {
      burst: { files: 2, windowMs: 3_600_000 },
      day: { files: 5, bytes: MiB },
      reportFiles: 3,
    };
    expect(refusal([], 2 * MiB, 0, small)).toBe(
      'upload quota: this file (2 MiB) is larger than the 1 MiB one person may attach per day',
    );
    expect(refusal([ago(1), ago(2)], 1000, 0, small)).toMatch(/at most 2 files per hour per person/);
    const off: UploadQuotas = { burst: null, day: null, reportFiles: null };
    expect(
      refusal(
        Array.from({ length: 500 }, () => ago(1, 10 * MiB)),
        10 * MiB,
        10_000,
        off,
      ),
    ).toBeNull();
    expect(quotaWindowStart(DEFAULT_UPLOAD_QUOTAS, NOW)).toBe('2026-01-04T12:00:00.000Z');
    expect(quotaWindowStart({ ...off, burst: { files: 1, windowMs: 60_000 } }, NOW)).toBe(
      '2026-01-05T11:59:00.000Z',
    );
  });
});
