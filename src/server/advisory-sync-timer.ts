import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { type SyncResult, syncAdvisories } from '../sync/index.js';

/** Keeping a server's advisories current from a source that publishes OSV (`nswg serve --sync-from`). */
export interface AdvisorySyncOptions {
  /** A URL or path `nswg db sync` takes. */
  from: string;
  /** How often, in milliseconds. */
  intervalMs: number;
  /** The sync itself (tests count its runs); default: syncAdvisories. */
  sync?: (store: Store, from: string) => Promise<SyncResult>;
  /** Marks the sync as the server's own work, whose delay of the event loop sheds no requests. */
  ownWork?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Syncs the advisories once the server listens, then every `intervalMs`, in this process. One sync
 * at a time: a tick that comes while one runs is skipped. A failed sync is logged, changes nothing
 * (syncs are one transaction) and is tried again at the next tick; it never stops the server.
 * Closing the app stops the timer and waits for a sync in progress, so that the database is not
 * closed under it.
 */
export function startAdvisorySync(app: FastifyInstance, store: Store, opts: AdvisorySyncOptions): void {
  // the first sync of a large folder is the command line's (SyncOptions.firstSync)
  const sync = opts.sync ?? ((s: Store, from: string) => syncAdvisories(s, from, { firstSync: 'refuse' }));
  let running: Promise<void> | null = null;
  let closing = false;
  const tick = () => {
    if (running || closing) return;
    const started = Date.now();
    const ownWork = opts.ownWork ?? ((work) => work());
    running = ownWork(() => sync(store, opts.from))
      .then((r) =>
        app.log.info(
          {
            source: r.source,
            read: r.read,
            ...r.imported,
            otherEcosystems: r.otherEcosystems,
            leftOut: r.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`),
            ms: Date.now() - started,
          },
          'advisory sync',
        ),
      )
      .catch((e: unknown) =>
        app.log.error({ err: e, source: opts.from }, 'advisory sync failed: tried again at the next tick'),
      )
      .finally(() => {
        running = null;
      });
  };
  let timer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    timer = setInterval(tick, opts.intervalMs);
    timer.unref();
    tick();
  });
  app.addHook('onClose', async () => {
    closing = true;
    if (timer) clearInterval(timer);
    await running;
  });
}
