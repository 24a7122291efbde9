import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NswgError } from '../../errors.js';

// PostgreSQL's own client tools (pg_dump, pg_restore): where they are, and running one.

/**
 * The path of a PostgreSQL client tool: NSWG_PG_BIN's folder, else on PATH, else the newest one in
 * /usr/lib/postgresql/<version>/bin (Debian installs them there, with only wrappers on PATH).
 */
export function pgTool(
  name: 'pg_dump' | 'pg_restore' | 'psql',
  env: NodeJS.ProcessEnv = process.env,
): string {
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
    `${name} was not found (on PATH, in $NSWG_PG_BIN, or in /usr/lib/postgresql/*/bin): backing up and restoring PostgreSQL needs its client tools (pg_dump, pg_restore, psql), of the server's major version or newer (Debian: apt-get install postgresql-client)`,
  );
}

/**
 * libpq's view of a node-postgres URL: the password moved to PGPASSWORD (never on a command line,
 * where `ps` shows it), and node-postgres's own TLS words in libpq's (`ssl=true` and
 * `sslmode=no-verify` are `sslmode=require`; libpq refuses a parameter it does not know).
 */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  const ssl = u.searchParams.get('ssl');
  u.searchParams.delete('ssl');
  if (u.searchParams.get('sslmode') === 'no-verify') u.searchParams.set('sslmode', 'require');
  if ((ssl === 'true' || ssl === '1') && !u.searchParams.has('sslmode'))
    u.searchParams.set('sslmode', 'require');
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

/**
 * Everything in the connection's schema dropped: the tables (their indexes, constraints and owned
 * sequences with them) and any sequence left. Run before a dump's script in the same transaction, so
 * that a table a newer schema added does not outlive the restore (its migration would fail on it).
 */
const DROP_ALL = `do $$
declare r record;
begin
  for r in select tablename from pg_tables where schemaname = current_schema() loop
    execute format('drop table if exists %I cascade', r.tablename);
  end loop;
  for r in select sequence_name from information_schema.sequences where sequence_schema = current_schema() loop
    execute format('drop sequence if exists %I cascade', r.sequence_name);
  end loop;
end $$;
`;

/**
 * Replaces the database's schema with a pg_dump archive in one transaction: psql runs BEGIN, drops
 * every table, runs the archive's script as pg_restore writes it, and COMMIT only once pg_restore has
 * finished without error; on any failure (pg_restore's or a statement's, ON_ERROR_STOP) psql ends
 * without COMMIT and PostgreSQL rolls everything back.
 */
export function replaceFromArchive(
  tools: { pgRestore: string; psql: string },
  archive: string,
  dbname: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      tools.psql,
      ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--dbname=${dbname}`],
      { env, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const restore = spawn(
      tools.pgRestore,
      ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--file=-', archive],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let psqlErr = '';
    let restoreErr = '';
    psql.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (psqlErr.length < 20000) psqlErr += d;
    });
    restore.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (restoreErr.length < 20000) restoreErr += d;
    });
    // psql stops at the first error: what pg_restore still writes goes nowhere
    psql.stdin!.on('error', () => {});
    let restoreCode: number | null = null;
    const fail = (e: Error) => {
      restore.kill();
      psql.kill();
      reject(e);
    };
    restore.on('error', (e) => fail(new NswgError('E_DB', `cannot run ${tools.pgRestore}: ${e.message}`)));
    psql.on('error', (e) => fail(new NswgError('E_DB', `cannot run ${tools.psql}: ${e.message}`)));
    psql.stdin!.write('begin;\n');
    psql.stdin!.write(DROP_ALL);
    restore.stdout!.pipe(psql.stdin!, { end: false });
    restore.on('close', (code) => {
      restoreCode = code;
      // COMMIT only after the whole script: otherwise psql reaches its end inside the transaction
      psql.stdin!.end(code === 0 ? 'commit;\n' : '');
    });
    psql.on('close', (code) => {
      // psql stopped at an error: pg_restore, its output no longer read, would wait forever
      if (restoreCode === null) restore.kill();
      if (code === 0 && restoreCode === 0) return resolve();
      const said = restoreCode !== 0 && restoreCode !== null ? restoreErr : psqlErr;
      reject(
        new NswgError(
          'E_DB',
          `the restore failed and was rolled back; the database was not changed: ${said.trim() || `exit ${code}`}`,
        ),
      );
    });
  });
}
