import type { Command } from 'commander';
import pc from 'picocolors';
import { releaseSchedule } from '../files/release-schedule.js';
import { checkNode } from '../scan/index.js';
import { dbOption, formatOption, runsAndExits } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';
import { writeStdout } from './output.js';
import { storeSource } from './sources.js';

/** `nswg check-node [version]`: the core advisories that affect a Node.js version; exit 1 when any does. */
export async function checkNodeCommand(
  version: string | undefined,
  opts: DbOption & { platform?: string; format?: string },
): Promise<void> {
  const result = await withDb(opts, 'read', async (store) =>
    checkNode(
      version ?? process.version,
      opts.platform ?? process.platform,
      await storeSource(store).core(),
      new Date(),
      releaseSchedule(),
    ),
  );
  if (opts.format === 'json') {
    printJson({
      version: result.version,
      platform: result.platform,
      findings: result.findings,
      endOfLife: result.endOfLife,
    });
  } else {
    const head = `Node.js ${result.version} on ${result.platform}`;
    const lines: string[] = [];
    if (!result.findings.length) lines.push(`${pc.green('✓')} ${head}: no known vulnerabilities\n`);
    else {
      lines.push(
        `${pc.red('✗')} ${head}: ${result.findings.length} vulnerabilit${result.findings.length === 1 ? 'y' : 'ies'}\n`,
      );
      for (const f of result.findings) {
        lines.push(
          `  ${pc.bold(f.id)} ${f.severity} ${f.aliases.join(', ')}\n    ${f.title}\n    patched in ${f.patched ?? 'no release yet'}\n`,
        );
      }
    }
    if (result.endOfLife) {
      lines.push(
        `${pc.yellow('!')} the ${result.line?.name ?? 'release'} line is end-of-life${result.line?.end ? ` since ${result.line.end}` : ''}: it gets no security fixes\n`,
      );
    }
    writeStdout(lines.join(''));
  }
  process.exitCode = result.findings.length ? 1 : 0;
}

/** Defines `nswg check-node`. */
export function define(c: Command): void {
  c.description(
    'the Node.js core advisories that affect a Node.js version (exit 1 when any does), and whether it is end-of-life',
  )
    .argument('[version]', 'Node.js version (default: the running one)')
    .option('--platform <platform>', 'linux, win32, darwin, … (default: this machine)')
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runsAndExits(checkNodeCommand));
}
