import type { Dirent, Stats } from 'node:fs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { NswgError } from '../../errors.js';
import type { LockfileContents } from '../types.js';
import { Project } from './project.js';

type Kind = 'npm' | 'yarn-v1' | 'yarn-berry' | 'pnpm' | 'bun' | 'cyclonedx';

/** The lockfiles a project directory may hold, in the order they are read; npm-shrinkwrap.json wins over package-lock.json. */
const PROJECT_LOCKFILES = [
  'npm-shrinkwrap.json',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
];

/**
 * Reads one lockfile (or SBOM, or a node_modules folder) into the packages it installs. The format is
 * told by the file's name and content; the package.json beside it supplies what the lockfile omits.
 */
export async function extractLockfile(file: string): Promise<LockfileContents> {
  const abs = resolve(file);
  const st = await statOrNull(abs);
  if (!st) throw new NswgError('E_LOCKFILE_MISSING', 'no such lockfile', { file: abs });
  if (st.isDirectory()) {
    if (basename(abs) !== 'node_modules')
      throw new NswgError(
        'E_USAGE',
        'is a directory, not a lockfile (give a lockfile, or read the project)',
        { file: abs },
      );
    const { extractNodeModules } = await import('./node-modules.js');
    return extractNodeModules(abs, await Project.load(dirname(abs)));
  }
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new NswgError(
      'E_FILE_READ',
      `cannot read the lockfile: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        file: abs,
      },
    );
  }
  const kind = detect(abs, text);
  const project = await Project.load(dirname(abs));
  switch (kind) {
    case 'npm':
      return (await import('./npm.js')).extractNpm(abs, text, project);
    case 'yarn-v1':
      return (await import('./yarn-v1.js')).extractYarnV1(abs, text, project);
    case 'yarn-berry':
      return (await import('./yarn-berry.js')).extractYarnBerry(abs, text, project);
    case 'pnpm':
      return (await import('./pnpm.js')).extractPnpm(abs, text, project);
    case 'bun':
      return (await import('./bun.js')).extractBun(abs, text, project);
    case 'cyclonedx':
      return (await import('./cyclonedx.js')).extractCycloneDx(abs, text, project);
  }
}

/**
 * Reads the lockfiles of a project directory: npm-shrinkwrap.json (else package-lock.json), yarn.lock,
 * pnpm-lock.yaml and bun.lock, whichever are there; node_modules when none is. A file is read as one lockfile.
 */
export async function extractProject(dir: string): Promise<LockfileContents[]> {
  const abs = resolve(dir);
  const st = await statOrNull(abs);
  if (!st) throw new NswgError('E_LOCKFILE_MISSING', 'no such file or directory', { file: abs });
  if (!st.isDirectory()) return [await extractLockfile(abs)];
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    throw new NswgError(
      'E_FILE_READ',
      `cannot list the directory: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        file: abs,
      },
    );
  }
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const shrinkwrap = files.has('npm-shrinkwrap.json');
  const chosen = PROJECT_LOCKFILES.filter((n) => files.has(n) && !(shrinkwrap && n === 'package-lock.json'));
  if (chosen.length === 0 && files.has('bun.lockb')) chosen.push('bun.lockb');
  if (chosen.length > 0) return Promise.all(chosen.map((n) => extractLockfile(resolve(abs, n))));
  if (entries.some((e) => e.name === 'node_modules' && e.isDirectory()))
    return [await extractLockfile(resolve(abs, 'node_modules'))];
  throw new NswgError(
    'E_LOCKFILE_MISSING',
    `no lockfile here (looked for ${PROJECT_LOCKFILES.join(', ')} and node_modules)`,
    { file: abs },
  );
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The format of a lockfile, from its name and its first bytes. */
function detect(file: string, text: string): Kind {
  const name = basename(file);
  const head = text.slice(0, 4096);
  if (name === 'bun.lockb' || head.startsWith('#!/usr/bin/env bun'))
    throw new NswgError(
      'E_FORMAT_UNKNOWN',
      "bun's binary lockfile is not read: write the text bun.lock with `bun install --save-text-lockfile`",
      { file },
    );
  if (name === 'yarn.lock' || (name.endsWith('.lock') && /^(# yarn lockfile v1|__metadata:)/m.test(head)))
    return /^__metadata:/m.test(head) ? 'yarn-berry' : 'yarn-v1';
  if (name === 'pnpm-lock.yaml') return 'pnpm';
  if (name === 'bun.lock') return 'bun';
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json' || name === '.package-lock.json')
    return 'npm';
  if (/\.ya?ml$/.test(name) && /^lockfileVersion:/m.test(head)) return 'pnpm';
  if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return 'cyclonedx';
  if (name.endsWith('.json') && /"lockfileVersion"\s*:/.test(head)) return 'npm';
  if (name.endsWith('.lock') && /"lockfileVersion"\s*:/.test(head)) return 'bun';
  throw new NswgError(
    'E_FORMAT_UNKNOWN',
    'not a lockfile this scanner knows (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock, a CycloneDX JSON SBOM, node_modules)',
    { file },
  );
}
