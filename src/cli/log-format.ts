import pc from 'picocolors';

/** How the server writes its logs: pino's JSON lines (for a collector), or lines for people. */
export type LogFormat = 'json' | 'text';

/** Text on a terminal, JSON when the output goes to a file or a pipe (a log collector reads it). */
export function logFormatFor(asked: string | undefined, isTTY: boolean | undefined): LogFormat {
  if (asked === 'json' || asked === 'text') return asked;
  return isTTY ? 'text' : 'json';
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Fields every line has, or that the readable line already says. */
const SHOWN = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'req',
  'res',
  'responseTime',
  'err',
]);

const clock = (t: unknown) => new Date(typeof t === 'number' ? t : Date.now()).toISOString().slice(11, 19);

function fieldText(v: unknown): string {
  return typeof v === 'string' ? (/[\s"=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
}

/**
 * Turns pino's JSON lines into lines for people at a terminal: one line per request when it
 * completes (`12:00:01 GET /node?version=18 200 3 ms`), other lines as time, level, message and
 * their fields. Fastify logs a request twice (incoming, completed): the first is kept until the
 * second comes, so that each request is one line. A line that is not JSON passes as it is.
 */
export class TextLog {
  private readonly incoming = new Map<string, string>();
  private rest = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly color = false,
  ) {}

  /** Takes a chunk of JSON lines (pino writes whole lines; a partial one waits for its end). */
  chunk(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    const out = lines.map((l) => this.line(l)).filter((l): l is string => l !== null);
    if (out.length) this.write(`${out.join('\n')}\n`);
  }

  /** One JSON line as text; null when it is folded into a later one (an incoming request). */
  line(json: string): string | null {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return json;
    }
    if (!o || typeof o !== 'object') return json;
    const c = pc.createColors(this.color);
    const level = typeof o.level === 'number' ? o.level : 30;
    const reqId = typeof o.reqId === 'string' || typeof o.reqId === 'number' ? String(o.reqId) : null;
    const req = o.req as { method?: string; url?: string } | undefined;
    if (o.msg === 'incoming request' && reqId && req) {
      this.incoming.set(reqId, `${req.method ?? '?'} ${req.url ?? '?'}`);
      return null;
    }
    const time = c.dim(clock(o.time));
    const res = o.res as { statusCode?: number } | undefined;
    if (o.msg === 'request completed' && reqId) {
      const what = this.incoming.get(reqId) ?? 'request';
      this.incoming.delete(reqId);
      const status = res?.statusCode ?? 0;
      const paint = status >= 500 ? c.red : status >= 400 ? c.yellow : c.green;
      const ms = typeof o.responseTime === 'number' ? ` ${Math.round(o.responseTime)} ms` : '';
      return `${time} ${what} ${paint(String(status))}${c.dim(ms)}`;
    }
    const name = LEVELS[level] ?? String(level);
    const word = level >= 50 ? c.red(name) : level >= 40 ? c.yellow(name) : c.dim(name);
    const fields = Object.entries(o)
      .filter(([k]) => !SHOWN.has(k))
      .map(([k, v]) => `${k}=${fieldText(v)}`);
    const err = o.err as { message?: string; stack?: string } | undefined;
    const where = reqId && this.incoming.has(reqId) ? ` (${this.incoming.get(reqId)})` : '';
    const text = [`${time} ${word} ${String(o.msg ?? '')}${where}`, ...fields].join(' ');
    return err?.stack ? `${text}\n${err.stack}` : err?.message ? `${text}: ${err.message}` : text;
  }
}
