import { existsSync } from 'node:fs';
import { NswgError } from '../errors.js';
import { buildApp, serverConfig, systemClock } from '../server/index.js';
import { resolveDbTarget, seedBundled } from '../store/index.js';
import { type DbOption, openDb } from './context.js';
import { progress } from './progress.js';

export interface ServeOptions extends DbOption {
  port?: string;
  host?: string;
  publicUrl?: string;
  upstreamRegistry?: string;
  logLevel?: string;
  rateLimit?: string;
}

/** How long requests in flight may take to finish after SIGTERM before the process stops anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function integer(text: string | undefined, fallback: number, flag: string, max: number): number {
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new NswgError('E_USAGE', `${flag} must be a whole number from 0 to ${max}, not ${JSON.stringify(text)}`, { field: flag });
  }
  return n;
}

/**
 * `nswg serve`: the web pages and APIs. A new SQLite database is created and seeded with the
 * bundled Working Group advisories on first start. Logs are pino JSON lines on stdout. SIGTERM
 * (or SIGINT) stops accepting connections, lets requests in flight finish, then exits.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  const port = integer(opts.port ?? process.env.PORT, 8080, '--port', 65535);
  const perMinute = integer(opts.rateLimit, 1000, '--rate-limit', 1_000_000);
  const target = resolveDbTarget(opts.db);
  const fresh = target.kind === 'sqlite' && !existsSync(target.file);
  const explicit = opts.db ?? process.env.NSWG_DB ?? process.env.DATABASE_URL;
  const store = await openDb(opts, 'create');
  if (fresh && explicit) {
    // openDb seeds only the default database; a new file named with --db is seeded here
    process.stderr.write(`nswg: creating ${store.name} from the bundled Working Group data\n`);
    try {
      await seedBundled(store, { onProgress: progress('seeding') });
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const partial: Parameters<typeof serverConfig>[0] = {
    host: opts.host ?? '127.0.0.1',
    port,
    logLevel: opts.logLevel ?? 'info',
    rateLimit: perMinute ? { max: perMinute, timeWindowMs: 60_000 } : null,
  };
  if (opts.publicUrl) partial.publicUrl = opts.publicUrl;
  if (opts.upstreamRegistry) partial.upstreamRegistry = opts.upstreamRegistry;
  const config = serverConfig(partial);
  const app = await buildApp({ store, config, clock: systemClock });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      app.log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'requests still in flight after the grace period: stopping anyway');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await app.close();
    await store.close();
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const address = await app.listen({ host: config.host, port });
  // with --port 0 the port is known only now: links must name it
  if (port === 0 && !opts.publicUrl) config.publicUrl = address;
  process.stderr.write(`nswg: serving ${store.name} at ${port === 0 ? address : config.publicUrl}/\n`);
}
