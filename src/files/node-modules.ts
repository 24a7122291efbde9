import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { InstalledFolder, InstalledTree } from '../scan/types.js';

/**
 * Reads an installed node_modules tree `dir` and those of the project's workspaces: every folder
 * with a package.json, nested node_modules and scopes included (pnpm's `.pnpm` store is not
 * walked), and the symlinks to the project's own folders.
 */
export async function readInstalledTree(dir: string, workspaces: readonly string[]): Promise<InstalledTree> {
  // Real paths on both sides, so a symlinked temp or home folder does not hide the workspace links.
  const root = await realpath(dirname(dir)).catch(() => dirname(dir));
  const folders: InstalledFolder[] = [];
  const links = new Map<string, string>();
  await walk(root, join(root, 'node_modules'), '', folders, links);
  for (const path of workspaces) await walk(root, join(root, path, 'node_modules'), path, folders, links);
  return { folders, links };
}

/** Collects the packages under one node_modules folder, depth first; symlinks to the project's own folders become links. */
async function walk(
  root: string,
  nm: string,
  parent: string,
  found: InstalledFolder[],
  links: Map<string, string>,
): Promise<void> {
  const entries = await list(nm);
  const jobs: Promise<void>[] = [];
  for (const d of entries) {
    if (d.name.startsWith('.')) continue; // .bin, .package-lock.json, .pnpm, .cache
    if (d.name.startsWith('@') && d.isDirectory()) {
      for (const s of await list(join(nm, d.name))) {
        if (!s.name.startsWith('.'))
          jobs.push(visit(root, nm, `${d.name}/${s.name}`, s, parent, found, links));
      }
    } else {
      jobs.push(visit(root, nm, d.name, d, parent, found, links));
    }
  }
  await Promise.all(jobs);
}

async function visit(
  root: string,
  nm: string,
  name: string,
  d: Dirent,
  parent: string,
  found: InstalledFolder[],
  links: Map<string, string>,
): Promise<void> {
  const loc = parent ? `${parent}/node_modules/${name}` : `node_modules/${name}`;
  const path = join(nm, name);
  if (d.isSymbolicLink()) {
    const target = relative(root, await realpath(path).catch(() => path))
      .split(sep)
      .join('/');
    // A workspace (or a linked folder of the project); links that leave the project are not followed.
    if (!target.startsWith('..') && !target.split('/').includes('node_modules')) links.set(loc, target);
    return;
  }
  if (!d.isDirectory()) return;
  const file = join(path, 'package.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return; // a folder without package.json is not a package (an interrupted install leaves these)
  }
  found.push({ loc, file, text });
  await walk(root, join(path, 'node_modules'), loc, found, links);
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
