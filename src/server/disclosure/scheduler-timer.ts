import type { FastifyInstance } from 'fastify';
import type { Clock, Scheduler } from '../../disclosure/index.js';

/**
 * Runs the disclosure scheduler every `intervalMs` in this process (reminders, votes closing,
 * publication at the deadline). Several instances may run it on one database: each due action is
 * claimed once (see Scheduler). A run never overlaps the previous one; closing the app stops the
 * timer and waits for a run in progress, so the database is not closed under it. Returns that stop,
 * for work that must come after the scheduler's last run.
 */
export function startSchedulerTimer(
  app: FastifyInstance,
  scheduler: Scheduler,
  clock: Clock,
  intervalMs: number | null,
  /** More periodic work after each run (the bounty's weekly count of downloads). */
  after: (now: Date) => Promise<unknown> = async () => {},
): () => Promise<void> {
  if (!intervalMs || intervalMs <= 0) return async () => {};
  let running: Promise<void> | null = null;
  let closing = false;
  const tick = () => {
    if (running || closing) return;
    running = scheduler
      .runDue(clock.now())
      .then(async (s) => {
        if (s.performed.length)
          app.log.info(
            { performed: s.performed.map((a) => `${a.action} ${a.reportId}`), skipped: s.skipped },
            'disclosure scheduler',
          );
        await after(clock.now());
      })
      .catch((e: unknown) => app.log.error({ err: e }, 'disclosure scheduler run failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  const stop = async () => {
    closing = true;
    clearInterval(timer);
    await running;
  };
  app.addHook('onClose', stop);
  return stop;
}
