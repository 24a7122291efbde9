import type { FastifyInstance } from 'fastify';
import {
  type AnchorSink,
  anchorLine,
  anchorMacMatches,
  type Clock,
  parseAnchors,
} from '../../disclosure/index.js';
import type { Store } from '../../store/index.js';

/** How much of the anchor file's end the start-up check reads: a few hundred lines. */
const ANCHOR_TAIL_BYTES = 64 * 1024;

/** How often the head is anchored when it moved, unless the caller says otherwise. */
export const DEFAULT_ANCHOR_INTERVAL_MS = 60_000;

/**
 * Writes the audit log's head to the anchor sink: once at start (a sink that cannot be written fails
 * the start, not some later minute), then every `intervalMs` when the head moved, and a last time
 * when the app closes, after `settle` (the scheduler's last run). Entries appended after the last
 * anchor can be cut from the log unseen, hence the short interval. A write that fails later is
 * logged and tried again at the next tick.
 */
export async function startAuditAnchor(
  app: FastifyInstance,
  store: Store,
  sink: AnchorSink,
  clock: Clock,
  intervalMs: number,
  settle: () => Promise<void>,
): Promise<void> {
  const keys = store.keys;
  if (!keys) throw new Error('anchoring the audit log needs the server secret');
  let written = { seq: 0, hash: '' };
  const write = async () => {
    const head = await store.auditLog.head();
    if (head.seq === 0 || (head.seq === written.seq && head.hash === written.hash)) return;
    await sink.append(anchorLine(keys.audit, head, clock.now(), store.name));
    written = head;
  };
  await checkLatestAnchor(app, store, sink, keys.audit);
  await write();
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= write()
      .catch((e: unknown) =>
        app.log.error({ err: e, anchor: sink.name }, 'the audit log could not be anchored'),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
    await settle();
    await write().catch((e: unknown) =>
      app.log.error({ err: e, anchor: sink.name }, 'the audit log could not be anchored at shutdown'),
    );
  });
}

/**
 * Logs an error when the log does not reach the furthest entry its anchor file vouches for, or holds
 * another entry there: the database was restored from an older backup, or cut short. Only that line
 * is looked at (one query); `nswg audit-log verify` checks every line and every entry.
 */
async function checkLatestAnchor(app: FastifyInstance, store: Store, sink: AnchorSink, key: Buffer) {
  // the tail is enough (lines go in order, give or take a few instances) and keeps a large file
  // out of the server's capped heap
  const text = await sink.read?.(ANCHOR_TAIL_BYTES);
  if (!text) return;
  const good = parseAnchors(text).anchors.filter((a) => anchorMacMatches(key, a));
  const far = good.reduce<(typeof good)[number] | null>((m, a) => (!m || a.seq > m.seq ? a : m), null);
  if (!far) return;
  const [entry] = await store.auditLog.list({ afterSeq: far.seq - 1, limit: 1 });
  if (entry?.seq === far.seq && entry.hash === far.hash) return;
  app.log.error(
    { anchor: sink.name, line: far.line, seq: far.seq },
    entry?.seq === far.seq
      ? `the audit log's entry ${far.seq} is not the one its anchor file records: run nswg audit-log verify`
      : `the audit log ends before entry ${far.seq}, which its anchor file records (restored from an older backup, or cut short?): run nswg audit-log verify`,
  );
}
