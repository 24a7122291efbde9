import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NswgError } from '../../errors.js';

// PostgreSQL's own client tools (pg_dump, pg_restore): where they are, and running one.

/**
 * The path of a PostgreSQL client tool: NSWG_PG_BIN's folder, else on PATH, else the newest one in
 * /usr/lib/postgresql/<version>/bin (Debian installs them there, with only wrappers on PATH).
 */
export function pgTool(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [
    ...(env.NSWG_PG_BIN ? [env.NSWG_PG_BIN] : []),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new NswgError(
    'E_DB',
    `${name} was not found (on PATH, in $NSWG_PG_BIN, or in /usr/lib/postgresql/*/bin): backing up and restoring PostgreSQL needs its client tools, of the server's major version or newer (Debian: apt-get install postgresql-client)`,
  );
}

/**
 * libpq's view of a node-postgres URL: the password moved to PGPASSWORD (never on a command line,
 * where `ps` shows it), the rest as it is.
 */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env };
}

/** Runs a tool; resolves with its stderr, rejects with E_DB naming the tool and what it said. */
export function runTool(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  what: string,
  discardStdout = false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', discardStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stdout?.resume();
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 20000) stderr += d;
    });
    child.on('error', (e) => reject(new NswgError('E_DB', `cannot run ${tool}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stderr);
      else
        reject(
          new NswgError('E_DB', `${what}: ${tool} failed (exit ${code}): ${stderr.trim() || 'no message'}`),
        );
    });
  });
}
