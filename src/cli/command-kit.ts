import { Option } from 'commander';
import { flushOutput } from './output.js';
import { reportError } from './report-error.js';

// What every command's definition uses: how its action runs, and the options several share. Each
// command declares its own options next to its code (main.ts loads only the command that runs).

/** Runs a command's implementation, reporting its errors the CLI's way. */
async function runReporting<A extends unknown[]>(fn: (...args: A) => Promise<void>, args: A): Promise<void> {
  try {
    await fn(...args);
  } catch (e) {
    reportError(e);
  }
}

/** The action of a command that writes through Node.js's streams (process.stdout.write). */
export const runs =
  <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    // output piped into a command that stopped reading (`nswg db export | head`): stop quietly
    for (const stream of [process.stdout, process.stderr])
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit();
        throw e;
      });
    await runReporting(fn, args);
  };

/**
 * The action of a command that is finished once its report is written (audit, check-node), which
 * writes through output.ts (no streams to set up, and a closed pipe is dropped quietly there): it
 * exits then, with the exit code it set, instead of waiting for the garbage collector to finish work
 * it started (about 15 ms after an audit of a large lockfile).
 */
export const runsAndExits =
  <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    await runReporting(fn, args);
    await flushOutput();
    process.exit();
  };

/** `--db`: the database every command that reads or writes one takes. */
export const dbOption = () =>
  new Option(
    '--db <path|url>',
    'SQLite file or postgres:// URL (default: $NSWG_DB, $DATABASE_URL, ~/.nswg/nswg.db)',
  );

/** `--format` among `choices` (commander refuses any other value, naming the choices). */
export const formatOption = (
  choices: readonly string[],
  fallback: string | null = choices[0]!,
  what?: string,
) => {
  const o = new Option('--format <format>', what ?? choices.join(' or ')).choices(choices);
  return fallback === null ? o.makeOptionMandatory() : o.default(fallback);
};

/** `--secret-file`: the server secret, the same file as the server's. */
export const secretFileOption = (what = 'the server secret: the same file as the server') =>
  new Option('--secret-file <file>', `${what} (default: $NSWG_SECRET_FILE, else ~/.nswg/secret)`);

/** `--audit-anchor`: where the audit log's head is appended outside the database. */
export const anchorFileOption = (what = "the audit log's anchor file") =>
  new Option(
    '--audit-anchor <file>',
    `${what} (default: $NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file)`,
  );

/** `--cna-org-id` and `--cna-short-name`: the program as a CNA, as the CVE Program registered it. */
export const cnaOptions = (): Option[] => [
  new Option(
    '--cna-org-id <uuid>',
    "the program's CNA organization id from the CVE Program, a UUID (default: $NSWG_CNA_ORG_ID)",
  ),
  new Option(
    '--cna-short-name <name>',
    "the program's CNA short name from the CVE Program (default: $NSWG_CNA_SHORT_NAME)",
  ),
];
