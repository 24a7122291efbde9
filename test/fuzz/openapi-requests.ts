// Requests made from the server's own OpenAPI document: for each operation, bodies and parameters
// shaped as its schemas say, and broken ones (wrong types, missing and unknown fields, huge values,
// prototype keys, other people's ids, `../`, unicode), for the API fuzz test.
import fc from 'fast-check';
import { badValue, mutate, mutation } from './mutate.js';

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema of the document, read loosely
type Schema = any;

/** One operation of the document. */
export interface Operation {
  method: string;
  path: string;
  params: { in: 'path' | 'query'; name: string; required: boolean; schema: Schema }[];
  body: Schema | null;
}

/** Every operation of an OpenAPI document (components' $refs resolved). */
export function operations(doc: Schema): Operation[] {
  const resolve = (s: Schema, depth = 0): Schema => {
    if (!s || typeof s !== 'object' || depth > 20) return s;
    if (typeof s.$ref === 'string') {
      const name = s.$ref.split('/').pop();
      return resolve(doc.components?.schemas?.[name] ?? {}, depth + 1);
    }
    if (Array.isArray(s)) return s.map((x) => resolve(x, depth + 1));
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, resolve(v, depth + 1)]));
  };
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries<Schema>(doc.paths))
    for (const [method, op] of Object.entries<Schema>(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: Schema) => ({
          in: p.in,
          name: p.name,
          required: Boolean(p.required),
          schema: resolve(p.schema ?? {}),
        })),
        body: op.requestBody?.content?.['application/json']?.schema
          ? resolve(op.requestBody.content['application/json'].schema)
          : null,
      });
    }
  return out;
}

const WORDS = ['npm', 'core', 'name', 'handle', 'anonymous', 'lodash', 'http', 'CWE-79', 'reports:read'];

/** A value shaped as `s` says (enums, types, lengths roughly), `depth` bounding recursion. */
export function shapedValue(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (!s || typeof s !== 'object' || depth > 5) return fc.constant(null);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length)
    return fc.oneof(...alts.map((a: Schema) => shapedValue(a, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'date-time')
        return fc.constantFrom('2026-06-01T00:00:00Z', '2030-01-01T00:00:00.000Z');
      if (s.format === 'date') return fc.constantFrom('2026-06-01', '2026-02-30');
      if (s.format === 'email') return fc.constantFrom('someone@example.org', 'triage@example.org');
      const max = Math.min(s.maxLength ?? 60, 60);
      const min = Math.min(s.minLength ?? 0, max);
      return fc.oneof(
        fc.string({ minLength: min, maxLength: max }),
        fc.constantFrom(...WORDS).filter((w) => w.length >= min && w.length <= max),
      );
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(shapedValue(s.items ?? {}, depth + 1), {
        minLength: Math.min(s.minItems ?? 0, 3),
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    default: {
      const props = Object.entries<Schema>(s.properties ?? {});
      if (!props.length) return type === 'object' ? fc.constant({}) : fc.constant(null);
      const required = new Set<string>(s.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, shapedValue(v, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      });
    }
  }
}

/** A path parameter: a real id of the fixtures, or a broken one. */
export const pathValue = (real: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..',
        '../../etc/passwd',
        '%2e%2e%2f',
        'x'.repeat(5000),
        '0',
        '-1',
        '99999999999999999999',
        'null',
        '__proto__',
        'constructor',
        'é\u202e😀',
        '%00',
        "' OR 1=1 --",
        '00000000-0000-0000-0000-000000000000',
      ),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  );

/** A query string for the operation's query parameters, values shaped or not. */
export function queryOf(op: Operation): fc.Arbitrary<Record<string, string>> {
  const qs = op.params.filter((p) => p.in === 'query');
  if (!qs.length) return fc.constant({});
  return fc.record(
    Object.fromEntries(
      qs.map((p) => [
        p.name,
        fc.oneof(
          shapedValue(p.schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
          fc.constantFrom('', 'x'.repeat(3000), '-1', '1e400', 'true', '[]', '__proto__'),
        ),
      ]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string>>;
}

/** A body shaped as the schema says, then broken by a few mutations. */
export const brokenBody = (schema: Schema): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc
      .tuple(shapedValue(schema), fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([v, m]) => mutate(v, m)),
    badValue,
  );

/** Raw bodies that are not what the content type says, or too much of it. */
export const rawBody = fc.oneof(
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"admin":true}}', '\u0000'),
  fc.string({ maxLength: 50 }),
  fc.integer({ min: 10, max: 60 }).map((n) => '['.repeat(n * 10) + ']'.repeat(n * 10)),
);
