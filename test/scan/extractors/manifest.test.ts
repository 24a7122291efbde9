import { describe, expect, it } from 'vitest';
import { parseAliasSpec, splitIdent } from '../../../src/scan/extractors/manifest.js';

describe('specs and identifiers', () => {
  it('parses npm: aliases and name@version identifiers', () => {
    expect(parseAliasSpec('npm:jquery@3.0.0-rc1')).toEqual({ name: 'jquery', range: '3.0.0-rc1' });
    expect(parseAliasSpec('npm:@babel/core@^7.0.0')).toEqual({ name: '@babel/core', range: '^7.0.0' });
    expect(parseAliasSpec('npm:lodash')).toEqual({ name: 'lodash', range: '*' });
    expect(parseAliasSpec('^1.0.0')).toBeNull();
    expect(splitIdent('@scope/name@1.2.3')).toEqual({ name: '@scope/name', version: '1.2.3' });
    expect(splitIdent('name@npm:other@1')).toEqual({ name: 'name', version: 'npm:other@1' });
    expect(splitIdent('@scope/name')).toBeNull();
  });
});
