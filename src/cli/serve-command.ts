import { NswgError } from '../errors.js';
import { buildApp, serverConfig, systemClock } from '../server/index.js';
import { type DbOption, openDb } from './context.js';

export interface ServeOptions extends DbOption {
  port?: string;
  host?: string;
  publicUrl?: string;
  upstreamRegistry?: string;
  logLevel?: string;
}

/** `nswg serve`: the web pages and APIs; creates and seeds the embedded database on first start. */
export async function serve(opts: ServeOptions): Promise<void> {
  const port = Number(opts.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new NswgError('E_USAGE', `--port must be a port number (0-65535), not ${JSON.stringify(opts.port)}`, { field: '--port' });
  }
  const store = await openDb(opts, 'create');
  const partial: Parameters<typeof serverConfig>[0] = { host: opts.host ?? '127.0.0.1', port, logLevel: opts.logLevel ?? 'info' };
  if (opts.publicUrl) partial.publicUrl = opts.publicUrl;
  if (opts.upstreamRegistry) partial.upstreamRegistry = opts.upstreamRegistry;
  const config = serverConfig(partial);
  const app = await buildApp({ store, config, clock: systemClock });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const address = await app.listen({ host: config.host, port });
  const url = port === 0 ? address : config.publicUrl;
  process.stderr.write(`nswg: serving ${store.name} at ${url}/\n`);
}
