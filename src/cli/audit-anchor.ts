import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type AnchorSink, anchorLine } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import type { Store } from '../store/index.js';
import { type DbOption, openDb } from './context.js';
import { writeStderr } from './output.js';
import { loadServerSecret } from './secret.js';

/** The options of a command that writes audit entries (or anchors): the secret and the anchor file. */
export interface AuditedOptions extends DbOption {
  secretFile?: string;
  auditAnchor?: string;
}

/** The anchor file: `--audit-anchor`, else NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file. */
export function anchorFileOf(
  given: string | undefined,
  secretFile: string,
  env: NodeJS.ProcessEnv = process.env,
): { file: string; named: boolean } {
  const named = given ?? env.NSWG_AUDIT_ANCHOR;
  return {
    file: resolve(named ?? join(dirname(secretFile), 'audit-anchor.jsonl')),
    named: named !== undefined,
  };
}

const fileError = (file: string, e: unknown) =>
  new NswgError('E_FILE_READ', `cannot write the audit anchor file: ${(e as Error).message}`, {
    file,
    field: '--audit-anchor',
  });

/**
 * The anchor file as a sink: opened for appending only (O_APPEND, so it works on a file the system
 * keeps append-only, `chattr +a`), each line written with one call and synced to the disk before
 * append() resolves. A missing file is made (its owner's only); a file others may write is refused.
 */
export function fileAnchorSink(file: string): AnchorSink {
  return {
    name: file,
    async append(line) {
      let fh: Awaited<ReturnType<typeof open>> | undefined;
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        fh = await open(file, constants.O_APPEND | constants.O_CREAT | constants.O_RDWR, 0o600);
        const { mode, size } = await fh.stat();
        if (process.platform !== 'win32' && (mode & 0o022) !== 0)
          throw new NswgError(
            'E_USAGE',
            `the audit anchor file may be written by others: make it writable by its owner only (chmod 600 ${file})`,
            { file, field: '--audit-anchor' },
          );
        // a line cut short by a crash stays as it is (verify reports it); the next one starts afresh
        let text = line;
        if (size > 0) {
          const last = Buffer.alloc(1);
          await fh.read(last, 0, 1, size - 1);
          if (last[0] !== 0x0a) text = `\n${line}`;
        }
        await fh.write(text);
        await fh.sync();
        if (size === 0) await syncDirectory(dirname(file));
      } catch (e) {
        throw e instanceof NswgError ? e : fileError(file, e);
      } finally {
        await fh?.close();
      }
    },
    async read(tailBytes) {
      let fh: Awaited<ReturnType<typeof open>> | undefined;
      try {
        fh = await open(file, 'r');
        const { size } = await fh.stat();
        const from = tailBytes === undefined ? 0 : Math.max(0, size - tailBytes);
        const buf = Buffer.alloc(size - from);
        await fh.read(buf, 0, buf.length, from);
        return buf.toString('utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new NswgError('E_FILE_READ', `cannot read the audit anchor file: ${(e as Error).message}`, {
          file,
          field: '--audit-anchor',
        });
      } finally {
        await fh?.close();
      }
    },
  };
}

/** Makes a new file's name durable too (its directory synced), where the system allows it. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Appends the store's audit head to the sink (nothing before the first entry); returns its seq. */
export async function anchorHead(store: Store, sink: AnchorSink, now: Date = new Date()): Promise<number> {
  const keys = store.keys;
  if (!keys) throw new NswgError('E_USAGE', 'anchoring the audit log needs the server secret');
  const head = await store.auditLog.head();
  if (head.seq > 0) await sink.append(anchorLine(keys.audit, head, now, store.name));
  return head.seq;
}

/** Says on stderr that the audit log could not be sealed when the store got the secret, and why. */
export function reportSealing(store: Store): void {
  const s = store.auditSealing;
  if (s && !s.ok)
    writeStderr(
      `nswg: the audit log of ${store.name} is not intact, so its entries were not given MACs: entry ${s.seq}: ${s.problem} (see nswg audit-log verify)\n`,
    );
}

/**
 * Runs a command that writes audit entries: on the database opened with the server secret (loaded
 * as `nswg serve` does), so that each entry gets its MAC, and with the audit head appended to the
 * anchor file afterwards when it moved (`always`: in any case).
 */
export async function withAuditedDb<T>(
  opts: AuditedOptions,
  mode: 'read' | 'create',
  body: (store: Store, sink: AnchorSink) => Promise<T>,
  always = false,
): Promise<T> {
  const secret = loadServerSecret(opts.secretFile);
  const sink = fileAnchorSink(anchorFileOf(opts.auditAnchor, secret.file).file);
  const store = await openDb(opts, mode, 'default-only', secret.secret);
  try {
    reportSealing(store);
    const before = await store.auditLog.head();
    let result: T;
    try {
      result = await body(store, sink);
    } finally {
      const after = await store.auditLog.head();
      const sealed = store.auditSealing?.ok ? store.auditSealing.sealed : 0;
      if (always || sealed > 0 || after.seq !== before.seq || after.hash !== before.hash)
        await anchorHead(store, sink);
    }
    return result;
  } finally {
    await store.close();
  }
}
