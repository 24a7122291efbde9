import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { isNswgError, type NswgError } from '../../../src/errors.js';
import type { InstalledPackage, LockfileContents } from '../../../src/scan/types.js';
import { ROOT, readJson, SHARED } from '../../helpers/shared.js';

/** The lockfiles we made with the real package managers (see the README there). */
export const LOCKFILES = join(ROOT, 'test', 'fixtures', 'lockfiles');
/** The Working Group's projects with known answers. */
export const FIXTURES = join(SHARED, 'fixtures');

/** `name@version` of every package, as a set. */
export function pairs(c: LockfileContents): Set<string> {
  return new Set(c.packages.map((p) => `${p.name}@${p.version}`));
}

/** The `{name, version, dev}` triples of a result, sorted and unique, in expected-packages.json's form. */
export function triples(c: LockfileContents): { name: string; version: string; dev: boolean }[] {
  const seen = new Map<string, { name: string; version: string; dev: boolean }>();
  for (const p of c.packages)
    seen.set(`${p.name}@${p.version}@${p.dev}`, { name: p.name, version: p.version, dev: p.dev });
  return [...seen.values()].sort((a, b) =>
    a.name === b.name ? cmp(a.version, b.version) : cmp(a.name, b.name),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The expected-packages.json of one of our fixtures. */
export function expectedPackages(fixture: string): { name: string; version: string; dev: boolean }[] {
  return readJson(join(LOCKFILES, fixture, 'expected-packages.json'));
}

/** Every `{name, version}` of a shared fixture's expected.json. */
export function expectedFindings(fixture: string): string[] {
  return readJson<{ name: string; version: string }[]>(join(FIXTURES, fixture, 'expected.json')).map(
    (f) => `${f.name}@${f.version}`,
  );
}

/** The one package with this name and version (fails the test when there is not exactly one). */
export function only(c: LockfileContents, name: string, version: string): InstalledPackage {
  const found = c.packages.filter((p) => p.name === name && p.version === version);
  expect(found, `${name}@${version}`).toHaveLength(1);
  return found[0]!;
}

/** The flags of a package as one word, for compact comparisons. */
export function flags(p: InstalledPackage): string {
  return [p.dev && 'dev', p.optional && 'optional', p.devOptional && 'devOptional', p.peer && 'peer']
    .filter(Boolean)
    .join(',');
}

const temps: string[] = [];

/** A throw-away project folder with these files (paths relative to it); removed by `removeTemps`. */
export async function tempProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nswg-extractors-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** Removes the folders tempProject made. */
export async function removeTemps(): Promise<void> {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** The NswgError a promise rejects with (fails the test if it resolves or rejects with anything else). */
export async function rejection(p: Promise<unknown>): Promise<NswgError> {
  try {
    await p;
  } catch (e) {
    if (isNswgError(e)) return e;
    throw new Error(`expected an NswgError, got ${String(e)}`);
  }
  throw new Error('expected an NswgError, but it succeeded');
}

/** Checks an error's code and that its description names the file (and line / field when given). */
export function expectError(
  e: NswgError,
  code: string,
  where: { file: string; line?: number; field?: string; mentions?: string },
): void {
  expect(e.code).toBe(code);
  expect(e.file).toBe(where.file);
  expect(e.describe()).toContain(where.file);
  if (where.line !== undefined) {
    expect(e.line).toBe(where.line);
    expect(e.describe()).toContain(`${where.file}:${where.line}`);
  }
  if (where.field !== undefined) expect(e.field).toBe(where.field);
  if (where.mentions !== undefined) expect(e.describe()).toContain(where.mentions);
  expect(e.describe()).not.toMatch(/\n\s+at /); // never a stack trace
}

/**
 * Flags that differ between two results, for the packages installed once in each. The same package.json
 * installed by npm and by another manager must come out the same, but where the trees really differ.
 */
export function flagDifferences(npm: LockfileContents, other: LockfileContents): string[] {
  const once = (c: LockfileContents) => {
    const m = new Map<string, string | null>();
    for (const p of c.packages) {
      const k = `${p.name}@${p.version}`;
      m.set(k, m.has(k) ? null : `${flags(p)} ${p.workspaces.join(' ')}`);
    }
    return m;
  };
  const a = once(npm);
  const out: string[] = [];
  let compared = 0;
  for (const [k, f] of once(other)) {
    const g = a.get(k);
    if (f === null || g === null || g === undefined) continue;
    compared++;
    if (f !== g) out.push(`${k}: npm "${g}", here "${f}"`);
  }
  expect(compared).toBeGreaterThan(90);
  return out;
}
