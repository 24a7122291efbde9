import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './shared.js';

export const BIN = join(ROOT, 'dist', 'bin', 'nswg.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A home for one test: NSWG_HOME (the default database lives there) with nothing in it. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'nswg-home-'));
}

/** Runs the built `nswg` command with a clean environment (no NSWG_DB / DATABASE_URL leaking in). */
export function nswg(
  args: string[],
  opts: { home?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: opts.home ?? tempHome(),
    LANG: 'C.UTF-8',
    ...opts.env,
  };
  if (opts.home) env.NSWG_HOME = opts.home;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
