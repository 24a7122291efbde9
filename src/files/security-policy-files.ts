import { randomBytes } from 'node:crypto';
import { linkSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isSecurityPolicyPath } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { readText, statOrNull } from './read.js';

/** The largest policy file read: Scorecard's probes need no more, and a bigger one is no policy. */
const MAX_POLICY_BYTES = 1024 * 1024;

/** A security policy file found in a repository: its path as Scorecard names it, and its text. */
export interface FoundPolicy {
  /** Relative to the repository's root, with "/" (e.g. `.github/SECURITY.md`). */
  path: string;
  file: string;
  text: string;
}

/**
 * The security policy files of the repository at `dir`, at the places OpenSSF Scorecard looks (the
 * root, .github/, docs/, doc/), whatever the case of their names; the root's first. E_FILE_READ when
 * `dir` is no folder.
 */
export function findSecurityPolicies(dir: string): FoundPolicy[] {
  if (!statOrNull(dir)?.isDirectory())
    throw new NswgError('E_FILE_READ', 'not a folder: name the repository to check', { file: dir });
  const found: FoundPolicy[] = [];
  for (const sub of ['', '.github', 'docs', 'doc']) {
    const folder = sub ? join(dir, sub) : dir;
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const path = sub ? `${sub}/${name}` : name;
      if (!isSecurityPolicyPath(path)) continue;
      const file = join(folder, name);
      const stat = statOrNull(file);
      if (!stat?.isFile()) continue;
      if (stat.size > MAX_POLICY_BYTES)
        throw new NswgError('E_FILE_READ', `larger than ${MAX_POLICY_BYTES} bytes: no security policy is`, {
          file,
        });
      found.push({ path, file, text: readText(file, 'E_FILE_READ', 'the security policy') });
    }
  }
  return found;
}

/**
 * Writes `text` to `file` at once (a reader sees the old file or the new one, never half of it).
 * Without `force`, an existing file is kept and E_CONFLICT names it: the new file is linked into
 * place, which fails when the name is taken, so a file made meanwhile is not overwritten either.
 */
export function writeFileAtomic(file: string, text: string, opts: { force?: boolean } = {}): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    if (opts.force) renameSync(temp, file);
    else linkSync(temp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new NswgError('E_CONFLICT', 'already exists: kept (--force replaces it)', { file });
    throw new NswgError('E_FILE_WRITE', `cannot write: ${code ?? (e as Error).message}`, { file });
  } finally {
    rmSync(temp, { force: true });
  }
}
