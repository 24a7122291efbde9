import type { TSchema } from '@sinclair/typebox';
import { httpError } from './http-error.js';

/** What one JSON request body of a route may hold. */
export interface JsonLimits {
  /** Bytes, raw and inflated alike (an uncompressed body is its own inflated body). */
  bytes: number;
  /** JSON values: every object, array, string (an object's keys included), number, true, false and null. */
  values: number;
  /** Objects and arrays open at once. */
  depth: number;
  /** What the limits are sized for, in the message of a refusal (e.g. "sized for 1000 queries"). */
  reason?: string;
}

/**
 * The limits of JSON bodies on routes without their own: the disclosure API, single queries. The
 * largest legitimate one, a report at every field's limit, is about 330 KB in ASCII (960 KB in
 * three-byte characters) and holds under 100 values; 10,000 values leave room for fields the
 * schemas ignore, and cost at most about 650 KB of heap to parse (~65 bytes for an empty object).
 */
export const SMALL_JSON: JsonLimits = { bytes: 1024 * 1024, values: 10_000, depth: 32 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The end of a refusal's message: whose limit it is and what it is sized for. */
export const limitNote = (limits: JsonLimits): string =>
  `(the limit of this route${limits.reason ? `, ${limits.reason}` : ''})`;

function tooLarge(message: string, limits: JsonLimits): Error {
  return httpError(413, 'E_BODY_TOO_LARGE', `the request body ${message} ${limitNote(limits)}`);
}

/**
 * Counts the values and the nesting of a JSON text in one pass over its bytes and refuses it with
 * 413 as soon as either passes the limits, before JSON.parse builds anything: a body within the
 * byte limit can still hold hundreds of thousands of tiny values (`[{},{},…]` is 3 bytes an
 * object, about 65 bytes of heap once parsed). Strings are skipped with a native search for the
 * closing quote. Invalid JSON is counted as far as it goes, and left to the parser to refuse.
 */
export function checkJsonLimits(buf: Buffer, limits: JsonLimits): void {
  const n = buf.length;
  const maxValues = limits.values;
  const maxDepth = limits.depth;
  let values = 0;
  let depth = 0;
  // inside a number or literal (true, false, null): its first byte has been counted
  let inScalar = false;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      inScalar = false;
      if (++values > maxValues) break;
      let end = buf.indexOf(QUOTE, i + 1);
      // a quote after an odd number of backslashes is escaped: search on
      while (end !== -1) {
        let k = end - 1;
        while (buf[k] === BACKSLASH) k--;
        if ((end - 1 - k) % 2 === 0) break;
        end = buf.indexOf(QUOTE, end + 1);
      }
      if (end === -1) return;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      inScalar = false;
      if (++values > maxValues) break;
      if (++depth > maxDepth) throw tooLarge(`nests deeper than ${maxDepth} levels`, limits);
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      inScalar = false;
    } else if (c === 0x2c || c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      inScalar = false;
    } else if (!inScalar) {
      inScalar = true;
      if (++values > maxValues) break;
    }
  }
  if (values > maxValues) throw tooLarge(`holds more than ${maxValues} JSON values`, limits);
}

/** The bytes, values and depth of the largest JSON text a schema accepts (see largestOf). */
interface Extent {
  bytes: number;
  values: number;
  depth: number;
}

/**
 * The extent of the largest instance of a TypeBox schema: every optional property present, every
 * string at its maxLength, every array at its maxItems, in compact JSON with one byte a character.
 * Only what bounded request schemas use is known; anything else is a programming error.
 */
export function largestOf(schema: TSchema): Extent {
  switch (schema.type) {
    case 'string': {
      if (typeof schema.maxLength !== 'number') throw new Error('a string without maxLength has no largest');
      return { bytes: schema.maxLength + 2, values: 1, depth: 0 };
    }
    case 'array': {
      if (typeof schema.maxItems !== 'number') throw new Error('an array without maxItems has no largest');
      const item = largestOf(schema.items as TSchema);
      const n = schema.maxItems;
      return {
        bytes: 2 + n * item.bytes + Math.max(0, n - 1),
        values: 1 + n * item.values,
        depth: 1 + item.depth,
      };
    }
    case 'object': {
      const props = Object.entries((schema.properties ?? {}) as Record<string, TSchema>);
      const out = { bytes: 2 + Math.max(0, props.length - 1), values: 1, depth: 1 };
      for (const [key, value] of props) {
        const v = largestOf(value);
        out.bytes += JSON.stringify(key).length + 1 + v.bytes;
        out.values += 1 + v.values;
        out.depth = Math.max(out.depth, 1 + v.depth);
      }
      return out;
    }
    default:
      throw new Error(`no largest instance for a schema of type ${String(schema.type)}`);
  }
}

/**
 * Limits for a route whose body schema is bounded: its largest instance with a margin, a quarter
 * more bytes (the indentation of a pretty-printer) and twice the values (fields the schema lets
 * through and ignores), and two more levels.
 */
export function limitsOfLargest(schema: TSchema, reason: string): JsonLimits {
  const largest = largestOf(schema);
  return {
    bytes: Math.ceil(largest.bytes * 1.25),
    values: largest.values * 2,
    depth: largest.depth + 2,
    reason,
  };
}
