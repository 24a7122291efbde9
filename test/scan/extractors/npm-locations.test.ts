import { describe, expect, it } from 'vitest';
import { resolveLoc } from '../../../src/scan/extractors/npm-locations.js';

describe('npm locations', () => {
  it("resolves like node's module lookup", () => {
    const have = new Set([
      'node_modules/a',
      'node_modules/a/node_modules/b',
      'node_modules/b',
      'packages/x/node_modules/b',
    ]);
    const has = (l: string) => have.has(l);
    expect(resolveLoc('node_modules/a', 'b', has)).toBe('node_modules/a/node_modules/b');
    expect(resolveLoc('node_modules/a/node_modules/b', 'a', has)).toBe('node_modules/a');
    expect(resolveLoc('packages/x', 'b', has)).toBe('packages/x/node_modules/b');
    expect(resolveLoc('packages/x', 'a', has)).toBe('node_modules/a');
    expect(resolveLoc('', 'c', has)).toBeUndefined();
  });
});
