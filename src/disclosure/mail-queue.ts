// Mail that is never lost: with an SMTP server configured, the program's messages are written to a
// queue in the transaction of the change they report, then delivered after the commit and retried
// with back-off until the server takes them, or given up and shown to the admins.
import type { MailMessage } from './notifications.js';

/** Where a queued message stands. */
export type QueuedMailState = 'pending' | 'sent' | 'failed';

/** A queued message as admins see it: never its text (it may carry links that grant access). */
export interface QueuedMail {
  id: string;
  to: string;
  subject: string;
  state: QueuedMailState;
  createdAt: string;
  attempts: number;
  /** When it is tried next (pending only). */
  nextAttemptAt: string | null;
  /** Why the last attempt failed, as the SMTP server or the network said. */
  lastError: string | null;
  sentAt: string | null;
  failedAt: string | null;
}

/** How many messages wait and how many were given up. */
export interface MailQueueCounts {
  pending: number;
  failed: number;
}

/** The admins' view of the queue (the store's), outside any disclosure transaction. */
export interface MailQueueReader {
  /** The pending or failed messages, oldest first, at most `limit`. */
  list(q: { state: 'pending' | 'failed'; limit: number }): Promise<QueuedMail[]>;
  counts(): Promise<MailQueueCounts>;
}

/** What delivers the queued messages: asked to try the ones a transaction just queued, at once. */
export interface MailDispatch {
  deliverNow(ids: readonly string[]): Promise<void>;
}

/** When delivery stops trying a message: after this many attempts, or this long after it was queued. */
export const MAIL_RETRY = {
  maxAttempts: 10,
  maxAgeMs: 3 * 86_400_000,
  firstDelayMs: 60_000,
  maxDelayMs: 4 * 3_600_000,
} as const;

/**
 * How long to wait after the `attempts`-th failed attempt (1 for the first): a minute, doubling, at
 * most four hours, less up to a fifth at random (`random` in [0, 1)) so that the messages that failed
 * together (the SMTP server was down) do not all come back at the same moment.
 */
export function mailRetryDelayMs(attempts: number, random: number): number {
  const base = Math.min(MAIL_RETRY.maxDelayMs, MAIL_RETRY.firstDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 - 0.2 * Math.min(Math.max(random, 0), 1)));
}

/**
 * After a failed attempt: when to try again, or null to give the message up (it was tried
 * `maxAttempts` times, or the next try would come after `maxAgeMs` since it was queued).
 */
export function nextMailAttempt(
  attempts: number,
  createdAt: Date,
  now: Date,
  random: number,
  policy: { maxAttempts: number; maxAgeMs: number } = MAIL_RETRY,
): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const next = new Date(now.getTime() + mailRetryDelayMs(attempts, random));
  return next.getTime() - createdAt.getTime() > policy.maxAgeMs ? null : next;
}
