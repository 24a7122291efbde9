import { createRequire } from 'node:module';
import type * as YarnLockfile from '@yarnpkg/lockfile';
import { DepGraph } from '../graph.js';
import type { LockfileContents } from '../types.js';
import { checkDirect, type Manifest, manifestEdges, parseAliasSpec, splitIdent } from './manifest.js';
import { asDeps, asObject, lineAt, parseError, textOf } from './parse.js';
import type { Project } from './project.js';

// Through require: the package is a CommonJS bundle whose default export differs between loaders.
const { parse } = createRequire(import.meta.url)('@yarnpkg/lockfile') as typeof YarnLockfile;
const YARN_POSITION = /(\d+):(\d+) in /;

/**
 * Reads a yarn v1 yarn.lock. The lockfile has no tree and no dependency kinds, so the root and
 * workspace package.json files say what is direct and what is dev; the rest is reachability.
 */
export async function extractYarnV1(file: string, text: string, project: Project): Promise<LockfileContents> {
  let object: Record<string, unknown>;
  const open = unterminatedString(text);
  // the yarn v1 tokenizer runs away (seconds, then "Invalid string length") on an unclosed quote
  if (open)
    throw parseError(file, 'not a valid yarn v1 lockfile: a string is not closed on its line', {
      line: open,
    });
  try {
    // the tokenizer reads a comment up to a newline and never stops at the end of the text
    const parsed = parse(text.endsWith('\n') ? text : `${text}\n`, file);
    if (parsed.type === 'conflict') throw new Error('unresolved merge conflict markers');
    object = parsed.object as unknown as Record<string, unknown>;
  } catch (e) {
    const message = (e as Error).message.replace(` in ${file}`, '');
    const at = YARN_POSITION.exec((e as Error).message);
    throw parseError(
      file,
      `not a valid yarn v1 lockfile: ${message}`,
      at ? { line: realLine(text, Number(at[1])) } : {},
    );
  }

  // One block of the file is one installed copy; each of its comma-separated keys names it.
  const blocks = new Map<Record<string, unknown>, string[]>();
  for (const [key, raw] of Object.entries(object)) {
    const e = asObject(raw);
    if (!e) throw parseError(file, `"${key}" is not an entry`, { field: key });
    const keys = blocks.get(e);
    if (keys) keys.push(key);
    else blocks.set(e, [key]);
  }

  const graph = new DepGraph();
  const ids = new Map<string, number>();
  for (const [e, keys] of blocks) {
    const first = keys[0]!;
    if (typeof e.version !== 'string' || e.version === '')
      throw parseError(file, `"${first}" has no version`, { field: first, line: lineOf(text, first) });
    const descriptor = splitIdent(first);
    const installName = descriptor?.name ?? first;
    const real = descriptor ? parseAliasSpec(descriptor.version) : null;
    const id = graph.addPackage({
      name: real?.name ?? installName,
      version: e.version,
      location: keys.join(', '),
      alias: installName,
    });
    for (const k of keys) ids.set(k, id);
  }

  // Workspaces are not in a v1 lockfile: they are the root package.json's globs.
  const wsIds = new Map<string, number>();
  const manifests: [number, string, Manifest][] = [];
  if (project.manifest) manifests.push([graph.root, '', project.manifest]);
  for (const path of await project.workspacePaths()) {
    const m = (await project.manifestAt(path))!;
    const id = graph.addWorkspace(path);
    if (typeof m.name === 'string') wsIds.set(m.name, id);
    manifests.push([id, path, m]);
  }
  const target = (name: string, range: string): number | undefined =>
    ids.get(`${name}@${range}`) ?? wsIds.get(name);

  for (const [e] of blocks) {
    const from = ids.get(blocks.get(e)![0]!)!;
    for (const [deps, type] of [
      [e.dependencies, 'prod'],
      [e.optionalDependencies, 'optional'],
    ] as const) {
      for (const [name, range] of Object.entries(asDeps(deps))) {
        const to = target(name, range);
        if (to !== undefined) graph.addEdge(from, to, name, type);
      }
    }
  }
  for (const [id, path, m] of manifests) {
    checkDirect(
      file,
      m,
      path ? `${path}/package.json` : 'package.json',
      (n, r) => target(n, r) !== undefined,
    );
    for (const [name, { spec, type }] of manifestEdges(m, true)) {
      const to = target(name, spec);
      if (to !== undefined) graph.addEdge(id, to, name, type);
    }
  }
  if (!project.manifest) {
    // Without package.json the root's dependencies are unknown: take the entries nothing depends on.
    const referenced = new Set<string>();
    for (const e of blocks.keys()) {
      for (const [n, r] of Object.entries(asDeps(e.dependencies))) referenced.add(`${n}@${textOf(r)}`);
      for (const [n, r] of Object.entries(asDeps(e.optionalDependencies)))
        referenced.add(`${n}@${textOf(r)}`);
    }
    const direct = new Set<number>();
    for (const [key, id] of ids) {
      if (referenced.has(key) || direct.has(id)) continue;
      direct.add(id);
      graph.addEdge(graph.root, id, splitIdent(key)?.name ?? key, 'prod');
    }
  }

  return {
    file,
    format: 'yarn-v1',
    rootName: typeof project.manifest?.name === 'string' ? project.manifest.name : null,
    workspaces: graph.workspacePaths(),
    packages: graph.toPackages(),
  };
}

/** The line of the block header that starts with `key` (for error messages only). */
function lineOf(text: string, key: string): number | undefined {
  for (const header of [`\n"${key}`, `\n${key}`]) {
    const at = text.indexOf(header);
    if (at !== -1) return lineAt(text, at + 1);
  }
  return undefined;
}

/** The file's line for a line number of yarn's tokenizer, which counts two newlines in a row as one. */
function realLine(text: string, yarnLine: number): number {
  let yarn = 1;
  let real = 1;
  for (let i = 0; i < text.length && yarn < yarnLine; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    yarn++;
    real++;
    if (text.charCodeAt(i + 1) === 10) {
      i++;
      if (c === 10) real++;
    }
  }
  return real;
}

/** The first line with an unclosed double-quoted string (yarn v1 strings never span lines), or 0. */
function unterminatedString(text: string): number {
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (inString) return line;
      line++;
    } else if (c === 92 && inString) i++;
    else if (c === 34) inString = !inString;
    else if (
      c === 35 &&
      !inString &&
      (i === 0 || text.charCodeAt(i - 1) === 10 || text.charCodeAt(i - 1) === 32)
    ) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end - 1;
    }
  }
  return inString ? line : 0;
}
