import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonc } from '../../../src/scan/extractors/parse.js';
import { rejection } from './helpers.js';

describe('JSON and JSONC', () => {
  it("finds the line of a JSON error from V8's context when it gives no position", async () => {
    const text = '[\n  "aaaaaaaaaaaaaaaaaaaaaaa",\nxyz,\n  "bbbbbbbbbbbbbbbbbbbbbbbbbb"\n]\n';
    const e = await rejection(Promise.resolve().then(() => parseJson('f.json', text)));
    expect(e).toMatchObject({ code: 'E_LOCKFILE_PARSE', file: 'f.json', line: 3 });
    const cut = await rejection(Promise.resolve().then(() => parseJson('f.json', '{\n  "a": [\n')));
    expect(cut).toMatchObject({ line: 3 });
    expect(cut.message).toContain('truncated');
  });

  it('reads JSONC without touching strings that look like comments or commas', () => {
    const text = '{\n  // a comment\n  "url": "http://x/*y*/, }",\n  /* block\n */ "list": [1, 2,],\n}\n';
    expect(parseJsonc('f.lock', text)).toEqual({ url: 'http://x/*y*/, }', list: [1, 2] });
  });
});
