import type { Command } from 'commander';
import pc from 'picocolors';
import { releaseSchedule } from '../files/release-schedule.js';
import { askedNodeVersion, checkNode, nodeUpgrade, PLATFORMS } from '../scan/index.js';
import { dbOption, formatOption, runsAndExits } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';
import { writeStdout } from './output.js';
import { storeSource } from './sources.js';

type CheckNodeOptions = DbOption & { platform?: string; format?: string; failOnEol?: boolean };

/**
 * `nswg check-node [version]`: the core advisories that affect a Node.js version (or a release line's
 * newest known release), on which platform, and the one thing to upgrade to; exit 1 when any
 * affects it (or, with --fail-on-eol, when its line is end-of-life).
 */
export async function checkNodeCommand(version: string | undefined, opts: CheckNodeOptions): Promise<void> {
  const core = await withDb(opts, 'read', (store) => storeSource(store).core());
  const asked = askedNodeVersion(version ?? process.version, core, version ? 'version' : 'process.version');
  const platform = opts.platform ?? process.platform;
  const platformFrom = opts.platform ? '--platform' : 'this machine';
  const today = new Date();
  const schedule = releaseSchedule();
  const result = checkNode(asked.version, platform, core, today, schedule);
  const upgrade = nodeUpgrade(result, core, schedule, today);
  if (opts.format === 'json') {
    printJson({
      version: result.version,
      platform: result.platform,
      findings: result.findings,
      endOfLife: result.endOfLife,
      platformFrom,
      line: asked.line ?? null,
      upgrade,
    });
  } else {
    const where = platform === 'all' ? 'any platform' : platform;
    const head = `Node.js ${result.version} on ${where} (${platformFrom})`;
    const lines: string[] = [];
    if (asked.line)
      lines.push(
        `${asked.line.name}: checked as ${result.version}, ${
          asked.line.basis === 'first release'
            ? 'its first release (no advisory names a later one)'
            : 'the newest release of the line that an advisory names as patched'
        }; nswg ships no list of Node.js releases\n`,
      );
    const n = result.findings.length;
    if (!n) lines.push(`${pc.green('✓')} ${head}: no known vulnerabilities\n`);
    else {
      lines.push(`${pc.red('✗')} ${head}: ${n} vulnerabilit${n === 1 ? 'y' : 'ies'}\n`);
      for (const f of result.findings) {
        lines.push(
          `  ${pc.bold(f.id)} ${f.severity} ${f.aliases.join(', ')}\n    ${f.title}\n    patched in ${f.patched ?? 'no release yet'}\n`,
        );
      }
    }
    if (result.endOfLife) {
      lines.push(
        `${pc.yellow('!')} the ${result.line?.name ?? 'release'} line is end-of-life${result.line?.end ? ` since ${result.line.end}` : ''}: it gets no security fixes, and advisories published since do not assess it\n`,
      );
    }
    if (upgrade) lines.push(`${pc.bold('upgrade to')} ${upgrade}\n`);
    writeStdout(lines.join(''));
  }
  process.exitCode = result.findings.length || (opts.failOnEol && result.endOfLife) ? 1 : 0;
}

/** Defines `nswg check-node`. */
export function define(c: Command): void {
  c.description(
    'the Node.js core advisories that affect a Node.js version (exit 1 when any does), and whether it is end-of-life',
  )
    .argument(
      '[version]',
      'Node.js version (default: the running one); a bare line (18) checks its newest release the advisories name',
    )
    .option(
      '--platform <platform>',
      `${PLATFORMS.join(', ')} (default: this machine; all: advisories of every platform)`,
    )
    .option('--fail-on-eol', 'exit 1 when the release line is end-of-life, even with no advisory')
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runsAndExits(checkNodeCommand));
}
