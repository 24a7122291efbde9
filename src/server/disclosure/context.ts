import type { FastifyRequest } from 'fastify';
import type { PossibleDuplicate, ReportView, User } from '../../disclosure/index.js';
import {
  type Clock,
  DEFAULT_INTAKE_LIMITS,
  DEFAULT_UPLOAD_QUOTAS,
  DisclosureProgram,
  type Links,
  type Mailer,
  newServerSecret,
  type Origin,
  type ProgramDeps,
  Scheduler,
  type ServerKeys,
} from '../../disclosure/index.js';
import { releaseSchedule } from '../../files/index.js';
import { MailDelivery, OutboxMailer, QueuedMailer } from '../../mail/index.js';
import type { AppDeps, RequestLimit } from '../deps.js';
import { advisoryPath } from '../pages/html.js';
import { registryFacts } from './registry-facts.js';

/** Where the disclosure program's pages live: under one prefix, so no npm package name is shadowed. */
export const PAGES = '/disclosure';

/** The program's pages, as paths. */
export const paths = {
  report: (id: string) => `${PAGES}/reports/${encodeURIComponent(id)}`,
  invitation: (token: string) => `${PAGES}/invitations/${encodeURIComponent(token)}`,
  credits: () => `${PAGES}/credits`,
  cveRequest: (id: string) => `${PAGES}/cve-requests/${encodeURIComponent(id)}`,
  cveRequests: () => `${PAGES}/cve-requests`,
  release: (id: string) => `${PAGES}/releases/${encodeURIComponent(id)}`,
  releases: () => `${PAGES}/releases`,
  verifyEmail: (token: string) => `${PAGES}/verify-email/${encodeURIComponent(token)}`,
  passwordReset: (token: string) => `${PAGES}/password-reset/${encodeURIComponent(token)}`,
  login: () => `${PAGES}/login`,
  passwordResetRequest: () => `${PAGES}/password-reset`,
  attachment: (id: string) => `${PAGES}/attachments/${encodeURIComponent(id)}`,
  /** A possible duplicate: the report's page, or the published advisory's. */
  duplicate: (d: PossibleDuplicate) =>
    d.kind === 'advisory' ? advisoryPath(d.id) : `${PAGES}/reports/${encodeURIComponent(d.id)}`,
};

/** The limits applied when the caller sets none. */
export const DEFAULT_LIMITS: Record<'login' | 'signup' | 'reset' | 'submit', RequestLimit> = {
  login: { max: 10, timeWindowMs: 60_000 },
  signup: { max: 10, timeWindowMs: 3_600_000 },
  reset: { max: 5, timeWindowMs: 900_000 },
  submit: { max: 20, timeWindowMs: 3_600_000 },
};

/** How often the mail queue is looked at for messages due again, when the caller does not say. */
export const DEFAULT_MAIL_INTERVAL_MS = 30_000;

/** How often the scheduler runs when the caller does not say. */
export const DEFAULT_SCHEDULER_INTERVAL_MS = 60_000;

/** What every disclosure route uses: the program, the scheduler, accounts, mail and time. */
export interface DisclosureContext {
  deps: AppDeps;
  program: DisclosureProgram;
  scheduler: Scheduler;
  /** The account e-mails' mailer: through the mail queue with SMTP, else the outbox. */
  mailer: Mailer;
  /** Delivers the mail queue (none without SMTP: the outbox keeps the mail). */
  mailDelivery: MailDelivery | null;
  /**
   * Where mail goes: `mail` (an SMTP server) or `outbox` (no SMTP server: messages are kept, their
   * links withheld, for admins; the pages say so wherever they promise mail).
   */
  delivery: 'mail' | 'outbox';
  clock: Clock;
  links: Links;
  /** The keys of the server secret (invitations, CSRF tokens, the audit log, sealed secrets). */
  keys: ServerKeys;
  limits: Record<'login' | 'signup' | 'reset' | 'submit', RequestLimit | null>;
  /** An absolute URL on this server (the public URL is read at each call: `--port 0` learns it late). */
  url(path: string): string;
  /** The names of users, for one request's answer or page. */
  names(): UserNames;
}

/** Builds the program and the scheduler from the server's dependencies. */
export async function createContext(
  deps: AppDeps,
  onMailError: (e: unknown, to: string) => void,
  log?: import('../../mail/index.js').DeliveryLog,
): Promise<DisclosureContext> {
  const url = (path: string) => `${deps.config.publicUrl}${path}`;
  const links: Links = {
    report: (id) => url(paths.report(id)),
    invitation: (token) => url(paths.invitation(token)),
    credits: () => url(paths.credits()),
    cveRequest: (id) => url(paths.cveRequest(id)),
    release: (id) => url(paths.release(id)),
  };
  const direct = deps.mailer ?? new OutboxMailer(deps.store.outbox);
  // with an SMTP server the mail goes through the queue: written with the change it reports, tried
  // at once, retried until the server takes it (the outbox keeps what it is given, it needs none)
  const mailDelivery =
    direct instanceof OutboxMailer
      ? null
      : new MailDelivery({
          queue: deps.store.mailQueue,
          mailer: direct,
          clock: deps.clock,
          ...deps.disclosure?.mailDelivery,
          ...(log ? { log } : {}),
        });
  const mailQueue = deps.store.mailQueue;
  const mailer = mailDelivery ? new QueuedMailer(mailQueue, mailDelivery, deps.clock) : direct;
  // a store opened without the server secret (tests of the public pages) gets one for this run
  if (!deps.store.keys) await deps.store.useSecret(newServerSecret());
  const keys = deps.store.keys!;
  const quotas = deps.disclosure?.uploadQuotas;
  const upstream = deps.config.upstreamRegistry;
  const programDeps: ProgramDeps = {
    repo: deps.store.reports,
    advisories: deps.store.advisories,
    auditLog: deps.store.auditLog,
    outbox: deps.store.outbox,
    registry: registryFacts({
      overrides: deps.store.reports,
      upstream,
      downloadsApi: deps.config.downloadsApi,
      clock: deps.clock,
    }),
    uploadQuotas:
      quotas === null
        ? { burst: null, day: null, reportFiles: null }
        : { ...DEFAULT_UPLOAD_QUOTAS, ...quotas },
    intakeLimits:
      deps.disclosure?.intakeLimits === null
        ? null
        : { ...DEFAULT_INTAKE_LIMITS, ...deps.disclosure?.intakeLimits },
    releases: {
      schedule: deps.releaseSchedule ?? releaseSchedule(),
      announcementList: deps.config.announcementList,
    },
    mailer: direct,
    ...(mailDelivery
      ? {
          mailQueue: {
            deliverNow: (ids: readonly string[]) => mailDelivery.deliverNow(ids),
            list: (q: { state: 'pending' | 'failed'; limit: number }) => mailQueue.list(q),
            counts: () => mailQueue.counts(),
          },
        }
      : {}),
    clock: deps.clock,
    links,
    keys,
    onMailError: (e: unknown, m: { to: string }) => onMailError(e, m.to),
  };
  const given = deps.disclosure?.rateLimits ?? {};
  const limit = (k: keyof typeof DEFAULT_LIMITS) => (given[k] === undefined ? DEFAULT_LIMITS[k] : given[k]);
  return {
    deps,
    program: new DisclosureProgram(programDeps),
    scheduler: new Scheduler(programDeps),
    mailer,
    mailDelivery,
    delivery: mailDelivery ? 'mail' : 'outbox',
    clock: deps.clock,
    links,
    keys,
    limits: {
      login: limit('login'),
      signup: limit('signup'),
      reset: limit('reset'),
      submit: limit('submit'),
    },
    url,
    names: () => new UserNames((id) => deps.store.accounts.get(id)),
  };
}

/** Where a request came from, for the audit log. */
export function originOf(req: FastifyRequest): Origin {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null };
}

/**
 * Names of users for pages and answers, looked up once per request. It only formats: whom a reader
 * sees under a role instead of a name is the program's word (ReportView.shownAs).
 */
export class UserNames {
  private readonly cache = new Map<string, Promise<User | null>>();
  constructor(private readonly get: (id: string) => Promise<User | null>) {}

  user(id: string | null): Promise<User | null> {
    if (!id) return Promise.resolve(null);
    let p = this.cache.get(id);
    if (!p) {
      p = this.get(id);
      this.cache.set(id, p);
    }
    return p;
  }

  /** How a user appears to the reader of `view`: as the program says (an anonymous reporter), else by name. */
  async nameIn(view: Pick<ReportView, 'shownAs'>, id: string | null): Promise<string> {
    return (id && view.shownAs[id]) || this.name(id);
  }

  /** The display name (with the handle when there is one), or a placeholder. */
  async name(id: string | null): Promise<string> {
    if (!id) return 'the scheduler';
    const u = await this.user(id);
    if (!u) return 'a former user';
    return u.handle ? `${u.displayName} (@${u.handle})` : u.displayName;
  }
}
