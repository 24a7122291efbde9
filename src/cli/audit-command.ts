import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SEVERITIES } from '../advisories/model.js';
import { NswgError } from '../errors.js';
import {
  type AdvisorySource,
  type AuditReport,
  exitCodeOf,
  IGNORE_FILE_NAME,
  type IgnoreEntry,
  type LockfileContents,
  parseAuditLevel,
  parseOmit,
  runAudit,
} from '../scan/index.js';
import { REPORT_FORMATS } from '../scan/reporters/formats.js';
import { loadRenderer } from '../scan/reporters/load.js';
import { DB_OPTION, runsAndExits } from './command-actions.js';
import type { DbOption } from './context.js';
import { writeStdout } from './output.js';
import { readerSource } from './reader-source.js';
import { VERSION } from './version.js';

export interface AuditCommandOptions extends DbOption {
  format?: string;
  auditLevel?: string;
  omit?: string[];
  ignoreFile?: string;
  server?: string;
  node?: boolean;
  nodeVersion?: string;
  platform?: string;
  output?: string;
  color?: boolean;
}

async function readProject(paths: string[]): Promise<{ root: string; lockfiles: LockfileContents[] }> {
  const { extractLockfile, extractProject } = await import('../files/lockfiles.js');
  const lockfiles: LockfileContents[] = [];
  let root = '';
  for (const p of paths.length ? paths : ['.']) {
    const full = resolve(p);
    if (!existsSync(full))
      throw new NswgError('E_LOCKFILE_MISSING', 'no such file or directory', { file: p });
    if (statSync(full).isDirectory()) {
      lockfiles.push(...(await extractProject(full)));
      root ||= full;
    } else {
      lockfiles.push(await extractLockfile(full));
      root ||= dirname(full);
    }
  }
  return { root, lockfiles };
}

/** `nswg audit`: which installed packages (and which Node.js) the advisories affect. */
export async function audit(paths: string[], opts: AuditCommandOptions): Promise<void> {
  const format = opts.format ?? 'text';
  // start loading what the audit will need at once: one wait instead of one after another (the
  // renderer's loader refuses an unknown format)
  const loading = {
    render: loadRenderer(format),
    // files/'s modules one by one, not its index: the audit reads no advisory files
    extractors: import('../files/lockfiles.js'),
    ignoreFile: import('../files/ignore-file.js'),
    schedule: import('../files/release-schedule.js'),
    target: import('../store/target.js'),
    reader: import('../store/advisories/sqlite-reader.js'),
  };
  for (const p of Object.values(loading)) p.catch(() => {});
  const auditLevel = parseAuditLevel(opts.auditLevel);
  const omit = parseOmit(opts.omit);
  const project = await readProject(paths);
  const ignoreFile = opts.ignoreFile ? resolve(opts.ignoreFile) : join(project.root, IGNORE_FILE_NAME);
  const ignore: IgnoreEntry[] =
    opts.ignoreFile || existsSync(ignoreFile) ? (await loading.ignoreFile).readIgnoreFile(ignoreFile) : [];
  const node =
    opts.node === false
      ? null
      : {
          version: opts.nodeVersion ?? process.version,
          platform: opts.platform ?? process.platform,
          schedule: (await loading.schedule).releaseSchedule(),
        };

  // only the text report has colours; asking whether stdout is a terminal loads the tty module (and
  // with it net and the streams, ~3 ms), which the other formats have no use for
  const color =
    format === 'text' &&
    opts.color !== false &&
    !process.env.NO_COLOR &&
    !opts.output &&
    (await import('node:tty')).isatty(1);
  // audits and writes the report while the source is open: a report may read more of an advisory
  // than matching did (the read-only database's advisories read their full records on first use)
  const advisoryServer = opts.server ?? process.env.NSWG_SERVER;
  const auditAndWrite = async (source: AdvisorySource): Promise<AuditReport> => {
    const report = await runAudit(project.root, project.lockfiles, source, {
      omit,
      ignore,
      auditLevel,
      node,
      today: new Date(),
    });
    const text = (await loading.render)(report, {
      color,
      lockfiles: project.lockfiles,
      omit,
      readLockfile: (f) => {
        try {
          return readFileSync(f, 'utf8');
        } catch {
          return undefined;
        }
      },
      toolVersion: VERSION,
      // the configured server's advisory pages (--server, else $NSWG_SERVER): readable, and its own
      ...(advisoryServer ? { advisoryServer } : {}),
    });
    if (opts.output) writeFileSync(opts.output, text);
    else writeStdout(text);
    return report;
  };
  let report: AuditReport;
  if (opts.server) {
    const { serverSource } = await import('./audit-sources.js');
    report = await auditAndWrite(serverSource(opts.server));
  } else {
    // the store's modules are imported one by one here, not through its index: an audit of an
    // existing SQLite database needs only the read-only path, and loading the rest costs ~50 ms
    const { resolveDbTarget } = await loading.target;
    const target = resolveDbTarget(opts.db);
    const reader =
      target.kind === 'sqlite' ? await (await loading.reader).openSqliteReader(target.file) : null;
    if (reader) {
      try {
        report = await auditAndWrite(readerSource(reader));
      } finally {
        reader.close();
      }
    } else {
      report = await (await import('./audit-sources.js')).withStoreSource(opts, auditAndWrite);
    }
  }
  process.exitCode = exitCodeOf(report);
}

/** One of `nswg audit`'s options: its flags and help as commander reads them. */
interface AuditOption {
  flags: string;
  description: string;
  choices?: readonly string[];
  fallback?: string;
}

/**
 * `nswg audit`'s options, as data: define() gives them to commander, and readPlainArgs reads the
 * plain command lines that use them without it. The first is the command's own `--format`, as
 * command-kit's formatOption makes it; the last, `--db`, is every command's.
 */
const OPTIONS: readonly AuditOption[] = [
  { flags: '--format <format>', description: 'report format', choices: REPORT_FORMATS, fallback: 'text' },
  {
    flags: '--audit-level <level>',
    description: 'exit 1 only for findings at or above this severity',
    choices: SEVERITIES,
  },
  { flags: '--omit <kinds...>', description: 'leave out dev, optional and/or peer dependencies' },
  { flags: '--ignore-file <file>', description: 'ignore file (default: .nswg-ignore.json in the project)' },
  { flags: '--server <url>', description: "use an nswg server's API instead of the local database" },
  { flags: '--node-version <version>', description: 'check this Node.js version instead of the running one' },
  { flags: '--platform <platform>', description: 'linux, win32, darwin, … (default: this machine)' },
  { flags: '--no-node', description: 'do not check the Node.js version' },
  { flags: '--output <file>', description: 'write the report to a file' },
  { flags: '--no-color', description: 'no colours in the text report' },
  DB_OPTION,
];

/**
 * What a plain command line says of an option (see readPlainArgs): its name after `--`, the key of
 * its value in the options (commander's attribute name), and its kind.
 */
export interface PlainOption {
  name: string;
  key: string;
  /** `value`: takes one value; `list`: one or more (`<kinds...>`); `negated`: `--no-x`, which sets `x` to false (true when absent). */
  kind: 'value' | 'list' | 'negated';
  choices?: readonly string[];
  fallback?: string;
}

/** An option's flags as readPlainArgs reads them (the test checks each against commander's own reading). */
function plainOption(o: AuditOption): PlainOption {
  const [, name, arg] = /^--([a-z-]+)(?: <([^>]+)>)?$/.exec(o.flags) ?? [];
  if (!name) throw new Error(`not a plain long option: ${o.flags}`);
  const negated = name.startsWith('no-') && arg === undefined;
  const key = (negated ? name.slice(3) : name).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const kind = negated ? 'negated' : arg?.endsWith('...') ? 'list' : arg ? 'value' : null;
  if (!kind) throw new Error(`not a plain option: ${o.flags}`);
  const out: PlainOption = { name, key, kind };
  if (o.choices) out.choices = o.choices;
  if (o.fallback !== undefined) out.fallback = o.fallback;
  return out;
}

/** `nswg audit`'s options as readPlainArgs reads them. */
export const PLAIN_OPTIONS: readonly PlainOption[] = OPTIONS.map(plainOption);

const PLAIN = new Map(PLAIN_OPTIONS.map((o) => [o.name, o]));

/**
 * The paths and options of a plain `nswg audit` command line (`args`: what follows `audit`), as
 * commander would read them; null for any other, which commander reads then, with its help and its
 * messages. Plain: paths; `--name value` or `--name=value`, the value one of the option's choices
 * if it has any; `--omit a b` (a list takes the words that follow it, as commander does, and
 * repeats add to it); `--no-name`. An empty word or one that starts with `-` where a value or a
 * path would be, a short or unknown option, `--help` and `--` are left to commander. Reading these
 * directly spares the usual audit loading commander and building the whole command line (6 ms of
 * its start).
 */
export function readPlainArgs(
  args: readonly string[],
): { paths: string[]; opts: AuditCommandOptions } | null {
  const opts: Record<string, unknown> = {};
  for (const o of PLAIN.values()) {
    if (o.kind === 'negated') opts[o.key] = true;
    else if (o.fallback !== undefined) opts[o.key] = o.fallback;
  }
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '') return null;
    if (!a.startsWith('-')) {
      paths.push(a);
      continue;
    }
    if (!a.startsWith('--')) return null;
    const eq = a.indexOf('=');
    const o = PLAIN.get(a.slice(2, eq === -1 ? undefined : eq));
    if (!o) return null;
    if (o.kind === 'negated') {
      if (eq !== -1) return null;
      opts[o.key] = false;
      continue;
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (o.choices && !o.choices.includes(value)) return null;
    if (o.kind === 'value') {
      opts[o.key] = value;
      continue;
    }
    const list = (opts[o.key] as string[] | undefined) ?? [];
    list.push(value);
    // `--omit a b …` goes on to the next word that starts with `-` (`--omit=a` takes one)
    if (eq === -1) while (i + 1 < args.length && isWord(args[i + 1]!)) list.push(args[++i]!);
    opts[o.key] = list;
  }
  return { paths, opts: opts as AuditCommandOptions };
}

/** A word a list option takes: what commander would not read as an option (and not empty, which readPlainArgs leaves to it). */
const isWord = (arg: string): boolean => arg !== '' && !arg.startsWith('-');

/** Runs a plain `nswg audit` command line (readPlainArgs) without commander; null: commander reads it. */
export function direct(args: readonly string[]): (() => Promise<void>) | null {
  const plain = readPlainArgs(args);
  return plain && (() => runsAndExits(audit)(plain.paths, plain.opts));
}

/** Defines `nswg audit`: its arguments and options, next to its code. */
export function define(c: Command): void {
  c.description(
    'check a project (lockfiles, node_modules or an SBOM) and the Node.js running it against the advisories',
  ).argument('[paths...]', 'project directories or lockfiles (default: the current directory)');
  // made by the command (commander's factory), so that this module loads none of commander itself
  for (const o of OPTIONS) {
    const option = c.createOption(o.flags, o.description);
    if (o.choices) option.choices(o.choices);
    if (o.fallback !== undefined) option.default(o.fallback);
    c.addOption(option);
  }
  c.action(runsAndExits(audit));
}
