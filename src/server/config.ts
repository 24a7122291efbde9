import type { CnaIdentity } from '../disclosure/index.js';
import type { LoadShedding } from './load-shedding.js';

/** What a server is configured with (flags, environment), passed in by the CLI or a test. */
export interface ServerConfig {
  /** The address the server listens on. */
  host: string;
  port: number;
  /** The URL people reach it at (links in pages, feeds and advisory `url`s); default http://host:port. */
  publicUrl: string;
  /** An npm registry that package metadata requests (`GET /<name>`) are passed to; none: 404. */
  upstreamRegistry: string | null;
  /** npm's downloads API, for the bug bounty's eligible modules; null: none (the admins' overrides only). */
  downloadsApi: string | null;
  /**
   * How long a client may take to send a whole request, headers and body, in milliseconds (then
   * 408 and the connection is closed). It bounds a client that sends its body slowly; 60 s lets
   * the largest body the server takes, a 10 MiB attachment, arrive at 1.4 Mbit/s.
   */
  requestTimeoutMs: number;
  /**
   * How long a client may take to send a request's headers, in milliseconds (then 408 and the
   * connection is closed): they fit in one packet, so 10 s is ample on a slow network and bounds
   * a client that sends them a byte at a time (slowloris).
   */
  headersTimeoutMs: number;
  /**
   * How long an idle connection is kept open for the client's next request, in milliseconds.
   * 5 s (Node.js's own default) serves a browser's page loads; behind a load balancer that keeps
   * idle connections to the server longer, set it above the balancer's idle timeout.
   */
  keepAliveTimeoutMs: number;
  /** Log level for pino; 'silent' in tests. */
  logLevel: string;
  /** Where pino writes its JSON lines instead of stdout (the command's lines for people at a terminal). */
  logStream?: { write(line: string): void };
  /** Set behind TLS so that cookies are Secure. */
  secureCookies: boolean;
  /** Behind a reverse proxy: trust X-Forwarded-For for client addresses (rate limits, the audit log). */
  trustProxy: boolean;
  /** When to refuse requests with 503 rather than queue them (load-shedding.ts); null: never. */
  loadShedding: LoadShedding | null;
  /** POST API requests one client address may make per time window; null: no limit. */
  rateLimit: { max: number; timeWindowMs: number } | null;
  /** The program as a CNA (its organization id and short name); null: no CVE records are served. */
  cna: CnaIdentity | null;
  /**
   * The program's security contacts (mailto:, https: or tel: URIs) for /.well-known/security.txt,
   * before the report form, which is always one; the first mailto: is also the address the packages'
   * SECURITY.md names.
   */
  securityContacts: string[];
  /**
   * The announcement list's address, where the security releases' pre-announcements and
   * announcements are mailed (the nodejs-sec list of the Node.js project); null: not mailed.
   */
  announcementList: string | null;
  /**
   * The bearer token that `GET /metrics` asks for (it counts private reports' deadlines, so it is
   * never public); null: no /metrics at all (404), and no request counting.
   */
  metricsToken: string | null;
}

/** Defaults for everything not given. */
export function serverConfig(partial: Partial<ServerConfig> = {}): ServerConfig {
  const host = partial.host ?? '127.0.0.1';
  const port = partial.port ?? 8080;
  return {
    host,
    port,
    publicUrl: (partial.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(
      /\/+$/,
      '',
    ),
    upstreamRegistry: partial.upstreamRegistry ?? null,
    downloadsApi: partial.downloadsApi ?? null,
    requestTimeoutMs: partial.requestTimeoutMs ?? 60_000,
    headersTimeoutMs: partial.headersTimeoutMs ?? 10_000,
    keepAliveTimeoutMs: partial.keepAliveTimeoutMs ?? 5_000,
    logLevel: partial.logLevel ?? 'info',
    ...(partial.logStream ? { logStream: partial.logStream } : {}),
    secureCookies: partial.secureCookies ?? false,
    trustProxy: partial.trustProxy ?? false,
    cna: partial.cna ?? null,
    securityContacts: partial.securityContacts ?? [],
    announcementList: partial.announcementList ?? null,
    loadShedding: partial.loadShedding ?? null,
    metricsToken: partial.metricsToken ?? null,
    rateLimit: partial.rateLimit === undefined ? { max: 1000, timeWindowMs: 60_000 } : partial.rateLimit,
  };
}
