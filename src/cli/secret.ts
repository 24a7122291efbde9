import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkServerSecret, newServerSecret } from '../disclosure/index.js';
import { NswgError } from '../errors.js';

/** The default secret file: next to the default database (~/.nswg/secret; NSWG_HOME moves it). */
export function defaultSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.NSWG_HOME ? resolve(env.NSWG_HOME) : join(homedir(), '.nswg'), 'secret');
}

/** Where the server secret comes from, and whether it was made just now. */
export interface LoadedSecret {
  secret: string;
  file: string;
  created: boolean;
}

/**
 * The server secret, which never goes into the database: `--secret-file`, else NSWG_SECRET_FILE,
 * else the default file, made on first use (readable by its owner only). A secret file that others
 * may read or write is refused: whoever reads it can forge invitations and audit entries and read
 * the TOTP secrets. Every instance on one database, and every command run on it, needs the same file.
 */
export function loadServerSecret(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedSecret {
  const named = given ?? env.NSWG_SECRET_FILE;
  const file = resolve(named ?? defaultSecretFile(env));
  let created = false;
  if (!named) {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      created = createSecretFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new NswgError('E_FILE_READ', `cannot create the secret file: ${(e as Error).message}`, {
          file,
        });
    }
  }
  return { secret: readSecretFile(file), file, created };
}

/**
 * Makes the secret file whole or not at all: the secret is written (and synced) to a file of its
 * own, then linked to the name, which fails when it exists. Written in place, a process killed
 * between making the file and writing it (or a second first start reading it then) left an empty
 * secret file, and every later start refused it until someone removed it by hand. A kill leaves at
 * most a `.secret-*.tmp` file beside it, which nothing reads. False when the file existed.
 */
function createSecretFile(file: string): boolean {
  const temp = join(dirname(file), `.secret-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, `${newServerSecret()}\n`, { flag: 'wx', mode: 0o600, flush: true });
  try {
    linkSync(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * The server secret for a command that only checks (`nswg audit-log verify`): as loadServerSecret,
 * but never made; null when no file is named and the default one does not exist.
 */
export function readServerSecret(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedSecret | null {
  const named = given ?? env.NSWG_SECRET_FILE;
  const file = resolve(named ?? defaultSecretFile(env));
  if (!named && !existsSync(file)) return null;
  return { secret: readSecretFile(file), file, created: false };
}

function readSecretFile(file: string): string {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
      throw new NswgError(
        'E_USAGE',
        `the secret file may be read or written by others: make it its owner's only (chmod 600 ${file})`,
        { file, field: '--secret-file' },
      );
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    if (e instanceof NswgError) throw e;
    throw new NswgError('E_FILE_READ', `cannot read the secret file: ${(e as Error).message}`, {
      file,
      field: '--secret-file',
    });
  }
  return checkServerSecret(text, { field: '--secret-file', file });
}
