#!/usr/bin/env node
import { Command, Option } from 'commander';
import { flushOutput } from './output.js';
import { reportError } from './report-error.js';
import { SERVE_THREAD_ARG } from './serve-thread.js';
import { VERSION } from './version.js';

/** Runs a command's implementation, loaded only when it runs so that startup stays small. */
async function runCommand<A extends unknown[]>(
  load: () => Promise<(...args: A) => Promise<void>>,
  args: A,
): Promise<void> {
  try {
    await (await load())(...args);
  } catch (e) {
    reportError(e);
  }
}

/** A command that writes through Node.js's streams (process.stdout.write). */
const run =
  <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void>>) =>
  async (...args: A) => {
    // output piped into a command that stopped reading (`nswg db export | head`): stop quietly
    for (const stream of [process.stdout, process.stderr])
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit();
        throw e;
      });
    await runCommand(load, args);
  };

/**
 * A command that is finished once its report is written (audit, check-node), which writes through
 * output.ts (no streams to set up, and a closed pipe is dropped quietly there): it exits then, with
 * the exit code it set, instead of waiting for the garbage collector to finish work it started
 * (about 15 ms after an audit of a large lockfile).
 */
const runAndExit =
  <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void>>) =>
  async (...args: A) => {
    await runCommand(load, args);
    await flushOutput();
    process.exit();
  };

const dbOption = () =>
  new Option(
    '--db <path|url>',
    'SQLite file or postgres:// URL (default: $NSWG_DB, $DATABASE_URL, ~/.nswg/nswg.db)',
  );

/** Builds the `nswg` command line. */
export function buildProgram(): Command {
  const program = new Command('nswg')
    .description('The Node.js Security Working Group system: advisory database, audit and disclosure')
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride((err) => {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        process.exit(0);
      process.exit(2);
    });

  const db = program
    .command('db')
    .description('create, import, export, validate and inspect the advisory database');
  db.command('init')
    .description('create the database and seed it with the bundled Working Group advisories')
    .addOption(dbOption())
    .action(run(async () => (await import('./db-commands.js')).dbInit));
  db.command('import')
    .description('import advisories (Working Group JSON or OSV, detected) all-or-nothing, in one transaction')
    .argument('<paths...>', 'files or directories of JSON files')
    .addOption(dbOption())
    .action(run(async () => (await import('./db-commands.js')).dbImport));
  db.command('export')
    .description(
      'write every advisory: the Working Group layout (npm/<n>.json, core/<n>.json) or one OSV file each',
    )
    .addOption(new Option('--format <format>', 'nswg or osv').choices(['nswg', 'osv']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'directory to write into')
    .addOption(new Option('--kind <kind>', 'only npm or only core advisories').choices(['npm', 'core']))
    .addOption(dbOption())
    .action(run(async () => (await import('./db-commands.js')).dbExport));
  db.command('validate')
    .description(
      'check advisory files as the Working Group tools/vuln_valid does: every problem with file, field and reason; exit 1 on errors',
    )
    .argument('<paths...>', 'files or directories of JSON files')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(run(async () => (await import('./db-commands.js')).dbValidate));
  db.command('sync')
    .description(
      'mirror another nswg server: fetch only the advisories new or modified there, import them in one transaction',
    )
    .argument('<url>', "the server's URL, e.g. https://nswg.example.org/")
    .option('--concurrency <n>', 'requests at a time', '8')
    .addOption(dbOption())
    .action(run(async () => (await import('./sync-command.js')).dbSync));
  db.command('stats')
    .description('what the database holds and where it came from')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(dbOption())
    .action(run(async () => (await import('./db-commands.js')).dbStats));

  const advisory = program.command('advisory').description('look advisories up');
  advisory
    .command('show')
    .description('one advisory, by id (NSWG-ECO-1, GHSA-…) or CVE')
    .argument('<id>', 'advisory id or CVE id')
    .addOption(
      new Option('--format <format>', 'text, json (the internal record), osv or nswg')
        .choices(['text', 'json', 'osv', 'nswg'])
        .default('text'),
    )
    .addOption(dbOption())
    .action(run(async () => (await import('./advisory-commands.js')).advisoryShow));
  advisory
    .command('search')
    .description('advisories whose id, CVE, package, title or text contains the words')
    .argument('<text>', 'text to look for (empty string: everything)')
    .option('--package <name>', 'only advisories for this npm package')
    .option('--limit <n>', 'at most this many results', '50')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(dbOption())
    .action(run(async () => (await import('./advisory-commands.js')).advisorySearch));

  program
    .command('audit')
    .description(
      'check a project (lockfiles, node_modules or an SBOM) and the Node.js running it against the advisories',
    )
    .argument('[paths...]', 'project directories or lockfiles (default: the current directory)')
    .addOption(
      new Option('--format <format>', 'report format')
        .choices(['text', 'json', 'npm', 'sarif', 'markdown', 'cyclonedx'])
        .default('text'),
    )
    .addOption(
      new Option('--audit-level <level>', 'exit 1 only for findings at or above this severity').choices([
        'info',
        'low',
        'moderate',
        'high',
        'critical',
      ]),
    )
    .option('--omit <kinds...>', 'leave out dev, optional and/or peer dependencies')
    .option('--ignore-file <file>', `ignore file (default: ${'.nswg-ignore.json'} in the project)`)
    .option('--server <url>', "use an nswg server's API instead of the local database")
    .option('--node-version <version>', 'check this Node.js version instead of the running one')
    .option('--platform <platform>', 'linux, win32, darwin, … (default: this machine)')
    .option('--no-node', 'do not check the Node.js version')
    .option('--output <file>', 'write the report to a file')
    .option('--no-color', 'no colours in the text report')
    .addOption(dbOption())
    .action(runAndExit(async () => (await import('./audit-command.js')).audit));

  program
    .command('check-node')
    .description(
      'the Node.js core advisories that affect a Node.js version (exit 1 when any does), and whether it is end-of-life',
    )
    .argument('[version]', 'Node.js version (default: the running one)')
    .option('--platform <platform>', 'linux, win32, darwin, … (default: this machine)')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(dbOption())
    .action(runAndExit(async () => (await import('./check-node-command.js')).checkNodeCommand));

  const auditLog = program.command('audit-log').description("the disclosure program's append-only audit log");
  const secretFile = () =>
    new Option(
      '--secret-file <file>',
      'the server secret, which authenticates the audit log (default: $NSWG_SECRET_FILE, else ~/.nswg/secret)',
    );
  const anchorFile = () =>
    new Option(
      '--audit-anchor <file>',
      "the audit log's anchor file (default: $NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file)",
    );
  auditLog
    .command('verify')
    .description(
      'check the hash chain, every entry’s MAC and the anchor file: exit 0 when intact, 1 naming the first bad entry',
    )
    .addOption(secretFile())
    .addOption(anchorFile())
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(dbOption())
    .action(run(async () => (await import('./audit-log-command.js')).auditLogVerify));
  auditLog
    .command('anchor')
    .description(
      "append the audit log's head to the anchor file (sealing entries written without the secret)",
    )
    .addOption(secretFile())
    .addOption(anchorFile())
    .addOption(dbOption())
    .action(run(async () => (await import('./audit-log-command.js')).auditLogAnchor));

  const user = program
    .command('user')
    .description(
      "the disclosure program's accounts, on the server's machine: the first admin, team roles, addresses to confirm (every change in the audit log)",
    );
  const userOptions = (c: Command) =>
    c
      .addOption(dbOption())
      .option(
        '--secret-file <file>',
        'the server secret (default: $NSWG_SECRET_FILE, else ~/.nswg/secret): the same file as the server',
      )
      .option(
        '--audit-anchor <file>',
        "the audit log's anchor file (default: $NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file)",
      )
      .option(
        '--public-url <url>',
        "the server's URL, for the links printed (default: the one the server recorded)",
      )
      .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'));
  userOptions(
    user
      .command('add')
      .description(
        'add an account, its address confirmed, with team roles (--role admin for the first admin); prints the link that sets its password',
      )
      .argument('<email>', 'the e-mail address')
      .option('--name <name>', 'the name the team sees (default: the address before the @)')
      .option('--handle <handle>', 'a handle (how the user may be credited)')
      .option('--role <role...>', 'team roles: triage, core-security, admin')
      .option('--password-stdin', 'read the password from standard input instead of printing a link'),
  ).action(run(async () => (await import('./user-commands.js')).userAdd));
  userOptions(
    user
      .command('grant')
      .description('give team roles to a user whose address is confirmed')
      .argument('<email>', 'the e-mail address')
      .argument('<roles...>', 'triage, core-security and/or admin'),
  ).action(
    run(async () => {
      const { userRoles } = await import('./user-commands.js');
      return (email: string, roles: string[], opts: object) => userRoles('grant', email, roles, opts);
    }),
  );
  userOptions(
    user
      .command('revoke')
      .description('take team roles away from a user')
      .argument('<email>', 'the e-mail address')
      .argument('<roles...>', 'triage, core-security and/or admin'),
  ).action(
    run(async () => {
      const { userRoles } = await import('./user-commands.js');
      return (email: string, roles: string[], opts: object) => userRoles('revoke', email, roles, opts);
    }),
  );
  userOptions(
    user
      .command('list')
      .description('the users (unconfirmed addresses first with --unconfirmed, the team with --team)')
      .option('--unconfirmed', 'only accounts whose address is not confirmed')
      .option('--team', 'only users holding a team role'),
  ).action(run(async () => (await import('./user-commands.js')).userList));
  userOptions(
    user
      .command('confirm')
      .description("confirm a user's address on your word (a server that sends no mail)")
      .argument('<email>', 'the e-mail address'),
  ).action(run(async () => (await import('./user-commands.js')).userConfirm));
  userOptions(
    user
      .command('link')
      .description(
        'print a link to send by hand: the confirmation link of an unconfirmed address, else one that sets a new password',
      )
      .argument('<email>', 'the e-mail address')
      .option('--reset', 'a link that sets a new password, even for an unconfirmed address'),
  ).action(run(async () => (await import('./user-commands.js')).userLink));

  program
    .command('serve')
    .description('serve the web pages and the APIs (npm audit endpoints, OSV, bulk data)')
    .option('--port <port>', 'port to listen on (default: $PORT or 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--public-url <url>', 'the URL people reach the server at (default: http://host:port)')
    .option(
      '--upstream-registry <url>',
      'npm registry to pass package metadata requests to (default: none, they get 404)',
    )
    .option('--log-level <level>', 'pino log level', 'info')
    .option('--rate-limit <n>', 'POST API requests per minute per client address (0: no limit)', '1000')
    .option('--max-heap <MiB>', 'JavaScript heap of the server (0: no limit)', '112')
    .option(
      '--smtp-url <url>',
      "send the disclosure program's mail through SMTP: smtp://user:pass@host:587 (default: $NSWG_SMTP_URL, else the outbox admins read)",
    )
    .option('--mail-from <address>', 'the sender of that mail (default: $NSWG_MAIL_FROM)')
    .option(
      '--secret-file <file>',
      'the server secret (signs invitations, authenticates the audit log, seals TOTP secrets; at least 32 characters; default: $NSWG_SECRET_FILE, else ~/.nswg/secret, made on first start)',
    )
    .option(
      '--audit-anchor <file>',
      "append the audit log's head to this file every minute it moved and at shutdown (default: $NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file)",
    )
    .option('--trust-proxy', 'behind a reverse proxy: take client addresses from X-Forwarded-For')
    .option('--scheduler-interval <seconds>', 'how often the disclosure scheduler runs (0: never)', '60')
    .option('--request-timeout <seconds>', 'how long a client may take to send a whole request', '60')
    .option('--headers-timeout <seconds>', "how long a client may take to send a request's headers", '10')
    .option(
      '--keep-alive-timeout <seconds>',
      'how long an idle connection stays open (behind a load balancer: more than its idle timeout)',
      '5',
    )
    .addOption(dbOption())
    .action(run(async () => (await import('./serve-command.js')).serve));

  return program;
}

async function main(): Promise<void> {
  // in the command's bundle (dist/bin/cli.cjs), the server thread that `nswg serve` starts runs
  // this file: loading the serve command starts the server there
  if (process.argv[2] === SERVE_THREAD_ARG && !(await import('node:worker_threads')).isMainThread) {
    await import('./serve-command.js');
    return;
  }
  await buildProgram().parseAsync(process.argv);
}

void main();
