import { relative } from 'node:path';
import { formatProblem, isNswgError } from '../errors.js';
import { writeStderr } from './output.js';

/** A file as the command line shows it: relative to the working folder when inside it. */
export function relativeFile(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** Prints an error the way the CLI reports bad input (no stack trace) and sets exit code 2. */
export function reportError(e: unknown): void {
  if (isNswgError(e)) {
    writeStderr(`nswg: ${e.describe()}\n`);
    const shown = e.problems.slice(0, 50);
    if (shown.length > 1) {
      for (const p of shown) writeStderr(`  ${formatProblem(p)}\n`);
      if (e.problems.length > shown.length) writeStderr(`  … and ${e.problems.length - shown.length} more\n`);
    }
    process.exitCode = 2;
    return;
  }
  const err = e as Error;
  writeStderr(`nswg: unexpected error: ${err?.message ?? String(e)}\n`);
  if (process.env.NSWG_DEBUG && err?.stack) writeStderr(`${err.stack}\n`);
  process.exitCode = 70;
}
