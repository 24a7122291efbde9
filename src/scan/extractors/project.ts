import { join, posix } from 'node:path';
import { NswgError } from '../../errors.js';
import type { Manifest } from './manifest.js';
import { asObject, parseJson } from './parse.js';

/** What the extractors read of a project's folder: its package.json files and its sub-folders. */
export interface ProjectFolder {
  /** The text of the file at `path`, or null when there is none. */
  readText(path: string): Promise<string | null>;
  /** The names of the folders in the folder at `path`; none when it cannot be listed. */
  listFolders(path: string): Promise<string[]>;
}

/** The package.json files around a lockfile: the root's and, on demand, a workspace's. */
export class Project {
  readonly #cache = new Map<string, Promise<Manifest | null>>();
  #workspaces: Promise<string[]> | undefined;

  constructor(
    /** The directory that holds the lockfile and the root package.json. */
    readonly dir: string,
    /** The root package.json, or null when there is none. */
    readonly manifest: Manifest | null,
    private readonly folder: ProjectFolder,
  ) {}

  /** The project in `dir`, with its package.json read (null when absent; E_JSON_PARSE when broken). */
  static async open(dir: string, folder: ProjectFolder): Promise<Project> {
    return new Project(dir, await readManifest(folder, join(dir, 'package.json')), folder);
  }

  /** The package.json of the folder at `rel` (relative to the root), or null. */
  manifestAt(rel: string): Promise<Manifest | null> {
    if (rel === '' || rel === '.') return Promise.resolve(this.manifest);
    let m = this.#cache.get(rel);
    if (!m) {
      m = readManifest(this.folder, join(this.dir, rel, 'package.json'));
      this.#cache.set(rel, m);
    }
    return m;
  }

  /** The workspace folders that the root package.json's `workspaces` globs name, sorted (found once). */
  workspacePaths(): Promise<string[]> {
    this.#workspaces ??= this.#findWorkspaces();
    return this.#workspaces;
  }

  async #findWorkspaces(): Promise<string[]> {
    const w = this.manifest?.workspaces;
    const patterns = Array.isArray(w) ? w : Array.isArray(w?.packages) ? w.packages : [];
    const found = new Set<string>();
    for (const p of patterns.filter((x) => typeof x === 'string' && !x.startsWith('!'))) {
      for (const dir of await expandGlob(
        this.folder,
        this.dir,
        posix
          .normalize(p)
          .replace(/^\.\/|\/$/g, '')
          .split('/'),
      )) {
        found.add(dir);
      }
    }
    for (const p of patterns.filter((x) => typeof x === 'string' && x.startsWith('!'))) {
      const re = globRegExp(posix.normalize(p.slice(1)).replace(/^\.\/|\/$/g, ''));
      for (const d of found) if (re.test(d)) found.delete(d);
    }
    const out: string[] = [];
    for (const d of [...found].sort()) if (await this.manifestAt(d)) out.push(d);
    return out;
  }
}

async function readManifest(folder: ProjectFolder, path: string): Promise<Manifest | null> {
  const text = await folder.readText(path);
  if (text === null) return null;
  let m: Record<string, unknown> | undefined;
  try {
    m = asObject(parseJson(path, text));
  } catch (e) {
    const { message, line } = e as NswgError;
    throw new NswgError('E_JSON_PARSE', message, line === undefined ? { file: path } : { file: path, line });
  }
  if (!m) throw new NswgError('E_JSON_PARSE', 'package.json is not a JSON object', { file: path, line: 1 });
  return m as Manifest;
}

function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .map((s) => (s === '**' ? '.*' : s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/');
  return new RegExp(`^${body}$`);
}

/** The folders under `base` that the glob segments match (`*` one level, `**` any depth, no node_modules). */
async function expandGlob(
  folder: ProjectFolder,
  base: string,
  segments: string[],
  prefix = '',
): Promise<string[]> {
  if (segments.length === 0) return prefix ? [prefix] : [];
  const [seg, ...rest] = segments as [string, ...string[]];
  const join2 = (name: string): string => (prefix ? `${prefix}/${name}` : name);
  if (!seg.includes('*')) return expandGlob(folder, base, rest, join2(seg));
  const names = (await folder.listFolders(join(base, prefix))).filter(
    (n) => n !== 'node_modules' && !n.startsWith('.'),
  );
  const out: string[] = [];
  if (seg === '**') {
    out.push(...(await expandGlob(folder, base, rest, prefix)));
    for (const n of names) out.push(...(await expandGlob(folder, base, segments, join2(n))));
    return out;
  }
  const re = globRegExp(seg);
  for (const n of names) if (re.test(n)) out.push(...(await expandGlob(folder, base, rest, join2(n))));
  return out;
}
