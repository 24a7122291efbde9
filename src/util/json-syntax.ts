/**
 * Where JSON text stops being valid: the offset, line and column of the first syntax error, or
 * null when the text is valid. Node.js 20's JSON.parse messages do not always carry a position,
 * so bad-input errors find it with this scanner (run only after JSON.parse has failed).
 */
export function jsonSyntaxError(
  text: string,
): { offset: number; line: number; column: number; reason: string } | null {
  let i = 0;
  const n = text.length;
  const fail = (reason: string): never => {
    throw { offset: Math.min(i, n), reason };
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe(text[i])}`);
  };
  const string = () => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        i++;
        if (i >= n) break;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape in a string');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i]!)) i++;
        else fail(`bad escape \\${text[i]} in a string`);
        continue;
      }
      if (c < 32) fail('a control character (such as a line break) inside a string');
      i++;
    }
    fail('the file ends inside a string');
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m?.[0] || m[0] === '-') fail(`unexpected ${describe(text[i])}`);
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 5000) fail('nested too deeply');
    ws();
    if (i >= n) fail('the JSON ends too early (truncated file?)');
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= n) fail('the JSON ends too early (truncated file?)');
        if (text[i] !== '"') fail(`expected a "quoted" key, found ${describe(text[i])}`);
        string();
        ws();
        if (i >= n) fail('the JSON ends too early (truncated file?)');
        if (text[i] !== ':') fail(`expected ":" after the key, found ${describe(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (i >= n) fail('the JSON ends too early (truncated file?)');
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}", found ${describe(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (i >= n) fail('the JSON ends too early (truncated file?)');
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]", found ${describe(text[i])}`);
      }
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < n) fail(`unexpected ${describe(text[i])} after the end of the JSON value`);
    return null;
  } catch (e) {
    const { offset, reason } = e as { offset: number; reason: string };
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { offset, line, column: offset - before.lastIndexOf('\n'), reason };
  }
}

/**
 * JSON.parse for input that came from someone: a syntax error becomes the error `fail` makes from
 * what is wrong (the reason with its line and column, when the scanner finds them) and the line.
 */
export function parseJsonOr(text: string, fail: (why: string, line?: number) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonSyntaxError(text);
    if (!at) throw fail((e as Error).message);
    throw fail(`${at.reason} (line ${at.line}, column ${at.column})`, at.line);
  }
}

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the file';
  return JSON.stringify(c);
}
