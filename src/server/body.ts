import querystring from 'node:querystring';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseJsonOr } from '../util/json-syntax.js';
import { httpError } from './http-error.js';
import { checkJsonLimits, type JsonLimits, limitNote, SMALL_JSON } from './json-limits.js';

export { httpError } from './http-error.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's own JSON body limits (set with jsonBodyLimits); otherwise its scope's. */
    jsonLimits?: JsonLimits;
  }
}

/**
 * The request body as bytes, decompressed as its Content-Encoding says (npm sends gzip; a gzip
 * stream is also recognised by its magic bytes, as the registry did). Decompression stops at the
 * limits' byte count: a gzip bomb costs at most that much memory and is refused with 413.
 */
export async function decodeBody(
  raw: Buffer,
  encoding: string | undefined,
  limits: JsonLimits,
): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  const limit = limits.bytes;
  const opts = { maxOutputLength: limit };
  try {
    if (enc === 'gzip' || enc === 'x-gzip' || (enc === '' && raw[0] === 0x1f && raw[1] === 0x8b))
      return await gunzip(raw, opts);
    if (enc === 'deflate') return await inflate(raw, opts);
    if (enc === 'br') return await brotli(raw, opts);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw httpError(
        413,
        'E_BODY_TOO_LARGE',
        `the request body inflates to more than ${limit} bytes ${limitNote(limits)}`,
      );
    }
    throw httpError(
      400,
      'E_BODY_ENCODING',
      `the request body is not valid ${enc || 'gzip'} data: ${(e as Error).message}`,
    );
  }
  if (enc === '' || enc === 'identity') {
    if (raw.length > limit) throw bodyTooLarge(limit);
    return raw;
  }
  throw httpError(
    415,
    'E_BODY_ENCODING',
    `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip, deflate, br or none`,
  );
}

/** The 413 of a raw body over a route's byte limit. */
export function bodyTooLarge(limit: number): Error {
  return httpError(
    413,
    'E_BODY_TOO_LARGE',
    `the request body is larger than ${limit} bytes (the limit of this route)`,
  );
}

/** Parses JSON text; a syntax error becomes a 400 that says where. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw httpError(400, 'E_JSON_PARSE', 'the request body is empty: send a JSON document');
  return parseJsonOr(text, (why) =>
    httpError(400, 'E_JSON_PARSE', `the request body is not valid JSON: ${why}`),
  );
}

/**
 * The route options that give one route JSON body limits of its own (spread them into the route's
 * options): Fastify refuses a raw body past the same byte count while it arrives.
 */
export function jsonBodyLimits(limits: JsonLimits): {
  bodyLimit: number;
  config: { jsonLimits: JsonLimits };
} {
  return { bodyLimit: limits.bytes, config: { jsonLimits: limits } };
}

/**
 * Reads a JSON body within the route's limits (or `defaults`): the raw bytes are bounded by
 * Fastify's bodyLimit as they arrive, decompression stops at the byte limit, and the values and
 * nesting are counted before JSON.parse builds anything.
 */
function addJsonParser(app: FastifyInstance, defaults: JsonLimits): void {
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: defaults.bytes },
    (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const limits = req.routeOptions.config?.jsonLimits ?? defaults;
      const encoding = req.headers['content-encoding'];
      // a plain body, as most are, without a promise's turn
      if (encoding === undefined && !(body[0] === 0x1f && body[1] === 0x8b)) {
        let parsed: unknown;
        try {
          if (body.length > limits.bytes) throw bodyTooLarge(limits.bytes);
          checkJsonLimits(body, limits);
          parsed = parseJsonBody(body.toString('utf8'));
        } catch (e) {
          return done(e as Error, undefined);
        }
        return done(null, parsed);
      }
      decodeBody(body, encoding, limits)
        .then((bytes) => {
          checkJsonLimits(bytes, limits);
          return parseJsonBody(bytes.toString('utf8'));
        })
        .then(
          (parsed) => done(null, parsed),
          (e: Error) => done(e, undefined),
        );
    },
  );
}

/**
 * Replaces Fastify's own JSON parser, for every route of the app that does not choose another:
 * without it a route that takes forms could still be sent a megabyte of `[{},{},…]` as JSON.
 */
export function boundJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  addJsonParser(app, SMALL_JSON);
}

/**
 * Makes the routes of this scope read JSON bodies, plain or compressed (gzip, deflate, br), within
 * `limits` unless a route has its own (jsonBodyLimits). Any other content type is refused with 415.
 */
export function acceptJsonBodies(app: FastifyInstance, limits: JsonLimits = SMALL_JSON): void {
  app.removeAllContentTypeParsers();
  addJsonParser(app, limits);
  app.addContentTypeParser('*', (req, _payload, done) => {
    const type = req.headers['content-type'] ?? '(none)';
    done(
      httpError(
        415,
        'E_CONTENT_TYPE',
        `unsupported Content-Type ${JSON.stringify(type)}: send application/json`,
      ),
      undefined,
    );
  });
}

/**
 * Refuses a request whose Content-Length already passes its route's byte limit with 413, first of
 * all (before rate limits, sessions or any database work). Multipart uploads are bounded by their
 * own limits, part by part, as they arrive.
 */
export function refuseDeclaredOversize(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const length = Number(req.headers['content-length']);
    if (!(length > req.routeOptions.bodyLimit) || /^multipart\//i.test(req.headers['content-type'] ?? ''))
      return done();
    done(bodyTooLarge(req.routeOptions.bodyLimit));
  });
}

/** Fields in one urlencoded form: the largest page form has about 30. */
export const MAX_FORM_FIELDS = 1000;

/**
 * Parses an urlencoded form (repeated fields become lists), counting its fields first: a megabyte
 * of `a=&` would otherwise build an object of 350,000 properties. More than MAX_FORM_FIELDS: 413.
 */
export function parseFormBody(text: string): querystring.ParsedUrlQuery {
  let fields = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    if (++fields > MAX_FORM_FIELDS)
      throw httpError(
        413,
        'E_BODY_TOO_LARGE',
        `the form has more than ${MAX_FORM_FIELDS} fields (the limit of this route)`,
      );
  }
  return querystring.parse(text, '&', '=', { maxKeys: 0 });
}
