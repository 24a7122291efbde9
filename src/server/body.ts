import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { jsonSyntaxError } from '../util/json-syntax.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** An error answered with its own status and code (the error handler passes 4xx errors through). */
export function httpError(
  statusCode: number,
  code: string,
  message: string,
): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode, code });
}

/**
 * The request body as bytes, decompressed as its Content-Encoding says (npm sends gzip; a gzip
 * stream is also recognised by its magic bytes, as the registry did). Decompression stops at
 * `limit` bytes: a gzip bomb costs at most that much memory and is refused with 413.
 */
export async function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  const opts = { maxOutputLength: limit };
  try {
    if (enc === 'gzip' || enc === 'x-gzip' || (enc === '' && raw[0] === 0x1f && raw[1] === 0x8b))
      return await gunzip(raw, opts);
    if (enc === 'deflate') return await inflate(raw, opts);
    if (enc === 'br') return await brotli(raw, opts);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw httpError(413, 'E_BODY_TOO_LARGE', `the request body inflates to more than ${limit} bytes`);
    }
    throw httpError(
      400,
      'E_BODY_ENCODING',
      `the request body is not valid ${enc || 'gzip'} data: ${(e as Error).message}`,
    );
  }
  if (enc === '' || enc === 'identity') {
    if (raw.length > limit)
      throw httpError(413, 'E_BODY_TOO_LARGE', `the request body is larger than ${limit} bytes`);
    return raw;
  }
  throw httpError(
    415,
    'E_BODY_ENCODING',
    `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip, deflate, br or none`,
  );
}

/** Parses JSON text; a syntax error becomes a 400 that says where. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw httpError(400, 'E_JSON_PARSE', 'the request body is empty: send a JSON document');
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonSyntaxError(text);
    const where = at ? `${at.reason} (line ${at.line}, column ${at.column})` : (e as Error).message;
    throw httpError(400, 'E_JSON_PARSE', `the request body is not valid JSON: ${where}`);
  }
}

/**
 * Makes the routes of this scope read JSON bodies, plain or compressed (gzip, deflate, br), with
 * the inflated size bounded by `inflatedLimit`. The raw size is bounded by Fastify's bodyLimit.
 * Any other content type is refused with 415.
 */
export function acceptJsonBodies(app: FastifyInstance, inflatedLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    decodeBody(body as Buffer, req.headers['content-encoding'] as string | undefined, inflatedLimit)
      .then((bytes) => done(null, parseJsonBody(bytes.toString('utf8'))))
      .catch((e: Error) => done(e, undefined));
  });
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
