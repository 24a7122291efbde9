import type { DependencyAssessment } from '../advisories/index.js';
import type { AnchorSink, Clock, IntakeLimits, Mailer, UploadQuotas } from '../disclosure/index.js';
import type { DeliveryOptions } from '../mail/index.js';
import type { ReleaseSchedule } from '../scan/index.js';
import type { Store } from '../store/index.js';
import type { AdvisorySyncOptions } from './advisory-sync-timer.js';
import type { ServerConfig } from './config.js';

/** A limit on one kind of request per client address: at most `max` in `timeWindowMs`. */
export interface RequestLimit {
  max: number;
  timeWindowMs: number;
}

/** How the disclosure program runs in this server (every field optional: the defaults suit production). */
export interface DisclosureOptions {
  /**
   * How often the in-process scheduler does the due work (reminders, votes closing, publication at
   * the deadline), in milliseconds; null or 0: never (tests that move a fake clock run it themselves).
   * Default: every minute.
   */
  schedulerIntervalMs?: number | null;
  /**
   * With an SMTP mailer: how often the mail queue is looked at for messages due again (a retry, or a
   * claim lapsed), in milliseconds; null or 0: never (tests run it themselves). Default: 30 seconds.
   * Messages are tried at once when they are queued, whatever this says.
   */
  mailIntervalMs?: number | null;
  /** The mail delivery's claim, back-off and jitter (tests); the defaults suit production. */
  mailDelivery?: Pick<DeliveryOptions, 'leaseMs' | 'policy' | 'random' | 'instance'>;
  /** Limits per client address on logins, sign-ups, password resets and report submissions; null: none. */
  rateLimits?: Partial<Record<'login' | 'signup' | 'reset' | 'submit', RequestLimit | null>>;
  /**
   * How much each user may attach, counted in the database so that every instance shares the counts:
   * each limit as given here (null: off), the others DEFAULT_UPLOAD_QUOTAS'; null: no quotas at all.
   */
  uploadQuotas?: Partial<UploadQuotas> | null;
  /**
   * The tighter limits on new reporters (accounts younger than a week, or with no accepted report
   * yet): each as given here, the others DEFAULT_INTAKE_LIMITS'; null: none.
   */
  intakeLimits?: Partial<IntakeLimits> | null;
  /**
   * Where the audit log's head is written outside the database (the anchor file): at start, every
   * `intervalMs` (default: a minute) when it moved, and when the server closes. None: not anchored.
   */
  auditAnchor?: { sink: AnchorSink; intervalMs?: number };
}

/** Everything the server depends on, passed in (no module-level singletons). */
export interface AppDeps {
  store: Store;
  config: ServerConfig;
  /** The time source (the domain's Clock): tests pass one they move forward. */
  clock: Clock;
  /** Where the disclosure program's e-mail goes (default: the database's outbox, which admins read). */
  mailer?: Mailer;
  disclosure?: DisclosureOptions;
  /**
   * The dependency CVEs that do not reach Node.js, for the OpenVEX document, and the date of the
   * list (default: the list the package ships, data/nswg-deps.json, dated by its snapshot).
   */
  vexDependencies?: { list: DependencyAssessment[]; modified: string | null };
  /** The Node.js release schedule security releases are planned against (default: the one the package ships). */
  releaseSchedule?: ReleaseSchedule;
  /**
   * The mail queue's messages waiting to be sent and those that failed for good, for /metrics
   * (default: the store's mail queue; the outbox's size is counted either way).
   */
  mailQueueCounts?: () => Promise<{ pending: number; failed: number }>;
  /** Keep the advisories current from a source that publishes OSV (default: no sync). */
  advisorySync?: AdvisorySyncOptions;
}
