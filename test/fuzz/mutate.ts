// Structure-aware mutation of real inputs for the property-based tests: a parsed fixture (JSON or
// YAML) with some of its values replaced by wrong types, deep nesting, huge strings, prototype keys
// and bad versions, so the parsers meet input that looks real up to the broken field.
import fc from 'fast-check';

/** The seed of every property of the fuzz tests: fixed, so a failure reproduces; NSWG_FUZZ_SEED overrides. */
export const SEED = Number(process.env.NSWG_FUZZ_SEED ?? 20261205);
/** Runs per property, scaled by NSWG_FUZZ_SCALE (e.g. 10 for a longer hunt). */
export const runs = (n: number): number =>
  Math.max(1, Math.round(n * Number(process.env.NSWG_FUZZ_SCALE ?? 1)));
/** fast-check's options for a property of `n` runs. */
export const fuzzOptions = (n: number) => ({ numRuns: runs(n), seed: SEED, endOnFailure: true });

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

/** Nests `v` `depth` times in arrays or objects. */
const nest = (depth: number, asArray: boolean): unknown => {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
};

/** A value of the wrong kind for wherever it lands. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    '*',
    '../../etc/passwd',
    'not-a-version',
    '1.2',
    '1.2.3.4',
    '>=x <y',
    '^^1',
    '1.0.0 - ',
    '||',
    'npm:',
    'npm:@/@',
    'workspace:*',
    'file:../x',
    'git+ssh://',
    'link:',
    '@',
    '@scope/',
    'sha512-',
    '\u0000',
    'é\u202e\ud83d\ude00',
    [],
    {},
    [null],
    { __proto__: null },
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(...PROTO_KEYS),
  fc.integer({ min: 1, max: 400 }).map((n) => 'x'.repeat(n * 250)),
  fc.tuple(fc.integer({ min: 50, max: 400 }), fc.boolean()).map(([d, a]) => nest(d, a)),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS)),
    fc.string({ maxLength: 8 }),
    {
      maxKeys: 4,
    },
  ),
);

/** Sets `obj[key] = value` as an own, enumerable property (`__proto__` included, as JSON.parse makes it). */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every object or array inside `v` (itself included), with its path. */
function containers(v: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (v && typeof v === 'object' && depth < 12) {
    out.push(v);
    for (const x of Object.values(v)) containers(x, out, depth + 1);
  }
  return out;
}

/** One mutation: which container (by index, modulo their number), which of its keys, and what to do. */
export interface Mutation {
  at: number;
  key: number;
  op: 'replace' | 'delete' | 'add' | 'proto';
  value: unknown;
  name: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom<Mutation['op'][]>('replace', 'replace', 'replace', 'delete', 'add', 'proto'),
  value: badValue,
  name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...PROTO_KEYS)),
});

/** A deep copy of `doc` with the mutations applied. */
export function mutate(doc: unknown, muts: readonly Mutation[]): unknown {
  const copy = structuredClone(doc) as unknown;
  let root: unknown = copy;
  for (const m of muts) {
    const all = containers(root);
    if (all.length === 0) return m.value;
    const target = all[m.at % all.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = keys.length ? keys[m.key % keys.length]! : m.name;
    if (Array.isArray(target)) {
      // arrays keep to indices (JSON has no other keys on them)
      const i = m.key % (target.length || 1);
      if (m.op === 'replace' && target.length) target[i] = m.value;
      else if (m.op === 'delete') target.splice(i, 1);
      else target.push(m.value);
    } else if (m.op === 'replace') {
      if (target === root && keys.length === 0) root = m.value;
      else put(target, key, m.value);
    } else if (m.op === 'delete') {
      delete target[key];
    } else if (m.op === 'add') put(target, m.name, m.value);
    else put(target, PROTO_KEYS[m.key % PROTO_KEYS.length]!, m.value);
  }
  return root;
}

/** Text mutations for formats with no structure to lean on: lines dropped, repeated, spliced or replaced. */
/** One line-level mutation of a text. */
export interface TextMutation {
  at: number;
  op: 'drop' | 'repeat' | 'splice' | 'replace' | 'truncate' | 'indent';
  text: string;
}

export const textMutation: fc.Arbitrary<TextMutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('drop', 'repeat', 'splice', 'replace', 'truncate', 'indent'),
  text: fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 30, unit: 'binary' }),
    fc.constantFrom(
      '  version "not a version"',
      '  resolution: "@@npm:"',
      '"__proto__@^1.0.0":',
      '  dependencies:\n    constructor "*"',
      'packages:\n  /:\n    resolution: {}',
      '  version: [1, 2]',
      '\t\t\t',
      ':',
      '- - -',
      '&a [*a, *a, *a]',
      '!!js/function "x"',
      '"',
    ),
  ),
});

/** `text` with the line-level mutations applied. */
export function mutateText(text: string, muts: readonly TextMutation[]): string {
  const lines = text.split('\n');
  for (const m of muts) {
    const i = lines.length ? m.at % lines.length : 0;
    if (m.op === 'drop') lines.splice(i, 1);
    else if (m.op === 'repeat') lines.splice(i, 0, lines[i] ?? '');
    else if (m.op === 'splice') lines.splice(i, 0, m.text);
    else if (m.op === 'replace') lines[i] = m.text;
    else if (m.op === 'truncate') lines[i] = (lines[i] ?? '').slice(0, m.at % 17);
    else lines[i] = `  ${lines[i] ?? ''}`;
  }
  return lines.join('\n');
}
