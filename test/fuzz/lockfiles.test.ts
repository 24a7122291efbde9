// Property-based tests of every lockfile reader: random text and real lockfiles with broken fields
// either read (each package a name and a version, as strings) or fail with one NswgError naming the
// file, never another exception.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { isNswgError } from '../../src/errors.js';
import { extractLockfileText, type ProjectFolder } from '../../src/scan/extractors/index.js';
import { FIXTURES } from '../helpers/server.js';
import { fuzzOptions, mutate, mutateText, mutation, textMutation } from './mutate.js';

const LOCAL = join(import.meta.dirname, '..', 'fixtures', 'lockfiles');
const DIR = '/project';

/** The package.json files of a fixture folder, as an in-memory project folder rooted at DIR. */
function folderOf(fixture: string): ProjectFolder {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (e === 'node_modules') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'package.json') files.set(join(DIR, relative(fixture, p)), readFileSync(p, 'utf8'));
    }
  };
  walk(fixture);
  return {
    readText: async (path) => files.get(path) ?? null,
    listFolders: async (path) => {
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const out = new Set<string>();
      for (const f of files.keys())
        if (f.startsWith(prefix)) {
          const rest = f.slice(prefix.length).split('/');
          if (rest.length > 1) out.add(rest[0]!);
        }
      return [...out];
    },
  };
}

interface Case {
  label: string;
  name: string;
  text: string;
  folder: ProjectFolder;
  kind: 'json' | 'yaml' | 'text';
}

const at = (dir: string, name: string, label: string, kind: Case['kind']): Case => ({
  label,
  name,
  text: readFileSync(join(dir, name), 'utf8'),
  folder: folderOf(dir),
  kind,
});

const CASES: Case[] = [
  at(join(FIXTURES, 'vuln-direct-npm-v1'), 'package-lock.json', 'npm v1', 'json'),
  at(join(FIXTURES, 'vuln-direct-npm-v2'), 'package-lock.json', 'npm v2', 'json'),
  at(join(FIXTURES, 'vuln-direct-npm'), 'package-lock.json', 'npm v3', 'json'),
  at(join(FIXTURES, 'workspaces-npm'), 'package-lock.json', 'npm v3 workspaces', 'json'),
  at(join(LOCAL, 'npm-shrinkwrap'), 'npm-shrinkwrap.json', 'npm shrinkwrap', 'json'),
  at(join(FIXTURES, 'vuln-direct-yarn'), 'yarn.lock', 'yarn 1', 'text'),
  at(join(FIXTURES, 'workspaces-yarn'), 'yarn.lock', 'yarn 1 workspaces', 'text'),
  at(join(LOCAL, 'yarn-berry'), 'yarn.lock', 'yarn berry', 'yaml'),
  at(join(LOCAL, 'yarn-berry-workspaces'), 'yarn.lock', 'yarn berry workspaces', 'yaml'),
  at(join(LOCAL, 'pnpm-v5'), 'pnpm-lock.yaml', 'pnpm v5', 'yaml'),
  at(join(LOCAL, 'pnpm-v6'), 'pnpm-lock.yaml', 'pnpm v6', 'yaml'),
  at(join(LOCAL, 'pnpm-v9'), 'pnpm-lock.yaml', 'pnpm v9', 'yaml'),
  at(join(LOCAL, 'pnpm-v9-workspaces'), 'pnpm-lock.yaml', 'pnpm v9 workspaces', 'yaml'),
  at(join(LOCAL, 'bun'), 'bun.lock', 'bun', 'json'),
  at(join(LOCAL, 'bun-workspaces'), 'bun.lock', 'bun workspaces', 'json'),
  at(join(LOCAL, 'cyclonedx'), 'sbom.json', 'CycloneDX', 'json'),
  at(join(LOCAL, 'cyclonedx-workspaces'), 'sbom.json', 'CycloneDX workspaces', 'json'),
];

/** Reads a lockfile text; asserts the outcome is a sound result or an NswgError naming the file. */
async function readsOrRefuses(c: Case, text: string): Promise<void> {
  const file = join(DIR, c.name);
  let got: Awaited<ReturnType<typeof extractLockfileText>>;
  try {
    got = await extractLockfileText(file, text, c.folder);
  } catch (e) {
    if (!isNswgError(e)) throw new Error(`${c.label}: not an NswgError: ${(e as Error)?.stack ?? e}`);
    expect(e.code, c.label).toMatch(/^E_[A-Z_]+$/);
    expect(e.message.length, c.label).toBeGreaterThan(0);
    expect(e.file, `${c.label}: ${e.message}`).toBeDefined();
    return;
  }
  expect(Array.isArray(got.packages), c.label).toBe(true);
  for (const p of got.packages) {
    expect(typeof p.name, `${c.label}: ${JSON.stringify(p)}`).toBe('string');
    expect(typeof p.version, `${c.label}: ${JSON.stringify(p)}`).toBe('string');
    expect(typeof p.location, `${c.label}: ${JSON.stringify(p)}`).toBe('string');
  }
}

/** The fixture's text with its parsed structure mutated, written back in its own syntax. */
function mutated(c: Case, muts: Parameters<typeof mutate>[1]): string {
  if (c.kind === 'json') {
    const doc = c.name === 'bun.lock' ? JSON.parse(c.text.replace(/,(\s*[}\]])/g, '$1')) : JSON.parse(c.text);
    return JSON.stringify(mutate(doc, muts), null, 2) ?? 'null';
  }
  const doc = yamlParse(c.text, { maxAliasCount: -1 });
  const head = c.name === 'yarn.lock' ? '# yarn berry\n__metadata:\n  version: 6\n' : '';
  return head + yamlStringify(mutate(doc, muts) ?? null, { aliasDuplicateObjects: false });
}

describe('every lockfile reader, on bad input', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: its fixture reads', async (_l, c) => {
    const got = await extractLockfileText(join(DIR, c.name), c.text, c.folder);
    expect(got.packages.length).toBeGreaterThan(0);
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s: random text reads or is refused', async (_l, c) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ maxLength: 100, unit: 'binary' }),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 100 }).map((s) => `${c.text.slice(0, 200)}${s}`),
        ),
        (text) => readsOrRefuses(c, text),
      ),
      fuzzOptions(25),
    );
  });

  it.each(CASES.filter((c) => c.kind !== 'text').map((c) => [c.label, c] as const))(
    '%s: the fixture with broken fields reads or is refused',
    async (_l, c) => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) =>
          readsOrRefuses(c, mutated(c, muts)),
        ),
        fuzzOptions(20),
      );
    },
  );

  it.each(CASES.filter((c) => c.kind !== 'json').map((c) => [c.label, c] as const))(
    '%s: the fixture with broken lines reads or is refused',
    async (_l, c) => {
      await fc.assert(
        fc.asyncProperty(fc.array(textMutation, { minLength: 1, maxLength: 5 }), (muts) =>
          readsOrRefuses(c, mutateText(c.text, muts)),
        ),
        fuzzOptions(20),
      );
    },
  );
});
