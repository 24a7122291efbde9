import type { LockfileFormat } from '../types.js';

/** Where a format's package entries start: text before it (importers, workspaces) is not searched. */
const SECTION: Partial<Record<LockfileFormat, RegExp>> = {
  'npm-v2': /^ {2}"packages": \{/m,
  'npm-v3': /^ {2}"packages": \{/m,
  bun: /^ {2}"packages": \{/m,
  'pnpm-v5': /^packages:/m,
  'pnpm-v6': /^packages:/m,
  'pnpm-v9': /^packages:/m,
};

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The offset of the first line that is a key starting with `key`: the line, without indentation and
 * an opening quote, begins with it and goes on with a closing quote, `:` or `,` (yarn and pnpm keys,
 * package-lock `packages` keys, bun keys).
 */
function findKey(text: string, key: string, from: number): number {
  for (let start = from; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    let i = start;
    while (i < stop && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] === '"' || text[i] === "'") i++;
    if (text.startsWith(key, i)) {
      let j = i + key.length;
      if (text[j] === '"' || text[j] === "'") j++;
      if (text[j] === ':' || text[j] === ',') return start;
    }
    if (end === -1) break;
    start = end + 1;
  }
  return -1;
}

/** npm lockfile v1: nested `dependencies`, each level indented four more spaces than its parent. */
function findNested(text: string, location: string): number {
  const names = location.split(/(?:^|\/)node_modules\//).filter(Boolean);
  let at = 0;
  for (const [depth, name] of names.entries()) {
    const needle = `\n${' '.repeat(4 + 4 * depth)}${JSON.stringify(name)}: {`;
    const found = text.indexOf(needle, at);
    if (found === -1) return -1;
    at = found + 1;
  }
  return names.length ? at : -1;
}

/**
 * The line of an installed package's entry in its lockfile, found from its location (a
 * `node_modules/…` path or a lockfile key); null when it cannot be found cheaply.
 */
export function lockfileLine(text: string, format: string, location: string): number | null {
  let offset: number;
  if (format === 'npm-v1') offset = findNested(text, location);
  else if (format === 'node_modules' || format === 'cyclonedx') return null;
  else {
    const section = SECTION[format as LockfileFormat]?.exec(text);
    const key = format.startsWith('yarn') ? (location.split(', ')[0] ?? location) : location;
    offset = key ? findKey(text, key, section ? section.index : 0) : -1;
  }
  return offset === -1 ? null : lineAt(text, offset);
}
