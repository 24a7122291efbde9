import type { FastifyError, FastifyInstance } from 'fastify';
import { isNswgError, type NswgErrorCode } from '../errors.js';
import { bodyTooLarge } from './body.js';

/**
 * The HTTP status of every NswgError code, one kind of failure each: a code without one fails the
 * type check, so a new code gets its status decided here. The client's mistakes are 4xx (a bad field
 * 400, who are you? 401, not allowed 403, no such thing 404, the state forbids it 409, an unknown
 * format 415, too many 429); what the server could not do itself is 5xx, and is logged.
 */
const STATUS: Record<NswgErrorCode, number> = {
  E_USAGE: 400,
  E_REQUEST_INVALID: 400,
  E_NOT_FOUND: 404,
  E_FILE_READ: 500,
  E_FILE_WRITE: 500,
  E_JSON_PARSE: 400,
  E_FORMAT_UNKNOWN: 415,
  E_ADVISORY_INVALID: 400,
  E_RANGE_PARSE: 400,
  E_VERSION_PARSE: 400,
  E_DUPLICATE_ID: 409,
  E_LOCKFILE_PARSE: 400,
  E_LOCKFILE_VERSION: 400,
  E_LOCKFILE_MISSING: 400,
  E_LOCKFILE_MISMATCH: 400,
  E_IGNORE_FILE: 400,
  E_DB: 503,
  E_DB_CONNECT: 503,
  E_REMOTE: 502,
  E_REPORT_INVALID: 400,
  E_RELEASE_INVALID: 400,
  E_ACCOUNT_INVALID: 400,
  E_ATTACHMENT: 400,
  E_TOKEN: 400,
  E_AUTH: 401,
  E_FORBIDDEN: 403,
  E_TRANSITION: 409,
  E_VOTE: 409,
  E_CONFLICT: 409,
  E_LOCKED: 429,
  E_QUOTA: 429,
  E_CVE_INVALID: 400,
  E_BOUNTY_INVALID: 400,
};

/** The HTTP status an NswgError code is answered with (400 for a code from another copy of the module). */
export const httpStatusOf = (code: NswgErrorCode): number => STATUS[code] ?? 400;

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  field?: string;
  /** Every problem of the input, each with its field (a form shows them all at once). */
  problems?: { field: string; message: string }[];
}

/**
 * Maps errors to JSON answers: NswgError by its code, Fastify's own (validation, body too large,
 * bad content type) by theirs; anything else is a 500 whose details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let body: ErrorBody;
    if (isNswgError(err)) {
      const statusCode = httpStatusOf(err.code);
      if (statusCode >= 500) req.log.error({ err }, 'request failed');
      body = { statusCode, code: err.code, error: reasonOf(statusCode), message: err.message };
      if (err.field) body.field = err.field;
      if (err.problems?.length)
        body.problems = err.problems.map((p) => ({ field: p.field, message: p.message }));
    } else if (err.validation) {
      const first = err.validation[0];
      // Ajv names the object an unknown field is in, not the field: the answer names it
      const unknown = first?.keyword === 'additionalProperties' ? first.params.additionalProperty : undefined;
      const path = first ? `${first.instancePath}${typeof unknown === 'string' ? `/${unknown}` : ''}` : '';
      const field = first ? `${err.validationContext ?? 'body'}${path.replace(/\//g, '.')}` : undefined;
      const message =
        typeof unknown === 'string' ? `${err.message}: ${JSON.stringify(unknown)}` : err.message;
      body = { statusCode: 400, code: 'E_REQUEST_INVALID', error: 'Bad Request', message };
      if (field) body.field = field;
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify's own names neither the limit nor a code of ours
      const message = bodyTooLarge(req.routeOptions.bodyLimit).message;
      body = { statusCode: 413, code: 'E_BODY_TOO_LARGE', error: reasonOf(413), message };
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      body = {
        statusCode: err.statusCode,
        code: err.code ?? 'E_REQUEST',
        error: reasonOf(err.statusCode),
        message: err.message,
      };
    } else {
      req.log.error({ err }, 'request failed');
      body = {
        statusCode: 500,
        code: 'E_INTERNAL',
        error: 'Internal Server Error',
        message: 'the server could not answer this request',
      };
    }
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      statusCode: 404,
      code: 'E_NOT_FOUND',
      error: 'Not Found',
      message: `no route for ${req.method} ${req.url.split('?')[0]}`,
    });
  });
}

function reasonOf(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
      500: 'Internal Server Error',
      502: 'Bad Gateway',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  );
}
