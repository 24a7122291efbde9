#!/usr/bin/env node
import type { Command } from 'commander';
import { commandNamed } from './command-name.js';
import { SERVE_THREAD_ARG } from './serve-thread.js';
import { VERSION } from './version.js';

/** A command's module: it declares its own arguments and options, next to its code (as npm's commands do). */
interface CommandModule {
  define(c: Command): void;
  /**
   * How to run a command line (what follows the command's name) that the command reads itself,
   * without commander; null when it is not one of those, and commander reads it.
   */
  direct?(args: readonly string[]): (() => Promise<void>) | null;
}

/**
 * The commands: each name, what it is for in a line (the top-level help), and its module, loaded only
 * when that command runs or its help is asked for, so that starting one command loads nothing of the
 * others.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<CommandModule> }[] = [
  {
    name: 'audit',
    summary: 'check a project and the Node.js running it against the advisories',
    load: () => import('./audit-command.js'),
  },
  {
    name: 'check-node',
    summary: 'the core advisories that affect a Node.js version, and whether it is end-of-life',
    load: () => import('./check-node-command.js'),
  },
  {
    name: 'db',
    summary: 'create, import, export, validate, sync and inspect the advisory database',
    load: () => import('./db-commands.js'),
  },
  { name: 'advisory', summary: 'look advisories up', load: () => import('./advisory-commands.js') },
  {
    name: 'audit-log',
    summary: "check and anchor the disclosure program's audit log",
    load: () => import('./audit-log-command.js'),
  },
  {
    name: 'user',
    summary: "the disclosure program's accounts: the first admin, team roles, addresses to confirm",
    load: () => import('./user-commands.js'),
  },
  {
    name: 'cve',
    summary: "the program's CVE ids: blocks received from the CVE Program, where each id stands",
    load: () => import('./cve-commands.js'),
  },
  {
    name: 'registry',
    summary: 'what the server says of npm packages when the registry cannot be asked',
    load: () => import('./registry-commands.js'),
  },
  {
    name: 'policy',
    summary: "a package's SECURITY.md from the Working Group's template; check SECURITY.md and security.txt",
    load: () => import('./policy-commands.js'),
  },
  {
    name: 'bounty',
    summary: 'the bug bounty: eligible modules, the budget and its ledger',
    load: () => import('./bounty-commands.js'),
  },
  {
    name: 'backup',
    summary: 'a consistent backup of the whole database, taken while the server runs',
    load: () => import('./backup-command.js'),
  },
  {
    name: 'restore',
    summary: 'replace the database with a backup, then check its schema and audit log',
    load: () => import('./restore-command.js'),
  },
  {
    name: 'serve',
    summary: 'serve the web pages and the APIs (npm audit endpoints, OSV, bulk data)',
    load: () => import('./serve-command.js'),
  },
];

/**
 * Builds the `nswg` command line for `argv`: the command it names is defined in full (its module
 * loaded), every other one by its name and summary only.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('nswg')
    .description('The Node.js Security Working Group system: advisory database, audit and disclosure')
    .version(VERSION)
    // a bad flag value is named on one line, with where to read more, not under the whole help
    .showHelpAfterError('(add --help for the options)')
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'nswg: ')),
    })
    .exitOverride((err) => {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        process.exit(0);
      process.exit(2);
    });
  const wanted = commandNamed(argv);
  for (const c of COMMANDS) {
    const command = program.command(c.name);
    if (c.name === wanted) (await c.load()).define(command);
    else command.description(c.summary);
  }
  return program;
}

async function main(): Promise<void> {
  // in the command's bundle (dist/bin/cli.cjs), the server thread that `nswg serve` starts runs
  // this file: loading the serve command starts the server there
  if (process.argv[2] === SERVE_THREAD_ARG && !(await import('node:worker_threads')).isMainThread) {
    await import('./serve-command.js');
    return;
  }
  // a command line that names its command first may be one that the command reads itself
  // (`nswg audit` with plain options): commander and the whole command line are then not loaded
  const named = COMMANDS.find((c) => c.name === process.argv[2]);
  const run = named && (await named.load()).direct?.(process.argv.slice(3));
  if (run) return run();
  await (await buildProgram()).parseAsync(process.argv);
}

void main();
