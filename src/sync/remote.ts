import { NswgError } from '../errors.js';

/** How long one request to another server may take. */
const TIMEOUT_MS = 30_000;

/**
 * Another nswg server or a folder of OSV files, reached over HTTP: the one client of
 * `nswg audit --server` and of syncs (`nswg db sync`, `nswg serve --sync-from`).
 * Every failure is an E_REMOTE that names the URL (and the option it came from).
 */
export class RemoteServer {
  readonly base: URL;

  /** `url` as given on the command line under `field`; E_USAGE unless it is an http(s) URL. */
  constructor(
    url: string,
    private readonly field: string,
  ) {
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : `${url}/`);
    } catch {
      throw new NswgError('E_USAGE', `not a URL: ${JSON.stringify(url)}`, { field });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new NswgError(
        'E_USAGE',
        `the server URL must be http:// or https://, not ${JSON.stringify(url)}`,
        {
          field,
        },
      );
    this.base = base;
  }

  /** The absolute URL of a path of the server. */
  url(path: string): URL {
    return new URL(path, this.base);
  }

  /** A successful answer to `path`; E_REMOTE when the server cannot be reached or answers an error. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.answer(path, init);
    if (!res.ok) throw await this.failure(path, init, res);
    return res;
  }

  /** The bytes of `path`, or null when the server has no such file (404). */
  async bytesOrNull(path: string, timeoutMs = TIMEOUT_MS): Promise<Uint8Array | null> {
    const res = await this.answer(path, {}, timeoutMs);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw await this.failure(path, {}, res);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Any answer to `path`; E_REMOTE when the server cannot be reached. */
  private async answer(path: string, init: RequestInit, timeoutMs = TIMEOUT_MS): Promise<Response> {
    const url = this.url(path);
    let res: Response;
    try {
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        // a kept-alive connection the server closed as it was reused: a GET is asked again, once
        if ((init.method ?? 'GET') !== 'GET' || !isReset(e)) throw e;
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      }
    } catch (e) {
      const err = e as Error & { cause?: unknown };
      throw new NswgError(
        'E_REMOTE',
        `cannot reach ${url.href}: ${err.cause ? String(err.cause) : err.message}`,
        {
          field: this.field,
        },
      );
    }
    return res;
  }

  /** The E_REMOTE of an error answer, naming the URL and what the server said. */
  private async failure(path: string, init: RequestInit, res: Response): Promise<NswgError> {
    const text = await res.text().catch(() => '');
    return new NswgError(
      'E_REMOTE',
      `${init.method ?? 'GET'} ${this.url(path).href} answered ${res.status}: ${text.slice(0, 200)}`,
      { field: this.field },
    );
  }

  /** The JSON answer to `path`; E_REMOTE naming the URL when it is not JSON. */
  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.request(path, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
    });
    try {
      return (await res.json()) as T;
    } catch {
      throw new NswgError('E_REMOTE', 'the answer is not JSON', { file: this.url(path).href });
    }
  }

  /** The JSON answer to a POST of `body` as JSON to `path`. */
  postJson<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** The text answer to `path`. */
  async text(path: string): Promise<string> {
    return (await this.request(path, { headers: { accept: 'text/csv, text/plain' } })).text();
  }

  /** The bytes of the answer to `path`. */
  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request(path)).arrayBuffer());
  }
}

/** True for a connection the other end reset or closed before it answered. */
function isReset(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } } | null)?.cause;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'EPIPE';
}

/** Runs `work` on every item with at most `n` at a time, in order of the items; the first failure stops it. */
export async function inPool<T, R>(
  items: readonly T[],
  n: number,
  work: (item: T) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
