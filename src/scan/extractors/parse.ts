import { type ErrorLocation, NswgError } from '../../errors.js';
import { parseJsonOr } from '../../util/json-syntax.js';

/** A parse error located in `file` (and at `line` when the parser says). */
export function parseError(
  file: string,
  message: string,
  where: Omit<ErrorLocation, 'file'> = {},
): NswgError {
  return new NswgError('E_LOCKFILE_PARSE', message, { file, ...where });
}

/** The 1-based line of character offset `pos` in `text`. */
export function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** JSON.parse with E_LOCKFILE_PARSE naming the file, the line and what is wrong there. */
export function parseJson(file: string, text: string): unknown {
  return parseJsonOr(text, (why, line) => parseError(file, `not valid JSON: ${why}`, line ? { line } : {}));
}

/**
 * JSONC as bun writes it: JSON with comments and trailing commas. Comments and trailing commas become
 * spaces, so a JSON.parse position still points into the original text.
 */
export function parseJsonc(file: string, text: string): unknown {
  const parts: string[] = [];
  let last = 0;
  const blank = (from: number, to: number): void => {
    parts.push(text.slice(last, from), to - from === 1 ? ' ' : text.slice(from, to).replace(/[^\n]/g, ' '));
    last = to;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      const to = end === -1 ? text.length : end;
      blank(i, to);
      i = to - 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      const to = end === -1 ? text.length : end + 2;
      blank(i, to);
      i = to - 1;
    } else if (c === 44 /* , */) {
      let j = i + 1;
      for (let w = text.charCodeAt(j); w === 32 || w === 10 || w === 13 || w === 9; w = text.charCodeAt(++j));
      const next = text.charCodeAt(j);
      if (next === 125 /* } */ || next === 93 /* ] */) blank(i, i + 1);
    }
  }
  if (parts.length === 0) return parseJson(file, text);
  parts.push(text.slice(last));
  return parseJson(file, parts.join(''));
}

/** A plain object (not an array, not null), or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A name → string map, such as `dependencies`; anything else is empty. */
export function asDeps(value: unknown): Record<string, string> {
  return (asObject(value) ?? {}) as Record<string, string>;
}

/**
 * A value of a parsed file as text, for keys and messages: strings as they are, anything else as
 * JSON (String() would call a `toString` the file itself may define, and throw).
 */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}
