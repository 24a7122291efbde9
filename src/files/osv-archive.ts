import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdvisoryFile } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import { advisoryTexts, listJsonFiles, zipJsonFiles } from './advisory-files.js';
import { statOrNull } from './read.js';
import { zipFiles } from './zip-read.js';

/**
 * A folder laid out as osv.dev's bucket is, per ecosystem: `all.zip`, `modified_id.csv` and
 * `<ID>.json`, over HTTP or on disk. `get` answers null for a file it does not have.
 */
export interface OsvFolder {
  /** Where it is, as the user gave it (a URL or a path): names the files in messages. */
  readonly where: string;
  get(name: string): Promise<Uint8Array | null>;
}

/** A local copy of an OSV bucket folder: a directory holding `all.zip` or `modified_id.csv`; null when it is not one. */
export function localOsvFolder(dir: string): OsvFolder | null {
  if (!statOrNull(dir)?.isDirectory()) return null;
  if (!statOrNull(join(dir, 'all.zip')) && !statOrNull(join(dir, 'modified_id.csv'))) return null;
  return {
    where: dir,
    get: async (name) => {
      const file = join(dir, name);
      if (!statOrNull(file)?.isFile()) return null;
      try {
        return readFileSync(file);
      } catch (e) {
        throw new NswgError('E_FILE_READ', `cannot be read: ${(e as Error).message}`, { file });
      }
    },
  };
}

/** A record file of the GitHub advisory database's reviewed advisories, at any depth of a clone or its zip. */
const GHSA_REVIEWED = /(?:^|\/)advisories\/github-reviewed\/\d{4}\/\d{2}\/(GHSA-[\w-]+)\/\1\.json$/;

/** What a local archive of OSV records holds, and how it is laid out. */
export interface OsvArchive {
  /** `ghsa`: a clone of github/advisory-database (its reviewed advisories only); `files`: OSV files. */
  layout: 'ghsa' | 'files';
  files: Iterable<AdvisoryFile>;
}

/**
 * The OSV records of a directory or a zip archive: a clone of the GitHub advisory database (or
 * GitHub's zip of it), of which only `advisories/github-reviewed/` is read, or any folder or zip
 * of OSV files.
 */
export function readOsvArchive(path: string): OsvArchive {
  const st = statOrNull(path);
  if (!st) throw new NswgError('E_FILE_READ', 'no such file or directory', { file: path });
  if (st.isDirectory()) {
    const reviewed = join(path, 'advisories', 'github-reviewed');
    if (statOrNull(reviewed)?.isDirectory()) {
      const files = listJsonFiles([reviewed]).filter((f) => GHSA_REVIEWED.test(f.replaceAll('\\', '/')));
      return { layout: 'ghsa', files: advisoryTexts(files) };
    }
    return { layout: 'files', files: advisoryTexts(listJsonFiles([path])) };
  }
  let zip: Uint8Array;
  try {
    zip = readFileSync(path);
  } catch (e) {
    throw new NswgError('E_FILE_READ', `cannot be read: ${(e as Error).message}`, { file: path });
  }
  const ghsa = [...zipFiles(zip, path)].some((f) => GHSA_REVIEWED.test(f.name));
  return ghsa
    ? { layout: 'ghsa', files: zipJsonFiles(zip, path, (n) => GHSA_REVIEWED.test(n)) }
    : { layout: 'files', files: zipJsonFiles(zip, path) };
}
