import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, parseJsonOr } from '../../src/util/json-syntax.js';

const parses = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

describe('locating JSON syntax errors', () => {
  it('agrees with JSON.parse on what is valid, for generated and damaged documents', () => {
    fc.assert(
      fc.property(
        fc.json(),
        fc.nat(),
        fc.constantFrom('cut', 'insert', 'delete', 'none'),
        fc.string({ minLength: 1, maxLength: 1 }),
        (json, at, how, ch) => {
          const pos = json.length ? at % json.length : 0;
          const text =
            how === 'cut'
              ? json.slice(0, pos)
              : how === 'insert'
                ? json.slice(0, pos) + ch + json.slice(pos)
                : how === 'delete'
                  ? json.slice(0, pos) + json.slice(pos + 1)
                  : json;
          expect(jsonSyntaxError(text) === null).toBe(parses(text));
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('names the line and column of the error', () => {
    expect(jsonSyntaxError('{\n  "a": 1,\n  "b": oops\n}')).toMatchObject({
      line: 3,
      column: 8,
      reason: 'unexpected "o"',
    });
    expect(jsonSyntaxError('{"a": [1, 2')).toMatchObject({
      line: 1,
      reason: 'the JSON ends too early (truncated file?)',
    });
    expect(jsonSyntaxError('{"a": 1,}')).toMatchObject({ reason: 'expected a "quoted" key, found "}"' });
  });

  it('parses, or hands the reason with its line and column to the caller', () => {
    const fail = (why: string, line?: number) => Object.assign(new Error(why), { line });
    expect(parseJsonOr('{"a": [1]}', fail)).toEqual({ a: [1] });
    expect(() => parseJsonOr('{\n  "a": 1,\n  "b": oops\n}', fail)).toThrow(
      expect.objectContaining({ message: 'unexpected "o" (line 3, column 8)', line: 3 }),
    );
  });
});
