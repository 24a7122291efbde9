import { type Dirent, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { NswgError } from '../errors.js';
import {
  chooseLockfiles,
  extractInstalledTree,
  extractLockfileText,
  Project,
  type ProjectFolder,
} from '../scan/extractors/index.js';
import type { LockfileContents } from '../scan/types.js';
import { readText, readTextOrNull, statOrNull } from './read.js';

/** The project's folder on disk, as the extractors read it: package.json files and sub-folders. */
export const projectFolder: ProjectFolder = {
  async readText(path) {
    return readTextOrNull(path);
  },
  async listFolders(path) {
    try {
      return readdirSync(path, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
  },
};

/**
 * Reads one lockfile (or SBOM, or a node_modules folder) into the packages it installs. The format is
 * told by the file's name and content; the package.json beside it supplies what the lockfile omits.
 */
export async function extractLockfile(file: string): Promise<LockfileContents> {
  const abs = resolve(file);
  const st = statOrNull(abs);
  if (!st) throw new NswgError('E_LOCKFILE_MISSING', 'no such lockfile', { file: abs });
  if (st.isDirectory()) {
    if (basename(abs) !== 'node_modules')
      throw new NswgError(
        'E_USAGE',
        'is a directory, not a lockfile (give a lockfile, or read the project)',
        { file: abs },
      );
    const { readInstalledTree } = await import('./node-modules.js');
    const project = await Project.open(dirname(abs), projectFolder);
    return extractInstalledTree(abs, await readInstalledTree(abs, await project.workspacePaths()), project);
  }
  return extractLockfileText(abs, readText(abs, 'E_FILE_READ', 'the lockfile'), projectFolder);
}

/**
 * Reads the lockfiles of a project directory: npm-shrinkwrap.json (else package-lock.json), yarn.lock,
 * pnpm-lock.yaml and bun.lock, whichever are there; else its CycloneDX SBOMs (bom.json, *.cdx.json);
 * else node_modules. A file is read as one lockfile.
 */
export async function extractProject(dir: string): Promise<LockfileContents[]> {
  const abs = resolve(dir);
  const st = statOrNull(abs);
  if (!st) throw new NswgError('E_LOCKFILE_MISSING', 'no such file or directory', { file: abs });
  if (!st.isDirectory()) return [await extractLockfile(abs)];
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    throw new NswgError(
      'E_FILE_READ',
      `cannot list the directory: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      { file: abs },
    );
  }
  const chosen = chooseLockfiles(
    abs,
    entries.map((e) => ({ name: e.name, isFile: e.isFile(), isDirectory: e.isDirectory() })),
  );
  return Promise.all(chosen.map((n) => extractLockfile(resolve(abs, n))));
}
