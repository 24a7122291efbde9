import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  type Actor,
  LOCAL_ORIGIN,
  operatorActor,
  TEAM_ROLES,
  type TeamRole,
  type User,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import type { Store } from '../store/index.js';
import { withAuditedDb } from './audit-anchor.js';
import { anchorFileOption, dbOption, formatOption, runs, secretFileOption } from './command-kit.js';
import { type DbOption, printJson } from './context.js';
import { writeStdout } from './output.js';

/** The options of every `nswg user` command. */
export interface UserOptions extends DbOption {
  secretFile?: string;
  auditAnchor?: string;
  publicUrl?: string;
  format?: string;
}

/** The key in meta where `nswg serve` records the URL people reach it at (for the links printed here). */
export const PUBLIC_URL_KEY = 'server.public-url';

/** Who runs the command, for the audit log: the operator, `user@host`. */
export function operator(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {}
  return operatorActor(`${name}@${hostname()}`);
}

const ORIGIN = { ...LOCAL_ORIGIN, userAgent: 'nswg user' };

/**
 * Runs a `nswg user` command with the database and the server secret; what it writes to the audit
 * log is anchored outside the database afterwards, as the server does.
 */
function withAccounts<T>(opts: UserOptions, body: (store: Store) => Promise<T>): Promise<T> {
  return withAuditedDb(opts, 'read', (store) => body(store));
}

async function userByEmail(store: Store, email: string): Promise<User> {
  const u = await store.accounts.byEmail(email);
  if (!u)
    throw new NswgError('E_NOT_FOUND', `no account has the address ${email} (nswg user list shows them)`, {
      field: 'email',
    });
  return u;
}

function checkRoles(roles: string[]): TeamRole[] {
  const bad = roles.filter((r) => !(TEAM_ROLES as readonly string[]).includes(r));
  if (bad.length)
    throw new NswgError('E_USAGE', `unknown role ${bad.join(', ')}: the roles are ${TEAM_ROLES.join(', ')}`, {
      field: 'role',
    });
  return roles as TeamRole[];
}

/** The server's URL for printed links: --public-url, else the one `nswg serve` recorded, else the default. */
async function publicUrl(store: Store, given: string | undefined): Promise<string> {
  const url = given ?? (await store.meta.get(PUBLIC_URL_KEY)) ?? 'http://127.0.0.1:8080';
  return url.replace(/\/+$/, '');
}

/** Reads a password from standard input (one line), for `--password-stdin`. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const describe = (u: User) =>
  `${u.email} (${u.displayName}${u.handle ? `, @${u.handle}` : ''}): ${u.emailVerified ? 'confirmed' : 'NOT confirmed'}, roles: ${u.roles.join(', ') || 'none'}${u.totpEnabled ? ', two factors on' : ''}`;

/**
 * `nswg user add <email>`: an account with its address confirmed on the operator's word, with team
 * roles (`--role admin` makes the first admin). Without --password-stdin it has no password until
 * its holder sets one through the printed link (valid 72 hours), so no password is typed here.
 */
export async function userAdd(
  email: string,
  opts: UserOptions & { name?: string; handle?: string; role?: string[]; passwordStdin?: boolean },
): Promise<void> {
  const roles = checkRoles(opts.role ?? []);
  const password = opts.passwordStdin ? await passwordFromStdin() : null;
  await withAccounts(opts, async (store) => {
    const made = await store.accounts.createAccount(
      operator(),
      { email, displayName: opts.name ?? '', handle: opts.handle ?? null, password, roles },
      ORIGIN,
    );
    const base = await publicUrl(store, opts.publicUrl);
    const link = made.setPasswordToken
      ? `${base}/disclosure/password-reset/${encodeURIComponent(made.setPasswordToken)}`
      : null;
    if (opts.format === 'json') return printJson({ user: made.user, setPasswordLink: link });
    writeStdout(`nswg: added ${describe(made.user)}\n`);
    if (link)
      writeStdout(
        `Send this link to ${made.user.email} (it works once, for 72 hours) to choose a password:\n${link}\n`,
      );
    if (roles.length)
      writeStdout(
        'Team roles take effect once the user has turned two-factor authentication on (their account page) and logged in with a code.\n',
      );
  });
}

/** `nswg user grant <email> <role...>` and `nswg user revoke <email> <role...>`: team roles, audited. */
export async function userRoles(
  change: 'grant' | 'revoke',
  email: string,
  roles: string[],
  opts: UserOptions,
): Promise<void> {
  const asked = checkRoles(roles);
  await withAccounts(opts, async (store) => {
    const u = await userByEmail(store, email);
    const next =
      change === 'grant' ? [...new Set([...u.roles, ...asked])] : u.roles.filter((r) => !asked.includes(r));
    const after = await store.accounts.setRoles(operator(), u.id, next, ORIGIN);
    if (opts.format === 'json') return printJson(after);
    writeStdout(`nswg: ${describe(after)}\n`);
  });
}

/** `nswg user list`: the users, or those not confirmed, or the team. */
export async function userList(opts: UserOptions & { unconfirmed?: boolean; team?: boolean }): Promise<void> {
  await withAccounts(opts, async (store) => {
    const users = await store.accounts.listUsers(operator(), {
      ...(opts.unconfirmed ? { confirmed: false } : {}),
      ...(opts.team ? { team: true } : {}),
    });
    if (opts.format === 'json') return printJson(users);
    writeStdout(users.length ? `${users.map(describe).join('\n')}\n` : 'nswg: no user\n');
  });
}

/** `nswg user confirm <email>`: confirms an address on the operator's word (a server without mail). */
export async function userConfirm(email: string, opts: UserOptions): Promise<void> {
  await withAccounts(opts, async (store) => {
    const u = await userByEmail(store, email);
    const after = await store.accounts.confirmEmail(operator(), u.id, ORIGIN);
    if (opts.format === 'json') return printJson(after);
    writeStdout(`nswg: confirmed ${describe(after)}\n`);
  });
}

/**
 * `nswg user link <email>`: a link to hand over by hand — the confirmation link of an address not
 * confirmed, else (or with --reset) a link that sets a new password.
 */
export async function userLink(email: string, opts: UserOptions & { reset?: boolean }): Promise<void> {
  await withAccounts(opts, async (store) => {
    const u = await userByEmail(store, email);
    const purpose = opts.reset || u.emailVerified ? 'reset-password' : 'verify-email';
    const made = await store.accounts.issueLink(operator(), u.id, purpose, ORIGIN);
    const base = await publicUrl(store, opts.publicUrl);
    const path = purpose === 'verify-email' ? 'verify-email' : 'password-reset';
    const link = `${base}/disclosure/${path}/${encodeURIComponent(made.token)}`;
    if (opts.format === 'json') return printJson({ purpose, link, expiresHours: made.expiresHours });
    writeStdout(
      `Send this link to ${u.email} (it works once, for ${made.expiresHours} hours) to ${purpose === 'verify-email' ? 'confirm the address' : 'set a new password'}:\n${link}\n`,
    );
  });
}

/** Defines `nswg user` and its subcommands. */
export function define(user: Command): void {
  user.description(
    "the disclosure program's accounts, on the server's machine: the first admin, team roles, addresses to confirm (every change in the audit log)",
  );
  const withOptions = (c: Command) =>
    c
      .addOption(dbOption())
      .addOption(secretFileOption())
      .addOption(anchorFileOption())
      .option(
        '--public-url <url>',
        "the server's URL, for the links printed (default: the one the server recorded)",
      )
      .addOption(formatOption(['text', 'json']));
  withOptions(
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
  ).action(runs(userAdd));
  for (const [change, what] of [
    ['grant', 'give team roles to a user whose address is confirmed'],
    ['revoke', 'take team roles away from a user'],
  ] as const)
    withOptions(
      user
        .command(change)
        .description(what)
        .argument('<email>', 'the e-mail address')
        .argument('<roles...>', 'triage, core-security and/or admin'),
    ).action(
      runs((email: string, roles: string[], opts: UserOptions) => userRoles(change, email, roles, opts)),
    );
  withOptions(
    user
      .command('list')
      .description('the users (unconfirmed addresses first with --unconfirmed, the team with --team)')
      .option('--unconfirmed', 'only accounts whose address is not confirmed')
      .option('--team', 'only users holding a team role'),
  ).action(runs(userList));
  withOptions(
    user
      .command('confirm')
      .description("confirm a user's address on your word (a server that sends no mail)")
      .argument('<email>', 'the e-mail address'),
  ).action(runs(userConfirm));
  withOptions(
    user
      .command('link')
      .description(
        'print a link to send by hand: the confirmation link of an unconfirmed address, else one that sets a new password',
      )
      .argument('<email>', 'the e-mail address')
      .option('--reset', 'a link that sets a new password, even for an unconfirmed address'),
  ).action(runs(userLink));
}
