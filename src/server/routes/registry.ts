import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NswgError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { ErrorSchema } from './schemas.js';

/** How long the upstream registry may take to answer, and to send the next piece of a body. */
export const UPSTREAM_TIMEOUT_MS = 30_000;

/** npm package names, new and legacy (capitals), with an optional scope. */
const NAME = /^(?:@[A-Za-z0-9~*-][\w.~*-]*\/)?[A-Za-z0-9~-][\w.~-]*$/;

/** Response headers passed back from the upstream registry (not its encoding: fetch decodes the body). */
const PASSED = ['content-type', 'etag', 'last-modified', 'cache-control', 'npm-notice'];

/**
 * Streams a request through to the upstream registry: the status, the headers above and the body
 * as it arrives. The upstream has UPSTREAM_TIMEOUT_MS to answer and as long between two chunks.
 */
async function passThrough(
  upstream: string,
  req: FastifyRequest,
  reply: FastifyReply,
  path: string,
): Promise<FastifyReply> {
  const url = new URL(path.replace(/^\/+/, ''), upstream.endsWith('/') ? upstream : `${upstream}/`);
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), UPSTREAM_TIMEOUT_MS);
  const headers: Record<string, string> = {};
  for (const h of ['accept', 'if-none-match', 'if-modified-since', 'user-agent']) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: abort.signal, redirect: 'follow' });
  } catch (e) {
    clearTimeout(timer);
    const why = abort.signal.aborted
      ? `no answer within ${UPSTREAM_TIMEOUT_MS / 1000} s`
      : String((e as Error & { cause?: unknown }).cause ?? (e as Error).message);
    req.log.warn({ url: url.href, err: why }, 'upstream registry failed');
    return reply.code(502).send({
      statusCode: 502,
      code: 'E_UPSTREAM',
      error: 'Bad Gateway',
      message: `the upstream registry did not answer: ${why}`,
    });
  }
  for (const h of PASSED) {
    const v = res.headers.get(h);
    if (v !== null) void reply.header(h, v);
  }
  void reply.code(res.status);
  if (!res.body) {
    clearTimeout(timer);
    return reply.send();
  }
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  // the timer now watches for a stalled body: each chunk restarts it
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), UPSTREAM_TIMEOUT_MS);
  };
  restart();
  body.on('data', restart);
  body.on('close', () => clearTimeout(timer));
  return reply.send(body);
}

/**
 * Package metadata (`GET /<name>`, `GET /@scope%2fname`, `GET /<name>/<version>`) and tarballs
 * (`GET /<name>/-/<file>.tgz`): npm clients pointed at this server with `--registry` ask for them.
 * They go to `--upstream-registry` when one is configured; otherwise they get a 404 that says why
 * (npm audit then computes without the package's version list, which changes no finding).
 */
export async function registryRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const upstream = deps.config.upstreamRegistry;
  const handle = async (req: FastifyRequest, reply: FastifyReply, name: string) => {
    if (!NAME.test(name) || name.length > 214) return reply.callNotFound();
    const path = req.url.split('?')[0]!;
    if (upstream) return passThrough(upstream, req, reply, path);
    throw new NswgError(
      'E_NOT_FOUND',
      `this server holds advisories, not package metadata: ${name} is not here (no upstream registry is configured)`,
      { field: 'name' },
    );
  };
  const schema = (summary: string, params: Record<string, ReturnType<typeof Type.String>>) => ({
    summary,
    description: upstream
      ? `Passed through to the upstream registry (${upstream}).`
      : 'No upstream registry is configured: always 404. Start the server with --upstream-registry to pass these requests on.',
    tags: ['registry'],
    params: Type.Object(params),
    response: { 404: ErrorSchema, 502: ErrorSchema },
  });
  const S = () => Type.String({ maxLength: 214 });

  app.get('/:name', { schema: schema('Package metadata (packument)', { name: S() }) }, async (req, reply) => {
    const { name } = req.params as { name: string };
    return handle(req, reply, name);
  });
  app.get(
    '/:first/:second',
    {
      schema: schema('A scoped packument (/@scope/name) or one version (/name/version)', {
        first: S(),
        second: S(),
      }),
    },
    async (req, reply) => {
      const { first, second } = req.params as { first: string; second: string };
      return handle(req, reply, first.startsWith('@') ? `${first}/${second}` : first);
    },
  );
  app.get(
    '/:name/-/:file',
    { schema: schema('A package tarball', { name: S(), file: S() }) },
    async (req, reply) => {
      const { name } = req.params as { name: string };
      return handle(req, reply, name);
    },
  );
  app.get(
    '/@:scope/:name/-/:file',
    { schema: schema('A scoped package tarball', { scope: S(), name: S(), file: S() }) },
    async (req, reply) => {
      const { scope, name } = req.params as { scope: string; name: string };
      return handle(req, reply, `@${scope}/${name}`);
    },
  );
}
