import { flushOutput } from './output.js';
import { reportError } from './report-error.js';

// How a command's action runs, and what of the shared options a command needs without commander:
// none of this loads it, so that a command that reads a plain command line itself (`nswg audit`,
// see its readPlainArgs) starts without commander's code.

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

/** `--db`: the database every command that reads or writes one takes (command-kit.ts makes the option). */
export const DB_OPTION = {
  flags: '--db <path|url>',
  description: 'SQLite file or postgres:// URL (default: $NSWG_DB, $DATABASE_URL, ~/.nswg/nswg.db)',
} as const;
