// The disclosure program over HTTP: the JSON API under /api/, the pages under /disclosure/, the
// in-process scheduler. Every rule is the domain's (src/disclosure): routes and pages translate HTTP
// to calls of the program (and the accounts) and their answers back; the program owns transactions,
// permission checks and the audit log.
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { disclosureApi } from './api/index.js';
import { disclosureAssetRoutes } from './assets/index.js';
import { DEFAULT_ANCHOR_INTERVAL_MS, startAuditAnchor } from './audit-anchor-timer.js';
import {
  createContext,
  DEFAULT_MAIL_INTERVAL_MS,
  DEFAULT_SCHEDULER_INTERVAL_MS,
  type DisclosureContext,
} from './context.js';
import { enableLimits } from './limits.js';
import { disclosurePages } from './pages/index.js';
import { startSchedulerTimer } from './scheduler-timer.js';

export { type DisclosureContext, PAGES, paths } from './context.js';

const contexts = new WeakMap<object, DisclosureContext>();

/** The program and scheduler of an app (tests run the scheduler themselves with a fake clock). */
export function disclosureOf(app: FastifyInstance): DisclosureContext {
  const ctx = contexts.get(app.server);
  if (!ctx) throw new Error('this app has no disclosure program');
  return ctx;
}

/** Registers the disclosure program: API, pages, assets, and the scheduler's timer. */
export async function disclosureRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const ctx = await createContext(
    deps,
    (e, to) => app.log.error({ err: e, to }, 'a disclosure e-mail was not sent'),
    app.log,
  );
  contexts.set(app.server, ctx);
  await app.register(cookie);
  await enableLimits(app, deps.store.rateCounters);
  disclosureAssetRoutes(app);
  await app.register(async (api) => disclosureApi(api, ctx));
  await app.register(async (pages) => disclosurePages(pages, ctx));
  const sealing = deps.store.auditSealing;
  if (sealing && !sealing.ok)
    app.log.error(
      { seq: sealing.seq, problem: sealing.problem },
      'the audit log is not intact, so its entries were not given MACs: run nswg audit-log verify',
    );
  const interval = deps.disclosure?.schedulerIntervalMs;
  const schedulerStopped = startSchedulerTimer(
    app,
    ctx.scheduler,
    deps.clock,
    interval === undefined ? DEFAULT_SCHEDULER_INTERVAL_MS : interval,
    (now) => ctx.program.bounty.refreshStale(now),
  );
  const delivery = ctx.mailDelivery;
  if (delivery) {
    const every = deps.disclosure?.mailIntervalMs;
    if (every !== null && every !== 0) delivery.start(every ?? DEFAULT_MAIL_INTERVAL_MS);
    // a first run at start: what waited while no server was up
    if (every !== null && every !== 0)
      void delivery.runOnce().catch((e: unknown) => app.log.error({ err: e }, 'mail delivery run failed'));
    app.addHook('onClose', () => delivery.stop());
  }
  const anchor = deps.disclosure?.auditAnchor;
  if (anchor)
    await startAuditAnchor(
      app,
      deps.store,
      anchor.sink,
      deps.clock,
      anchor.intervalMs ?? DEFAULT_ANCHOR_INTERVAL_MS,
      schedulerStopped,
    );
}
