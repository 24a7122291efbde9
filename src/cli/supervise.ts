import { hostname } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { NswgError, type NswgErrorCode } from '../errors.js';

/** An error as it crosses from a worker thread to the command's. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  field?: string;
  file?: string;
}

/** What a worker tells its supervisor: it listens (on this port), or it could not start (why). */
export type WorkerMessage = { listening: { port: number } } | { error: WireError };

/** How long to wait before starting a worker again: doubling per crash in a row, from initialMs to maxMs. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A worker that served this long before it stopped was healthy: the next wait is initialMs again. */
  healthyMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, healthyMs: 60_000 };

/** A log line in pino's shape: a level (30 info, 50 error), a message and fields. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface SuperviseOptions {
  /** Starts a worker: on the port the first one listened on, for every one after it (null: the first). */
  start(port: number | null): Worker;
  log(line: LogLine): void;
  backoff?: Backoff;
}

export interface Supervisor {
  /** Passes a signal to the worker, which stops gracefully (a second one stops it at once); between workers, stops now. */
  signal(name: string): void;
  /** The exit code once stopped by a signal; rejects with the first worker's error if it never served. */
  done: Promise<number>;
}

/** Writes a log line to stdout as pino would (level, time, pid, hostname, fields, msg). */
export function writeLogLine(line: LogLine): void {
  const { level, msg, ...fields } = line;
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), pid: process.pid, hostname: hostname(), ...fields, msg })}\n`,
  );
}

/** An error of the worker's as a command's error: an NswgError keeps its code and location. */
function fromWire(e: WireError): Error {
  const where: { field?: string; file?: string } = {};
  if (e.field) where.field = e.field;
  if (e.file) where.file = e.file;
  return e.name === 'NswgError' && e.code
    ? new NswgError(e.code as NswgErrorCode, e.message, where)
    : new Error(e.message);
}

/** An error as pino's serializer writes it. */
function errField(e: Error & { code?: string }): Record<string, unknown> {
  const out: Record<string, unknown> = { type: e.name, message: e.message };
  if (e.code) out.code = e.code;
  if (e.stack) out.stack = e.stack;
  return out;
}

/**
 * Runs the server's worker thread and starts a new one, on the same port, whenever it stops without
 * having been asked to (out of memory, an uncaught exception, any exit): it logs why at level 50
 * and waits first, 1 s doubling to 30 s while the workers keep crashing, 1 s again after one that
 * served a minute. Until the first worker listens, any failure is the command's (bad flags, an
 * unreachable database): nothing is restarted. A signal is passed on to a serving worker; one that
 * is starting is stopped, and a restart that is waiting is called off.
 */
export function supervise(opts: SuperviseOptions): Supervisor {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let worker: Worker | null = null;
  let port: number | null = null;
  let servingSince: number | null = null;
  let everServed = false;
  let lastError: Error | null = null;
  let crashes = 0;
  let restarts = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let resolve!: (code: number) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const start = () => {
    servingSince = null;
    lastError = null;
    const w = opts.start(port);
    worker = w;
    w.on('message', (m: WorkerMessage) => {
      if ('listening' in m) {
        port ??= m.listening.port;
        servingSince = Date.now();
        if (everServed) opts.log({ level: 30, msg: 'a new server worker is serving', port, restarts });
        everServed = true;
      } else if ('error' in m) {
        lastError = fromWire(m.error);
        void w.terminate();
      }
    });
    w.on('error', (e) => {
      lastError = e;
    });
    w.on('exit', (code) => {
      worker = null;
      if (stopping) resolve(servingSince === null ? 0 : code);
      else if (!everServed) reject(lastError ?? new Error(`the server stopped with exit code ${code}`));
      else restartAfterCrash(code);
    });
  };

  const restartAfterCrash = (exitCode: number) => {
    if (servingSince !== null && Date.now() - servingSince >= backoff.healthyMs) crashes = 0;
    const waitMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** crashes);
    crashes++;
    restarts++;
    const why = lastError ? lastError.message : `exit code ${exitCode}`;
    const line: LogLine = {
      level: 50,
      msg: `the server's worker stopped unexpectedly (${why}): starting a new one in ${waitMs / 1000} s`,
      exitCode,
      restartInMs: waitMs,
      restarts,
    };
    if (lastError) line.err = errField(lastError);
    opts.log(line);
    timer = setTimeout(() => {
      timer = null;
      start();
    }, waitMs);
  };

  start();
  return {
    signal(name: string) {
      if (timer) {
        clearTimeout(timer);
        timer = null;
        stopping = true;
        resolve(0);
      } else if (worker) {
        stopping = true;
        // a worker still starting has no requests to finish
        if (servingSince === null) void worker.terminate();
        else worker.postMessage({ signal: name });
      }
    },
    done,
  };
}
