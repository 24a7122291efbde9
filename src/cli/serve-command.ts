import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type Command, Option } from 'commander';
import { securityContactProblem } from '../disclosure/index.js';
import { isNswgError, NswgError } from '../errors.js';
import type { ServerConfig } from '../server/index.js';
import { type CnaOption, cnaOf } from './cna.js';
import { anchorFileOption, cnaOptions, dbOption, runs, secretFileOption } from './command-kit.js';
import type { DbOption } from './context.js';
import { logFormatFor, TextLog } from './log-format.js';
import { SERVE_THREAD_ARG } from './serve-thread.js';
import { type LogLine, supervise, type WireError, writeLogLine } from './supervise.js';

export interface ServeOptions extends DbOption, CnaOption {
  port?: string;
  host?: string;
  publicUrl?: string;
  upstreamRegistry?: string;
  downloadsApi?: string;
  logLevel?: string;
  logFormat?: string;
  rateLimit?: string;
  maxEventLoopDelay?: string;
  maxInFlight?: string;
  maxHeap?: string;
  smtpUrl?: string;
  mailFrom?: string;
  secretFile?: string;
  auditAnchor?: string;
  trustProxy?: boolean;
  schedulerInterval?: string;
  requestTimeout?: string;
  headersTimeout?: string;
  keepAliveTimeout?: string;
  securityContact?: string[];
  announcementList?: string;
  syncFrom?: string;
  syncEvery?: string;
  metricsToken?: string;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--sync-every`: a duration such as 90s, 30m, 1h or 1d (a bare number is seconds), at least a minute. */
export function syncEveryMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] || 's']! : Number.NaN;
  if (!(ms >= 60_000 && ms <= 7 * 86_400_000))
    throw new NswgError(
      'E_USAGE',
      `--sync-every must be a duration from 1m to 7d, such as 30m or 1h, not ${JSON.stringify(text)}`,
      { field: '--sync-every' },
    );
  return ms;
}

/** SMTP settings from a URL: smtp://user:pass@host:587 (STARTTLS required) or smtps://…:465. */
export function smtpFromUrl(url: string, from: string): import('../mail/index.js').SmtpConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NswgError('E_USAGE', `not a URL: ${JSON.stringify(url)} (smtp://user:password@host:587)`, {
      field: '--smtp-url',
    });
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new NswgError('E_USAGE', `use smtp:// or smtps://, not ${u.protocol}`, { field: '--smtp-url' });
  }
  const secure = u.protocol === 'smtps:';
  const config: import('../mail/index.js').SmtpConfig = {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    from,
    requireTls: !secure && u.searchParams.get('starttls') !== 'optional',
  };
  if (u.username)
    config.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  return config;
}

/** How long requests in flight may take to finish after SIGTERM before the process stops anyway. */
const SHUTDOWN_GRACE_MS = 10_000;
/** The server's JavaScript heap, in MiB, unless --max-heap says otherwise. */
const DEFAULT_MAX_HEAP = 112;
/** The young generation of that heap, in MiB (V8 would take up to 48 under load). */
const YOUNG_GENERATION_MB = 16;

function integer(text: string | undefined, fallback: number, flag: string, max: number): number {
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new NswgError(
      'E_USAGE',
      `${flag} must be a whole number from 0 to ${max}, not ${JSON.stringify(text)}`,
      {
        field: flag,
      },
    );
  }
  return n;
}

/** A number of seconds from 1 to an hour, in milliseconds. */
function seconds(text: string | undefined, fallback: number, flag: string): number {
  const n = integer(text, fallback, flag, 3600);
  if (n < 1) throw new NswgError('E_USAGE', `${flag} must be at least 1 (second)`, { field: flag });
  return n * 1000;
}

/**
 * The security contacts of --security-contact, else $NSWG_SECURITY_CONTACT (separated by spaces),
 * each a mailto:, tel: or https:// URI.
 */
export function securityContactsOf(opts: Pick<ServeOptions, 'securityContact'>): string[] {
  const given =
    opts.securityContact ?? (process.env.NSWG_SECURITY_CONTACT ?? '').split(/\s+/).filter(Boolean);
  for (const uri of given) {
    const problem = securityContactProblem(uri);
    if (problem) throw new NswgError('E_USAGE', problem, { field: '--security-contact' });
  }
  return given;
}

/** The announcement list's address, checked: one plain e-mail address. */
export function announcementListOf(address: string): string {
  const a = address.trim();
  if (!/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(a))
    throw new NswgError('E_USAGE', `not an e-mail address: ${JSON.stringify(address)}`, {
      field: '--announcement-list',
    });
  return a;
}

/** The shortest metrics token taken: guessing one must be out of reach. */
const MIN_METRICS_TOKEN = 16;

/** The /metrics token of --metrics-token, else $NSWG_METRICS_TOKEN (none: no /metrics), checked. */
export function metricsTokenOf(opts: Pick<ServeOptions, 'metricsToken'>): string | null {
  const token = opts.metricsToken ?? process.env.NSWG_METRICS_TOKEN;
  if (!token) return null;
  if (token.length < MIN_METRICS_TOKEN || !/^[\x21-\x7e]+$/.test(token))
    throw new NswgError(
      'E_USAGE',
      `the metrics token must be at least ${MIN_METRICS_TOKEN} printable characters without spaces (e.g. \`openssl rand -hex 32\`)`,
      { field: '--metrics-token' },
    );
  return token;
}

/** The server's timeouts from the command line; the headers must come within the whole request's time. */
function timeouts(
  opts: ServeOptions,
): Pick<ServerConfig, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'> {
  const requestTimeoutMs = seconds(opts.requestTimeout, 60, '--request-timeout');
  const headersTimeoutMs = seconds(opts.headersTimeout, 10, '--headers-timeout');
  if (headersTimeoutMs > requestTimeoutMs)
    throw new NswgError('E_USAGE', '--headers-timeout must not be longer than --request-timeout', {
      field: '--headers-timeout',
    });
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: seconds(opts.keepAliveTimeout, 5, '--keep-alive-timeout'),
  };
}

/**
 * `nswg serve`: the web pages and APIs. A new SQLite database is created and seeded with the
 * bundled Working Group advisories on first start. Logs are pino JSON lines on stdout. SIGTERM
 * (or SIGINT) stops accepting connections, lets requests in flight finish, then exits.
 *
 * The server runs in a worker thread whose heap is capped (--max-heap, default 112 MiB): under
 * sustained load V8 otherwise lets garbage pile up to two or three times the live data before it
 * collects, and a limit can only be set when an isolate starts. Should the worker stop unexpectedly
 * (out of memory, an uncaught exception), a new one takes its place on the same port (supervise.ts).
 * `--max-heap 0` runs the server here, uncapped and unsupervised (a process manager's job then).
 */
export async function serve(opts: ServeOptions): Promise<void> {
  // checked here too, so that a wrong option is told before any thread starts
  cnaOf(opts);
  securityContactsOf(opts);
  if (opts.announcementList) announcementListOf(opts.announcementList);
  if (opts.syncEvery) syncEveryMs(opts.syncEvery);
  metricsTokenOf(opts);
  // decided here: a worker thread's stdout is never a terminal
  if (isMainThread) opts = { ...opts, logFormat: logFormatFor(opts.logFormat, process.stdout.isTTY) };
  const heap = integer(opts.maxHeap, DEFAULT_MAX_HEAP, '--max-heap', 1_000_000);
  if (heap === 0 || !isMainThread) return runServer(opts);
  if (heap < 64)
    throw new NswgError('E_USAGE', '--max-heap must be at least 64 (MiB), or 0 for no limit', {
      field: '--max-heap',
    });
  const supervisor = supervise({
    start: (port) =>
      new Worker(new URL(import.meta.url), {
        argv: [SERVE_THREAD_ARG],
        // a new worker listens where the first one did (--port 0 picked it)
        workerData: { nswgServe: port === null ? opts : { ...opts, port: String(port) } },
        resourceLimits: { maxOldGenerationSizeMb: heap, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      }),
    log: logWriter(opts.logFormat),
  });
  process.on('SIGTERM', () => supervisor.signal('SIGTERM'));
  process.on('SIGINT', () => supervisor.signal('SIGINT'));
  const code = await supervisor.done;
  if (code !== 0) process.exitCode = code;
}

/** How the command's own thread writes its log lines (a worker's restarts): as the server's are written. */
function logWriter(format: string | undefined): (line: LogLine) => void {
  if (format !== 'text') return writeLogLine;
  const text = new TextLog((s) => process.stdout.write(s));
  return (line) => text.chunk(`${JSON.stringify({ time: Date.now(), ...line })}\n`);
}

/** The server itself, on this thread. */
async function runServer(opts: ServeOptions): Promise<void> {
  // loaded here, not at the top: the command's own thread never needs them
  const { buildApp, DEFAULT_LOAD_SHEDDING, serverConfig, systemClock } = await import('../server/index.js');
  const { openDb } = await import('./context.js');
  const port = integer(opts.port ?? process.env.PORT, 8080, '--port', 65535);
  const perMinute = integer(opts.rateLimit, 1000, '--rate-limit', 1_000_000);
  const maxDelay = integer(opts.maxEventLoopDelay, 100, '--max-event-loop-delay', 60_000);
  const maxInFlight = integer(opts.maxInFlight, 128, '--max-in-flight', 1_000_000);
  // the server secret, from its file (made on first start when none is named)
  const { loadServerSecret } = await import('./secret.js');
  const secret = loadServerSecret(opts.secretFile);
  if (secret.created)
    process.stderr.write(
      `nswg: made the server secret ${secret.file} (keep it, outside the database's backups)\n`,
    );
  // a server on a new SQLite file, named or not, starts with the Working Group's advisories
  const store = await openDb(opts, 'create', 'any-new-file', secret.secret);
  const partial: Parameters<typeof serverConfig>[0] = {
    host: opts.host ?? '127.0.0.1',
    port,
    logLevel: opts.logLevel ?? 'info',
    rateLimit: perMinute ? { max: perMinute, timeWindowMs: 60_000 } : null,
    loadShedding: { ...DEFAULT_LOAD_SHEDDING, maxEventLoopDelayMs: maxDelay, maxInFlight },
    ...timeouts(opts),
    cna: cnaOf(opts),
    securityContacts: securityContactsOf(opts),
    metricsToken: metricsTokenOf(opts),
  };
  if (opts.publicUrl) partial.publicUrl = opts.publicUrl;
  const list = opts.announcementList ?? process.env.NSWG_ANNOUNCEMENT_LIST;
  if (list) partial.announcementList = announcementListOf(list);
  if (opts.upstreamRegistry) partial.upstreamRegistry = opts.upstreamRegistry;
  // npm's downloads API goes with npm's registry unless another (or "none") is named
  const downloads = opts.downloadsApi ?? (opts.upstreamRegistry ? NPM_DOWNLOADS_API : undefined);
  if (downloads && downloads !== 'none') partial.downloadsApi = downloads;
  if (opts.trustProxy) partial.trustProxy = true;
  if (/^https:/i.test(partial.publicUrl ?? '')) partial.secureCookies = true;
  if (opts.logFormat === 'text') {
    const text = new TextLog((s) => process.stdout.write(s));
    partial.logStream = { write: (line) => text.chunk(line) };
  }
  const config = serverConfig(partial);
  const deps: Parameters<typeof buildApp>[0] = { store, config, clock: systemClock };
  // the disclosure program: mail through SMTP when configured (else the outbox admins read, its
  // links withheld), the scheduler's pace
  const smtpUrl = opts.smtpUrl ?? process.env.NSWG_SMTP_URL;
  if (smtpUrl) {
    const { createMailer } = await import('../mail/index.js');
    const from =
      opts.mailFrom ?? process.env.NSWG_MAIL_FROM ?? `nswg <security@${new URL(config.publicUrl).hostname}>`;
    deps.mailer = createMailer({ smtp: smtpFromUrl(smtpUrl, from) }, store.outbox);
  }
  if (opts.schedulerInterval !== undefined) {
    deps.disclosure = {
      schedulerIntervalMs: integer(opts.schedulerInterval, 60, '--scheduler-interval', 86_400) * 1000,
    };
  }
  // the audit log's head, written outside the database: beside the secret file unless named
  const { anchorFileOf, fileAnchorSink } = await import('./audit-anchor.js');
  const anchorFile = anchorFileOf(opts.auditAnchor, secret.file).file;
  deps.disclosure = { ...deps.disclosure, auditAnchor: { sink: fileAnchorSink(anchorFile) } };
  if (opts.syncFrom)
    deps.advisorySync = { from: opts.syncFrom, intervalMs: syncEveryMs(opts.syncEvery ?? '1h') };
  else if (opts.syncEvery)
    throw new NswgError('E_USAGE', '--sync-every needs --sync-from: the source to sync from', {
      field: '--sync-every',
    });
  const app = await buildApp(deps);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      app.log.warn(
        { graceMs: SHUTDOWN_GRACE_MS },
        'requests still in flight after the grace period: stopping anyway',
      );
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await app.close();
    await store.close();
    app.log.info('stopped');
    if (isMainThread) process.exit(0);
    // a worker's output reaches stdout through the main thread: end by running out of work, so
    // that it is all written (and, should something still hold the thread, stop a second later)
    parentPort?.removeAllListeners('message');
    parentPort?.unref();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  if (isMainThread) {
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  } else {
    // signals reach the command's thread, which passes them on
    parentPort?.on('message', (m: { signal?: string }) => {
      if (m.signal) void shutdown(m.signal);
    });
  }
  const address = await app.listen({ host: config.host, port });
  parentPort?.postMessage({ listening: { port: (app.server.address() as AddressInfo).port } });
  // with --port 0 the port is known only now: links must name it
  if (port === 0 && !opts.publicUrl) config.publicUrl = address;
  // the links `nswg user` prints name the server as people reach it
  await store.meta.set('server.public-url', config.publicUrl);
  process.stderr.write(`nswg: serving ${store.name} at ${port === 0 ? address : config.publicUrl}/\n`);
  if (!smtpUrl) {
    const note =
      'no SMTP server is configured (--smtp-url): the disclosure program sends no e-mail. Messages are kept in the outbox, without their links; an admin confirms addresses with `nswg user confirm EMAIL` (or the Users page) and hands links over with `nswg user link EMAIL`';
    app.log.warn({ mail: 'outbox' }, note);
    process.stderr.write(`nswg: ${note}\n`);
  }
}

// the server thread started by serve(): run the server, or hand its error back to be reported
if (!isMainThread && (workerData as { nswgServe?: ServeOptions } | null)?.nswgServe) {
  runServer((workerData as { nswgServe: ServeOptions }).nswgServe).catch((e: unknown) => {
    const err = e as Error & { code?: string; field?: string; file?: string };
    const wire: WireError = {
      name: isNswgError(e) ? 'NswgError' : err.name,
      message: err?.message ?? String(e),
    };
    if (err.code) wire.code = err.code;
    if (err.field) wire.field = err.field;
    if (err.file) wire.file = err.file;
    parentPort?.postMessage({ error: wire });
    // stay until the command's thread has the error and ends this one
    parentPort?.on('message', () => {});
  });
}

/** Defines `nswg serve`. */
/** npm's public downloads API. */
const NPM_DOWNLOADS_API = 'https://api.npmjs.org';

export function define(c: Command): void {
  const [cnaOrgId, cnaShortName] = cnaOptions() as [Option, Option];
  c.description('serve the web pages and the APIs (npm audit endpoints, OSV, bulk data)')
    .option('--port <port>', 'port to listen on (default: $PORT or 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the URL people reach the server at (default: http://host:port)')
    .option(
      '--upstream-registry <url>',
      'npm registry to pass package metadata requests to (default: none, they get 404)',
    )
    .option(
      '--downloads-api <url>',
      `npm's downloads API, for the bug bounty's eligible modules (default: ${NPM_DOWNLOADS_API} with --upstream-registry, else none; "none" for none)`,
    )
    .option('--log-level <level>', 'pino log level', 'info')
    .addOption(
      new Option(
        '--log-format <format>',
        'text: a line per request, for people; json: pino JSON lines (default: text on a terminal, json when piped)',
      ).choices(['text', 'json']),
    )
    .option('--rate-limit <n>', 'POST API requests per minute per client address (0: no limit)', '1000')
    .option('--max-heap <MiB>', 'JavaScript heap of the server (0: no limit)', '112')
    .option(
      '--max-event-loop-delay <ms>',
      "when every request waits this long behind others (the event loop late by this much at each of its last turns, the server's own syncs aside), answer 503 with Retry-After instead of queueing (0: never; near the heap limit it always does)",
      '100',
    )
    .option(
      '--max-in-flight <n>',
      'past this many requests in progress, answer 503 with Retry-After instead of queueing (0: no limit)',
      '128',
    )
    .option(
      '--smtp-url <url>',
      "send the disclosure program's mail through SMTP: smtp://user:pass@host:587 (default: $NSWG_SMTP_URL, else the outbox admins read)",
    )
    .option('--mail-from <address>', 'the sender of that mail (default: $NSWG_MAIL_FROM)')
    .addOption(
      secretFileOption(
        'the server secret (signs invitations, authenticates the audit log, seals TOTP secrets; at least 32 characters; made on first start)',
      ),
    )
    .addOption(
      anchorFileOption("append the audit log's head to this file every minute it moved and at shutdown"),
    )
    .option('--trust-proxy', 'behind a reverse proxy: take client addresses from X-Forwarded-For')
    .option('--scheduler-interval <seconds>', 'how often the disclosure scheduler runs (0: never)', '60')
    .option(
      '--sync-from <source>',
      'keep the advisories current from a source that publishes OSV, as `nswg db sync` takes it (e.g. https://osv-vulnerabilities.storage.googleapis.com/npm/): at start, then every --sync-every',
    )
    .option('--sync-every <duration>', 'how often to sync with --sync-from: 30m, 1h, 1d… (default: 1h)')
    .option('--request-timeout <seconds>', 'how long a client may take to send a whole request', '60')
    .option('--headers-timeout <seconds>', "how long a client may take to send a request's headers", '10')
    .option(
      '--keep-alive-timeout <seconds>',
      'how long an idle connection stays open (behind a load balancer: more than its idle timeout)',
      '5',
    )
    .option(
      '--security-contact <uri...>',
      'the security contacts of /.well-known/security.txt besides the report form: mailto:, https:// or tel: URIs (default: $NSWG_SECURITY_CONTACT)',
    )
    .option(
      '--announcement-list <address>',
      "the announcement list the security releases' pre-announcements and announcements are mailed to (default: $NSWG_ANNOUNCEMENT_LIST; none: not mailed)",
    )
    .option(
      '--metrics-token <token>',
      'serve GET /metrics (Prometheus) to requests with Authorization: Bearer <token>; at least 16 characters (default: $NSWG_METRICS_TOKEN; none: no /metrics)',
    )
    .addOption(cnaOrgId)
    .addOption(cnaShortName)
    .addOption(dbOption())
    .action(runs(serve));
}
