import { randomUUID } from 'node:crypto';
import {
  type Clock,
  MAIL_RETRY,
  type MailDispatch,
  type Mailer,
  type MailMessage,
  nextMailAttempt,
} from '../disclosure/index.js';

/** A message claimed from the queue, its text whole. */
export interface ClaimedMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
  /** The attempts made before this one. */
  attempts: number;
}

/** The queue as delivery uses it (the store's MailQueueStore fits). */
export interface MailQueue {
  claim(
    instance: string,
    now: string,
    leaseUntil: string,
    opts: { ids?: readonly string[]; limit: number },
  ): Promise<ClaimedMessage[]>;
  markSent(id: string, instance: string, at: string): Promise<boolean>;
  markFailed(
    id: string,
    instance: string,
    error: string,
    nextAttemptAt: string | null,
    at: string,
  ): Promise<boolean>;
  /** Forgets the messages sent before `before`. */
  forgetSent(before: string): Promise<number>;
}

/** How long a sent message stays in the queue (for the admins' and the operator's questions). */
export const KEEP_SENT_MS = 30 * 86_400_000;

/** Where delivery tells what happened (pino's logger fits). */
export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DeliveryOptions {
  queue: MailQueue;
  /** The SMTP mailer. */
  mailer: Mailer;
  clock: Clock;
  /** This server's name in the claims (default: a random one per start). */
  instance?: string;
  /**
   * How long a claim holds (default 10 minutes): longer than one message's SMTP exchange may take
   * (SmtpMailer's timeouts), so that only a server that died while sending loses its claim.
   */
  leaseMs?: number;
  /** At most this many messages per run of the loop (default 200; the rest wait for the next). */
  perRun?: number;
  /** When to give a message up (default MAIL_RETRY). */
  policy?: { maxAttempts: number; maxAgeMs: number };
  /** [0, 1) for the back-off's jitter (default Math.random). */
  random?: () => number;
  log?: DeliveryLog;
}

/** What one run did. */
export interface DeliveryRun {
  sent: number;
  /** Failed this time, tried again later. */
  retrying: number;
  /** Failed this time and given up. */
  failed: number;
}

/** nodemailer's codes for an SMTP server that could not be reached or stopped answering. */
const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

const NO_LOG: DeliveryLog = { info() {}, warn() {}, error() {} };

/** How an SMTP failure reads in the queue: the server's answer when it gave one, else the network's error. */
export function mailErrorText(e: unknown): string {
  const err = e as { code?: string; response?: string; message?: string } | null;
  const what = err?.response ?? err?.message ?? String(e);
  return err?.code ? `${err.code}: ${what}` : what;
}

/**
 * Delivers the mail queue through the SMTP mailer: one message at a time, each claimed for a lease
 * (so that of several servers on one database exactly one sends it), marked sent when the SMTP
 * server took it, else due again after a back-off, or given up after MAIL_RETRY's attempts or age.
 * A message whose claim lapsed (its server died while sending) is claimed again by any of them.
 */
export class MailDelivery implements MailDispatch {
  readonly instance: string;
  private readonly leaseMs: number;
  private readonly perRun: number;
  private readonly log: DeliveryLog;
  private readonly inFlight = new Set<Promise<unknown>>();
  private running: Promise<DeliveryRun> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Until when the SMTP server is taken to be unreachable (it failed to connect): none is tried at once. */
  private unreachableUntil = 0;

  constructor(private readonly o: DeliveryOptions) {
    this.instance = o.instance ?? `nswg-${randomUUID()}`;
    this.leaseMs = o.leaseMs ?? 10 * 60_000;
    this.perRun = o.perRun ?? 200;
    this.log = o.log ?? NO_LOG;
  }

  /**
   * Tries at once the messages a transaction just queued (those another server claimed are left to
   * it). While the SMTP server cannot be reached (a connection failed within the last minute) they are
   * left to the loop, so that a request does not wait for the network's timeouts each time. Never
   * fails: what could not be done is left to the loop.
   */
  deliverNow(ids: readonly string[]): Promise<void> {
    const reachable = () => !this.stopped && this.o.clock.now().getTime() >= this.unreachableUntil;
    if (!reachable()) return Promise.resolve();
    return this.track(
      (async () => {
        try {
          for (const id of ids) if (reachable()) await this.deliverNext([id]);
        } catch (e) {
          // the change is committed and its mail queued: the loop sends it once the database answers
          this.log.error({ err: e }, 'queued e-mail not tried at once');
        }
      })(),
    );
  }

  /** Delivers the messages due now, one claim at a time, at most `perRun` of them. */
  runOnce(): Promise<DeliveryRun> {
    if (this.running) return this.running;
    const run = (async () => {
      const done: DeliveryRun = { sent: 0, retrying: 0, failed: 0 };
      for (let i = 0; i < this.perRun && !this.stopped; i++) {
        const outcome = await this.deliverNext();
        if (!outcome) break;
        done[outcome]++;
      }
      await this.o.queue.forgetSent(new Date(this.o.clock.now().getTime() - KEEP_SENT_MS).toISOString());
      return done;
    })();
    this.running = run;
    return this.track(run).finally(() => {
      this.running = null;
    });
  }

  /** Runs the loop every `intervalMs` (a run never overlaps the previous one). */
  start(intervalMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      this.runOnce()
        .then((r) => {
          if (r.sent || r.retrying || r.failed) this.log.info({ mail: r }, 'mail delivery');
        })
        .catch((e: unknown) => this.log.error({ err: e }, 'mail delivery run failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the loop and waits for the sends in progress (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  /** Claims one due message (of `ids` when given) and tries it; null when none was due. */
  private async deliverNext(ids?: readonly string[]): Promise<keyof DeliveryRun | null> {
    const now = this.o.clock.now();
    const [m] = await this.o.queue.claim(
      this.instance,
      now.toISOString(),
      new Date(now.getTime() + this.leaseMs).toISOString(),
      ids ? { ids, limit: 1 } : { limit: 1 },
    );
    if (!m) return null;
    try {
      await this.o.mailer.send({ to: m.to, subject: m.subject, text: m.text });
    } catch (e) {
      const at = this.o.clock.now();
      const attempts = m.attempts + 1;
      const next = nextMailAttempt(
        attempts,
        new Date(m.createdAt),
        at,
        (this.o.random ?? Math.random)(),
        this.o.policy ?? MAIL_RETRY,
      );
      const error = mailErrorText(e);
      if (UNREACHABLE.has((e as { code?: string } | null)?.code ?? ''))
        this.unreachableUntil = at.getTime() + MAIL_RETRY.firstDelayMs;
      else this.unreachableUntil = 0;
      await this.o.queue.markFailed(
        m.id,
        this.instance,
        error,
        next?.toISOString() ?? null,
        at.toISOString(),
      );
      if (next)
        this.log.warn(
          { to: m.to, mailId: m.id, attempts, next: next.toISOString(), error },
          'e-mail not sent yet',
        );
      else this.log.error({ to: m.to, mailId: m.id, attempts, error }, 'e-mail given up: the team sees it');
      return next ? 'retrying' : 'failed';
    }
    this.unreachableUntil = 0;
    if (!(await this.o.queue.markSent(m.id, this.instance, this.o.clock.now().toISOString())))
      this.log.warn({ mailId: m.id }, 'an e-mail was sent after its claim lapsed');
    return 'sent';
  }
}

/** The mailer of the account e-mails with a queue: each message queued, then tried at once. */
export class QueuedMailer implements Mailer {
  constructor(
    private readonly queue: { enqueue(m: readonly MailMessage[], at: string): Promise<string[]> },
    private readonly delivery: MailDispatch,
    private readonly clock: Clock,
  ) {}

  async send(m: MailMessage): Promise<void> {
    await this.delivery.deliverNow(await this.queue.enqueue([m], this.clock.now().toISOString()));
  }
}
