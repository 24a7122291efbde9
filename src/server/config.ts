/** What a server is configured with (flags, environment), passed in by the CLI or a test. */
export interface ServerConfig {
  /** The address the server listens on. */
  host: string;
  port: number;
  /** The URL people reach it at (links in pages, feeds and advisory `url`s); default http://host:port. */
  publicUrl: string;
  /** An npm registry that package metadata requests (`GET /<name>`) are passed to; none: 404. */
  upstreamRegistry: string | null;
  /** Log level for pino; 'silent' in tests. */
  logLevel: string;
  /** Set behind TLS so that cookies are Secure. */
  secureCookies: boolean;
  /** Behind a reverse proxy: trust X-Forwarded-For for client addresses (rate limits, the audit log). */
  trustProxy: boolean;
  /** POST API requests one client address may make per time window; null: no limit. */
  rateLimit: { max: number; timeWindowMs: number } | null;
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
    logLevel: partial.logLevel ?? 'info',
    secureCookies: partial.secureCookies ?? false,
    trustProxy: partial.trustProxy ?? false,
    rateLimit: partial.rateLimit === undefined ? { max: 1000, timeWindowMs: 60_000 } : partial.rateLimit,
  };
}
